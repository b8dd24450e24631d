package interp

import (
	"math"
	"math/big"
	"math/rand"
	"testing"

	"ferry/ir"
)

// TestSQRDMLAHMatchesPseudocode compares OpVSQRDMlah with the Arm ARM's
// formula evaluated on unbounded integers: SignedSatQ(((acc << esize) ±
// 2*x*y + 2^(esize-1)) >> esize).
func TestSQRDMLAHMatchesPseudocode(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	edges := []int64{0, 1, -1, 2, math.MinInt16, math.MaxInt16, math.MinInt32, math.MaxInt32, 1 << 14, -(1 << 30)}
	for iter := 0; iter < 3000; iter++ {
		size := 1 + iter%2
		es := uint(laneBits(size))
		var a, b, c [2]uint64
		for i := 0; i < laneCount(size); i++ {
			pick := func() uint64 {
				if rng.Intn(3) == 0 {
					return uint64(edges[rng.Intn(len(edges))])
				}
				return rng.Uint64()
			}
			setLane(&a, size, i, pick())
			setLane(&b, size, i, pick())
			setLane(&c, size, i, pick())
		}
		for sub := int64(0); sub < 2; sub++ {
			var cpu ir.CPU
			got := vec(&cpu, ir.OpVSQRDMlah, int64(size), sub, a, b, c)
			var want [2]uint64
			wantQC := false
			lo, hi := signedRange(size)
			for i := 0; i < laneCount(size); i++ {
				acc := big.NewInt(sext(lane(a, size, i), size))
				prod := new(big.Int).Mul(big.NewInt(sext(lane(b, size, i), size)), big.NewInt(sext(lane(c, size, i), size)))
				prod.Lsh(prod, 1)
				if sub == 1 {
					prod.Neg(prod)
				}
				v := new(big.Int).Lsh(acc, es)
				v.Add(v, prod).Add(v, new(big.Int).Lsh(big.NewInt(1), es-1)).Rsh(v, es)
				switch {
				case v.Cmp(big.NewInt(hi)) > 0:
					v.SetInt64(hi)
					wantQC = true
				case v.Cmp(big.NewInt(lo)) < 0:
					v.SetInt64(lo)
					wantQC = true
				}
				setLane(&want, size, i, uint64(v.Int64()))
			}
			if qc := cpu.FPSR&ir.FPSRQC != 0; got != want || qc != wantQC {
				t.Fatalf("size %d sub %d: %#x %#x %#x: got %#x qc %v, want %#x qc %v", size, sub, a, b, c, got, qc, want, wantQC)
			}
		}
	}
}

func TestDotAndMatrixMultiply(t *testing.T) {
	bytesOf := func(v [2]uint64) (r [16]int64) {
		for i := range r {
			r[i] = int64(lane(v, 0, i))
		}
		return r
	}
	read := func(x int64, signed bool) int64 {
		if signed {
			return int64(int8(x))
		}
		return x
	}
	rng := rand.New(rand.NewSource(6))
	for iter := 0; iter < 500; iter++ {
		a := [2]uint64{rng.Uint64(), rng.Uint64()}
		b := [2]uint64{rng.Uint64(), rng.Uint64()}
		c := [2]uint64{rng.Uint64(), rng.Uint64()}
		if iter%5 == 0 {
			b, c = [2]uint64{^uint64(0), 0x8080808080808080}, [2]uint64{0x8080808080808080, ^uint64(0)}
		}
		bb, cb := bytesOf(b), bytesOf(c)
		for _, sign := range []ir.DotSign{ir.DotUnsigned, ir.DotSigned, ir.DotUnsignedSigned} {
			bs, cs := sign == ir.DotSigned, sign != ir.DotUnsigned
			var cpu ir.CPU
			var want [2]uint64
			for e := 0; e < 4; e++ {
				sum := int64(lane(a, 2, e))
				for k := 0; k < 4; k++ {
					sum += read(bb[4*e+k], bs) * read(cb[4*e+k], cs)
				}
				setLane(&want, 2, e, uint64(sum))
			}
			if got := vec(&cpu, ir.OpVDot, 2, int64(sign), a, b, c); got != want {
				t.Fatalf("dot %d: got %#x, want %#x", sign, got, want)
			}
			// Row i of the 2x8 matrix Vn times column j of the 8x2 matrix
			// Vm (stored as its rows, i.e. the transpose).
			for i := 0; i < 2; i++ {
				for j := 0; j < 2; j++ {
					sum := int64(lane(a, 2, 2*i+j))
					for k := 0; k < 8; k++ {
						sum += read(bb[8*i+k], bs) * read(cb[8*j+k], cs)
					}
					setLane(&want, 2, 2*i+j, uint64(sum))
				}
			}
			if got := vec(&cpu, ir.OpVMMLA, 2, int64(sign), a, b, c); got != want {
				t.Fatalf("mmla %d: got %#x, want %#x", sign, got, want)
			}
		}
	}
}

// TestFJCVTZS: FPToFixedJS, cases worked out from the pseudocode: the
// integer toward zero modulo 2^32; Z only for exact in-range conversions
// (not -0.0); Invalid for NaNs, infinities and out-of-range values,
// Inexact for the rest that are not integers.
func TestFJCVTZS(t *testing.T) {
	d := math.Float64bits
	cases := []struct {
		name   string
		in     uint64
		fz     bool
		result uint32
		z      bool
		flags  uint64
	}{
		{"+0", 0, false, 0, true, 0},
		{"-0", d(math.Copysign(0, -1)), false, 0, false, 0},
		{"1.5", d(1.5), false, 1, false, ir.FPSRIXC},
		{"-1.5", d(-1.5), false, 0xffffffff, false, ir.FPSRIXC},
		{"-2^31", d(-(1 << 31)), false, 0x80000000, true, 0},
		{"2^31-1", d(1<<31 - 1), false, 0x7fffffff, true, 0},
		{"2^31", d(1 << 31), false, 0x80000000, false, ir.FPSRIOC},
		{"-2^31-1", d(-(1 << 31) - 1), false, 0x7fffffff, false, ir.FPSRIOC},
		{"2^32+5.5", d(1<<32 + 5.5), false, 5, false, ir.FPSRIOC},
		{"-2^32-5", d(-(1 << 32) - 5), false, 0xfffffffb, false, ir.FPSRIOC},
		{"2^80+2^33+7*2^28", d(0x1p80 + 0x1p33 + 7*0x1p28), false, 0x70000000, false, ir.FPSRIOC},
		{"1e308", d(1e308), false, 0, false, ir.FPSRIOC},
		{"+inf", d(math.Inf(1)), false, 0, false, ir.FPSRIOC},
		{"qnan", 0x7ff8000000000001, false, 0, false, ir.FPSRIOC},
		{"snan", 0xfff0000000000001, false, 0, false, ir.FPSRIOC},
		{"denormal", 1, false, 0, false, ir.FPSRIXC},
		{"denormal FZ", 1, true, 0, false, ir.FPSRIDC},
		{"-denormal FZ", 1<<63 | 5, true, 0, false, ir.FPSRIDC},
	}
	for _, c := range cases {
		cpu := ir.CPU{}
		if c.fz {
			cpu.FPCR = ir.FPCRFZ
		}
		got := vec(&cpu, ir.OpFJcvtzs, 3, 0, [2]uint64{c.in, 0xdead})
		var wantNZCV uint64
		if c.z {
			wantNZCV = 1 << 30
		}
		if want := [2]uint64{uint64(c.result) | wantNZCV<<32}; got != want || cpu.FPSR != c.flags {
			t.Errorf("%s: got %#x flags %#x, want %#x flags %#x", c.name, got, cpu.FPSR, want, c.flags)
		}
	}
}

// TestFRINTN: FPRoundIntN for single and double precision.
func TestFRINTN(t *testing.T) {
	f, d := func(x float32) uint64 { return uint64(math.Float32bits(x)) }, math.Float64bits
	cases := []struct {
		name    string
		size    int
		r       ir.FPRounding
		intBits int
		in      uint64
		want    uint64
		flags   uint64
	}{
		{"32z 2.75", 2, ir.RoundZero, 32, f(2.75), f(2), ir.FPSRIXC},
		{"32z -0.5 keeps the sign", 2, ir.RoundZero, 32, f(-0.5), f(float32(math.Copysign(0, -1))), ir.FPSRIXC},
		{"32x 2.5 ties to even", 2, ir.RoundFPCRExact, 32, f(2.5), f(2), ir.FPSRIXC},
		{"32z 2^31 overflows", 2, ir.RoundZero, 32, f(1 << 31), f(-(1 << 31)), ir.FPSRIOC},
		{"32z -2^31 fits", 2, ir.RoundZero, 32, f(-(1 << 31)), f(-(1 << 31)), 0},
		{"32z NaN", 2, ir.RoundZero, 32, 0x7fc00000, f(-(1 << 31)), ir.FPSRIOC},
		{"32z -inf", 2, ir.RoundZero, 32, f(float32(math.Inf(-1))), f(-(1 << 31)), ir.FPSRIOC},
		{"64z 2^40+0.5 in a double", 3, ir.RoundZero, 64, d(0x1p40 + 0.5), d(0x1p40), ir.FPSRIXC},
		{"32x double 2^40 overflows", 3, ir.RoundFPCRExact, 32, d(0x1p40), d(-0x1p31), ir.FPSRIOC},
		{"64x double 2^63 overflows", 3, ir.RoundFPCRExact, 64, d(0x1p63), d(-0x1p63), ir.FPSRIOC},
		{"64x double -2^63 fits", 3, ir.RoundFPCRExact, 64, d(-0x1p63), d(-0x1p63), 0},
		{"64z -0", 3, ir.RoundZero, 64, 1 << 63, 1 << 63, 0},
	}
	for _, c := range cases {
		var cpu ir.CPU
		got := vec(&cpu, ir.OpFRoundIntN, int64(c.size), ir.FRoundIntAux(c.r, ir.FPScalar, c.intBits), [2]uint64{c.in, 0})
		if got != [2]uint64{c.want} || cpu.FPSR != c.flags {
			t.Errorf("%s: got %#x flags %#x, want %#x flags %#x", c.name, got, cpu.FPSR, c.want, c.flags)
		}
	}
}
