package interp

import (
	"math/rand"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"ferry/ir"
)

// randomBlock builds a block of integer, flag and memory ops over guest
// registers, with loads and stores confined to buf.
func randomBlock(rng *rand.Rand, buf []byte) *ir.Block {
	b := ir.NewBuilder(0x1000)
	base := uint64(uintptr(unsafe.Pointer(&buf[0])))
	var i64s, i32s []ir.Value
	edges := []uint64{0, 1, 31, 32, 63, 64, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 63, ^uint64(0)}
	for r := 0; r < 6; r++ {
		i64s = append(i64s, b.GetReg(r))
	}
	pick := func(vs []ir.Value) ir.Value { return vs[rng.Intn(len(vs))] }
	ops := []ir.Op{ir.OpAdd, ir.OpSub, ir.OpAnd, ir.OpOr, ir.OpXor, ir.OpShl, ir.OpLShr, ir.OpAShr, ir.OpMul, ir.OpRotR}
	for n := 0; n < 40; n++ {
		b.InsnStart(0x1000 + uint64(n)*4)
		switch k := rng.Intn(12); {
		case k < 4:
			t, vs := ir.I64, &i64s
			if len(i32s) > 0 && rng.Intn(2) == 0 {
				t, vs = ir.I32, &i32s
			}
			v := b.Emit(ops[rng.Intn(len(ops))], t, 0, 0, pick(*vs), pick(*vs))
			*vs = append(*vs, v)
		case k == 4:
			i64s = append(i64s, b.Const(ir.I64, edges[rng.Intn(len(edges))]))
			i32s = append(i32s, b.Const(ir.I32, edges[rng.Intn(len(edges))]))
		case k == 5:
			x := pick(i64s)
			i32s = append(i32s, b.Emit(ir.OpTrunc, ir.I32, 0, 0, x))
			i64s = append(i64s, b.Emit(ir.OpSExt32, ir.I64, 0, 0, pick(i32s)),
				b.Emit(ir.OpZExt32, ir.I64, 0, 0, pick(i32s)))
			i64s = append(i64s, b.Emit(ir.OpZExtBits, ir.I64, []int64{8, 16, 32}[rng.Intn(3)], 0, x),
				b.Emit(ir.OpSExtBits, ir.I64, []int64{8, 16, 32}[rng.Intn(3)], 0, x), b.Un(ir.OpNot, x))
			i32s = append(i32s, b.Un(ir.OpNot, pick(i32s)))
		case k == 6:
			vs := i64s
			if len(i32s) > 0 && rng.Intn(2) == 0 {
				vs = i32s
			}
			x, y := pick(vs), pick(vs)
			fl := b.Emit([]ir.Op{ir.OpFlagsSub, ir.OpFlagsAdd, ir.OpFlagsLogic}[rng.Intn(3)], ir.I32, 0, 0, x, y)
			b.SetNZCV(fl)
			c := b.CondHolds(fl, rng.Intn(16))
			i32s = append(i32s, c)
			i64s = append(i64s, b.Select(c, pick(i64s), pick(i64s)))
		case k == 7:
			i32s = append(i32s, b.Cmp(ir.Pred(rng.Intn(2)), pick(i64s), pick(i64s)))
		case k == 8 || k == 9:
			size := []int{1, 2, 4, 8}[rng.Intn(4)]
			addr := b.Const(ir.I64, base+uint64(rng.Intn(len(buf)-8)))
			if k == 8 {
				i64s = append(i64s, b.Load(addr, size, rng.Intn(2) == 0))
			} else {
				b.Store(addr, pick(i64s), size)
			}
		default:
			b.SetReg(rng.Intn(8), pick(i64s))
		}
	}
	b.Jump(0x2000)
	return b.B
}

func guestBuffer(t *testing.T, n int) []byte {
	b, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Munmap(b) })
	return b
}

func TestSpecialisedStepsMatchEvalInst(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	// Guest memory is never Go memory: map the buffers like guest pages
	// (this also keeps -race's checkptr from rejecting guest pointers).
	bufA, bufB := guestBuffer(t, 256), guestBuffer(t, 256)
	for iter := 0; iter < 3000; iter++ {
		var cpu ir.CPU
		for r := range cpu.X {
			cpu.X[r] = rng.Uint64() >> uint(rng.Intn(64))
		}
		rng.Read(bufA)
		copy(bufB, bufA)
		// The same block twice from one seed, each addressing its own
		// buffer: one runs specialised steps, the other evalInst only.
		seed := rng.Int63()
		blkA := randomBlock(rand.New(rand.NewSource(seed)), bufA)
		blkB := randomBlock(rand.New(rand.NewSource(seed)), bufB)
		ca, cb := cpu, cpu
		ra := run(&frame{cpu: &ca, v: make([][2]uint64, len(blkA.Insts))}, blkA, compile(blkA, true))
		rb := run(&frame{cpu: &cb, v: make([][2]uint64, len(blkB.Insts))}, blkB, compile(blkB, false))
		if ra != rb || ca != cb || string(bufA) != string(bufB) {
			t.Fatalf("iteration %d: specialised and reference differ\n%s\nX a=%x\nX b=%x\nnzcv %x %x", iter, blkA, ca.X[:8], cb.X[:8], ca.NZCV, cb.NZCV)
		}
	}
}
