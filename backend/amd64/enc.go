package amd64

import (
	"fmt"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// A direct x86-64 encoder for exactly the instruction forms the code
// generator emits.
//
// golang-asm (the Go toolchain's assembler back end) was built for object
// files: it matches every instruction against generic operand tables and
// re-encodes the whole function until branch sizes settle. On short guest
// programs that made encoding the largest single cost of translation (a
// fifth of all CPU time for testdata/c/strings). The code generator only
// uses a fixed set of forms, so this encoder handles them with one switch,
// in one pass: every branch gets a 32-bit displacement, fixed up at the end.
//
// It keeps golang-asm's operand model (obj.Prog/obj.Addr, Go operand
// order), so the code generator is unchanged, and golang-asm remains the
// test oracle: TestEncoderMatchesGolangAsm encodes every form the
// generator emits with both and compares the decoded instructions.

// encoder accumulates machine code.
type encoder struct {
	buf []byte
	err error
	// pool is the block's constant pool (16-byte entries), laid out
	// 16-byte aligned after the code; rips are the RIP-relative operands
	// that refer to it.
	pool []byte
	rips []ripFixup
	// textLen is the length of the instructions of the last list encoded.
	textLen int
}

// ripFixup is a RIP-relative displacement at buf[disp:disp+4] of the
// instruction ending at end, addressing pool offset off.
type ripFixup struct {
	disp, end int
	off       int64
}

// poolAddr is the memory operand of the constant at offset off of the
// block's constant pool (compiler.constV128), encoded RIP-relative.
func poolAddr(off int64) obj.Addr {
	return obj.Addr{Type: obj.TYPE_MEM, Name: obj.NAME_STATIC, Offset: off}
}

func isPoolAddr(a obj.Addr) bool { return a.Type == obj.TYPE_MEM && a.Name == obj.NAME_STATIC }

func (e *encoder) fail(p *obj.Prog, why string) {
	if e.err == nil {
		e.err = fmt.Errorf("%w: %v: %s", errEncode, p, why)
	}
}

// Operand classification.

// gpr returns the 0..15 hardware number of a general register operand.
func gpr(a obj.Addr) (int, bool) {
	if a.Type != obj.TYPE_REG {
		return 0, false
	}
	switch {
	case a.Reg >= x86.REG_AX && a.Reg <= x86.REG_R15:
		return int(a.Reg - x86.REG_AX), true
	case a.Reg >= x86.REG_AL && a.Reg <= x86.REG_R15B:
		return int(a.Reg - x86.REG_AL), true
	}
	return 0, false
}

// xmm returns the 0..15 number of an XMM register operand.
func xmm(a obj.Addr) (int, bool) {
	if a.Type == obj.TYPE_REG && a.Reg >= x86.REG_X0 && a.Reg <= x86.REG_X15 {
		return int(a.Reg - x86.REG_X0), true
	}
	return 0, false
}

// regNum is the hardware number of any register operand.
func regNum(a obj.Addr) (int, bool) {
	if n, ok := gpr(a); ok {
		return n, true
	}
	return xmm(a)
}

func isMem(a obj.Addr) bool { return a.Type == obj.TYPE_MEM }
func isImm(a obj.Addr) bool { return a.Type == obj.TYPE_CONST }

func fitsInt8(x int64) bool  { return x == int64(int8(x)) }
func fitsInt32(x int64) bool { return x == int64(int32(x)) }

// inst describes one encoding: legacy prefix (0x66, 0xF2, 0xF3 or 0),
// REX.W, opcode bytes, the ModRM reg field (a register number or an
// opcode extension) and the r/m operand.
type inst struct {
	prefix   byte
	w        bool
	op       []byte
	reg      int
	rm       obj.Addr
	byteRegs bool // 8-bit register operands: SPL..DIL need a REX prefix
	regIsGPR bool // the reg field names a general register (for byteRegs)
}

// emit encodes in followed by immediate bytes imm.
func (e *encoder) emit(p *obj.Prog, in inst, imm ...byte) {
	var rex byte
	if in.w {
		rex |= 8
	}
	if in.reg >= 8 {
		rex |= 4
	}
	switch in.rm.Type {
	case obj.TYPE_REG:
		n, ok := regNum(in.rm)
		if !ok {
			e.fail(p, "bad register")
			return
		}
		if n >= 8 {
			rex |= 1
		}
		if in.byteRegs && n >= 4 && n < 8 {
			rex |= 0x40
		}
	case obj.TYPE_MEM:
		if in.rm.Index != 0 {
			if idx, _ := gpr(obj.Addr{Type: obj.TYPE_REG, Reg: in.rm.Index}); idx >= 8 {
				rex |= 2
			}
		}
		if b, _ := gpr(obj.Addr{Type: obj.TYPE_REG, Reg: in.rm.Reg}); b >= 8 {
			rex |= 1
		}
	default:
		e.fail(p, "bad r/m operand")
		return
	}
	if in.byteRegs && in.regIsGPR && in.reg >= 4 && in.reg < 8 {
		rex |= 0x40
	}
	if in.prefix != 0 {
		e.buf = append(e.buf, in.prefix)
	}
	if rex != 0 {
		e.buf = append(e.buf, 0x40|rex&0xf)
	}
	e.buf = append(e.buf, in.op...)
	e.modrm(p, in.reg, in.rm)
	e.buf = append(e.buf, imm...)
}

// modrm appends the ModRM byte (and SIB and displacement) for reg and the
// register or memory operand rm.
func (e *encoder) modrm(p *obj.Prog, reg int, rm obj.Addr) {
	r := byte(reg&7) << 3
	if rm.Type == obj.TYPE_REG {
		n, _ := regNum(rm)
		e.buf = append(e.buf, 0xc0|r|byte(n&7))
		return
	}
	if isPoolAddr(rm) {
		// mod 00, r/m 101: [RIP + disp32], patched by encodeList.
		e.buf = append(e.buf, r|5, 0, 0, 0, 0)
		e.rips = append(e.rips, ripFixup{disp: len(e.buf) - 4, end: -1, off: rm.Offset})
		return
	}
	base, ok := gpr(obj.Addr{Type: obj.TYPE_REG, Reg: rm.Reg})
	if !ok {
		e.fail(p, "memory operand without a base register")
		return
	}
	disp := rm.Offset
	if !fitsInt32(disp) {
		e.fail(p, "displacement out of range")
		return
	}
	var mod byte
	switch {
	case disp == 0 && base&7 != 5: // [rbp]/[r13] have no disp-less form
		mod = 0
	case fitsInt8(disp):
		mod = 1
	default:
		mod = 2
	}
	if rm.Index != 0 || base&7 == 4 {
		idx := 4 // none
		if rm.Index != 0 {
			idx, ok = gpr(obj.Addr{Type: obj.TYPE_REG, Reg: rm.Index})
			if !ok || idx == 4 {
				e.fail(p, "bad index register")
				return
			}
		}
		var ss byte
		switch rm.Scale {
		case 0, 1:
		case 2:
			ss = 1
		case 4:
			ss = 2
		case 8:
			ss = 3
		default:
			e.fail(p, "bad scale")
			return
		}
		e.buf = append(e.buf, mod<<6|r|4, ss<<6|byte(idx&7)<<3|byte(base&7))
	} else {
		e.buf = append(e.buf, mod<<6|r|byte(base&7))
	}
	switch mod {
	case 1:
		e.buf = append(e.buf, byte(disp))
	case 2:
		e.buf = le32(e.buf, int32(disp))
	}
}

func le32(b []byte, x int32) []byte {
	return append(b, byte(x), byte(x>>8), byte(x>>16), byte(x>>24))
}

func le16(b []byte, x int16) []byte { return append(b, byte(x), byte(x>>8)) }

// emitImm encodes in followed by the size-byte immediate x.
func (e *encoder) emitImm(p *obj.Prog, in inst, x int64, size int) {
	e.emit(p, in)
	switch size {
	case 1:
		e.buf = append(e.buf, byte(x))
	case 2:
		e.buf = le16(e.buf, int16(x))
	default:
		e.buf = le32(e.buf, int32(x))
	}
}

// operand sizes of the Q/L/W/B instruction families.
type sized struct {
	base obj.As // the operation, named by its Q form
	size int    // 8, 4, 2, 1
}

var aluDigit = map[obj.As]sized{}
var aluOp = map[obj.As]int{}

func init() {
	for d, f := range [][4]obj.As{
		{x86.AADDQ, x86.AADDL, x86.AADDW, x86.AADDB},
		{x86.AORQ, x86.AORL, x86.AORW, x86.AORB},
		{x86.AADCQ, x86.AADCL, x86.AADCW, x86.AADCB},
		{x86.ASBBQ, x86.ASBBL, x86.ASBBW, x86.ASBBB},
		{x86.AANDQ, x86.AANDL, x86.AANDW, x86.AANDB},
		{x86.ASUBQ, x86.ASUBL, x86.ASUBW, x86.ASUBB},
		{x86.AXORQ, x86.AXORL, x86.AXORW, x86.AXORB},
		{x86.ACMPQ, x86.ACMPL, x86.ACMPW, x86.ACMPB},
	} {
		for i, as := range f {
			aluDigit[as] = sized{f[0], 8 >> i}
			aluOp[as] = d
		}
	}
}

// sizePrefix returns REX.W and the legacy prefix of an operand size.
func sizePrefix(size int) (w bool, prefix byte) {
	switch size {
	case 8:
		return true, 0
	case 2:
		return false, 0x66
	}
	return false, 0
}

// ccCode is the x86 condition encoding of Go's Jcc/SETcc/CMOVcc suffixes.
var ccCode = map[obj.As]byte{}

func init() {
	for cc, as := range jccAs {
		ccCode[as] = x86cc[cc]
		ccCode[setccAs[cc]] = x86cc[cc]
		ccCode[cmovqAs[cc]] = x86cc[cc]
	}
	ccCode[x86.AJPS], ccCode[x86.AJPC] = 0xa, 0xb
	ccCode[x86.ASETPS], ccCode[x86.ASETPC] = 0xa, 0xb
	ccCode[x86.ACMOVQPS], ccCode[x86.ACMOVQPC] = 0xa, 0xb
}

// x86cc maps hostCC to the hardware condition number.
var x86cc = [...]byte{ccEQ: 4, ccNE: 5, ccB: 2, ccAE: 3, ccS: 8, ccNS: 9, ccO: 0, ccNO: 1,
	ccA: 7, ccBE: 6, ccGE: 0xd, ccL: 0xc, ccG: 0xf, ccLE: 0xe}

// sse describes a two-operand SSE instruction "op xmm, xmm/m": prefix,
// opcode bytes after it.
type sse struct {
	prefix byte
	op     []byte
	w      bool
}

var sseOps = map[obj.As]sse{
	x86.APADDB: {0x66, []byte{0x0f, 0xfc}, false}, x86.APADDW: {0x66, []byte{0x0f, 0xfd}, false},
	x86.APADDL: {0x66, []byte{0x0f, 0xfe}, false}, x86.APADDQ: {0x66, []byte{0x0f, 0xd4}, false},
	x86.APSUBB: {0x66, []byte{0x0f, 0xf8}, false}, x86.APSUBW: {0x66, []byte{0x0f, 0xf9}, false},
	x86.APSUBL: {0x66, []byte{0x0f, 0xfa}, false}, x86.APSUBQ: {0x66, []byte{0x0f, 0xfb}, false},
	x86.APAND: {0x66, []byte{0x0f, 0xdb}, false}, x86.APANDN: {0x66, []byte{0x0f, 0xdf}, false},
	x86.APOR: {0x66, []byte{0x0f, 0xeb}, false}, x86.APXOR: {0x66, []byte{0x0f, 0xef}, false},
	x86.APCMPEQB: {0x66, []byte{0x0f, 0x74}, false}, x86.APCMPEQW: {0x66, []byte{0x0f, 0x75}, false},
	x86.APCMPEQL: {0x66, []byte{0x0f, 0x76}, false}, x86.APCMPEQQ: {0x66, []byte{0x0f, 0x38, 0x29}, false},
	x86.APCMPGTB: {0x66, []byte{0x0f, 0x64}, false}, x86.APCMPGTW: {0x66, []byte{0x0f, 0x65}, false},
	x86.APCMPGTL: {0x66, []byte{0x0f, 0x66}, false}, x86.APCMPGTQ: {0x66, []byte{0x0f, 0x38, 0x37}, false},
	x86.APMAXUB: {0x66, []byte{0x0f, 0xde}, false}, x86.APMINUB: {0x66, []byte{0x0f, 0xda}, false},
	x86.APMAXSW: {0x66, []byte{0x0f, 0xee}, false}, x86.APMINSW: {0x66, []byte{0x0f, 0xea}, false},
	x86.APMAXUW: {0x66, []byte{0x0f, 0x38, 0x3e}, false}, x86.APMINUW: {0x66, []byte{0x0f, 0x38, 0x3a}, false},
	x86.APMAXUD: {0x66, []byte{0x0f, 0x38, 0x3f}, false}, x86.APMINUD: {0x66, []byte{0x0f, 0x38, 0x3b}, false},
	x86.APMAXSB: {0x66, []byte{0x0f, 0x38, 0x3c}, false}, x86.APMINSB: {0x66, []byte{0x0f, 0x38, 0x38}, false},
	x86.APMAXSD: {0x66, []byte{0x0f, 0x38, 0x3d}, false}, x86.APMINSD: {0x66, []byte{0x0f, 0x38, 0x39}, false},
	x86.APMULLW: {0x66, []byte{0x0f, 0xd5}, false}, x86.APMULLD: {0x66, []byte{0x0f, 0x38, 0x40}, false},
	x86.APMULULQ: {0x66, []byte{0x0f, 0xf4}, false}, x86.APSADBW: {0x66, []byte{0x0f, 0xf6}, false},
	x86.APSHUFB: {0x66, []byte{0x0f, 0x38, 0x00}, false},
	x86.APABSB:  {0x66, []byte{0x0f, 0x38, 0x1c}, false}, x86.APABSW: {0x66, []byte{0x0f, 0x38, 0x1d}, false},
	x86.APABSD:  {0x66, []byte{0x0f, 0x38, 0x1e}, false},
	x86.APADDSB: {0x66, []byte{0x0f, 0xec}, false}, x86.APADDSW: {0x66, []byte{0x0f, 0xed}, false},
	x86.APADDUSB: {0x66, []byte{0x0f, 0xdc}, false}, x86.APADDUSW: {0x66, []byte{0x0f, 0xdd}, false},
	x86.APSUBSB: {0x66, []byte{0x0f, 0xe8}, false}, x86.APSUBSW: {0x66, []byte{0x0f, 0xe9}, false},
	x86.APSUBUSB: {0x66, []byte{0x0f, 0xd8}, false}, x86.APSUBUSW: {0x66, []byte{0x0f, 0xd9}, false},
	x86.APUNPCKLBW: {0x66, []byte{0x0f, 0x60}, false}, x86.APUNPCKLWL: {0x66, []byte{0x0f, 0x61}, false},
	x86.APUNPCKLLQ: {0x66, []byte{0x0f, 0x62}, false}, x86.APUNPCKLQDQ: {0x66, []byte{0x0f, 0x6c}, false},
	x86.APUNPCKHQDQ: {0x66, []byte{0x0f, 0x6d}, false},
	x86.AMOVOU:      {0xf3, []byte{0x0f, 0x6f}, false},

	x86.AADDSS: {0xf3, []byte{0x0f, 0x58}, false}, x86.AADDSD: {0xf2, []byte{0x0f, 0x58}, false},
	x86.ASUBSS: {0xf3, []byte{0x0f, 0x5c}, false}, x86.ASUBSD: {0xf2, []byte{0x0f, 0x5c}, false},
	x86.AMULSS: {0xf3, []byte{0x0f, 0x59}, false}, x86.AMULSD: {0xf2, []byte{0x0f, 0x59}, false},
	x86.ADIVSS: {0xf3, []byte{0x0f, 0x5e}, false}, x86.ADIVSD: {0xf2, []byte{0x0f, 0x5e}, false},
	x86.ASQRTSS: {0xf3, []byte{0x0f, 0x51}, false}, x86.ASQRTSD: {0xf2, []byte{0x0f, 0x51}, false},
	x86.AUCOMISS: {0, []byte{0x0f, 0x2e}, false}, x86.AUCOMISD: {0x66, []byte{0x0f, 0x2e}, false},
	x86.ACOMISS: {0, []byte{0x0f, 0x2f}, false}, x86.ACOMISD: {0x66, []byte{0x0f, 0x2f}, false},
	x86.AMAXSS: {0xf3, []byte{0x0f, 0x5f}, false}, x86.AMAXSD: {0xf2, []byte{0x0f, 0x5f}, false},
	x86.AMINSS: {0xf3, []byte{0x0f, 0x5d}, false}, x86.AMINSD: {0xf2, []byte{0x0f, 0x5d}, false},
	x86.ACVTSS2SD: {0xf3, []byte{0x0f, 0x5a}, false}, x86.ACVTSD2SS: {0xf2, []byte{0x0f, 0x5a}, false},
	x86.AADDPS: {0, []byte{0x0f, 0x58}, false}, x86.AADDPD: {0x66, []byte{0x0f, 0x58}, false},
	x86.ASUBPS: {0, []byte{0x0f, 0x5c}, false}, x86.ASUBPD: {0x66, []byte{0x0f, 0x5c}, false},
	x86.AMULPS: {0, []byte{0x0f, 0x59}, false}, x86.AMULPD: {0x66, []byte{0x0f, 0x59}, false},
	x86.ADIVPS: {0, []byte{0x0f, 0x5e}, false}, x86.ADIVPD: {0x66, []byte{0x0f, 0x5e}, false},
	x86.ASQRTPS: {0, []byte{0x0f, 0x51}, false}, x86.ASQRTPD: {0x66, []byte{0x0f, 0x51}, false},
	x86.ACVTPS2PD: {0, []byte{0x0f, 0x5a}, false}, x86.ACVTPD2PS: {0x66, []byte{0x0f, 0x5a}, false},
	x86.ACVTPL2PS: {0, []byte{0x0f, 0x5b}, false},
	// Integer → FP: the r/m operand is a general register.
	x86.ACVTSL2SS: {0xf3, []byte{0x0f, 0x2a}, false}, x86.ACVTSQ2SS: {0xf3, []byte{0x0f, 0x2a}, true},
	x86.ACVTSL2SD: {0xf2, []byte{0x0f, 0x2a}, false}, x86.ACVTSQ2SD: {0xf2, []byte{0x0f, 0x2a}, true},
}

// sseToGPR are SSE instructions whose destination (ModRM reg) is a general
// register and source an XMM register.
var sseToGPR = map[obj.As]sse{
	x86.APMOVMSKB:  {0x66, []byte{0x0f, 0xd7}, false},
	x86.ACVTTSS2SL: {0xf3, []byte{0x0f, 0x2c}, false}, x86.ACVTTSS2SQ: {0xf3, []byte{0x0f, 0x2c}, true},
	x86.ACVTTSD2SL: {0xf2, []byte{0x0f, 0x2c}, false}, x86.ACVTTSD2SQ: {0xf2, []byte{0x0f, 0x2c}, true},
}

// sseShift are the shift-by-immediate forms: opcode and extension.
var sseShift = map[obj.As]struct {
	op    byte
	digit int
}{
	x86.APSLLW: {0x71, 6}, x86.APSRLW: {0x71, 2}, x86.APSRAW: {0x71, 4},
	x86.APSLLL: {0x72, 6}, x86.APSRLL: {0x72, 2}, x86.APSRAL: {0x72, 4},
	x86.APSLLQ: {0x73, 6}, x86.APSRLQ: {0x73, 2}, x86.APSRLO: {0x73, 3}, x86.APSLLO: {0x73, 7},
}

// unaryGroup are the F7 /digit instructions with one operand.
var unaryGroup = map[obj.As]struct {
	digit int
	size  int
}{
	x86.ANOTQ: {2, 8}, x86.ANOTL: {2, 4}, x86.ANEGQ: {3, 8}, x86.ANEGL: {3, 4},
	x86.AMULQ: {4, 8}, x86.AMULL: {4, 4}, x86.ADIVQ: {6, 8}, x86.ADIVL: {6, 4},
	x86.AIDIVQ: {7, 8}, x86.AIDIVL: {7, 4},
}

var shiftGroup = map[obj.As]struct {
	digit int
	size  int
}{
	x86.ARORQ: {1, 8}, x86.ARORL: {1, 4}, x86.ASHLQ: {4, 8}, x86.ASHLL: {4, 4},
	x86.ASHRQ: {5, 8}, x86.ASHRL: {5, 4}, x86.ASARQ: {7, 8}, x86.ASARL: {7, 4},
}

// movx are MOVZX/MOVSX/MOVSXD: REX.W and opcode; the source is 8-bit for
// the byte forms.
var movx = map[obj.As]struct {
	w     bool
	op    []byte
	bytes bool
}{
	x86.AMOVBQZX: {true, []byte{0x0f, 0xb6}, true}, x86.AMOVBLZX: {false, []byte{0x0f, 0xb6}, true},
	x86.AMOVWQZX: {true, []byte{0x0f, 0xb7}, false}, x86.AMOVWLZX: {false, []byte{0x0f, 0xb7}, false},
	x86.AMOVBQSX: {true, []byte{0x0f, 0xbe}, true}, x86.AMOVBLSX: {false, []byte{0x0f, 0xbe}, true},
	x86.AMOVWQSX: {true, []byte{0x0f, 0xbf}, false}, x86.AMOVWLSX: {false, []byte{0x0f, 0xbf}, false},
	x86.AMOVLQSX: {true, []byte{0x63}, false},
}

// regOp are "op reg, r/m" instructions with the destination in ModRM reg:
// prefix, REX.W, opcode.
var regOp = map[obj.As]struct {
	prefix byte
	w      bool
	op     []byte
}{
	x86.ALEAQ: {0, true, []byte{0x8d}}, x86.ALEAL: {0, false, []byte{0x8d}},
	x86.ABSRQ: {0, true, []byte{0x0f, 0xbd}}, x86.ABSRL: {0, false, []byte{0x0f, 0xbd}},
	x86.ALZCNTQ: {0xf3, true, []byte{0x0f, 0xbd}}, x86.ALZCNTL: {0xf3, false, []byte{0x0f, 0xbd}},
	x86.ATZCNTQ: {0xf3, true, []byte{0x0f, 0xbc}}, x86.ATZCNTL: {0xf3, false, []byte{0x0f, 0xbc}},
	x86.APOPCNTQ: {0xf3, true, []byte{0x0f, 0xb8}}, x86.APOPCNTL: {0xf3, false, []byte{0x0f, 0xb8}},
}

// atomics are "op reg, mem" with the source register in ModRM reg.
var atomics = map[obj.As]struct {
	op   []byte
	size int
}{
	x86.ACMPXCHGQ: {[]byte{0x0f, 0xb1}, 8}, x86.ACMPXCHGL: {[]byte{0x0f, 0xb1}, 4},
	x86.ACMPXCHGW: {[]byte{0x0f, 0xb1}, 2}, x86.ACMPXCHGB: {[]byte{0x0f, 0xb0}, 1},
	x86.AXADDQ: {[]byte{0x0f, 0xc1}, 8}, x86.AXADDL: {[]byte{0x0f, 0xc1}, 4},
	x86.AXADDW: {[]byte{0x0f, 0xc1}, 2}, x86.AXADDB: {[]byte{0x0f, 0xc0}, 1},
	x86.AXCHGQ: {[]byte{0x87}, 8}, x86.AXCHGL: {[]byte{0x87}, 4},
	x86.AXCHGW: {[]byte{0x87}, 2}, x86.AXCHGB: {[]byte{0x86}, 1},
}

var simple = map[obj.As][]byte{
	x86.ALOCK: {0xf0}, x86.AMFENCE: {0x0f, 0xae, 0xf0}, x86.ACQO: {0x48, 0x99}, x86.ACDQ: {0x99},
	x86.ACLC: {0xf8}, x86.ASTC: {0xf9}, x86.ACMC: {0xf5}, obj.ARET: {0xc3},
}

func movSize(as obj.As) int {
	switch as {
	case x86.AMOVQ:
		return 8
	case x86.AMOVL:
		return 4
	case x86.AMOVW:
		return 2
	}
	return 1
}

// encodeProg appends the machine code of p. Branches get a zero rel32,
// patched by the caller.
func (e *encoder) encodeProg(p *obj.Prog) {
	as := p.As
	switch as { // the most common instructions first
	case x86.AMOVQ, x86.AMOVL, x86.AMOVW, x86.AMOVB:
		e.mov(p, movSize(as))
		return
	}
	from, to := p.From, p.To
	if b, ok := simpleT.get(as); ok {
		e.buf = append(e.buf, b...)
		return
	}
	switch as {
	case obj.ANOP:
		return
	case obj.APCALIGN:
		// Pad until the offset To.Offset bytes ahead is a multiple of
		// From.Offset (patchableJump), with one recommended multi-byte
		// NOP rather than several one-byte ones.
		n := (from.Offset - (int64(len(e.buf))+p.To.Offset)%from.Offset) % from.Offset
		if n >= int64(len(nops)) {
			e.fail(p, "alignment padding too long")
			return
		}
		e.buf = append(e.buf, nops[n]...)
		return
	case x86.ABYTE:
		e.buf = append(e.buf, byte(from.Offset))
		return
	case obj.ACALL:
		e.emit(p, inst{op: []byte{0xff}, reg: 2, rm: to})
		return
	case obj.AJMP:
		if to.Type == obj.TYPE_BRANCH {
			e.buf = append(e.buf, 0xe9, 0, 0, 0, 0)
			return
		}
		e.emit(p, inst{op: []byte{0xff}, reg: 4, rm: to})
		return
	}
	if cc, ok := ccCodeT.get(as); ok {
		switch {
		case to.Type == obj.TYPE_BRANCH: // Jcc rel32
			e.buf = append(e.buf, 0x0f, 0x80+cc, 0, 0, 0, 0)
		case isSetcc(as):
			e.emit(p, inst{op: []byte{0x0f, 0x90 + cc}, rm: to, byteRegs: true})
		default: // CMOVQcc
			r, _ := gpr(to)
			e.emit(p, inst{w: true, op: []byte{0x0f, 0x40 + cc}, reg: r, rm: from})
		}
		return
	}
	if d, ok := aluDigitT.get(as); ok {
		op, _ := aluOpT.get(as)
		e.alu(p, op, d.size)
		return
	}
	if s, ok := sseOpsT.get(as); ok {
		r, ok := xmm(to)
		if !ok {
			if as == x86.AMOVOU { // store form
				r, _ = xmm(from)
				e.emit(p, inst{prefix: 0xf3, op: []byte{0x0f, 0x7f}, reg: r, rm: to})
				return
			}
			e.fail(p, "SSE destination is not an XMM register")
			return
		}
		e.emit(p, inst{prefix: s.prefix, w: s.w, op: s.op, reg: r, rm: from})
		return
	}
	if s, ok := sseToGPRT.get(as); ok {
		r, _ := gpr(to)
		e.emit(p, inst{prefix: s.prefix, w: s.w, op: s.op, reg: r, rm: from})
		return
	}
	if s, ok := sseShiftT.get(as); ok {
		e.emit(p, inst{prefix: 0x66, op: []byte{0x0f, s.op}, reg: s.digit, rm: to}, byte(from.Offset))
		return
	}
	if as == x86.ACMPXCHG16B { // REX.W 0F C7 /1 m128
		e.emit(p, inst{w: true, op: []byte{0x0f, 0xc7}, reg: 1, rm: to})
		return
	}
	if u, ok := unaryGroupT.get(as); ok {
		rm := to
		if rm.Type == obj.TYPE_NONE {
			rm = from // MUL/DIV name their operand as a source
		}
		e.emit(p, inst{w: u.size == 8, op: []byte{0xf7}, reg: u.digit, rm: rm})
		return
	}
	if s, ok := shiftGroupT.get(as); ok {
		in := inst{w: s.size == 8, reg: s.digit, rm: to}
		switch {
		case isImm(from) && from.Offset == 1:
			in.op = []byte{0xd1}
			e.emit(p, in)
		case isImm(from):
			in.op = []byte{0xc1}
			e.emit(p, in, byte(from.Offset))
		case from.Type == obj.TYPE_REG && from.Reg == x86.REG_CX:
			in.op = []byte{0xd3}
			e.emit(p, in)
		default:
			e.fail(p, "shift count must be an immediate or CX")
		}
		return
	}
	if m, ok := movxT.get(as); ok {
		r, _ := gpr(to)
		e.emit(p, inst{w: m.w, op: m.op, reg: r, rm: from, byteRegs: m.bytes})
		return
	}
	if m, ok := regOpT.get(as); ok {
		r, _ := gpr(to)
		e.emit(p, inst{prefix: m.prefix, w: m.w, op: m.op, reg: r, rm: from})
		return
	}
	if a, ok := atomicsT.get(as); ok {
		r, _ := gpr(from)
		w, pfx := sizePrefix(a.size)
		e.emit(p, inst{prefix: pfx, w: w, op: a.op, reg: r, rm: to, byteRegs: a.size == 1, regIsGPR: true})
		return
	}
	switch as {
	case x86.ATESTQ, x86.ATESTL:
		w := as == x86.ATESTQ
		switch {
		case isImm(from):
			e.emitImm(p, inst{w: w, op: []byte{0xf7}, rm: to}, from.Offset, 4)
		case isImm(to):
			e.emitImm(p, inst{w: w, op: []byte{0xf7}, rm: from}, to.Offset, 4)
		default:
			r, ok := gpr(from)
			rm := to
			if !ok {
				r, _ = gpr(to)
				rm = from
			}
			e.emit(p, inst{w: w, op: []byte{0x85}, reg: r, rm: rm})
		}
	case x86.AIMULQ, x86.AIMULL:
		w := as == x86.AIMULQ
		if to.Type == obj.TYPE_NONE {
			e.emit(p, inst{w: w, op: []byte{0xf7}, reg: 5, rm: from})
			return
		}
		r, _ := gpr(to)
		e.emit(p, inst{w: w, op: []byte{0x0f, 0xaf}, reg: r, rm: from})
	case x86.AIMUL3Q, x86.AIMUL3L:
		w := as == x86.AIMUL3Q
		r, _ := gpr(to)
		src := *p.GetFrom3()
		if fitsInt8(from.Offset) {
			e.emit(p, inst{w: w, op: []byte{0x6b}, reg: r, rm: src}, byte(from.Offset))
		} else {
			e.emitImm(p, inst{w: w, op: []byte{0x69}, reg: r, rm: src}, from.Offset, 4)
		}
	case x86.ABSWAPQ, x86.ABSWAPL:
		r, _ := gpr(to)
		var rex byte
		if as == x86.ABSWAPQ {
			rex |= 8
		}
		if r >= 8 {
			rex |= 1
		}
		if rex != 0 {
			e.buf = append(e.buf, 0x40|rex)
		}
		e.buf = append(e.buf, 0x0f, 0xc8+byte(r&7))
	case x86.ABTL, x86.ABTQ, x86.ABTRQ, x86.ABTRL, x86.ABTSQ, x86.ABTSL:
		digit := 4
		switch as {
		case x86.ABTRQ, x86.ABTRL:
			digit = 6
		case x86.ABTSQ, x86.ABTSL:
			digit = 5
		}
		w := as == x86.ABTQ || as == x86.ABTRQ || as == x86.ABTSQ
		if !isImm(from) {
			e.fail(p, "bit index must be an immediate")
			return
		}
		e.emit(p, inst{w: w, op: []byte{0x0f, 0xba}, reg: digit, rm: to}, byte(from.Offset))
	case x86.ASHLXL, x86.ASHLXQ, x86.ASHRXL, x86.ASHRXQ, x86.ASARXL, x86.ASARXQ:
		// VEX.LZ.pp.0F38.W F7 /r: dst = src shifted by count (vvvv).
		pp := map[obj.As]byte{x86.ASHLXL: 1, x86.ASHLXQ: 1, x86.ASHRXL: 3, x86.ASHRXQ: 3, x86.ASARXL: 2, x86.ASARXQ: 2}[as]
		w := as == x86.ASHLXQ || as == x86.ASHRXQ || as == x86.ASARXQ
		cnt, _ := gpr(from)
		r, _ := gpr(to)
		e.vex(p, pp, 2, w, cnt, r, *p.GetFrom3(), 0xf7)
	case x86.AVFMADD231SS, x86.AVFMADD231SD:
		// VEX.LIG.66.0F38.W B9 /r: to += from3 * from.
		v, _ := xmm(*p.GetFrom3())
		r, _ := xmm(to)
		e.vex(p, 1, 2, as == x86.AVFMADD231SD, v, r, from, 0xb9)
	case x86.AVFMADD231PS, x86.AVFMADD231PD:
		// VEX.128.66.0F38.W B8 /r: to += from3 * from, every lane.
		v, _ := xmm(*p.GetFrom3())
		r, _ := xmm(to)
		e.vex(p, 1, 2, as == x86.AVFMADD231PD, v, r, from, 0xb8)
	case x86.ACMPPS, x86.ACMPPD, x86.ACMPSS, x86.ACMPSD:
		// (none|66|F3|F2) 0F C2 /r ib: op3(src, dst, $predicate).
		var prefix byte // CMPPS
		switch as {
		case x86.ACMPPD:
			prefix = 0x66
		case x86.ACMPSS:
			prefix = 0xf3
		case x86.ACMPSD:
			prefix = 0xf2
		}
		r, _ := xmm(*p.GetFrom3())
		e.emit(p, inst{prefix: prefix, op: []byte{0x0f, 0xc2}, reg: r, rm: from}, byte(to.Offset))
	case x86.AROUNDPS, x86.AROUNDPD:
		// 66 0F 3A 08/09 /r ib: op3($mode, src, dst).
		r, _ := xmm(to)
		op := byte(0x08)
		if as == x86.AROUNDPD {
			op = 0x09
		}
		e.emit(p, inst{prefix: 0x66, op: []byte{0x0f, 0x3a, op}, reg: r, rm: *p.GetFrom3()}, byte(from.Offset))
	case x86.APSHUFD:
		// 66 0F 70 /r ib: op3($order, src, dst).
		r, _ := xmm(to)
		e.emit(p, inst{prefix: 0x66, op: []byte{0x0f, 0x70}, reg: r, rm: *p.GetFrom3()})
		e.buf = append(e.buf, byte(from.Offset))
	case x86.AROUNDSS, x86.AROUNDSD:
		// 66 0F 3A 0A/0B /r ib: op3($mode, src, dst).
		r, _ := xmm(to)
		op := byte(0x0a)
		if as == x86.AROUNDSD {
			op = 0x0b
		}
		e.emit(p, inst{prefix: 0x66, op: []byte{0x0f, 0x3a, op}, reg: r, rm: *p.GetFrom3()}, byte(from.Offset))
	case x86.ASTMXCSR:
		e.emit(p, inst{op: []byte{0x0f, 0xae}, reg: 3, rm: to})
	case x86.ALDMXCSR:
		e.emit(p, inst{op: []byte{0x0f, 0xae}, reg: 2, rm: from})
	default:
		e.fail(p, "instruction not supported by the encoder")
	}
}

func isSetcc(as obj.As) bool {
	for _, s := range setccAs {
		if as == s {
			return true
		}
	}
	return as == x86.ASETPS || as == x86.ASETPC
}

// vex emits a three-byte VEX instruction: pp (1 = 66, 2 = F3, 3 = F2),
// opcode map mm (2 = 0F38), W, the extra register vvvv, ModRM reg and rm.
func (e *encoder) vex(p *obj.Prog, pp, mm byte, w bool, vvvv, reg int, rm obj.Addr, op byte) {
	b1 := mm
	if reg < 8 {
		b1 |= 0x80 // R̄
	}
	b1 |= 0x40 // X̄: no index register ≥ 8
	if rm.Type == obj.TYPE_MEM && rm.Index != 0 {
		if idx, _ := gpr(obj.Addr{Type: obj.TYPE_REG, Reg: rm.Index}); idx >= 8 {
			b1 &^= 0x40
		}
	}
	var bn int
	if rm.Type == obj.TYPE_REG {
		bn, _ = regNum(rm)
	} else {
		bn, _ = gpr(obj.Addr{Type: obj.TYPE_REG, Reg: rm.Reg})
	}
	if bn < 8 {
		b1 |= 0x20 // B̄
	}
	b2 := byte(^vvvv&15)<<3 | pp
	if w {
		b2 |= 0x80
	}
	e.buf = append(e.buf, 0xc4, b1, b2, op)
	e.modrm(p, reg, rm)
}

// alu encodes the ADD/OR/ADC/SBB/AND/SUB/XOR/CMP family (digit d).
// Go's CMP a, b computes a - b, so its first operand is the destination
// position; for the others "op src, dst" means dst op= src.
func (e *encoder) alu(p *obj.Prog, d, size int) {
	dst, src := p.To, p.From
	if d == 7 {
		dst, src = p.From, p.To
	}
	w, pfx := sizePrefix(size)
	base := byte(d * 8)
	byteOp := size == 1
	switch {
	case isImm(src):
		x := src.Offset
		switch {
		case byteOp:
			e.emit(p, inst{op: []byte{0x80}, reg: d, rm: dst, byteRegs: true}, byte(x))
		case fitsInt8(x):
			e.emit(p, inst{prefix: pfx, w: w, op: []byte{0x83}, reg: d, rm: dst}, byte(x))
		default:
			if size == 8 && !fitsInt32(x) {
				e.fail(p, "immediate out of range")
				return
			}
			n := 4
			if size == 2 {
				n = 2
			}
			e.emitImm(p, inst{prefix: pfx, w: w, op: []byte{0x81}, reg: d, rm: dst}, x, n)
		}
	case src.Type == obj.TYPE_REG:
		r, _ := gpr(src)
		op := base + 1
		if byteOp {
			op = base
		}
		e.emit(p, inst{prefix: pfx, w: w, op: []byte{op}, reg: r, rm: dst, byteRegs: byteOp, regIsGPR: true})
	case isMem(src):
		r, ok := gpr(dst)
		if !ok {
			e.fail(p, "memory to memory")
			return
		}
		op := base + 3
		if byteOp {
			op = base + 2
		}
		e.emit(p, inst{prefix: pfx, w: w, op: []byte{op}, reg: r, rm: src, byteRegs: byteOp, regIsGPR: true})
	default:
		e.fail(p, "bad ALU operands")
	}
}

// mov encodes MOVQ/MOVL/MOVW/MOVB, including MOVQ/MOVL between general
// and XMM registers.
func (e *encoder) mov(p *obj.Prog, size int) {
	from, to := p.From, p.To
	w, pfx := sizePrefix(size)
	byteOp := size == 1
	if xt, ok := xmm(to); ok { // MOVQ/MOVD into XMM
		if xf, ok := xmm(from); ok {
			e.emit(p, inst{prefix: 0xf3, op: []byte{0x0f, 0x7e}, reg: xt, rm: rg(int16(x86.REG_X0 + xf))})
			return
		}
		e.emit(p, inst{prefix: 0x66, w: size == 8, op: []byte{0x0f, 0x6e}, reg: xt, rm: from})
		return
	}
	if xf, ok := xmm(from); ok { // MOVQ/MOVD out of XMM
		e.emit(p, inst{prefix: 0x66, w: size == 8, op: []byte{0x0f, 0x7e}, reg: xf, rm: to})
		return
	}
	switch {
	case isImm(from):
		x := from.Offset
		if r, ok := gpr(to); ok {
			rex := byte(0)
			if r >= 8 {
				rex |= 1
			}
			switch {
			case size == 8 && x < 0 && fitsInt32(x):
				e.emitImm(p, inst{w: true, op: []byte{0xc7}, rm: to}, x, 4)
			case size == 8 && uint64(x) <= 0xffffffff, size == 4:
				if rex != 0 {
					e.buf = append(e.buf, 0x40|rex)
				}
				e.buf = le32(append(e.buf, 0xb8+byte(r&7)), int32(x))
			case size == 8:
				e.buf = append(e.buf, 0x48|rex, 0xb8+byte(r&7))
				e.buf = le32(e.buf, int32(x))
				e.buf = le32(e.buf, int32(x>>32))
			case size == 2:
				e.emitImm(p, inst{prefix: 0x66, op: []byte{0xc7}, rm: to}, x, 2)
			default:
				e.emit(p, inst{op: []byte{0xc6}, rm: to, byteRegs: true}, byte(x))
			}
			return
		}
		switch {
		case byteOp:
			e.emit(p, inst{op: []byte{0xc6}, rm: to}, byte(x))
		case size == 2:
			e.emitImm(p, inst{prefix: 0x66, op: []byte{0xc7}, rm: to}, x, 2)
		default:
			if size == 8 && !fitsInt32(x) {
				e.fail(p, "64-bit immediate to memory")
				return
			}
			e.emitImm(p, inst{w: w, op: []byte{0xc7}, rm: to}, x, 4)
		}
	case from.Type == obj.TYPE_REG:
		r, _ := gpr(from)
		op := byte(0x89)
		if byteOp {
			op = 0x88
		}
		e.emit(p, inst{prefix: pfx, w: w, op: []byte{op}, reg: r, rm: to, byteRegs: byteOp, regIsGPR: true})
	case isMem(from):
		r, ok := gpr(to)
		if !ok {
			e.fail(p, "memory to memory")
			return
		}
		op := byte(0x8b)
		if byteOp {
			op = 0x8a
		}
		e.emit(p, inst{prefix: pfx, w: w, op: []byte{op}, reg: r, rm: from, byteRegs: byteOp, regIsGPR: true})
	default:
		e.fail(p, "bad MOV operands")
	}
}

// nops are the recommended NOP encodings by length (Intel SDM, NOP).
var nops = [...][]byte{nil, {0x90}, {0x66, 0x90}, {0x0f, 0x1f, 0x00}}

// encodeList encodes the instruction list starting at first, setting every
// Prog's Pc, and resolves branches.
func encodeList(e *encoder, first *obj.Prog) ([]byte, error) {
	e.buf = e.buf[:0]
	e.err = nil
	e.rips = e.rips[:0]
	var branches []*obj.Prog
	for p := first; p != nil; p = p.Link {
		p.Pc = int64(len(e.buf))
		e.encodeProg(p)
		if p.To.Type == obj.TYPE_BRANCH {
			branches = append(branches, p)
		}
		// A displacement is relative to the end of its instruction,
		// immediates included.
		for i := len(e.rips) - 1; i >= 0 && e.rips[i].end < 0; i-- {
			e.rips[i].end = len(e.buf)
		}
	}
	if e.err != nil {
		return nil, e.err
	}
	e.textLen = len(e.buf)
	if len(e.rips) > 0 {
		// Blocks are placed 16-byte aligned (codeCache.alloc), so an
		// aligned offset is an aligned address, as SSE memory operands
		// other than MOVDQU require.
		for len(e.buf)%16 != 0 {
			e.buf = append(e.buf, 0xcc)
		}
		base := len(e.buf)
		e.buf = append(e.buf, e.pool...)
		for _, f := range e.rips {
			rel := int32(int64(base) + f.off - int64(f.end))
			b := e.buf[f.disp : f.disp+4]
			b[0], b[1], b[2], b[3] = byte(rel), byte(rel>>8), byte(rel>>16), byte(rel>>24)
		}
	}
	for _, p := range branches {
		t, ok := p.To.Val.(*obj.Prog)
		if !ok || t == nil {
			return nil, fmt.Errorf("%w: branch without a target", errEncode)
		}
		end := p.Pc + 5
		if p.As != obj.AJMP {
			end = p.Pc + 6
		}
		rel := t.Pc - end
		b := e.buf[end-4 : end]
		b[0], b[1], b[2], b[3] = byte(rel), byte(rel>>8), byte(rel>>16), byte(rel>>24)
	}
	// The caller copies the code into the code cache before encoding the
	// next block, so the buffer is handed out as is.
	return e.buf, nil
}

// dense is a lookup table indexed by obj.As: map lookups were the largest
// cost of encoding.
type dense[T any] struct {
	base obj.As // the lowest opcode in the table: x86 opcodes start far above 0
	v    []T
	ok   []bool
}

func (d *dense[T]) get(as obj.As) (T, bool) {
	if i := int(as) - int(d.base); uint(i) < uint(len(d.ok)) && d.ok[i] {
		return d.v[i], true
	}
	var zero T
	return zero, false
}

func makeDense[T any](m map[obj.As]T) dense[T] {
	lo, hi := obj.As(0x7fff), obj.As(0)
	for as := range m {
		lo, hi = min(lo, as), max(hi, as)
	}
	if len(m) == 0 {
		return dense[T]{}
	}
	n := int(hi-lo) + 1
	d := dense[T]{base: lo, v: make([]T, n), ok: make([]bool, n)}
	for as, x := range m {
		d.v[as-lo], d.ok[as-lo] = x, true
	}
	return d
}

// The dense tables, built after the maps are complete (init order: the
// maps' own init functions run first, being earlier in the file).
var (
	aluDigitT   dense[sized]
	aluOpT      dense[int]
	ccCodeT     dense[byte]
	sseOpsT     dense[sse]
	sseToGPRT   dense[sse]
	sseShiftT   = makeDense(sseShift)
	unaryGroupT = makeDense(unaryGroup)
	shiftGroupT = makeDense(shiftGroup)
	movxT       = makeDense(movx)
	regOpT      = makeDense(regOp)
	atomicsT    = makeDense(atomics)
	simpleT     = makeDense(simple)
)

func init() {
	aluDigitT, aluOpT, ccCodeT = makeDense(aluDigit), makeDense(aluOp), makeDense(ccCode)
	sseOpsT, sseToGPRT = makeDense(sseOps), makeDense(sseToGPR)
}
