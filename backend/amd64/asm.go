package amd64

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
	"github.com/twitchyliquid64/golang-asm/objabi"
)

// assembler is the encoder layer: a thin wrapper around golang-asm that
// reuses one obj.Link and one pool of Progs for every block. Creating a
// golang-asm Builder per block costs ~150 µs (NOTES §2); reusing the
// context brings encoding to millions of instructions per second.
//
// golang-asm reports an instruction it cannot encode through
// Link.DiagFunc and then silently drops it. The hook below records every
// diagnostic so assemble fails loudly instead of producing wrong code.
//
// Operand order is the Go assembler's: source first, destination last
// (CMP is the exception, as in Go: CMPQ a, b sets flags for a - b).
type assembler struct {
	ctxt  *obj.Link
	progs []obj.Prog // pool, reused; grows as needed
	n     int        // progs used by the current block
	first *obj.Prog
	last  *obj.Prog
	diags []string
	enc   encoder
}

var instinitOnce sync.Once

func newAssembler() *assembler {
	ctxt := obj.Linknew(&x86.Linkamd64)
	ctxt.Headtype = objabi.Hlinux
	// IsAsm turns off golang-asm's padding of jumps away from 32-byte
	// boundaries (a mitigation for one Intel erratum): in a JIT the NOPs
	// cost code density on every block for a gain on few cores.
	ctxt.IsAsm = true
	a := &assembler{ctxt: ctxt, progs: make([]obj.Prog, 1024)}
	ctxt.DiagFunc = func(format string, args ...interface{}) {
		a.diags = append(a.diags, fmt.Sprintf(format, args...))
	}
	return a
}

// reset starts a new instruction list.
func (a *assembler) reset() {
	a.n = 0
	a.first, a.last = nil, nil
	a.diags = a.diags[:0]
	a.enc.pool = a.enc.pool[:0]
}

// constV128 returns the memory operand of the 16-byte constant lo:hi in the
// block's constant pool, adding it unless the pool holds it already.
func (a *assembler) constV128(lo, hi uint64) obj.Addr {
	var k [16]byte
	binary.LittleEndian.PutUint64(k[:8], lo)
	binary.LittleEndian.PutUint64(k[8:], hi)
	for off := 0; off < len(a.enc.pool); off += 16 {
		if [16]byte(a.enc.pool[off:off+16]) == k {
			return poolAddr(int64(off))
		}
	}
	a.enc.pool = append(a.enc.pool, k[:]...)
	return poolAddr(int64(len(a.enc.pool) - 16))
}

// prog returns a zeroed Prog from the pool, appended to the list.
func (a *assembler) prog(as obj.As) *obj.Prog {
	if a.n == len(a.progs) {
		// Progs of the current list point at each other, so the pool
		// cannot be reallocated in place; start a fresh chunk instead.
		a.progs = make([]obj.Prog, 2*len(a.progs))
		a.n = 0
	}
	p := &a.progs[a.n]
	a.n++
	// Ctxt is left nil: only golang-asm (the test oracle) needs it, and
	// the pointer write costs a GC write barrier per instruction.
	*p = obj.Prog{As: as}
	if a.first == nil {
		a.first = p
	} else {
		a.last.Link = p
	}
	a.last = p
	return p
}

// Operand constructors.

func rg(r int16) obj.Addr { return obj.Addr{Type: obj.TYPE_REG, Reg: r} }

func imm(v int64) obj.Addr { return obj.Addr{Type: obj.TYPE_CONST, Offset: v} }

func mem(base int16, off int64) obj.Addr {
	return obj.Addr{Type: obj.TYPE_MEM, Reg: base, Offset: off}
}

// memIdx is base + index*scale + off.
func memIdx(base, index int16, scale int16, off int64) obj.Addr {
	return obj.Addr{Type: obj.TYPE_MEM, Reg: base, Index: index, Scale: scale, Offset: off}
}

var none = obj.Addr{}

// op2 emits "as from, to".
func (a *assembler) op2(as obj.As, from, to obj.Addr) *obj.Prog {
	p := a.prog(as)
	p.From = from
	p.To = to
	return p
}

// op1 emits an instruction with only a destination operand (NEG, NOT,
// SETcc, BSWAP…).
func (a *assembler) op1(as obj.As, to obj.Addr) *obj.Prog {
	p := a.prog(as)
	p.To = to
	return p
}

// op1src emits an instruction with only a source operand (MUL, DIV, the
// one-operand IMUL).
func (a *assembler) op1src(as obj.As, from obj.Addr) *obj.Prog {
	p := a.prog(as)
	p.From = from
	return p
}

// op3 emits "as from, from3, to" (IMUL3Q $imm, src, dst; BMI2 forms).
func (a *assembler) op3(as obj.As, from, from3, to obj.Addr) *obj.Prog {
	p := a.prog(as)
	p.From = from
	p.SetFrom3(from3)
	p.To = to
	return p
}

// op0 emits an operand-less instruction (RET, CQO, MFENCE…).
func (a *assembler) op0(as obj.As) *obj.Prog { return a.prog(as) }

// label emits an empty marker instruction that branches can target.
func (a *assembler) label() *obj.Prog { return a.prog(obj.ANOP) }

// jump emits a jump (JMP or Jcc) to a label emitted before or after.
func (a *assembler) jump(as obj.As, target *obj.Prog) *obj.Prog {
	p := a.prog(as)
	p.To.Type = obj.TYPE_BRANCH
	p.To.SetTarget(target)
	return p
}

// patchableJump emits a 5-byte "JMP rel32" with a zero displacement,
// preceded by up to 3 bytes of NOP padding so that the displacement starts
// at a 4-byte aligned offset, and returns the Prog of the JMP's first byte;
// the caller fills the displacement after assembly. The JMP is spelled as
// raw bytes because golang-asm shortens a branch to a near label to 2
// bytes, and chained jumps must always have room for a 32-bit
// displacement.
func (a *assembler) patchableJump() *obj.Prog {
	pad := a.prog(obj.APCALIGN)
	pad.From = imm(4)
	pad.To = imm(1) // align the byte after the opcode
	p := a.op1src(x86.ABYTE, imm(0xe9))
	for i := 0; i < 4; i++ {
		a.op1src(x86.ABYTE, imm(0))
	}
	return p
}

// errEncode reports an instruction golang-asm could not encode.
var errEncode = errors.New("amd64: encoder rejected an instruction")

// assemble encodes the current list with the direct encoder (enc.go).
// After it returns, every Prog's Pc holds its offset in the returned code.
func (a *assembler) assemble() ([]byte, error) {
	if a.first == nil {
		return nil, nil
	}
	return encodeList(&a.enc, a.first)
}

// assembleGolangAsm encodes the current list with golang-asm, the oracle
// the direct encoder is tested against.
func (a *assembler) assembleGolangAsm() ([]byte, error) {
	if a.first == nil {
		return nil, nil
	}
	// instinit fills package-level tables of golang-asm; it must run once
	// before any assembly and not concurrently with another assembly. Only
	// tests use golang-asm, so production start-up does not pay for it.
	instinitOnce.Do(func() { x86.Linkamd64.Init(a.ctxt) })
	for p := a.first; p != nil; p = p.Link {
		p.Ctxt = a.ctxt
	}
	s := &obj.LSym{Func: &obj.FuncInfo{Text: a.first}}
	x86.Linkamd64.Assemble(a.ctxt, s, a.ctxt.NewProg)
	if len(a.diags) > 0 {
		return nil, fmt.Errorf("%w: %s", errEncode, a.diags[0])
	}
	if len(s.R) != 0 {
		return nil, fmt.Errorf("%w: unexpected relocation", errEncode)
	}
	return s.P, nil
}
