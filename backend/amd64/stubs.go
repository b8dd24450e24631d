package amd64

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"ferry/ir"
)

// Shared code in the arena's stub area, written once per process:
//
//   - the fault stub (fault.go),
//   - the entry trampoline: enter calls it with RAX = block and R15 = cpu;
//     it loads the guest's MXCSR (rounding from FPCR.RMode, all exceptions
//     masked, flags clear), calls the block, and when the block returns
//     ORs the MXCSR exception flags into FPSR and restores Go's MXCSR;
//   - NaN selection helpers for the FP slow paths (fp.go).
//
// FP flags therefore accumulate in MXCSR while generated code runs and
// reach cpu.FPSR on every return to Go (faults included: the fault stub
// returns through the trampoline too). Guest reads and writes of FPSR
// inside a block synchronize explicitly (syncFPSR).

// Addresses of the stubs, set by setupArena.
var (
	trampoline uintptr
	nanSel     [4]uintptr // by FP size (2, 3)
)

// mxcsrSlot is the Scratch word used to move MXCSR in and out (LDMXCSR and
// STMXCSR only take memory operands).
const mxcsrSlot = numSlots - 2

// goMXCSR is the MXCSR Go code runs with: round to nearest, all
// exceptions masked, no FZ/DAZ, flags clear.
const goMXCSR = 0x1f80

func mxcsrAddr() obj.Addr { return mem(regCPU, int64(ir.OffScratch)+8*int64(mxcsrSlot)) }

// writeStubs assembles the stubs into m (the stub area) and records their
// addresses. Each starts 64-byte aligned.
func writeStubs(m []byte, base uintptr) error {
	a := newAssembler()
	off := 0
	put := func(gen func(a *assembler)) (uintptr, error) {
		a.reset()
		gen(a)
		code, err := a.assemble()
		if err != nil {
			return 0, err
		}
		if off+len(code) > len(m) {
			panic("amd64: stub area too small")
		}
		copy(m[off:], code)
		addr := base + uintptr(off)
		off = (off + len(code) + 63) &^ 63
		return addr, nil
	}
	var err error
	if faultStub, err = put(emitFaultStub); err != nil {
		return err
	}
	if trampoline, err = put(emitTrampoline); err != nil {
		return err
	}
	for _, size := range []int64{2, 3} {
		if nanSel[size], err = put(func(a *assembler) { emitNaNSelect(a, size) }); err != nil {
			return err
		}
	}
	return nil
}

// emitFaultStub: record the fault and return like any other exit (RSP
// still points at the trampoline's return address).
func emitFaultStub(a *assembler) {
	a.op2(x86.AMOVQ, rg(rAX), mem(regCPU, int64(ir.OffExitInfo)))
	a.op2(x86.AMOVQ, rg(rCX), mem(regCPU, int64(ir.OffScratch)+8*int64(faultRIPSlot)))
	a.op2(x86.AMOVQ, imm(int64(ir.ExitFault)), mem(regCPU, int64(ir.OffExit)))
	a.op0(obj.ARET)
}

// emitRoundingBits leaves in ECX the MXCSR rounding-control bits for the
// FPCR in EAX. Arm RMode 0 RN, 1 RP, 2 RM, 3 RZ; x86 RC 0 RN, 1 RM (down),
// 2 RP (up), 3 RZ: the two bits swap. Clobbers EDX.
func emitRoundingBits(a *assembler) {
	a.op2(x86.AMOVL, rg(rAX), rg(rCX))
	a.op2(x86.ASHRL, imm(ir.FPCRRModeShift), rg(rCX))
	a.op2(x86.AANDL, imm(3), rg(rCX))
	a.op2(x86.AMOVL, rg(rCX), rg(rDX))
	a.op2(x86.ASHRL, imm(1), rg(rDX))
	a.op2(x86.AANDL, imm(1), rg(rCX))
	a.op2(x86.ALEAL, memIdx(rDX, rCX, 2, 0), rg(rCX))
	a.op2(x86.ASHLL, imm(13), rg(rCX))
}

// emitMergeFlags ORs the exception flags of the MXCSR value in EAX into
// cpu.FPSR: IE→IOC, ZE→DZC, OE→OFC, UE→UFC, PE→IXC (bits 0, 2..5 → 0..4;
// DE, bit 1, has no Arm counterpart without FZ). Clobbers ECX.
func emitMergeFlags(a *assembler) {
	a.op2(x86.AMOVL, rg(rAX), rg(rCX))
	a.op2(x86.AANDL, imm(1), rg(rCX))
	a.op2(x86.ASHRL, imm(1), rg(rAX))
	a.op2(x86.AANDL, imm(0x1e), rg(rAX))
	a.op2(x86.AORL, rg(rCX), rg(rAX))
	a.op2(x86.AORQ, rg(rAX), mem(regCPU, int64(ir.OffFPSR)))
}

func emitTrampoline(a *assembler) {
	a.op2(x86.AMOVQ, rg(rAX), rg(x86.REG_R8)) // the block; the RC code needs AX
	a.op2(x86.AMOVL, mem(regCPU, int64(ir.OffFPCR)), rg(rAX))
	emitRoundingBits(a)
	a.op2(x86.AORL, imm(goMXCSR), rg(rCX))
	a.op2(x86.AMOVL, rg(rCX), mxcsrAddr())
	a.op1src(x86.ALDMXCSR, mxcsrAddr())
	a.op1(obj.ACALL, rg(x86.REG_R8))
	a.op1(x86.ASTMXCSR, mxcsrAddr())
	a.op2(x86.AMOVL, mxcsrAddr(), rg(rAX))
	emitMergeFlags(a)
	a.op2(x86.AMOVL, imm(goMXCSR), mxcsrAddr())
	a.op1src(x86.ALDMXCSR, mxcsrAddr())
	a.op0(obj.ARET)
}

// emitNaNSelect writes the helper that implements Arm FPProcessNaNs3 for
// FP size size: the operands are in the low lanes of X0, X1, X2 (two-
// operand ops pass their second operand twice), at least one of them is a
// NaN or the operation was invalid, and the Arm result (FPCR.DN = 0) is
// returned in RAX: the first signalling NaN quieted, else the first quiet
// NaN, else the default NaN. Clobbers RCX and the flags.
func emitNaNSelect(a *assembler, size int64) {
	var quiet int64 // the quiet bit
	var top obj.As  // MOVQ or MOVL from XMM
	if size == 3 {
		quiet, top = 1<<51, x86.AMOVQ
	} else {
		quiet, top = 1<<22, x86.AMOVL
	}
	xs := []int16{rX0, rX1, rX2}
	// First pass: signalling NaNs. An SNaN has exponent all ones, quiet
	// bit clear and a non-zero fraction.
	var found []*obj.Prog
	for _, x := range xs {
		a.op2(top, rg(x), rg(rAX))
		isSNaN(a, size)
		found = append(found, fwdJump(a, x86.AJEQ))
	}
	// Second pass: quiet NaNs (exponent all ones and quiet bit set).
	var quietFound []*obj.Prog
	for _, x := range xs {
		a.op2(top, rg(x), rg(rAX))
		isQNaN(a, size)
		quietFound = append(quietFound, fwdJump(a, x86.AJEQ))
	}
	// No NaN operand: an invalid operation, whose Arm result is the
	// positive default NaN.
	if size == 3 {
		a.op2(x86.AMOVQ, imm(0x7ff8000000000000), rg(rAX))
	} else {
		a.op2(x86.AMOVL, imm(0x7fc00000), rg(rAX))
	}
	a.op0(obj.ARET)
	l := a.label()
	for _, p := range found {
		p.To.SetTarget(l)
	}
	for _, p := range quietFound {
		p.To.SetTarget(l)
	}
	if size == 3 {
		a.op2(x86.ABTSQ, imm(51), rg(rAX))
	} else {
		a.op2(x86.AORL, imm(quiet), rg(rAX))
	}
	a.op0(obj.ARET)
}

// isSNaN sets ZF iff RAX holds a signalling NaN of FP size size. Clobbers
// RCX.
func isSNaN(a *assembler, size int64) {
	// Drop the sign; the top bits are then exponent:quiet. An SNaN has
	// them equal to all-ones:0 and a non-zero fraction below.
	expq, fracShift, shift := int64(0xffe), int64(13), int64(52)
	w64 := size == 3
	if !w64 {
		expq, fracShift, shift = 0x1fe, 10, 23
	}
	mov, shl, shr, cmp := pick(w64, x86.AMOVQ, x86.AMOVL), pick(w64, x86.ASHLQ, x86.ASHLL),
		pick(w64, x86.ASHRQ, x86.ASHRL), pick(w64, x86.ACMPQ, x86.ACMPL)
	a.op2(mov, rg(rAX), rg(rCX))
	a.op2(shl, imm(1), rg(rCX))
	a.op2(shr, imm(shift), rg(rCX))
	a.op2(cmp, rg(rCX), imm(expq))
	notNaN := fwdJump(a, x86.AJNE) // ZF = 0
	a.op2(mov, rg(rAX), rg(rCX))
	a.op2(shl, imm(fracShift), rg(rCX))
	inf := fwdJump(a, x86.AJEQ)        // zero fraction: ∞
	a.op2(x86.ACMPL, rg(rAX), rg(rAX)) // ZF = 1: an SNaN
	done := fwdJump(a, obj.AJMP)
	inf.To.SetTarget(a.label())
	a.op2(x86.AORL, imm(1), rg(rCX)) // ZF = 0
	l := a.label()
	done.To.SetTarget(l)
	notNaN.To.SetTarget(l)
}

// fwdJump emits a jump whose target is set later.
func fwdJump(a *assembler, as obj.As) *obj.Prog {
	p := a.prog(as)
	p.To.Type = obj.TYPE_BRANCH
	return p
}

// isQNaN sets ZF iff RAX holds a quiet NaN (exponent all ones, quiet bit
// set) of FP size size. Clobbers RCX.
func isQNaN(a *assembler, size int64) {
	w64 := size == 3
	mov, shl, shr, cmp := pick(w64, x86.AMOVQ, x86.AMOVL), pick(w64, x86.ASHLQ, x86.ASHLL),
		pick(w64, x86.ASHRQ, x86.ASHRL), pick(w64, x86.ACMPQ, x86.ACMPL)
	shift, all := int64(52), int64(0xfff)
	if size == 2 {
		shift, all = 23, 0x1ff
	}
	a.op2(mov, rg(rAX), rg(rCX))
	a.op2(shl, imm(1), rg(rCX))
	a.op2(shr, imm(shift), rg(rCX))
	a.op2(cmp, rg(rCX), imm(all))
}
