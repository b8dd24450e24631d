package lift

import (
	"encoding/binary"
	"math/rand"
	"strings"
	"testing"

	"ferry/decoder"
	"ferry/ir"
)

func TestBranches(t *testing.T) {
	g := newGuest(t)
	code := []uint32{
		0xF100141F, // 00 cmp  x0, #5
		0x54000040, // 04 b.eq 0c
		0xD2800021, // 08 mov  x1, #1
		0xB4000042, // 0c cbz  x2, 14
		0xD2800063, // 10 mov  x3, #3
		0xB7400044, // 14 tbnz x4, #40, 1c
		0xD28000A5, // 18 mov  x5, #5
		0x36180046, // 1c tbz  w6, #3, 24
		0xD28000E7, // 20 mov  x7, #7
		0x94000002, // 24 bl   2c
		0xD2800129, // 28 mov  x9, #9
		0x1000000A, // 2c adr  x10, .
	}
	cases := []struct {
		name           string
		x0, x2, x4, x6 uint64
		want           map[int]uint64 // registers set by the fall-through paths
	}{
		{"all taken", 5, 0, 1 << 40, 0, map[int]uint64{1: 0, 3: 0, 5: 0, 7: 0}},
		{"none taken", 4, 1, 1 << 39, 8, map[int]uint64{1: 1, 3: 3, 5: 5, 7: 7}},
	}
	for _, c := range cases {
		cpu := &ir.CPU{}
		cpu.X[0], cpu.X[2], cpu.X[4], cpu.X[6] = c.x0, c.x2, c.x4, c.x6
		g.runToStop(t, cpu, code)
		for r, v := range c.want {
			if cpu.X[r] != v {
				t.Errorf("%s: x%d = %d, want %d", c.name, r, cpu.X[r], v)
			}
		}
		if cpu.X[30] != g.Code+0x28 || cpu.X[9] != 0 || cpu.X[10] != g.Code+0x2c {
			t.Errorf("%s: bl/adr: x30=%#x x9=%d x10=%#x", c.name, cpu.X[30], cpu.X[9], cpu.X[10])
		}
	}
}

func TestIndirectBranchesAndSVC(t *testing.T) {
	g := newGuest(t)
	cpu := &ir.CPU{}
	g.load([]uint32{
		0xD63F0280, // blr x20
		0xD65F03C0, // ret
		0xD61F02A0, // br  x21
		0xD4000001, // svc #0
	})
	tr := func(pc uint64) *ir.Block { return Translate(pc) }
	blk := tr(g.Code)
	cpu.X[20] = 0x1234
	if r := execBlock(cpu, blk); r != ir.ExitNone || cpu.PC != 0x1234 || cpu.X[30] != g.Code+4 {
		t.Errorf("blr: exit %d pc %#x x30 %#x", r, cpu.PC, cpu.X[30])
	}
	cpu.X[30] = 0x5678
	if execBlock(cpu, tr(g.Code+4)); cpu.PC != 0x5678 {
		t.Errorf("ret: pc %#x", cpu.PC)
	}
	cpu.X[21] = 0x9abc
	if execBlock(cpu, tr(g.Code+8)); cpu.PC != 0x9abc {
		t.Errorf("br: pc %#x", cpu.PC)
	}
	if r := execBlock(cpu, tr(g.Code+12)); r != ir.ExitSyscall || cpu.PC != g.Code+16 {
		t.Errorf("svc: exit %d pc %#x", r, cpu.PC)
	}
	// BLR X30 must branch to the old X30.
	binary.LittleEndian.PutUint32(g.mem, 0xD63F03C0) // blr x30
	cpu.X[30] = 0x4444
	if execBlock(cpu, tr(g.Code)); cpu.PC != 0x4444 || cpu.X[30] != g.Code+4 {
		t.Errorf("blr x30: pc %#x x30 %#x", cpu.PC, cpu.X[30])
	}
}

func TestSystemRegistersAndMoves(t *testing.T) {
	g := newGuest(t)
	cpu := &ir.CPU{TPIDR: 0xABCD, NZCV: 0x60000000}
	for i := 0; i < 64; i++ {
		g.data()[i] = 0xFF
	}
	cpu.X[19] = g.Data + 70 // DC ZVA zeroes the aligned 64-byte block: [Data+64, Data+128)
	g.runToStop(t, cpu, []uint32{
		0x1000000A, // adr  x10, .
		0x9000000B, // adrp x11, .
		0xD2A2468C, // movz x12, #0x1234, lsl #16
		0xF28ACF0C, // movk x12, #0x5678
		0xD53BD04D, // mrs  x13, tpidr_el0
		0xD51BD04C, // msr  tpidr_el0, x12
		0xD53B00EE, // mrs  x14, dczid_el0
		0xD53B002F, // mrs  x15, ctr_el0
		0xD53BE010, // mrs  x16, cntfrq_el0
		0xD5380011, // mrs  x17, midr_el1
		0xD53B4212, // mrs  x18, nzcv
		0xD50B7433, // dc   zva, x19
		0xD5033BBF, // dmb  ish
		0xD50339BF, // dmb  ishld
		0xD5033ABF, // dmb  ishst
		0xD503201F, // nop
		0xD503245F, // bti  c
		0xD5033F9F, // dsb  sy
		0xD53BE041, // mrs  x1, cntvct_el0
	})
	checks := []struct {
		reg  int
		want uint64
	}{
		{10, g.Code}, {11, g.Code &^ 0xFFF}, {12, 0x12345678}, {13, 0xABCD},
		{14, dczidValue}, {15, ctrValue}, {16, ir.CounterHz}, {17, ir.MIDR}, {18, 0x60000000},
	}
	for _, c := range checks {
		if cpu.X[c.reg] != c.want {
			t.Errorf("x%d = %#x, want %#x", c.reg, cpu.X[c.reg], c.want)
		}
	}
	if cpu.TPIDR != 0x12345678 {
		t.Errorf("msr tpidr_el0: %#x", cpu.TPIDR)
	}
	if cpu.X[1] == 0 {
		t.Errorf("cntvct_el0 read 0")
	}
	d := g.data()
	for i := 0; i < 64; i++ {
		if d[i] != 0xFF {
			t.Fatalf("dc zva wrote outside its block at data+%d", i)
		}
	}
	for i := 64; i < 128; i++ {
		if d[i] != 0 {
			t.Fatalf("dc zva left data+%d = %#x", i, d[i])
		}
	}
}

// TestFPControlRegistersKeepOnlyDefinedBits: MSR FPCR/FPSR with every bit
// set reads back only the bits those registers define (regression: the
// whole 64-bit value used to stick, and FP code saw a bogus FPCR).
func TestFPControlRegistersKeepOnlyDefinedBits(t *testing.T) {
	g := newGuest(t)
	cpu := &ir.CPU{}
	cpu.X[1] = ^uint64(0)
	g.runToStop(t, cpu, []uint32{
		0xD51B4401, // msr fpcr, x1
		0xD51B4421, // msr fpsr, x1
		0xD53B4402, // mrs x2, fpcr
		0xD53B4423, // mrs x3, fpsr
	})
	if cpu.FPCR != 0x07ff0000 || cpu.X[2] != 0x07ff0000 {
		t.Errorf("fpcr %#x, mrs read %#x; want 0x7ff0000", cpu.FPCR, cpu.X[2])
	}
	if cpu.FPSR != 0xf800009f || cpu.X[3] != 0xf800009f {
		t.Errorf("fpsr %#x, mrs read %#x; want 0xf800009f", cpu.FPSR, cpu.X[3])
	}
}

func TestTrapsAndFaults(t *testing.T) {
	g := newGuest(t)
	g.load([]uint32{
		0xD2800021, // mov x1, #1
		0x00000000, // udf #0
		0xD4200020, // brk #1
		0xD503201F, // nop, then the stop BRK
	})
	// An undefined word ends the block before it...
	blk := Translate(g.Code)
	if blk.Term.Kind != ir.TermJump || blk.Term.Target != g.Code+4 || blk.End != g.Code+4 || blk.NInsns != 1 {
		t.Errorf("block before udf:\n%v", blk)
	}
	// ...and traps in a block of its own.
	cpu := &ir.CPU{}
	if r := execBlock(cpu, Translate(g.Code+4)); r != ir.ExitUndefined || cpu.PC != g.Code+4 || cpu.ExitInfo != 0 {
		t.Errorf("udf: exit %d pc %#x info %#x", r, cpu.PC, cpu.ExitInfo)
	}
	if r := execBlock(cpu, Translate(g.Code+8)); r != ir.ExitBreakpoint || cpu.PC != g.Code+8 || cpu.ExitInfo != 1 {
		t.Errorf("brk: exit %d pc %#x info %#x", r, cpu.PC, cpu.ExitInfo)
	}
	// Fetching from an unmapped page, or a misaligned PC, gives a
	// TrapFetchFault block instead of crashing.
	if err := unmapLastPage(g); err != nil {
		t.Fatal(err)
	}
	last := g.Code + (guestPages-1)*pageSize
	for _, pc := range []uint64{last, 0, g.Code + 2} {
		blk := Translate(pc)
		if blk.Term.Kind != ir.TermTrap || blk.Term.Trap != ir.TrapFetchFault || blk.Term.PC != pc {
			t.Errorf("fetch from %#x:\n%v", pc, blk)
		}
	}
	// A load that faults mid-block leaves the earlier instructions'
	// effects in place, later ones undone, and PC at the load.
	g.load([]uint32{
		0xD2800021, // mov x1, #1
		0xF9400062, // ldr x2, [x3]
		0xD2800084, // mov x4, #4
	})
	cpu = &ir.CPU{}
	cpu.X[3] = last
	if r := execBlock(cpu, Translate(g.Code)); r != ir.ExitFault || cpu.PC != g.Code+4 ||
		cpu.X[1] != 1 || cpu.X[4] != 0 || cpu.ExitInfo != last {
		t.Errorf("faulting load: exit %d pc %#x x1 %d x4 %d addr %#x", r, cpu.PC, cpu.X[1], cpu.X[4], cpu.ExitInfo)
	}
	// A block running into the unmapped page stops before it.
	words := make([]uint32, pageSize/4)
	for i := range words {
		words[i] = 0xD503201F // nop
	}
	start := last - pageSize
	for i, w := range words {
		binary.LittleEndian.PutUint32(g.mem[start-g.Code+uint64(4*i):], w)
	}
	pc := last - 8
	blk = Translate(pc)
	if blk.Term.Kind != ir.TermJump || blk.Term.Target != last || blk.NInsns != 2 {
		t.Errorf("block running into unmapped page:\n%v", blk)
	}
}

// TestBlockShape checks the IR stays tidy: one GetReg per register, no
// re-reads after writes, constants folded, blocks bounded.
func TestBlockShape(t *testing.T) {
	g := newGuest(t)
	g.load([]uint32{
		0x9000000B, // adrp x11, .
		0x9100416B, // add  x11, x11, #0x10
		0xD2A2468C, // movz x12, #0x1234, lsl #16
		0xF28ACF0C, // movk x12, #0x5678
		0x8B010020, // add  x0, x1, x1
		0x8B010000, // add  x0, x0, x1
		0x8B000020, // add  x0, x1, x0
	})
	blk := Translate(g.Code)
	gets := map[int64]int{}
	consts := 0
	for _, in := range blk.Insts {
		switch in.Op {
		case ir.OpGetReg:
			gets[in.Aux]++
		case ir.OpAdd:
			if c, ok := constArgs(blk, in); ok && c {
				t.Errorf("unfolded constant add in\n%v", blk)
			}
		case ir.OpConst:
			consts++
		}
	}
	if len(gets) != 1 || gets[1] != 1 {
		t.Errorf("want exactly one GetReg (of x1), got %v in\n%v", gets, blk)
	}
	cpu := &ir.CPU{}
	cpu.X[1] = 7
	execBlock(cpu, blk)
	if cpu.X[11] != g.Code&^0xFFF+0x10 || cpu.X[12] != 0x12345678 || cpu.X[0] != 28 {
		t.Errorf("x11=%#x x12=%#x x0=%d", cpu.X[11], cpu.X[12], cpu.X[0])
	}
	// A long straight line is cut at MaxBlockInsns.
	nops := make([]uint32, MaxBlockInsns+10)
	for i := range nops {
		nops[i] = 0xD503201F
	}
	g.load(nops)
	blk = Translate(g.Code)
	if blk.NInsns != MaxBlockInsns || blk.Term.Kind != ir.TermJump || blk.Term.Target != g.Code+4*MaxBlockInsns {
		t.Errorf("long block: %d insns, term %+v", blk.NInsns, blk.Term)
	}
}

func constArgs(blk *ir.Block, in ir.Inst) (bool, bool) {
	for _, a := range in.Args {
		if a != ir.NoValue && blk.Insts[a].Op != ir.OpConst {
			return false, true
		}
	}
	return true, true
}

// checkWellFormed verifies the structural invariants engines rely on.
func checkWellFormed(t *testing.T, blk *ir.Block, word uint32) {
	t.Helper()
	for i, in := range blk.Insts {
		for _, a := range in.Args {
			if a != ir.NoValue && (a < 0 || int(a) >= i) {
				t.Fatalf("%#08x: inst %d uses v%d\n%v", word, i, a, blk)
			}
		}
		switch in.Op {
		case ir.OpSetReg, ir.OpStore, ir.OpLoad:
			if blk.Insts[in.Args[0]].Type != ir.I64 {
				t.Fatalf("%#08x: inst %d wants an I64 operand\n%v", word, i, blk)
			}
		case ir.OpAdd, ir.OpSub, ir.OpAnd, ir.OpOr, ir.OpXor, ir.OpShl, ir.OpLShr, ir.OpAShr, ir.OpRotR, ir.OpMul:
			if blk.Insts[in.Args[0]].Type != in.Type || blk.Insts[in.Args[1]].Type != in.Type {
				t.Fatalf("%#08x: inst %d mixes types\n%v", word, i, blk)
			}
		}
	}
	tm := blk.Term
	if tm.Kind == ir.TermCondJump && blk.Insts[tm.Cond].Type != ir.I32 ||
		tm.Kind == ir.TermIndirect && blk.Insts[tm.Addr].Type != ir.I64 {
		t.Fatalf("%#08x: bad terminator operand\n%v", word, blk)
	}
}

// TestLiftRandomWords lifts random words (biased towards the integer
// groups) and checks the blocks are well formed; executing is left to the
// pseudocode tests since random loads would fault.
func TestLiftRandomWords(t *testing.T) {
	g := newGuest(t)
	rng := rand.New(rand.NewSource(3))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	groups := []uint32{0x4, 0x5, 0x6, 0x8, 0x9, 0xA, 0xB, 0xC, 0xD, 0xE}
	for i := 0; i < n; i++ {
		w := rng.Uint32()
		if i%4 != 0 {
			w = w&^(0xF<<25) | groups[rng.Intn(len(groups))]<<25
		}
		binary.LittleEndian.PutUint32(g.mem, w)
		binary.LittleEndian.PutUint32(g.mem[4:], stopWord)
		blk := Translate(g.Code)
		checkWellFormed(t, blk, w)
		if !strings.Contains(blk.String(), "block") {
			t.Fatal("block does not render")
		}
	}
}

// FuzzTranslate lifts arbitrary two-word sequences.
func FuzzTranslate(f *testing.F) {
	g := newGuest(f)
	f.Add(uint32(0xA9BF7BFD), uint32(0xD65F03C0))
	f.Add(uint32(0x885F7C01), uint32(0x00000000))
	f.Fuzz(func(t *testing.T, w1, w2 uint32) {
		binary.LittleEndian.PutUint32(g.mem, w1)
		binary.LittleEndian.PutUint32(g.mem[4:], w2)
		binary.LittleEndian.PutUint32(g.mem[8:], stopWord)
		checkWellFormed(t, Translate(g.Code), w1)
	})
}

// BenchmarkTranslate measures lifting speed over the code of a typical
// static binary's hot path shape (loads, arithmetic, compare and branch).
func BenchmarkTranslate(b *testing.B) {
	g := newGuest(b)
	words := []uint32{
		0xF9400000 | 1<<5 | 2, // ldr  x2, [x1]
		0x8B020000,            // add  x0, x0, x2
		0x91002021,            // add  x1, x1, #8
		0xF100147F,            // cmp  x3, #5
		0xD1000463,            // sub  x3, x3, #1
		0xB9000022,            // str  w2, [x1]
		0x54FFFF41,            // b.ne .-24
	}
	g.load(words)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Translate(g.Code)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(words)), "ns/insn")
}

// TestOpOrderAssumptions guards the table lookups that index by Op offset.
func TestOpOrderAssumptions(t *testing.T) {
	runs := [][]decoder.Op{
		{decoder.AND_imm, decoder.ORR_imm, decoder.EOR_imm, decoder.ANDS_imm},
		{decoder.AND_shift, decoder.BIC_shift, decoder.ORR_shift, decoder.ORN_shift,
			decoder.EOR_shift, decoder.EON_shift, decoder.ANDS_shift, decoder.BICS_shift},
		{decoder.UDIV, decoder.SDIV, decoder.LSLV, decoder.LSRV, decoder.ASRV, decoder.RORV},
		{decoder.LDADD, decoder.LDCLR, decoder.LDEOR, decoder.LDSET, decoder.LDSMAX,
			decoder.LDSMIN, decoder.LDUMAX, decoder.LDUMIN, decoder.SWP},
	}
	for _, run := range runs {
		for i, op := range run {
			if op != run[0]+decoder.Op(i) {
				t.Errorf("%v is not at offset %d from %v", op, i, run[0])
			}
		}
	}
}
