package amd64

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
	"golang.org/x/arch/x86/x86asm"
)

// disasm renders code as GNU-syntax lines.
func disasm(t testing.TB, code []byte) []string {
	var out []string
	for len(code) > 0 {
		in, err := x86asm.Decode(code, 64)
		if err != nil {
			t.Fatalf("undecodable bytes % x: %v", code[:min(len(code), 8)], err)
		}
		out = append(out, x86asm.GNUSyntax(in, 0, nil))
		code = code[in.Len:]
	}
	return out
}

// TestEncoderForms checks the golang-asm operand conventions the code
// generator relies on against an independent disassembler.
func TestEncoderForms(t *testing.T) {
	a := newAssembler()
	a.reset()
	a.op2(x86.ACMPQ, rg(x86.REG_BX), imm(5))                               // flags of BX - 5
	a.op2(x86.AMOVQ, imm(0), rg(x86.REG_AX))                               // must stay a MOV (XOR would clobber flags); 32-bit form zero-extends
	a.op2(x86.AMOVQ, imm(0x123456789a), rg(x86.REG_R10))                   // imm64
	a.op2(x86.AMOVQ, imm(0xffffffff), rg(x86.REG_R10))                     // zero-extending form
	a.op1(x86.ASETMI, rg(x86.REG_SI))                                      // byte register of SI
	a.op2(x86.ALEAL, memIdx(x86.REG_AX, x86.REG_R9, 2, 0), rg(x86.REG_R9)) // NZCV combine step
	a.op3(x86.ASHLXL, rg(x86.REG_AX), rg(x86.REG_R9), rg(x86.REG_R9))      // count is the first operand
	a.op1src(x86.AIMULQ, rg(x86.REG_BX))                                   // one-operand 128-bit form
	a.op3(x86.AIMUL3Q, imm(7), rg(x86.REG_BX), rg(x86.REG_R9))             // three-operand form
	a.op2(x86.ABTL, imm(29), mem(x86.REG_R15, 8))                          // carry from NZCV in memory
	a.op0(x86.ALOCK)                                                       //
	a.op2(x86.ACMPXCHGB, rg(x86.REG_DX), mem(x86.REG_CX, 0))               // byte form
	a.op2(x86.ASHRQ, rg(x86.REG_CX), rg(x86.REG_R11))                      // count in CL
	a.op1(obj.AJMP, memIdx(x86.REG_DX, x86.REG_CX, 1, 8))                  // indirect-table jump
	a.op1(obj.ACALL, rg(x86.REG_CX))                                       // FP slow-path helpers
	a.op1(x86.ASTMXCSR, mem(x86.REG_R15, 0x3f0))                           // MXCSR transfers
	a.op1src(x86.ALDMXCSR, mem(x86.REG_R15, 0x3f0))                        //
	a.patchableJump()                                                      // patchable jump, displacement 4-byte aligned
	want := []string{
		"cmp $0x5,%rbx",
		"mov $0x0,%eax",
		"mov $0x123456789a,%r10",
		"mov $-0x1,%r10d",
		"sets %sil",
		"lea (%rax,%r9,2),%r9d",
		"shlxl %eax,%r9d,%r9d",
		"imul %rbx",
		"imul $0x7,%rbx,%r9",
		"btl $0x1d,0x8(%r15)",
		"lock cmpxchg %dl,(%rcx)",
		"shr %cl,%r11",
		"jmpq *0x8(%rdx,%rcx)",
		"call *%rcx",
		"stmxcsr 0x3f0(%r15)",
		"ldmxcsr 0x3f0(%r15)",
		"nopl (%rax)", // pads the displacement to a 4-byte boundary
		"jmpq .+0x0",
	}
	code, err := a.assemble()
	if err != nil {
		t.Fatal(err)
	}
	got := disasm(t, code)
	// LOCK is a separate Prog but one decoded instruction.
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if code[len(code)-5] != 0xe9 {
		t.Errorf("long jump is not E9 rel32")
	}
	if (len(code)-4)%4 != 0 {
		t.Errorf("patchable displacement at offset %d is not 4-byte aligned", len(code)-4)
	}
}

// TestEncoderRejects makes sure an instruction the encoder cannot encode is
// an error, not a silently dropped instruction.
func TestEncoderRejects(t *testing.T) {
	a := newAssembler()
	a.reset()
	a.op2(x86.AMOVQ, mem(x86.REG_AX, 0), mem(x86.REG_BX, 0)) // memory to memory
	if _, err := a.assemble(); !errors.Is(err, errEncode) {
		t.Fatalf("memory-to-memory MOV assembled without error: %v", err)
	}
	// The assembler must recover for the next block.
	a.reset()
	a.op0(obj.ARET)
	code, err := a.assemble()
	if err != nil || len(code) != 1 || code[0] != 0xc3 {
		t.Fatalf("assembler broken after an error: % x %v", code, err)
	}
}

// TestEncoderThroughput measures encoding speed.
func TestEncoderThroughput(t *testing.T) {
	a := newAssembler()
	const perBlock, blocks = 40, 2000
	start := time.Now()
	for i := 0; i < blocks; i++ {
		a.reset()
		for j := 0; j < perBlock/4; j++ {
			a.op2(x86.AMOVQ, mem(x86.REG_R15, int64(8*j)), rg(x86.REG_BX))
			a.op2(x86.AADDQ, imm(int64(j)), rg(x86.REG_BX))
			a.op2(x86.ACMPQ, rg(x86.REG_BX), rg(x86.REG_SI))
			a.op2(x86.AMOVQ, rg(x86.REG_BX), mem(x86.REG_R15, int64(8*j)))
		}
		if _, err := a.assemble(); err != nil {
			t.Fatal(err)
		}
	}
	rate := float64(perBlock*blocks) / time.Since(start).Seconds()
	t.Logf("encoding: %.2f M instructions/s", rate/1e6)
	if rate < 1e6 && !raceEnabled {
		t.Errorf("encoding at %.0f instructions/s, want at least 1 M/s", rate)
	}
}

// TestEncoderMatchesGolangAsm compiles random blocks for every host
// feature variant and checks each instruction the code generator emitted:
// the direct encoder and golang-asm must produce the same instruction
// (compared as disassembly, since both may pick different valid forms).
func TestEncoderMatchesGolangAsm(t *testing.T) {
	m := newTestMem()
	oracle := newAssembler()
	seen := map[string]bool{}
	n := 300
	if testing.Short() || raceEnabled {
		n = 60
	}
	for _, cp := range capVariants() {
		c := newCompiler(cp, countingSiteIDs())
		g := &gen{r: newRand(7), mem: m, cpu: cp}
		for i := 0; i < n; i++ {
			blk := g.block(testPC, 1+i%60)
			if _, err := c.compile(blk); err != nil {
				continue // e.g. out of spill slots; covered elsewhere
			}
			for p := c.a.first; p != nil; p = p.Link {
				switch {
				case p.As == obj.ANOP, p.As == obj.APCALIGN, p.As == x86.ABYTE, p.As == x86.ALOCK, p.To.Type == obj.TYPE_BRANCH:
					continue
				case p.As == obj.ACALL: // golang-asm wants a relocation; see TestEncoderForms
					continue
				case isPoolAddr(p.From) || isPoolAddr(p.To): // likewise; see TestConstantPool
					continue
				}
				p.Ctxt = oracle.ctxt // without a context every Prog prints alike
				key := p.String()
				if seen[key] {
					continue
				}
				seen[key] = true
				var mine encoder
				mine.encodeProg(p)
				if mine.err != nil {
					t.Fatalf("%v: %v", p, mine.err)
				}
				oracle.reset()
				q := oracle.prog(p.As)
				q.From, q.To, q.RestArgs = p.From, p.To, p.RestArgs
				if q.As == x86.AMOVQ && q.From.Type == obj.TYPE_CONST && q.To.Type == obj.TYPE_REG &&
					q.To.Reg >= x86.REG_AX && q.To.Reg <= x86.REG_R15 && q.From.Offset >= 0 && q.From.Offset <= 0xffffffff {
					q.As = x86.AMOVL // the encoder picks the shorter zero-extending form
				}
				want, err := oracle.assembleGolangAsm()
				if err != nil {
					t.Fatalf("golang-asm rejects %v: %v", p, err)
				}
				g1, g2 := disasm(t, mine.buf), disasm(t, want)
				if strings.Join(g1, ";") != strings.Join(g2, ";") {
					t.Errorf("%v: encoder % x = %q, golang-asm % x = %q", p, mine.buf, g1, want, g2)
				}
			}
		}
	}
	t.Logf("%d distinct instructions compared", len(seen))
}

// TestConstantPool: constants are laid out 16-byte aligned after the code,
// shared when equal, and RIP-relative operands (immediates after the
// displacement included) address them.
func TestConstantPool(t *testing.T) {
	a := newAssembler()
	a.reset()
	a.op2(x86.AMOVOU, a.constV128(1, 2), rg(x86.REG_X0))
	a.op3(x86.APSHUFD, imm(0x1b), a.constV128(3, 4), rg(x86.REG_X9)) // imm8 after the displacement
	a.op2(x86.APSHUFB, a.constV128(1, 2), rg(x86.REG_X1))            // the first constant again
	a.op0(obj.ARET)
	code, err := a.assemble()
	if err != nil {
		t.Fatal(err)
	}
	if len(code)%16 != 0 || len(code) < 32 {
		t.Fatalf("code of %d bytes: want the pool 16-byte aligned at the end", len(code))
	}
	base := len(code) - 32
	want := map[int][2]uint64{base: {1, 2}, base + 16: {3, 4}}
	targets := []int{base, base + 16, base}
	pc := 0
	for i, target := range targets {
		in, err := x86asm.Decode(code[pc:], 64)
		if err != nil {
			t.Fatalf("instruction %d: %v", i, err)
		}
		var mem x86asm.Mem
		for _, arg := range in.Args {
			if m, ok := arg.(x86asm.Mem); ok {
				mem = m
			}
		}
		if mem.Base != x86asm.RIP || pc+in.Len+int(mem.Disp) != target {
			t.Errorf("instruction %d (%v) addresses %+v from %d, want the constant at %d", i, in, mem, pc+in.Len, target)
		}
		pc += in.Len
	}
	for off, w := range want {
		if got := [2]uint64{binary.LittleEndian.Uint64(code[off:]), binary.LittleEndian.Uint64(code[off+8:])}; got != w {
			t.Errorf("constant at %d = %#x, want %#x", off, got, w)
		}
	}
}
