package amd64

import (
	"encoding/binary"
	"fmt"
	"math"

	"golang.org/x/sys/cpu"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"ferry/ir"
)

// Register conventions of generated code.
//
//	R15          *ir.CPU (loaded by enter)
//	RAX RCX RDX  scratch inside the expansion of one IR instruction
//	RBX RSI RDI R8–R14  IR values (allocated per block)
//	RSP          the Go stack; generated code only RETs through it
//	RBP          untouched (Go's frame pointer)
const regCPU = x86.REG_R15

var allocatable = [...]int16{
	x86.REG_BX, x86.REG_SI, x86.REG_DI, x86.REG_R8, x86.REG_R9, x86.REG_R10,
	x86.REG_R11, x86.REG_R12, x86.REG_R13, x86.REG_R14,
}

const numSlots = len(ir.CPU{}.Scratch)

// compileError aborts compilation of one block; the block then runs in the
// interpreter. It is used for unsupported ops and allocator exhaustion.
type compileError string

func (e compileError) Error() string { return "amd64: " + string(e) }

// chainFixup is a patchable direct jump of a compiled block.
type chainFixup struct {
	jmp    *obj.Prog // first byte of the 5-byte JMP rel32
	stub   *obj.Prog // its initial target: the exit stub of the site
	id     uint64    // site number (written to cpu.ChainSite by the stub)
	target uint64    // guest PC the jump continues at
	// idStore is the stub's store of id (MOVQ $id, ChainSite(R15)), when
	// id fits its imm32: code saved for reuse gets a new id there.
	idStore *obj.Prog
}

// chainSite describes a patchable jump of compiled code.
type chainSite struct {
	id     uint64
	target uint64 // guest PC
	offset int    // of the JMP opcode within the block
	stub   int    // offset of the exit stub (the unpatched target)
	// idImm is the offset of the id's little-endian imm32 in the stub,
	// or -1 if the id is stored some other way.
	idImm int
}

// insnMark maps a host code offset to the guest instruction it belongs to.
type insnMark struct {
	label *obj.Prog
	pc    uint64
}

// compiled is the result of compiling one block.
type compiled struct {
	code []byte // valid until the next compile
	// textLen is how much of code is instructions; the constant pool
	// follows.
	textLen int

	sites []chainSite
	insns []hostPC // host offset → guest PC, ascending
	// fpGuard: the block exits with exitFPMode when FPCR.FZ or DN is set.
	fpGuard bool
}

type hostPC struct {
	off uint32
	pc  uint64
}

// compiler holds the state of compiling one block. Each runner has its own,
// reused for all the blocks it translates, so compiling takes no lock.
type compiler struct {
	a   *assembler
	blk *ir.Block
	cpu caps

	// countRetired adds each block's guest instruction count to
	// cpu.Retired on entry (ferry -stats); off by default, it costs one
	// memory add per block.
	countRetired bool

	// newSiteID numbers chain sites (the engine's block cache hands out
	// numbers unique for its lifetime).
	newSiteID func() uint64

	// Per-value allocation state, indexed by Value.
	reg    []int16 // host register, 0 if none
	slot   []int32 // spill slot, -1 if none
	isImm  []bool  // value is an immediate (constant usable inline)
	immVal []int64
	clean  []bool // I32 NZCV value with only bits 31..28 possibly set

	uses    [][]int32 // positions (instruction index; len(Insts) = terminator) reading each value
	useNext []int     // cursor into uses for next-use queries
	dies    [][]ir.Value
	needed  []bool

	regOwner [16]ir.Value // by regIndex; -1 = free
	// usedSlots marks Scratch words holding spilled values (one word) or
	// V128 values (two words). The words of the fault stub and of the MXCSR
	// transfers (stubs.go) are never handed out.
	usedSlots uint64

	// flagOwner is the value whose condition the host flags currently
	// encode (-1 if none). For producers (Flags*) the Arm condition is
	// derived via armCondCC; for Cmp/CondHolds flagCC holds the host
	// condition that is true iff the value is 1.
	flagOwner ir.Value
	flagCC    hostCC

	// xmmHolds[i] is the V128 value XMM i is known to hold (-1: none), so
	// a value stored to its slot and read again right away is not
	// reloaded. Every write to an XMM register goes through note, which
	// forgets it; labels forget everything.
	xmmHolds [16]ir.Value

	// lane is set while a vector FP op is compiled one lane at a time
	// with the scalar code (vecfp.go).
	lane laneState

	fpGuard  bool // the block holds FP ops that need FPCR.FZ = DN = 0
	spills   int  // values spilled, over the compiler's life
	cur      int  // index of the instruction being compiled
	sites    []chainFixup
	marks    []insnMark
	outOfLin []func() // out-of-line code emitted after the block body
}

// caps are host CPU features the code generator may use.
type caps struct {
	lzcnt  bool
	bmi2   bool
	sse41  bool
	sse42  bool
	ssse3  bool
	popcnt bool
	fma    bool
}

// hostCaps are the features of the machine we run on.
func hostCaps() caps {
	return caps{lzcnt: cpu.X86.HasLZCNT, bmi2: cpu.X86.HasBMI2, sse41: cpu.X86.HasSSE41,
		sse42: cpu.X86.HasSSE42, ssse3: cpu.X86.HasSSSE3, popcnt: cpu.X86.HasPOPCNT, fma: cpu.X86.HasFMA}
}

func newCompiler(c caps, newSiteID func() uint64) *compiler {
	return &compiler{a: newAssembler(), cpu: c, newSiteID: newSiteID}
}

// supported reports whether the JIT compiles op (vector ops are further
// checked by vecSupported); blocks with any other op run in the
// interpreter.
func supported(op ir.Op) bool {
	switch op {
	case ir.OpReadCounter, ir.OpInvalid:
		return false
	}
	return true
}

func cpuOff(off uintptr) obj.Addr { return mem(regCPU, int64(off)) }

// compile translates blk. It returns a compileError for blocks the JIT does
// not handle.
func (c *compiler) compile(blk *ir.Block) (res compiled, err error) {
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			err = ce
		}
	}()
	c.fpGuard = false
	fpcrWritten := false
	for i := range blk.Insts {
		in := &blk.Insts[i]
		if in.Op >= ir.OpVecBase && !vecSupported(in, c.cpu) || !supported(in.Op) {
			return res, compileError("unsupported op " + in.Op.String())
		}
		if needsFPCRGuard(in.Op) {
			if fpcrWritten {
				// The entry check of FPCR.FZ/DN would not cover this op.
				return res, compileError("FP op after a write to FPCR")
			}
			c.fpGuard = true
		}
		if in.Op == ir.OpSetSys && ir.SysReg(in.Aux) == ir.SysFPCR {
			fpcrWritten = true
		}
	}
	res.fpGuard = c.fpGuard
	c.reset(blk)
	c.analyze()
	c.emitBlock()
	code, err := c.a.assemble()
	if err != nil {
		return res, err
	}
	res.sites = make([]chainSite, len(c.sites))
	for i, s := range c.sites {
		rel := s.stub.Pc - (s.jmp.Pc + 5)
		binary.LittleEndian.PutUint32(code[s.jmp.Pc+1:], uint32(int32(rel)))
		idImm := -1
		if s.idStore != nil {
			end := int64(len(code))
			if s.idStore.Link != nil {
				end = s.idStore.Link.Pc
			}
			idImm = int(end - 4) // MOV r/m64, imm32 ends with the immediate
		}
		res.sites[i] = chainSite{id: s.id, target: s.target, offset: int(s.jmp.Pc), stub: int(s.stub.Pc), idImm: idImm}
	}
	res.code = code
	res.textLen = c.a.enc.textLen
	res.insns = make([]hostPC, 0, len(c.marks))
	for _, m := range c.marks {
		res.insns = append(res.insns, hostPC{off: uint32(m.label.Pc), pc: m.pc})
	}
	return res, nil
}

func (c *compiler) reset(blk *ir.Block) {
	n := len(blk.Insts)
	c.blk = blk
	c.a.reset()
	grow := func() {
		c.reg = make([]int16, n)
		c.slot = make([]int32, n)
		c.isImm = make([]bool, n)
		c.immVal = make([]int64, n)
		c.clean = make([]bool, n)
		c.uses = make([][]int32, n)
		c.useNext = make([]int, n)
		c.dies = make([][]ir.Value, n+1)
		c.needed = make([]bool, n)
	}
	if cap(c.reg) < n || cap(c.dies) < n+1 {
		grow()
	}
	c.reg, c.slot, c.isImm, c.immVal, c.clean = c.reg[:n], c.slot[:n], c.isImm[:n], c.immVal[:n], c.clean[:n]
	c.uses, c.useNext, c.needed = c.uses[:n], c.useNext[:n], c.needed[:n]
	c.dies = c.dies[:n+1]
	for i := 0; i < n; i++ {
		c.reg[i], c.slot[i], c.isImm[i], c.immVal[i], c.clean[i] = 0, -1, false, 0, false
		c.uses[i] = c.uses[i][:0]
		c.useNext[i] = 0
		c.needed[i] = false
	}
	for i := range c.dies {
		c.dies[i] = c.dies[i][:0]
	}
	for i := range c.regOwner {
		c.regOwner[i] = -1
	}
	c.usedSlots = 1<<faultRIPSlot | 1<<mxcsrSlot
	c.forgetXMM()
	c.flagOwner = -1
	c.sites = c.sites[:0]
	c.marks = c.marks[:0]
	c.outOfLin = c.outOfLin[:0]
}

func (c *compiler) inst(v ir.Value) *ir.Inst { return &c.blk.Insts[v] }

// width64 is the operation width of instruction v: the operand type for
// comparisons and flag computations, otherwise the result type.
func (c *compiler) width64(v ir.Value) bool {
	in := c.inst(v)
	switch in.Op {
	case ir.OpCmp, ir.OpFlagsAdd, ir.OpFlagsSub, ir.OpFlagsAdc, ir.OpFlagsSbc, ir.OpFlagsLogic:
		return c.inst(in.Args[0]).Type == ir.I64
	}
	return in.Type == ir.I64
}

// constValue is the value a constant has as an IR value (I32 constants are
// zero-extended).
func constValue(in *ir.Inst) uint64 {
	if in.Type == ir.I32 {
		return uint64(uint32(in.Aux))
	}
	return uint64(in.Aux)
}

// immEligible reports whether constant value x can be used as an x86
// immediate in both 32- and 64-bit instructions: imm32 operands are
// sign-extended to 64 bits, so only values below 2^31 (or negative 64-bit
// values down to -2^31) keep their meaning.
func immEligible(x uint64) bool { return int64(x) == int64(int32(x)) }

// condSources are the values a fused use of the boolean v needs: the
// operands from which the host flags for v can be recomputed.
func (c *compiler) condSources(v ir.Value, f func(ir.Value)) bool {
	in := c.inst(v)
	switch in.Op {
	case ir.OpCmp:
		f(in.Args[0])
		f(in.Args[1])
		return true
	case ir.OpCondHolds:
		c.condHoldsSources(in, f)
		return true
	}
	return false
}

func (c *compiler) condHoldsSources(in *ir.Inst, f func(ir.Value)) {
	if in.Aux >= 14 {
		return
	}
	p := c.inst(in.Args[0])
	if k, ok := producerKind(p.Op); ok {
		if _, ok := armCondCC(k, int(in.Aux)); ok {
			for _, a := range p.Args {
				if a != ir.NoValue {
					f(a)
				}
			}
			return
		}
	}
	f(in.Args[0])
}

// addrMode is a folded address: base + index*scale + disp.
type addrMode struct {
	base, index ir.Value // index is NoValue if absent
	scale       int16
	disp        int64
}

// isMemOp reports whether op is a plain load or store, whose address
// (Args[0]) is folded into an x86 addressing mode.
func isMemOp(op ir.Op) bool {
	switch op {
	case ir.OpLoad, ir.OpStore, ir.OpLoadV, ir.OpStoreV:
		return true
	}
	return false
}

// immConst reports whether v is a constant usable as a 32-bit
// displacement, and its value.
func (c *compiler) immConst(v ir.Value) (int64, bool) {
	in := c.inst(v)
	if in.Op != ir.OpConst || in.Type == ir.V128 {
		return 0, false
	}
	x := constValue(in)
	return int64(x), immEligible(x)
}

// foldAddr splits address a into an x86 addressing mode: x + const,
// x + y and x + (y << k) for k <= 3 need no separate add. The add itself
// is then only computed if something else uses it.
func (c *compiler) foldAddr(a ir.Value) addrMode {
	m := addrMode{base: a, index: ir.NoValue}
	in := c.inst(a)
	if in.Op != ir.OpAdd || in.Type != ir.I64 {
		return m
	}
	x, y := in.Args[0], in.Args[1]
	if _, ok := c.immConst(x); ok {
		x, y = y, x
	}
	if d, ok := c.immConst(y); ok {
		// (z + d2) + d folds further (a field of a struct at an offset).
		if xin := c.inst(x); xin.Op == ir.OpAdd && xin.Type == ir.I64 {
			z, k := xin.Args[0], xin.Args[1]
			if _, ok := c.immConst(z); ok {
				z, k = k, z
			}
			if d2, ok := c.immConst(k); ok && immEligible(uint64(d+d2)) {
				return addrMode{base: z, index: ir.NoValue, disp: d + d2}
			}
		}
		return addrMode{base: x, index: ir.NoValue, disp: d}
	}
	m = addrMode{base: x, index: y, scale: 1}
	for _, sw := range [2][2]ir.Value{{x, y}, {y, x}} {
		if sh := c.inst(sw[1]); sh.Op == ir.OpShl && sh.Type == ir.I64 {
			if k, ok := c.immConst(sh.Args[1]); ok && k >= 0 && k <= 3 {
				return addrMode{base: sw[0], index: sh.Args[0], scale: 1 << k}
			}
		}
	}
	return m
}

// memOperand returns the memory operand of the folded address a, loading
// an immediate or spilled base into baseScratch and index into
// indexScratch.
func (c *compiler) memOperand(a ir.Value, baseScratch, indexScratch int16) obj.Addr {
	m := c.foldAddr(a)
	disp := m.disp
	if m.index == ir.NoValue {
		// A constant base is loaded into the scratch register: the
		// encoder has no base-less forms.
		return mem(c.inReg(m.base, baseScratch), disp)
	}
	base := c.inReg(m.base, baseScratch)
	index := c.inReg(m.index, indexScratch)
	return memIdx(base, index, m.scale, disp)
}

// upperZero reports whether the I64 value v is known to have its upper 32
// bits clear (so truncating it needs no code).
func (c *compiler) upperZero(v ir.Value) bool {
	in := c.inst(v)
	switch in.Op {
	case ir.OpLoad:
		return in.Aux < 8 && in.Aux2 == 0
	case ir.OpZExt32:
		return true
	case ir.OpZExtBits:
		return in.Aux <= 32
	case ir.OpConst:
		return constValue(in) <= 0xffffffff
	case ir.OpAnd:
		for _, a := range in.Args[:2] {
			if x, ok := c.immConst(a); ok && x >= 0 {
				return true
			}
		}
	case ir.OpLShr:
		if x, ok := c.immConst(in.Args[1]); ok && x&63 >= 32 {
			return true
		}
	}
	return in.Type == ir.I32
}

// analyze computes which instructions are needed, every value's use
// positions, and where each value dies.
func (c *compiler) analyze() {
	insts := c.blk.Insts
	n := len(insts)
	term := int32(n)
	use := func(pos int32) func(ir.Value) {
		return func(v ir.Value) {
			c.uses[v] = append(c.uses[v], pos)
			c.needed[v] = true
		}
	}
	t := &c.blk.Term
	switch t.Kind {
	case ir.TermCondJump:
		if !c.condSources(t.Cond, use(term)) {
			use(term)(t.Cond)
		}
	case ir.TermIndirect:
		use(term)(t.Addr)
	}
	for i := n - 1; i >= 0; i-- {
		in := &insts[i]
		if in.Op.HasSideEffects() || in.Op == ir.OpSetReg {
			c.needed[i] = true
		}
		if !c.needed[i] {
			continue
		}
		u := use(int32(i))
		if isMemOp(in.Op) {
			m := c.foldAddr(in.Args[0])
			u(m.base)
			if m.index != ir.NoValue {
				u(m.index)
			}
			for _, a := range in.Args[1:] {
				if a != ir.NoValue {
					u(a)
				}
			}
			continue
		}
		switch in.Op {
		case ir.OpConst:
			// no operands
		case ir.OpCmp:
			c.condSources(ir.Value(i), u)
		case ir.OpCondHolds:
			c.condHoldsSources(in, u)
		case ir.OpSelect:
			if !c.condSources(in.Args[0], u) {
				u(in.Args[0])
			}
			u(in.Args[1])
			u(in.Args[2])
		default:
			if _, ok := producerKind(in.Op); ok && len(c.uses[i]) == 0 {
				// Only fused uses: the flags are recomputed where needed.
				c.needed[i] = false
				continue
			}
			for _, a := range in.Args {
				if a != ir.NoValue {
					u(a)
				}
			}
		}
	}
	// uses were appended in descending order; reverse each list.
	for v := range c.uses {
		u := c.uses[v]
		for i, j := 0, len(u)-1; i < j; i, j = i+1, j-1 {
			u[i], u[j] = u[j], u[i]
		}
		if len(u) > 0 {
			last := u[len(u)-1]
			c.dies[last] = append(c.dies[last], ir.Value(v))
		}
	}
}

// --- emission with flag tracking -------------------------------------------

// preservesFlags lists instructions that leave EFLAGS alone; any other
// instruction invalidates the host-flags cache. It is asked for every
// emitted instruction, hence the table.
func preservesFlags(as obj.As) bool {
	return int(as) < len(flagPreserving) && flagPreserving[as]
}

var flagPreserving = func() []bool {
	list := []obj.As{x86.AMOVQ, x86.AMOVL, x86.AMOVW, x86.AMOVB, x86.AMOVBQZX, x86.AMOVBQSX,
		x86.AMOVWQZX, x86.AMOVWQSX, x86.AMOVLQSX, x86.AMOVBLZX, x86.AMOVBLSX,
		x86.AMOVWLZX, x86.AMOVWLSX, x86.ALEAQ, x86.ALEAL, x86.ABSWAPL, x86.ABSWAPQ,
		x86.ANOTQ, x86.ANOTL, x86.ASHLXL, x86.ASHLXQ, x86.ABYTE, x86.AMFENCE,
		x86.AMOVOU, obj.ANOP, obj.AJMP, obj.ARET}
	list = append(list, setccAs[:]...)
	list = append(list, cmovqAs[:]...)
	list = append(list, jccAs[:]...)
	n := 0
	for _, as := range list {
		n = max(n, int(as)+1)
	}
	t := make([]bool, n)
	for _, as := range list {
		t[as] = true
	}
	return t
}()

func (c *compiler) note(p *obj.Prog) *obj.Prog {
	if !preservesFlags(p.As) {
		c.flagOwner = -1
	}
	if p.To.Type == obj.TYPE_REG && p.To.Reg >= x86.REG_X0 && p.To.Reg <= x86.REG_X15 {
		c.xmmHolds[p.To.Reg-x86.REG_X0] = -1
	}
	return p
}

// forgetXMM empties the cache of V128 values in XMM registers (at labels:
// code reaching them may come from anywhere).
func (c *compiler) forgetXMM() {
	for i := range c.xmmHolds {
		c.xmmHolds[i] = -1
	}
}

func (c *compiler) op2(as obj.As, from, to obj.Addr) { c.note(c.a.op2(as, from, to)) }
func (c *compiler) op1(as obj.As, to obj.Addr)       { c.note(c.a.op1(as, to)) }
func (c *compiler) op1src(as obj.As, from obj.Addr)  { c.note(c.a.op1src(as, from)) }
func (c *compiler) op3(as obj.As, a, b, to obj.Addr) { c.note(c.a.op3(as, a, b, to)) }
func (c *compiler) op0(as obj.As)                    { c.note(c.a.op0(as)) }

// label emits a branch target. Code reached by a jump may arrive with any
// flags, so the flag cache is dropped.
func (c *compiler) label() *obj.Prog {
	c.flagOwner = -1
	c.forgetXMM()
	return c.a.label()
}

func (c *compiler) jump(as obj.As, l *obj.Prog) { c.a.jump(as, l) }

func pick(w64 bool, q, l obj.As) obj.As {
	if w64 {
		return q
	}
	return l
}

// --- value locations ---------------------------------------------------------

// src is the operand form of value v: a register, its spill slot or an
// immediate.
func (c *compiler) src(v ir.Value) obj.Addr {
	switch {
	case c.isImm[v]:
		return imm(c.immVal[v])
	case c.reg[v] != 0:
		return rg(c.reg[v])
	case c.slot[v] >= 0:
		return c.slotAddr(c.slot[v])
	}
	panic(compileError(fmt.Sprintf("value v%d has no location", v)))
}

func (c *compiler) slotAddr(s int32) obj.Addr {
	return cpuOff(ir.OffScratch + uintptr(s)*8)
}

func isReg(a obj.Addr, r int16) bool { return a.Type == obj.TYPE_REG && a.Reg == r }

// rm returns v as a register or memory operand, loading an immediate into
// scratch.
func (c *compiler) rm(v ir.Value, scratch int16) obj.Addr {
	a := c.src(v)
	if a.Type == obj.TYPE_CONST {
		c.op2(x86.AMOVQ, a, rg(scratch))
		return rg(scratch)
	}
	return a
}

// inReg returns a register holding v, loading it into scratch if needed.
func (c *compiler) inReg(v ir.Value, scratch int16) int16 {
	a := c.src(v)
	if a.Type == obj.TYPE_REG {
		return a.Reg
	}
	c.op2(x86.AMOVQ, a, rg(scratch))
	return scratch
}

// movTo copies operand a into register r (64-bit copy; I32 values are kept
// zero-extended, so this preserves them).
func (c *compiler) movTo(a obj.Addr, r int16) {
	if isReg(a, r) {
		return
	}
	c.op2(x86.AMOVQ, a, rg(r))
}

// regIndex maps a host register to an index in compiler.regOwner.
func regIndex(r int16) int { return int(r - x86.REG_AX) }

// releaseRegs makes the registers of values dying at position pos
// available. The values stay readable through src() for the rest of the
// instruction: a register is only overwritten once it becomes the
// destination, and every emitter handles a destination that aliases an
// operand.
func (c *compiler) releaseRegs(pos int) {
	for _, v := range c.dies[pos] {
		if r := c.reg[v]; r != 0 && c.regOwner[regIndex(r)] == v {
			c.regOwner[regIndex(r)] = -1
		}
	}
}

// releaseSlots frees the spill slots of values dying at pos. It runs after
// the instruction is emitted, because spilling for the destination must not
// overwrite an operand that is still to be read.
func (c *compiler) releaseSlots(pos int) {
	for _, v := range c.dies[pos] {
		c.freeSlot(v)
	}
}

func (c *compiler) freeSlot(v ir.Value) {
	if s := c.slot[v]; s >= 0 {
		w := uint64(1)
		if c.inst(v).Type == ir.V128 {
			w = 3
		}
		c.usedSlots &^= w << s
		c.slot[v] = -1
	}
}

// allocSlot reserves n (1 or 2) consecutive free Scratch words.
func (c *compiler) allocSlot(n int) int32 {
	w := uint64(1)<<n - 1
	for s := 0; s+n <= numSlots; s++ {
		if c.usedSlots&(w<<s) == 0 {
			c.usedSlots |= w << s
			return int32(s)
		}
	}
	panic(compileError("out of spill slots"))
}

// def allocates the destination register of the current instruction,
// preferring the register of hint when hint dies here (two-address x86
// forms then need no copy). It may spill the live value with the furthest
// next use.
func (c *compiler) def(hint ir.Value) int16 {
	v := ir.Value(c.cur)
	c.releaseRegs(c.cur)
	var r int16
	if hint != ir.NoValue && c.reg[hint] != 0 && c.regOwner[regIndex(c.reg[hint])] == -1 {
		r = c.reg[hint]
	}
	if r == 0 {
		for _, cand := range allocatable {
			if c.regOwner[regIndex(cand)] == -1 {
				r = cand
				break
			}
		}
	}
	if r == 0 {
		var victim ir.Value = -1
		var far int32 = -1
		for _, cand := range allocatable {
			o := c.regOwner[regIndex(cand)]
			if nu := c.nextUse(o); nu > far {
				far, victim = nu, o
			}
		}
		if far == int32(c.cur) {
			panic(compileError("no register to spill"))
		}
		s := c.allocSlot(1)
		r = c.reg[victim]
		c.op2(x86.AMOVQ, rg(r), c.slotAddr(s))
		c.spills++
		c.slot[victim] = s
		c.reg[victim] = 0
	}
	c.reg[v] = r
	c.regOwner[regIndex(r)] = v
	return r
}

// nextUse returns the first position at or after the current instruction
// at which v is read.
func (c *compiler) nextUse(v ir.Value) int32 {
	u := c.uses[v]
	i := c.useNext[v]
	for i < len(u) && u[i] < int32(c.cur) {
		i++
	}
	c.useNext[v] = i
	if i == len(u) {
		return math.MaxInt32
	}
	return u[i]
}
