package ir

// FP and Advanced SIMD ops. Values are V128: a scalar FP operand is the low
// lane of a V128, and every scalar FP result zeroes the rest of the vector,
// exactly as AArch64 writes a scalar destination register.
const (
	OpVecBase Op = 256 + iota
)

func init() {
	registerOpNames(map[Op]string{})
}

// vecHasSideEffects: vector ops are pure unless listed here.
func vecHasSideEffects(o Op) bool { return false }
