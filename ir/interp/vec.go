package interp

import "ferry/ir"

// evalVec computes FP and Advanced SIMD ops (ir.OpVecBase and above).
func evalVec(cpu *ir.CPU, in *ir.Inst, a, b, c [2]uint64) [2]uint64 {
	switch in.Op {
	}
	panic("interp: unknown op " + in.Op.String())
}
