package lift

import (
	"fmt"
	"math/big"
	"math/bits"
	"math/rand"
	"testing"

	"ferry/decoder"
	"ferry/ir"
)

// Data-processing instructions are checked against a reference model
// written from the Arm ARM pseudocode, with its own field extraction: for
// random words of each encoding class and random register/flag values, one
// instruction runs through lifter + interpreter and every general register,
// SP and NZCV must match the model.

type refState struct {
	X    [32]uint64 // X[31] = SP
	NZCV uint64
}

func field(w uint32, lo, n uint) uint64 { return uint64(w>>lo) & (1<<n - 1) }

func ones(n uint64) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

func widthOf(sf bool) uint64 {
	if sf {
		return 64
	}
	return 32
}

func (s *refState) read(r uint64, sf, spOK bool) uint64 {
	v := uint64(0)
	if r != 31 || spOK {
		v = s.X[r]
	}
	return v & ones(widthOf(sf))
}

func (s *refState) write(r uint64, v uint64, sf, spOK bool) {
	if r == 31 && !spOK {
		return
	}
	s.X[r] = v & ones(widthOf(sf))
}

// addWithCarry is the pseudocode AddWithCarry on unbounded integers.
func addWithCarry(x, y, carry uint64, n uint64) (uint64, uint64) {
	m := new(big.Int).Lsh(big.NewInt(1), uint(n))
	signed := func(v uint64) *big.Int {
		b := new(big.Int).SetUint64(v)
		if v>>(n-1)&1 == 1 {
			b.Sub(b, m)
		}
		return b
	}
	usum := new(big.Int).SetUint64(x)
	usum.Add(usum, new(big.Int).SetUint64(y)).Add(usum, new(big.Int).SetUint64(carry))
	ssum := new(big.Int).Add(signed(x), signed(y))
	ssum.Add(ssum, new(big.Int).SetUint64(carry))
	res := new(big.Int).Mod(usum, m).Uint64()
	var f uint64
	if res>>(n-1)&1 == 1 {
		f |= 8
	}
	if res == 0 {
		f |= 4
	}
	if new(big.Int).SetUint64(res).Cmp(usum) != 0 {
		f |= 2
	}
	if signed(res).Cmp(ssum) != 0 {
		f |= 1
	}
	return res, f << 28
}

func conditionHolds(cond, nzcv uint64) bool {
	n, z, c, v := nzcv>>31&1 == 1, nzcv>>30&1 == 1, nzcv>>29&1 == 1, nzcv>>28&1 == 1
	var r bool
	switch cond >> 1 {
	case 0:
		r = z
	case 1:
		r = c
	case 2:
		r = n
	case 3:
		r = v
	case 4:
		r = c && !z
	case 5:
		r = n == v
	case 6:
		r = n == v && !z
	case 7:
		r = true
	}
	if cond&1 == 1 && cond != 15 {
		r = !r
	}
	return r
}

func ror(x, r, n uint64) uint64 {
	r %= n
	if r == 0 {
		return x
	}
	return (x>>r | x<<(n-r)) & ones(n)
}

func replicate(elem, esize, n uint64) uint64 {
	var out uint64
	for i := uint64(0); i < n; i += esize {
		out |= elem << i
	}
	return out & ones(n)
}

// decodeBitMasks is the pseudocode DecodeBitMasks (wmask and tmask).
func decodeBitMasks(immN, imms, immr uint64, immediate bool, m uint64) (uint64, uint64, bool) {
	combined := immN<<6 | (^imms & 0x3F)
	if combined == 0 {
		return 0, 0, false
	}
	length := uint64(bits.Len64(combined) - 1)
	if length < 1 || 1<<length > m {
		return 0, 0, false
	}
	levels := ones(length)
	if immediate && imms&levels == levels {
		return 0, 0, false
	}
	s, r := imms&levels, immr&levels
	diff := (s - r) & 0x3F
	esize := uint64(1) << length
	d := diff & ones(length)
	welem := ones(s + 1)
	telem := ones(d + 1)
	return replicate(ror(welem, r, esize), esize, m), replicate(telem, esize, m), true
}

func shiftReg(v, typ, amount, n uint64) uint64 {
	switch typ {
	case 0:
		return v << amount & ones(n)
	case 1:
		return v >> amount
	case 2:
		return uint64(int64(v<<(64-n))>>(64-n)>>amount) & ones(n)
	}
	return ror(v, amount, n)
}

func extendReg(v, option, shift, n uint64) uint64 {
	size := uint64(8) << (option & 3)
	v &= ones(size)
	if option&4 != 0 && size < 64 && v>>(size-1)&1 == 1 {
		v |= ^ones(size)
	}
	return v << shift & ones(n)
}

func signExtend(v, from uint64) uint64 {
	return uint64(int64(v<<(64-from)) >> (64 - from))
}

// refExec executes one data-processing word on s. It returns false if the
// pseudocode says the encoding is UNDEFINED/unallocated.
func refExec(w uint32, s *refState) bool {
	sf := w>>31 == 1
	n := widthOf(sf)
	rd, rn, rm := field(w, 0, 5), field(w, 5, 5), field(w, 16, 5)
	switch {
	case w&0x1F800000 == 0x11000000: // add/sub immediate
		imm := field(w, 10, 12) << (12 * field(w, 22, 1))
		op, setFlags := field(w, 30, 1), field(w, 29, 1) == 1
		x := s.read(rn, sf, true)
		y, c := imm, uint64(0)
		if op == 1 {
			y, c = ^imm&ones(n), 1
		}
		res, f := addWithCarry(x, y, c, n)
		if setFlags {
			s.NZCV = f
		}
		s.write(rd, res, sf, !setFlags)
	case w&0x1F800000 == 0x12000000: // logical immediate
		immN := field(w, 22, 1)
		if !sf && immN == 1 {
			return false
		}
		imm, _, ok := decodeBitMasks(immN, field(w, 10, 6), field(w, 16, 6), true, n)
		if !ok {
			return false
		}
		x := s.read(rn, sf, false)
		var res uint64
		opc := field(w, 29, 2)
		switch opc {
		case 0, 3:
			res = x & imm
		case 1:
			res = x | imm
		case 2:
			res = x ^ imm
		}
		if opc == 3 {
			s.NZCV = res>>(n-1)<<31 | b2u(res == 0)<<30
		}
		s.write(rd, res, sf, opc != 3)
	case w&0x1F800000 == 0x12800000: // move wide
		opc, hw := field(w, 29, 2), field(w, 21, 2)
		if opc == 1 || (!sf && hw >= 2) {
			return false
		}
		imm := field(w, 5, 16) << (16 * hw)
		switch opc {
		case 0:
			s.write(rd, ^imm, sf, false)
		case 2:
			s.write(rd, imm, sf, false)
		case 3:
			old := s.read(rd, sf, false)
			s.write(rd, old&^(0xFFFF<<(16*hw))|imm, sf, false)
		}
	case w&0x1F800000 == 0x13000000: // bitfield
		opc, immN := field(w, 29, 2), field(w, 22, 1)
		immr, imms := field(w, 16, 6), field(w, 10, 6)
		if opc == 3 || (immN == 1) != sf || (!sf && (immr >= 32 || imms >= 32)) {
			return false
		}
		wmask, tmask, ok := decodeBitMasks(immN, imms, immr, false, n)
		if !ok {
			return false
		}
		src := s.read(rn, sf, false)
		bot := ror(src, immr, n) & wmask
		var res uint64
		switch opc {
		case 0:
			top := uint64(0)
			if src>>imms&1 == 1 {
				top = ones(n)
			}
			res = top&^tmask | bot&tmask
		case 1:
			dst := s.read(rd, sf, false)
			bot = dst&^wmask | ror(src, immr, n)&wmask
			res = dst&^tmask | bot&tmask
		case 2:
			res = bot & tmask
		}
		s.write(rd, res, sf, false)
	case w&0x1F800000 == 0x13800000: // extract
		imms := field(w, 10, 6)
		if field(w, 29, 2) != 0 || field(w, 21, 1) != 0 || (field(w, 22, 1) == 1) != sf || (!sf && imms >= 32) {
			return false
		}
		hi, lo := s.read(rn, sf, false), s.read(rm, sf, false)
		var res uint64
		if imms == 0 {
			res = lo
		} else {
			res = (lo>>imms | hi<<(n-imms)) & ones(n)
		}
		s.write(rd, res, sf, false)
	case w&0x1F000000 == 0x0A000000: // logical shifted register
		imm6 := field(w, 10, 6)
		if !sf && imm6 >= 32 {
			return false
		}
		x := s.read(rn, sf, false)
		y := shiftReg(s.read(rm, sf, false), field(w, 22, 2), imm6, n)
		if field(w, 21, 1) == 1 {
			y = ^y & ones(n)
		}
		var res uint64
		opc := field(w, 29, 2)
		switch opc {
		case 0, 3:
			res = x & y
		case 1:
			res = x | y
		case 2:
			res = x ^ y
		}
		if opc == 3 {
			s.NZCV = res>>(n-1)<<31 | b2u(res == 0)<<30
		}
		s.write(rd, res, sf, false)
	case w&0x1F200000 == 0x0B000000, w&0x1F200000 == 0x0B200000: // add/sub shifted, extended
		var x, y uint64
		setFlags := field(w, 29, 1) == 1
		spOK := false
		if w&0x00200000 == 0 {
			imm6, sh := field(w, 10, 6), field(w, 22, 2)
			if sh == 3 || (!sf && imm6 >= 32) {
				return false
			}
			x, y = s.read(rn, sf, false), shiftReg(s.read(rm, sf, false), sh, imm6, n)
		} else {
			imm3 := field(w, 10, 3)
			if field(w, 22, 2) != 0 || imm3 > 4 {
				return false
			}
			x, y = s.read(rn, sf, true), extendReg(s.read(rm, true, false), field(w, 13, 3), imm3, n)
			spOK = !setFlags
		}
		c := uint64(0)
		if field(w, 30, 1) == 1 {
			y, c = ^y&ones(n), 1
		}
		res, f := addWithCarry(x, y, c, n)
		if setFlags {
			s.NZCV = f
		}
		s.write(rd, res, sf, spOK)
	case w&0x1FE0FC00 == 0x1A000000: // adc/sbc
		x, y := s.read(rn, sf, false), s.read(rm, sf, false)
		if field(w, 30, 1) == 1 {
			y = ^y & ones(n)
		}
		res, f := addWithCarry(x, y, s.NZCV>>29&1, n)
		if field(w, 29, 1) == 1 {
			s.NZCV = f
		}
		s.write(rd, res, sf, false)
	case w&0x1FE00000 == 0x1A400000: // conditional compare
		if field(w, 29, 1) != 1 || field(w, 10, 1) != 0 || field(w, 4, 1) != 0 {
			return false
		}
		if conditionHolds(field(w, 12, 4), s.NZCV) {
			x := s.read(rn, sf, false)
			y := rm
			if field(w, 11, 1) == 0 {
				y = s.read(rm, sf, false)
			}
			c := uint64(0)
			if field(w, 30, 1) == 1 {
				y, c = ^y&ones(n), 1
			}
			_, s.NZCV = addWithCarry(x, y, c, n)
		} else {
			s.NZCV = field(w, 0, 4) << 28
		}
	case w&0x1FE00000 == 0x1A800000: // conditional select
		op2 := field(w, 10, 2)
		if field(w, 29, 1) != 0 || op2 > 1 {
			return false
		}
		var res uint64
		if conditionHolds(field(w, 12, 4), s.NZCV) {
			res = s.read(rn, sf, false)
		} else {
			res = s.read(rm, sf, false)
			if field(w, 30, 1) == 1 {
				res = ^res
			}
			if op2 == 1 {
				res++
			}
		}
		s.write(rd, res, sf, false)
	case w&0x5FE00000 == 0x5AC00000: // 1 source
		if field(w, 29, 1) != 0 || field(w, 16, 5) != 0 {
			return false
		}
		x := s.read(rn, sf, false)
		var res uint64
		switch op := field(w, 10, 6); op {
		case 0:
			res = bits.Reverse64(x) >> (64 - n)
		case 1, 2, 3: // REV16, REV32, REV: reverse bytes within containers
			if op == 3 && !sf {
				return false
			}
			container := uint64(8) << op
			if op == 2 && !sf {
				container = 32
			}
			for c := uint64(0); c < n; c += container {
				part := x >> c & ones(container)
				rev := bits.ReverseBytes64(part) >> (64 - container)
				res |= rev << c
			}
		case 4:
			res = uint64(bits.LeadingZeros64(x)) - (64 - n)
		case 5: // CLS: CountLeadingZeroBits(x<n-1:1> EOR x<n-2:0>) over n-1 bits
			v := (x>>1 ^ x) & ones(n-1)
			res = uint64(bits.LeadingZeros64(v)) - (64 - (n - 1))
		default:
			return false
		}
		s.write(rd, res, sf, false)
	case w&0x5FE00000 == 0x1AC00000: // 2 source
		if field(w, 29, 1) != 0 {
			return false
		}
		x, y := s.read(rn, sf, false), s.read(rm, sf, false)
		var res uint64
		switch field(w, 10, 6) {
		case 2:
			if y != 0 {
				res = x / y
			}
		case 3:
			sx, sy := int64(signExtend(x, n)), int64(signExtend(y, n))
			switch {
			case sy == 0:
			case sy == -1:
				res = uint64(-sx) // MinInt / -1 wraps to MinInt
			default:
				res = uint64(sx / sy)
			}
		case 8:
			res = x << (y % n)
		case 9:
			res = x >> (y % n)
		case 10:
			res = shiftReg(x, 2, y%n, n)
		case 11:
			res = ror(x, y%n, n)
		default:
			return false
		}
		s.write(rd, res, sf, false)
	case w&0x1F000000 == 0x1B000000: // 3 source
		op31, o0 := field(w, 21, 3), field(w, 15, 1)
		ra := field(w, 10, 5)
		if field(w, 29, 2) != 0 {
			return false
		}
		x, y, a := s.read(rn, sf, false), s.read(rm, sf, false), s.read(ra, sf, false)
		var res uint64
		switch {
		case op31 == 0:
			res = a + x*y
			if o0 == 1 {
				res = a - x*y
			}
		case !sf:
			return false
		case op31 == 1 || op31 == 5:
			x32, y32 := x&ones(32), y&ones(32)
			if op31 == 1 {
				x32, y32 = signExtend(x32, 32), signExtend(y32, 32)
			}
			res = a + x32*y32
			if o0 == 1 {
				res = a - x32*y32
			}
		case op31 == 2 && o0 == 0:
			p := new(big.Int).Mul(big.NewInt(int64(x)), big.NewInt(int64(y)))
			res = new(big.Int).Rsh(p, 64).Uint64()
			if p.Sign() < 0 {
				res = uint64(new(big.Int).Rsh(p, 64).Int64())
			}
		case op31 == 6 && o0 == 0:
			res, _ = bits.Mul64(x, y)
		default:
			return false
		}
		s.write(rd, res, sf, false)
	default:
		panic(fmt.Sprintf("refExec: %#08x is not a data-processing word", w))
	}
	return true
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// dpClasses are the encoding classes: fixed bits and the mask of random bits.
var dpClasses = []struct {
	name        string
	fixed, free uint32
}{
	{"add/sub imm", 0x11000000, 0xE07FFFFF},
	{"logical imm", 0x12000000, 0xE07FFFFF},
	{"move wide", 0x12800000, 0xE07FFFFF},
	{"bitfield", 0x13000000, 0xE07FFFFF},
	{"extract", 0x13800000, 0xE07FFFFF},
	{"logical shifted", 0x0A000000, 0xE0FFFFFF},
	{"add/sub shifted", 0x0B000000, 0xE0DFFFFF},
	{"add/sub extended", 0x0B200000, 0xE0DFFFFF},
	{"adc/sbc", 0x1A000000, 0xE01F03FF},
	{"cond compare", 0x1A400000, 0xE01FFFFF},
	{"cond select", 0x1A800000, 0xE01FFFFF},
	{"1 source", 0x5AC00000, 0x80001FFF},
	{"2 source", 0x1AC00000, 0x801F3FFF},
	{"3 source", 0x1B000000, 0x80FFFFFF},
}

// interesting register values: edges of signed/unsigned ranges.
var edgeValues = []uint64{0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0x7FFFFFFF, 0x80000000,
	0xFFFFFFFF, 0x100000000, 1<<63 - 1, 1 << 63, ^uint64(0), ^uint64(0) - 1}

func TestDataProcessingMatchesPseudocode(t *testing.T) {
	g := newGuest(t)
	rng := rand.New(rand.NewSource(2))
	perClass := 3000
	if testing.Short() {
		perClass = 300
	}
	for _, cl := range dpClasses {
		fails, undefined, checked := 0, 0, 0
		for tries := 0; checked < perClass && tries < 30*perClass && fails < 5; tries++ {
			w := cl.fixed | rng.Uint32()&cl.free
			var want refState
			for r := range want.X {
				if rng.Intn(3) == 0 {
					want.X[r] = edgeValues[rng.Intn(len(edgeValues))]
				} else {
					want.X[r] = rng.Uint64()
				}
			}
			want.NZCV = uint64(rng.Intn(16)) << 28
			cpu := &ir.CPU{X: want.X, NZCV: want.NZCV}
			defined := refExec(w, &want)
			in := decoder.Decode(w)
			if !defined {
				undefined++
				if in.Op != decoder.Undefined {
					t.Errorf("%s: %#08x is unallocated but decodes as %v", cl.name, w, in)
					fails++
				}
				continue
			}
			checked++
			g.runToStop(t, cpu, []uint32{w})
			if cpu.X != want.X || cpu.NZCV != want.NZCV {
				fails++
				t.Errorf("%s: %#08x %v:\n got X %x NZCV %#x\nwant X %x NZCV %#x", cl.name, w, in,
					cpu.X, cpu.NZCV, want.X, want.NZCV)
			}
		}
		t.Logf("%s: %d words checked, %d unallocated ones rejected", cl.name, checked, undefined)
	}
}
