package amd64

import (
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
	a.op2(x86.AMOVQ, imm(0), rg(x86.REG_AX))                               // must stay a MOV (XOR would clobber flags)
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
	a.longJump()                                                           // patchable jump
	want := []string{
		"cmp $0x5,%rbx",
		"mov $0x0,%rax",
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
}

// TestEncoderRejects makes sure an instruction golang-asm cannot encode is
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

// TestEncoderThroughput measures encoding speed with a reused obj.Link.
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
