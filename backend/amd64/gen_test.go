package amd64

import (
	"math"
	"math/rand/v2"
	"unsafe"

	"golang.org/x/sys/unix"

	"ferry/ir"
)

// Random IR generation for differential tests against ir/interp.

// testMem is a guest-visible buffer outside the Go heap for generated loads
// and stores (guest addresses are host addresses).
type testMem struct {
	buf   []byte
	guard uint64 // address of an inaccessible page right after buf
}

const testMemSize = 1 << 16

func newTestMem() *testMem {
	b, err := unix.Mmap(-1, 0, testMemSize+4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		panic(err)
	}
	if err := unix.Mprotect(b[testMemSize:], unix.PROT_NONE); err != nil {
		panic(err)
	}
	m := &testMem{buf: b[:testMemSize]}
	m.guard = m.base() + testMemSize
	return m
}

func (m *testMem) base() uint64 { return uint64(uintptr(unsafe.Pointer(&m.buf[0]))) }

var edge64 = []uint64{
	0, 1, 2, 3, 31, 32, 63, 64, 65, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
	0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x100000000, 0x1_0000_0001,
	math.MaxInt64, 1 << 63, 1<<63 + 1, math.MaxUint64, math.MaxUint64 - 1,
	0x20000000, 0x60000000, 0xf0000000, 0x90000000, 0x50000000, 0x0123456789abcdef,
	0xfedcba9876543210, 0xfffffffe, 0xffff_ffff_8000_0000,
}

// gen builds random blocks.
type gen struct {
	r    *rand.Rand
	b    *ir.Builder
	v32  []ir.Value
	v64  []ir.Value
	nzcv []ir.Value // I32 values that look like NZCV words
	bool []ir.Value
	vec  []ir.Value
	mem  *testMem
	// cpu says which vector ops the JIT compiles (by host feature).
	cpu caps
	// fpOnly makes blocks of FP instructions (and a few FPCR/FPSR
	// accesses) only.
	fpOnly bool
	// fpcrWritten: the block wrote FPCR, so FP ops that depend on it
	// would keep the block from being compiled.
	fpcrWritten bool
}

func (g *gen) edge() uint64 {
	switch g.r.IntN(4) {
	case 0:
		return g.r.Uint64()
	case 1:
		return uint64(g.r.IntN(70))
	default:
		return edge64[g.r.IntN(len(edge64))]
	}
}

func (g *gen) add(v ir.Value) ir.Value {
	switch g.b.TypeOf(v) {
	case ir.I32:
		g.v32 = append(g.v32, v)
	case ir.I64:
		g.v64 = append(g.v64, v)
	}
	return v
}

func (g *gen) pick(t ir.Type) ir.Value {
	vs := g.v64
	if t == ir.I32 {
		vs = g.v32
	}
	if len(vs) == 0 || g.r.IntN(8) == 0 {
		return g.add(g.b.Const(t, g.edge()))
	}
	// Prefer recent values so chains of dependent ops form.
	if g.r.IntN(2) == 0 && len(vs) > 4 {
		return vs[len(vs)-1-g.r.IntN(4)]
	}
	return vs[g.r.IntN(len(vs))]
}

func (g *gen) typ() ir.Type {
	if g.r.IntN(2) == 0 {
		return ir.I32
	}
	return ir.I64
}

func (g *gen) pickNZCV() ir.Value {
	if g.r.IntN(8) == 0 {
		return g.pick(ir.I32) // any I32 is a legal NZCV operand
	}
	if len(g.nzcv) == 0 || g.r.IntN(6) == 0 {
		v := g.b.Const(ir.I32, uint64(g.r.IntN(16))<<28)
		g.nzcv = append(g.nzcv, v)
		return v
	}
	return g.nzcv[g.r.IntN(len(g.nzcv))]
}

func (g *gen) pickBool() ir.Value {
	if len(g.bool) == 0 || g.r.IntN(5) == 0 {
		var v ir.Value
		if g.r.IntN(2) == 0 {
			t := g.typ()
			v = g.b.Cmp(ir.Pred(g.r.IntN(10)), g.pick(t), g.pick(t))
		} else {
			v = g.b.CondHolds(g.pickNZCV(), g.r.IntN(16))
		}
		g.bool = append(g.bool, v)
		return v
	}
	return g.bool[g.r.IntN(len(g.bool))]
}

// addr returns an I64 address inside the test buffer aligned to align.
func (g *gen) addr(align uint64) ir.Value {
	off := uint64(g.r.IntN(testMemSize/2)) &^ (align - 1)
	base := g.mem.base()
	if g.r.IntN(2) == 0 {
		return g.b.Const(ir.I64, base+off)
	}
	// A computed address: base + (x & mask), so registers flow into it,
	// in the shapes the code generator folds into addressing modes:
	// p + disp, (p + d1) + d2 and p + (i << k).
	m := g.b.Const(ir.I64, uint64(testMemSize/4-1)&^(align-1))
	x := g.b.Bin(ir.OpAnd, g.pick(ir.I64), m)
	p := g.b.Bin(ir.OpAdd, x, g.b.Const(ir.I64, base))
	switch g.r.IntN(4) {
	case 1:
		return g.b.Bin(ir.OpAdd, p, g.b.Const(ir.I64, uint64(g.r.IntN(testMemSize/8))&^(align-1)))
	case 2:
		q := g.b.Bin(ir.OpAdd, p, g.b.Const(ir.I64, uint64(g.r.IntN(testMemSize/16))&^(align-1)))
		return g.b.Bin(ir.OpAdd, g.b.Const(ir.I64, uint64(g.r.IntN(testMemSize/16))&^(align-1)), q)
	case 3:
		k := uint64(g.r.IntN(4))
		i := g.b.Bin(ir.OpAnd, g.pick(ir.I64), g.b.Const(ir.I64, uint64(testMemSize/64-1)&^(align-1)))
		sh := g.b.Bin(ir.OpShl, i, g.b.Const(ir.I64, k))
		if g.r.IntN(2) == 0 {
			return g.b.Bin(ir.OpAdd, sh, p)
		}
		return g.b.Bin(ir.OpAdd, p, sh)
	}
	return p
}

var binOps = []ir.Op{ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpUDiv, ir.OpSDiv, ir.OpAnd, ir.OpOr,
	ir.OpXor, ir.OpShl, ir.OpLShr, ir.OpAShr, ir.OpRotR}
var unOps = []ir.Op{ir.OpNot, ir.OpNeg, ir.OpClz, ir.OpCls, ir.OpRbit, ir.OpBswap}
var sizes = []int{1, 2, 4, 8}

// step appends one random instruction (or a short group).
func (g *gen) step() {
	b := g.b
	if g.fpOnly {
		switch g.r.IntN(24) {
		case 0:
			g.add(b.GetSys(ir.SysFPSR))
		case 1:
			b.SetSys(ir.SysFPSR, b.Const(ir.I64, uint64(g.r.IntN(2))*g.r.Uint64()))
		case 2:
			g.add(b.GetSys(ir.SysFPCR))
		default:
			g.fpStep()
		}
		return
	}
	if g.r.IntN(4) == 0 {
		g.vecStep()
		return
	}
	switch g.r.IntN(30) {
	case 0:
		g.add(b.GetReg(g.r.IntN(32)))
	case 1:
		b.SetReg(g.r.IntN(32), g.pick(ir.I64))
	case 2:
		v := b.GetNZCV()
		g.add(v)
		g.nzcv = append(g.nzcv, v)
	case 3:
		b.SetNZCV(g.pickNZCV())
	case 4:
		g.add(b.GetSys(ir.SysReg(g.r.IntN(3))))
	case 5:
		r := ir.SysReg(g.r.IntN(3))
		if r == ir.SysFPCR {
			if g.r.IntN(8) != 0 {
				r = ir.SysTPIDR
			} else {
				// FP ops after an FPCR write are not compiled in the
				// same block; later FP steps emit sign operations only.
				g.fpcrWritten = true
			}
		}
		b.SetSys(r, g.pick(ir.I64))
	case 6, 7, 8, 9:
		t := g.typ()
		g.add(b.Bin(binOps[g.r.IntN(len(binOps))], g.pick(t), g.pick(t)))
	case 10:
		op := ir.OpUMulHi
		if g.r.IntN(2) == 0 {
			op = ir.OpSMulHi
		}
		g.add(b.Bin(op, g.pick(ir.I64), g.pick(ir.I64)))
	case 11:
		g.add(b.Un(unOps[g.r.IntN(len(unOps))], g.pick(g.typ())))
	case 12:
		switch g.r.IntN(3) {
		case 0:
			g.add(b.Emit(ir.OpZExt32, ir.I64, 0, 0, g.pick(ir.I32)))
		case 1:
			g.add(b.Emit(ir.OpSExt32, ir.I64, 0, 0, g.pick(ir.I32)))
		case 2:
			g.add(b.Emit(ir.OpTrunc, ir.I32, 0, 0, g.pick(ir.I64)))
		}
	case 13:
		t := g.typ()
		bitsN := []int64{8, 16, 32}[g.r.IntN(3)]
		if t == ir.I32 && bitsN == 32 {
			bitsN = 16
		}
		op := ir.OpZExtBits
		if g.r.IntN(2) == 0 {
			op = ir.OpSExtBits
		}
		g.add(b.Emit(op, t, bitsN, 0, g.pick(t)))
	case 14, 15:
		t := g.typ()
		g.add(b.Select(g.pickBool(), g.pick(t), g.pick(t)))
	case 16:
		g.pickBool()
		g.add(g.bool[len(g.bool)-1])
	case 17, 18:
		t := g.typ()
		ops := []ir.Op{ir.OpFlagsAdd, ir.OpFlagsSub, ir.OpFlagsLogic, ir.OpFlagsAdc, ir.OpFlagsSbc}
		var v ir.Value
		switch op := ops[g.r.IntN(len(ops))]; op {
		case ir.OpFlagsLogic:
			v = b.Emit(op, ir.I32, 0, 0, g.pick(t))
		case ir.OpFlagsAdc, ir.OpFlagsSbc:
			v = b.Emit(op, ir.I32, 0, 0, g.pick(t), g.pick(t), g.pickNZCV())
		default:
			v = b.Emit(op, ir.I32, 0, 0, g.pick(t), g.pick(t))
		}
		g.nzcv = append(g.nzcv, v)
		if g.r.IntN(2) == 0 {
			b.SetNZCV(v)
		}
		if g.r.IntN(2) == 0 {
			c := b.CondHolds(v, g.r.IntN(16))
			g.bool = append(g.bool, c)
		}
	case 19:
		t := g.typ()
		op := ir.OpAdc
		if g.r.IntN(2) == 0 {
			op = ir.OpSbc
		}
		g.add(b.Emit(op, t, 0, 0, g.pick(t), g.pick(t), g.pickNZCV()))
	case 20, 21:
		size := sizes[g.r.IntN(4)]
		g.add(b.Load(g.addr(1), size, g.r.IntN(2) == 0 && size < 8))
	case 22, 23:
		b.Store(g.addr(1), g.pick(ir.I64), sizes[g.r.IntN(4)])
	case 24:
		size := sizes[g.r.IntN(4)]
		g.add(b.Emit(ir.OpLoadExcl, ir.I64, int64(size), 0, g.addr(uint64(size))))
	case 25:
		size := sizes[g.r.IntN(4)]
		var a ir.Value
		if g.r.IntN(2) == 0 {
			// Target the reservation taken by the CPU state, if any.
			a = g.b.Const(ir.I64, g.mem.base()+uint64(testMemSize/2))
		} else {
			a = g.addr(uint64(size))
		}
		g.add(b.Emit(ir.OpStoreExcl, ir.I32, int64(size), 0, a, g.pick(ir.I64)))
	case 26:
		switch g.r.IntN(4) {
		case 0:
			g.add(b.Emit(ir.OpLoadExclPair, ir.I64, 8, 0, g.addr(16)))
			g.add(b.Emit(ir.OpExclSecond, ir.I64, 0, 0))
		case 1:
			g.add(b.Emit(ir.OpStoreExclPair, ir.I32, 8, 0, g.addr(16), g.pick(ir.I64), g.pick(ir.I64)))
		case 2:
			b.Emit(ir.OpClearExcl, ir.TNone, 0, 0)
		case 3:
			b.Emit(ir.OpFence, ir.TNone, int64(g.r.IntN(3)), 0)
		}
	case 27, 28:
		size := sizes[g.r.IntN(4)]
		op := ir.AtomicOp(g.r.IntN(int(ir.AtomicCAS) + 1))
		a := g.addr(uint64(size))
		if op == ir.AtomicCAS {
			exp := g.pick(ir.I64)
			if g.r.IntN(2) == 0 {
				exp = g.b.Load(a, size, false) // make the CAS succeed
			}
			g.add(b.Emit(ir.OpAtomic, ir.I64, int64(size), int64(op), a, exp, g.pick(ir.I64)))
		} else {
			g.add(b.Emit(ir.OpAtomic, ir.I64, int64(size), int64(op), a, g.pick(ir.I64)))
		}
	case 29:
		b.InsnStart(g.b.B.PC + uint64(4*g.r.IntN(16)))
		if g.r.IntN(10) == 0 {
			// A faulting access, sometimes straddling into the guard page.
			a := b.Const(ir.I64, g.mem.guard-uint64(g.r.IntN(4)))
			if g.r.IntN(2) == 0 {
				g.add(b.Load(a, 8, false))
			} else {
				b.Store(a, g.pick(ir.I64), 8)
			}
		}
	}
}

// block generates a random block of about n steps at pc.
func (g *gen) block(pc uint64, n int) *ir.Block {
	g.b = ir.NewBuilder(pc)
	g.v32, g.v64, g.nzcv, g.bool, g.vec = nil, nil, nil, nil, nil
	g.fpcrWritten = false
	g.b.InsnStart(pc)
	var live []ir.Value
	if n >= 300 {
		// Register pressure: more values live across the whole block
		// than there are host registers, so some must be spilled.
		for r := 0; r < 14; r++ {
			live = append(live, g.add(g.b.GetReg(r)))
		}
	}
	for i := 0; i < n; i++ {
		g.step()
	}
	b := g.b
	if len(live) > 0 {
		sum := live[0]
		for _, v := range live[1:] {
			sum = b.Bin(ir.OpXor, b.Bin(ir.OpRotR, sum, b.Const(ir.I64, 7)), v)
		}
		b.SetReg(20, sum)
	}
	switch g.r.IntN(8) {
	case 0:
		b.Jump(pc + 0x1000)
	case 1, 2, 3:
		b.CondJump(g.pickBool(), pc+0x2000, pc+0x3000)
	case 4:
		// Non-boolean conditions are legal too (any non-zero I32).
		b.CondJump(g.pick(ir.I32), pc+0x2000, pc+0x3000)
	case 5:
		a := b.Bin(ir.OpAnd, g.pick(ir.I64), b.Const(ir.I64, 0xff0))
		b.Indirect(b.Bin(ir.OpAdd, a, b.Const(ir.I64, pc+0x10000)))
	case 6:
		b.Syscall(pc + 4)
	case 7:
		b.Trap(ir.TrapKind(g.r.IntN(2)), pc+8, g.r.Uint64())
	}
	b.B.End = pc + uint64(4*n)
	b.B.NInsns = n
	return b.B
}

// randomCPU fills a CPU with random guest state. The exclusive monitor
// sometimes holds a reservation on the buffer's middle, where generated
// store-exclusives aim half of the time.
func randomCPU(r *rand.Rand, m *testMem) ir.CPU {
	var c ir.CPU
	for i := range c.X {
		c.X[i] = edge64[r.IntN(len(edge64))]
		if r.IntN(2) == 0 {
			c.X[i] = r.Uint64()
		}
	}
	for i := range c.V {
		c.V[i] = [2]uint64{r.Uint64(), edge64[r.IntN(len(edge64))]}
	}
	c.NZCV = uint64(r.IntN(16)) << 28
	if r.IntN(8) == 0 {
		c.NZCV |= r.Uint64() & 0x0fffffff // junk below the flags
	}
	c.TPIDR = r.Uint64()
	// Mostly clear cumulative flags, so that a missing flag shows.
	if r.IntN(4) == 0 {
		c.FPSR = r.Uint64()
	}
	// Any rounding mode and junk in unused bits; FZ and DN (which compiled
	// FP code leaves to the interpreter) only now and then.
	c.FPCR = r.Uint64() &^ (ir.FPCRFZ | ir.FPCRDN)
	if r.IntN(8) == 0 {
		c.FPCR |= ir.FPCRFZ
	}
	if r.IntN(8) == 0 {
		c.FPCR |= ir.FPCRDN
	}
	if r.IntN(2) == 0 {
		c.ExclAddr = m.base() + uint64(testMemSize/2)
		c.ExclSize = []uint64{1, 2, 4, 8, 16}[r.IntN(5)]
		c.ExclVal[0] = *(*uint64)(unsafe.Pointer(&m.buf[testMemSize/2]))
		c.ExclVal[1] = *(*uint64)(unsafe.Pointer(&m.buf[testMemSize/2+8]))
		if c.ExclSize < 8 {
			c.ExclVal[0] &= 1<<(8*c.ExclSize) - 1
		}
		if r.IntN(4) == 0 {
			c.ExclVal[0] = r.Uint64()
		}
	}
	return c
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func (g *gen) pickVec() ir.Value {
	if len(g.vec) == 0 || g.r.IntN(8) == 0 {
		var v ir.Value
		if g.r.IntN(2) == 0 {
			v = g.b.GetV(g.r.IntN(32))
		} else {
			v = g.b.ConstV128(g.edge(), g.edge())
		}
		g.vec = append(g.vec, v)
		return v
	}
	return g.vec[g.r.IntN(len(g.vec))]
}

var vecBinOps = []ir.Op{ir.OpVAnd, ir.OpVOr, ir.OpVXor, ir.OpVAndNot, ir.OpVOrNot,
	ir.OpVAdd, ir.OpVSub, ir.OpVMul, ir.OpVUMax, ir.OpVUMin, ir.OpVSMax, ir.OpVSMin,
	ir.OpVCmpEq, ir.OpVCmpSGt, ir.OpVCmpSGe, ir.OpVCmpTst, ir.OpVCmpUGt, ir.OpVCmpUGe,
	ir.OpVUAbd, ir.OpVSAbd, ir.OpVUQAdd, ir.OpVUQSub, ir.OpVSQAdd, ir.OpVSQSub,
	ir.OpVUzp1, ir.OpVUzp2, ir.OpVZip1, ir.OpVZip2, ir.OpVTrn1, ir.OpVTrn2, ir.OpVCombine}

// vecStep appends a random V128 instruction the JIT compiles.
func (g *gen) vecStep() {
	b := g.b
	size := int64(g.r.IntN(4))
	full := int64(g.r.IntN(2))
	var v ir.Value
	switch g.r.IntN(19 + 6) {
	case 19, 20, 21, 22, 23, 24:
		g.fpStep()
		return
	case 16:
		op := []ir.Op{ir.OpVCnt, ir.OpVAbs, ir.OpVUxtl, ir.OpVSxtl}[g.r.IntN(4)]
		aux2 := int64(0)
		if op == ir.OpVUxtl || op == ir.OpVSxtl {
			size = min(size, 2)
			aux2 = full
		}
		v = b.Emit(op, ir.V128, size, aux2, g.pickVec())
	case 17:
		op := []ir.Op{ir.OpVAddV, ir.OpVUMaxV, ir.OpVUMinV, ir.OpVSMaxV, ir.OpVSMinV, ir.OpVUAddLV}[g.r.IntN(6)]
		v = b.Emit(op, ir.V128, min(size, 2), full, g.pickVec())
	case 18:
		// TBL/TBX: indices mostly in range, some beyond 15.
		idx := g.b.ConstV128(g.r.Uint64()&0x0f0f0f0f0f0f0f0f|g.r.Uint64()&0x9010901090109010, g.r.Uint64()&0x1f1f1f1f1f1f1f1f)
		if g.r.IntN(3) == 0 {
			idx = g.pickVec()
		}
		v = b.Emit(ir.OpVTbx, ir.V128, 0, 0, g.pickVec(), g.pickVec(), idx)
	case 0:
		b.SetV(g.r.IntN(32), g.pickVec())
		return
	case 1:
		sz := []int{1, 2, 4, 8, 16}[g.r.IntN(5)]
		v = b.LoadV(g.addr(1), sz)
	case 2:
		b.StoreV(g.addr(1), g.pickVec(), []int{1, 2, 4, 8, 16}[g.r.IntN(5)])
		return
	case 3:
		v = b.Emit(ir.OpVFromI64, ir.V128, 0, 0, g.pick(ir.I64))
	case 4:
		g.add(b.Emit(ir.OpVExtractLane, ir.I64, size, int64(g.r.IntN(16>>size)), g.pickVec()))
		return
	case 5, 6, 7, 8:
		op := vecBinOps[g.r.IntN(len(vecBinOps))]
		v = b.Emit(op, ir.V128, size, full, g.pickVec(), g.pickVec())
	case 9:
		v = b.Emit([]ir.Op{ir.OpVNot, ir.OpVNeg}[g.r.IntN(2)], ir.V128, size, 0, g.pickVec())
	case 10:
		v = b.Emit(ir.OpVBsl, ir.V128, 0, 0, g.pickVec(), g.pickVec(), g.pickVec())
	case 11:
		op := []ir.Op{ir.OpVShlI, ir.OpVLShrI, ir.OpVAShrI}[g.r.IntN(3)]
		sh := int64(g.r.IntN(8<<size + 1))
		if op == ir.OpVShlI && sh == 8<<size {
			sh-- // SHL immediates stop at width-1
		}
		v = b.Emit(op, ir.V128, size, sh, g.pickVec())
	case 12:
		n := int64(16)
		if full == 0 {
			n = 8
		}
		v = b.Emit(ir.OpVExt, ir.V128, int64(g.r.IntN(int(n))), full, g.pickVec(), g.pickVec())
	case 13:
		if size == 3 {
			size = 2
		}
		v = b.Emit(ir.OpVXtn, ir.V128, size, 0, g.pickVec())
	case 14:
		container := int64(1 + g.r.IntN(3))
		v = b.Emit(ir.OpVRev, ir.V128, int64(g.r.IntN(int(container))), container, g.pickVec())
	case 15:
		lanes := 16 >> size
		switch g.r.IntN(3) {
		case 0:
			v = b.Emit(ir.OpVDupLane, ir.V128, size, int64(g.r.IntN(lanes)), g.pickVec())
		case 1:
			v = b.Emit(ir.OpVInsLane, ir.V128, size, int64(g.r.IntN(lanes)|g.r.IntN(lanes)<<8), g.pickVec(), g.pickVec())
		case 2:
			v = b.Emit(ir.OpVZextLow, ir.V128, []int64{1, 2, 4, 8}[g.r.IntN(4)], 0, g.pickVec())
		}
	}
	if in := &b.B.Insts[v]; in.Op >= ir.OpVecBase && !vecSupported(in, g.cpu) {
		b.B.Insts = b.B.Insts[:v] // a lane size the JIT leaves to the interpreter
		return
	}
	g.vec = append(g.vec, v)
}

// FP edge values: zeros, infinities, quiet and signalling NaNs with
// payloads, denormals, MinNormal and neighbours whose products, sums and
// quotients round to it (where x86 and Arm detect underflow differently),
// the largest finite values, halfway cases for rounding, and the
// boundaries of every integer conversion.
var fpEdge32 = []uint64{
	0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fc12345, 0xffc00001,
	0x7f800001, 0xff812345, 0x7fbfffff, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff,
	0x00800000, 0x80800000, 0x00800001, 0x00ffffff, 0x80ffffff, 0x01000000, 0x3f000000,
	0xbf000000, 0x3effffff, 0x3f7fffff, 0x3f7ffffe, 0x3f800000, 0xbf800000, 0x3f800001, 0x3fc00000,
	0x40200000, 0xbfc00000, 0x7f7fffff, 0xff7fffff, 0x4effffff, 0x4f000000, 0xcf000000,
	0xcf000001, 0x4f7fffff, 0x4f800000, 0x5effffff, 0x5f000000, 0xdf000000, 0x5f7fffff,
	0x5f800000, 0x34000000, 0x33800000, 0x40490fdb, 0x3eaaaaab, 0x4b000001, 0x4b800001,
}

var fpEdge64 = []uint64{
	0, 1 << 63, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000,
	0x7ff8000000012345, 0xfff8000000000001, 0x7ff0000000000001, 0xfff0000000012345,
	0x7ff7ffffffffffff, 1, 1<<63 | 1, 0x000fffffffffffff, 0x0010000000000000, 0x8010000000000000,
	0x0010000000000001, 0x001fffffffffffff, 0x801fffffffffffff, 0x0020000000000000,
	0x3fe0000000000000, 0xbfe0000000000000, 0x3fdfffffffffffff, 0x3fefffffffffffff, 0x3feffffffffffffe,
	0x3ff0000000000000, 0xbff0000000000000, 0x3ff0000000000001, 0x3ff8000000000000,
	0x4004000000000000, 0xbff8000000000000, 0x7fefffffffffffff, 0xffefffffffffffff,
	0x41dfffffffc00000, 0x41dfffffffe00000, 0x41e0000000000000, 0xc1e0000000000000,
	0xc1e0000000100000, 0xc1e0000000200000, 0x41efffffffe00000, 0x41effffffff00000,
	0x41f0000000000000, 0x43dfffffffffffff, 0x43e0000000000000, 0xc3e0000000000000,
	0x43efffffffffffff, 0x43f0000000000000, 0x3ca0000000000000, 0x400921fb54442d18,
	0x3fd5555555555555, 0x4330000000000001, 0x36a0000000000000, 0x47efffffe0000000,
	0x47efffffffffffff, 0x3810000000000000, 0x380fffffffffffff, 0x380ffffff0000000,
	0x36a0000000000001, 0xc7efffffe0000000,
}

// fpSpecial32 and fpSpecial64 are the values whose pairings make invalid
// operations (∞ - ∞, 0 × ∞, 0 / 0, √-1) and NaN priority cases; they are
// drawn often so that such pairs are common.
var (
	fpSpecial32 = []uint64{0, 0x80000000, 0x7f800000, 0xff800000, 0xbf800000, 0x7fc12345, 0xff812345}
	fpSpecial64 = []uint64{0, 1 << 63, 0x7ff0000000000000, 0xfff0000000000000, 0xbff0000000000000,
		0x7ff8000000012345, 0xfff0000000012345}
)

// fpValue returns an edge or random value for FP size size (2 or 3).
func (g *gen) fpValue(size int64) uint64 {
	edges, special := fpEdge64, fpSpecial64
	if size == 2 {
		edges, special = fpEdge32, fpSpecial32
	}
	if g.r.IntN(3) == 0 {
		return special[g.r.IntN(len(special))]
	}
	if g.r.IntN(4) == 0 {
		if size == 2 {
			return uint64(g.r.Uint32())
		}
		return g.r.Uint64()
	}
	return edges[g.r.IntN(len(edges))]
}

// pickFP returns a V128 whose FP lanes of size size are edge values
// (upper bits random, which scalar ops must ignore), or an earlier vector.
func (g *gen) pickFP(size int64) ir.Value {
	if len(g.vec) > 0 && g.r.IntN(3) == 0 {
		return g.pickVec()
	}
	var lo, hi uint64
	if size == 3 {
		lo, hi = g.fpValue(3), g.fpValue(3)
	} else {
		lo = g.fpValue(2) | g.fpValue(2)<<32
		hi = g.fpValue(2) | g.fpValue(2)<<32
	}
	v := g.b.ConstV128(lo, hi)
	g.vec = append(g.vec, v)
	return v
}

// fpStep appends a random FP instruction the JIT compiles.
func (g *gen) fpStep() {
	b := g.b
	size := int64(2 + g.r.IntN(2))
	lanes := int64(ir.FPScalar)
	if g.r.IntN(2) == 0 {
		lanes = int64(1 + g.r.IntN(2))
	}
	rounding := ir.FPRounding(g.r.IntN(int(ir.RoundFPCRExact) + 1))
	var v ir.Value
	choice := g.r.IntN(12)
	if g.fpcrWritten {
		choice = 3 // only operations independent of FPCR
	}
	switch choice {
	case 0, 1:
		op := []ir.Op{ir.OpFAdd, ir.OpFSub, ir.OpFMul, ir.OpFDiv}[g.r.IntN(4)]
		v = b.Emit(op, ir.V128, size, lanes, g.pickFP(size), g.pickFP(size))
	case 2:
		op := []ir.Op{ir.OpFMax, ir.OpFMin, ir.OpFMaxNM, ir.OpFMinNM, ir.OpFMA}[g.r.IntN(5)]
		if op == ir.OpFMA {
			v = b.Emit(op, ir.V128, size, lanes, g.pickFP(size), g.pickFP(size), g.pickFP(size))
		} else {
			v = b.Emit(op, ir.V128, size, lanes, g.pickFP(size), g.pickFP(size))
		}
	case 3:
		if g.r.IntN(4) == 0 && !g.fpcrWritten { // FCSEL
			v = b.Select(g.pickBool(), g.pickFP(size), g.pickFP(size))
			break
		}
		op := []ir.Op{ir.OpFAbs, ir.OpFNeg, ir.OpFSqrt}[g.r.IntN(3)]
		if g.fpcrWritten {
			op = ir.OpFNeg
		}
		v = b.Emit(op, ir.V128, size, lanes, g.pickFP(size))
	case 4:
		f := b.Emit(ir.OpFCmp, ir.I32, size, int64(g.r.IntN(2)), g.pickFP(size), g.pickFP(size))
		g.nzcv = append(g.nzcv, f)
		g.add(f)
		if g.r.IntN(2) == 0 {
			b.SetNZCV(f)
		}
		if g.r.IntN(2) == 0 {
			g.bool = append(g.bool, b.CondHolds(f, g.r.IntN(16)))
		}
		return
	case 5:
		v = b.Emit(ir.OpFCvt, ir.V128, size, 5-size, g.pickFP(size))
	case 6:
		isz := 2 + g.r.IntN(2)
		var src ir.Value
		if g.r.IntN(2) == 0 {
			src = b.Emit(ir.OpVFromI64, ir.V128, 0, 0, g.pick(ir.I64))
		} else {
			src = g.pickVec()
		}
		v = b.Emit(ir.OpIntToFP, ir.V128, size, ir.CvtAux(ir.RoundFPCR, isz, g.r.IntN(2) == 0, 0, ir.FPLanes(lanes)), src)
	case 7, 8:
		isz := 2 + g.r.IntN(2)
		v = b.Emit(ir.OpFCvtToInt, ir.V128, size, ir.CvtAux(rounding, isz, g.r.IntN(2) == 0, 0, ir.FPLanes(lanes)), g.pickFP(size))
		if vecSupported(&b.B.Insts[v], g.cpu) && g.r.IntN(2) == 0 {
			g.vec = append(g.vec, v)
			g.add(b.Emit(ir.OpVExtractLane, ir.I64, int64(isz), 0, v))
			return
		}
	case 9:
		v = b.Emit(ir.OpFRound, ir.V128, size, ir.FRoundAux(rounding, ir.FPLanes(lanes)), g.pickFP(size))
	case 10:
		op := []ir.Op{ir.OpFCmEq, ir.OpFCmGe, ir.OpFCmGt, ir.OpFAcGe, ir.OpFAcGt}[g.r.IntN(5)]
		v = b.Emit(op, ir.V128, size, lanes, g.pickFP(size), g.pickFP(size))
	case 11:
		if g.r.IntN(2) == 0 {
			v = b.Emit(ir.OpFCvtl, ir.V128, 2, int64(g.r.IntN(2)), g.pickFP(2))
		} else {
			v = b.Emit(ir.OpFCvtn, ir.V128, 2, 0, g.pickFP(3))
		}
	}
	if in := &b.B.Insts[v]; in.Op >= ir.OpVecBase && !vecSupported(in, g.cpu) {
		b.B.Insts = b.B.Insts[:v] // left to the interpreter
		return
	}
	g.vec = append(g.vec, v)
	if g.r.IntN(2) == 0 {
		b.SetV(g.r.IntN(32), v) // make the result observable
	}
}
