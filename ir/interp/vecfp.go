package interp

import (
	"math"
	"math/big"

	"ferry/ir"
)

// Floating point with Arm semantics on an x86 host.
//
// Lane values travel as raw bit patterns. NaNs are handled on the bits
// before any host arithmetic (x86 and Go differ from Arm in which NaN wins
// and in the sign of the default NaN). Finite arithmetic in round-to-nearest
// uses the host (float32 ops for single precision, float64 for double);
// exception flags come from cheap exactness checks. Everything else —
// directed rounding modes, flush-to-zero, results near the underflow
// threshold — goes through math/big with the exact or sticky value and one
// final rounding (roundBig), which implements Arm's FPRound including
// tininess detected before rounding.

// fpFormat describes one IEEE binary format.
type fpFormat struct {
	mbits      uint // stored fraction bits
	ebits      uint
	emin, emax int // normal exponent range (unbiased)
}

var fpFormats = [4]fpFormat{
	1: {10, 5, -14, 15},
	2: {23, 8, -126, 127},
	3: {52, 11, -1022, 1023},
}

func (f fpFormat) width() uint        { return 1 + f.ebits + f.mbits }
func (f fpFormat) signBit() uint64    { return 1 << (f.width() - 1) }
func (f fpFormat) fracMask() uint64   { return 1<<f.mbits - 1 }
func (f fpFormat) expField() uint64   { return (1<<f.ebits - 1) << f.mbits }
func (f fpFormat) quietBit() uint64   { return 1 << (f.mbits - 1) }
func (f fpFormat) defaultNaN() uint64 { return f.expField() | f.quietBit() }
func (f fpFormat) infBits() uint64    { return f.expField() }

func (f fpFormat) isNaN(x uint64) bool {
	return x&f.expField() == f.expField() && x&f.fracMask() != 0
}
func (f fpFormat) isSNaN(x uint64) bool { return f.isNaN(x) && x&f.quietBit() == 0 }
func (f fpFormat) isInf(x uint64) bool  { return x&^f.signBit() == f.infBits() }
func (f fpFormat) isZero(x uint64) bool { return x&^f.signBit() == 0 }
func (f fpFormat) isDenormal(x uint64) bool {
	return x&f.expField() == 0 && x&f.fracMask() != 0
}

// fpCtx carries FPCR for one op and collects the FPSR flags it raises.
type fpCtx struct {
	fpcr  uint64
	flags uint64
}

func (c *fpCtx) rmode() ir.FPRounding { return ir.FPRounding(c.fpcr >> ir.FPCRRModeShift & 3) }
func (c *fpCtx) fz() bool             { return c.fpcr&ir.FPCRFZ != 0 }
func (c *fpCtx) dn() bool             { return c.fpcr&ir.FPCRDN != 0 }

// flushIn applies FPCR.FZ to an input (Arm FPUnpack): denormals become a
// zero of the same sign and raise Input Denormal. Half precision is never
// flushed by FZ.
func (c *fpCtx) flushIn(x uint64, size int) uint64 {
	f := fpFormats[size]
	if size != 1 && c.fz() && f.isDenormal(x) {
		c.flags |= ir.FPSRIDC
		return x & f.signBit()
	}
	return x
}

// quietNaN is Arm FPProcessNaN: the NaN with its quiet bit set (Invalid
// for a signalling NaN), or the default NaN when FPCR.DN is set.
func (c *fpCtx) quietNaN(x uint64, size int) uint64 {
	f := fpFormats[size]
	if f.isSNaN(x) {
		c.flags |= ir.FPSRIOC
	}
	if c.dn() {
		return f.defaultNaN()
	}
	return x | f.quietBit()
}

// processNaNs is Arm FPProcessNaNs3 (use the same operand twice for fewer):
// signalling NaNs win over quiet ones, earlier operands over later ones.
func (c *fpCtx) processNaNs(size int, ops ...uint64) (uint64, bool) {
	f := fpFormats[size]
	for _, x := range ops {
		if f.isSNaN(x) {
			// Every signalling NaN among the operands raises Invalid.
			return c.quietNaN(x, size), true
		}
	}
	for _, x := range ops {
		if f.isNaN(x) {
			return c.quietNaN(x, size), true
		}
	}
	return 0, false
}

func (c *fpCtx) invalid(size int) uint64 {
	c.flags |= ir.FPSRIOC
	return fpFormats[size].defaultNaN()
}

func toFloat(x uint64, size int) float64 {
	switch size {
	case 3:
		return math.Float64frombits(x)
	case 2:
		return float64(math.Float32frombits(uint32(x)))
	}
	return halfToFloat(x)
}

// fromFloat encodes f, which must be exactly representable in the format.
func fromFloat(f float64, size int) uint64 {
	switch size {
	case 3:
		return math.Float64bits(f)
	case 2:
		return uint64(math.Float32bits(float32(f)))
	}
	return floatToHalfExact(f)
}

func halfToFloat(x uint64) float64 {
	sign := 1.0
	if x&0x8000 != 0 {
		sign = -1
	}
	e := int(x >> 10 & 31)
	m := float64(x & 0x3ff)
	switch e {
	case 0:
		return sign * math.Ldexp(m, -24)
	case 31:
		if m == 0 {
			return math.Inf(int(sign))
		}
		return math.NaN() // callers handle NaN bit patterns themselves
	}
	return sign * math.Ldexp(1024+m, e-25)
}

func floatToHalfExact(f float64) uint64 {
	var sign uint64
	if math.Signbit(f) {
		sign = 0x8000
		f = -f
	}
	switch {
	case f == 0:
		return sign
	case math.IsInf(f, 0):
		return sign | 0x7c00
	}
	frac, e := math.Frexp(f) // f = frac * 2^e, 0.5 <= frac < 1
	if e-1 < -14 {
		return sign | uint64(math.Ldexp(f, 24)) // denormal: units of 2^-24
	}
	return sign | uint64(e-1+15)<<10 | uint64(math.Ldexp(frac, 11))&0x3ff
}

// Fast-path thresholds: results at least this large (and all inputs, for
// division) keep every exactness check below free of underflow, and
// cannot be tiny in Arm's sense.
var fastMin = [4]float64{2: 0x1p-125, 3: 0x1p-900}

// twoSumErr returns the rounding error of s = a + b (Knuth's TwoSum).
func twoSumErr(a, b, s float64) float64 {
	bp := s - a
	ap := s - bp
	return (a - ap) + (b - bp)
}

func bigMode(r ir.FPRounding) big.RoundingMode {
	switch r {
	case ir.RoundPlusInf:
		return big.ToPositiveInf
	case ir.RoundMinusInf:
		return big.ToNegativeInf
	case ir.RoundZero:
		return big.ToZero
	case ir.RoundTieAway:
		return big.ToNearestAway
	}
	return big.ToNearestEven
}

// exactPrec is enough bits to hold exactly any sum of a double and a
// product of two doubles (FMA): the addend reaches 2^1024, the product's
// lowest bit 2^-2148 (denormal × denormal), 3172 bits apart. (It was 2300,
// enough for a sum of two doubles only: an FMA adding a product of tiny
// factors to a huge addend came out exact and lost its Inexact flag and
// directed rounding, found by the differential fuzzer.)
const exactPrec = 3200

func newBig(f float64, mode big.RoundingMode) *big.Float {
	return new(big.Float).SetMode(mode).SetPrec(exactPrec).SetFloat64(f)
}

// sticky turns a value computed with big.ToZero at precision prec into one
// that rounds like the infinitely precise result to any precision up to
// prec-2 in every mode: if the truncation lost bits, a half-ulp is added
// so the value lies strictly between the two truncation neighbours
// (round-to-odd).
func sticky(v *big.Float, inexact bool) *big.Float {
	if !inexact || v.Sign() == 0 {
		return v
	}
	prec := v.Prec()
	half := new(big.Float).SetMantExp(big.NewFloat(float64(v.Sign())), v.MantExp(nil)-int(prec)-1)
	return new(big.Float).SetPrec(prec+2).Add(v, half)
}

// roundBig rounds v (exact, or sticky) to the format of size with Arm
// FPRound semantics and returns the bits.
func (c *fpCtx) roundBig(v *big.Float, size int, r ir.FPRounding) uint64 {
	f := fpFormats[size]
	neg := v.Signbit()
	var sign uint64
	if neg {
		sign = f.signBit()
	}
	if v.IsInf() {
		return sign | f.infBits()
	}
	if v.Sign() == 0 {
		return sign
	}
	e := v.MantExp(nil) - 1 // |v| = m * 2^e, 1 <= m < 2
	if e < f.emin && size != 1 && c.fz() {
		c.flags |= ir.FPSRUFC // flushed output: Underflow, not Inexact
		return sign
	}
	p := int(f.mbits) + 1
	if e < f.emin {
		p -= f.emin - e
	}
	if p <= 0 {
		// |v| is below the smallest denormal q: the result is 0 or q.
		q := big.NewFloat(math.Ldexp(1, f.emin-int(f.mbits)))
		abs := new(big.Float).Abs(v)
		var up bool
		switch r {
		case ir.RoundPlusInf:
			up = !neg
		case ir.RoundMinusInf:
			up = neg
		case ir.RoundTieEven:
			up = p == 0 && abs.Cmp(new(big.Float).Quo(q, big.NewFloat(2))) > 0
		case ir.RoundTieAway:
			up = p == 0
		}
		c.flags |= ir.FPSRUFC | ir.FPSRIXC
		if up {
			return sign | 1
		}
		return sign
	}
	rv := new(big.Float).SetPrec(uint(p)).SetMode(bigMode(r)).Set(v)
	inexact := rv.Acc() != big.Exact
	if rv.MantExp(nil)-1 > f.emax {
		c.flags |= ir.FPSROFC | ir.FPSRIXC
		toInf := r == ir.RoundTieEven || r == ir.RoundTieAway ||
			r == ir.RoundPlusInf && !neg || r == ir.RoundMinusInf && neg
		if toInf {
			return sign | f.infBits()
		}
		largest := (f.expField() - 1<<f.mbits) | f.fracMask() // biased exponent max-1, all ones
		return sign | largest
	}
	if inexact {
		c.flags |= ir.FPSRIXC
		if e < f.emin {
			c.flags |= ir.FPSRUFC
		}
	}
	fv, _ := rv.Float64() // exact: rv has at most 53 bits and a double's range
	return fromFloat(fv, size)
}

// exactArith computes op on finite or infinite operands (invalid
// combinations already removed) as a big.Float that rounds like the exact
// result. For OpFMA a is the addend and b*c the product.
func exactArith(op ir.Op, a, b, c float64, r ir.FPRounding) *big.Float {
	mode := bigMode(r)
	x, y := newBig(a, mode), newBig(b, mode)
	z := new(big.Float).SetMode(mode).SetPrec(exactPrec)
	// sum adds with IEEE's sign for an exact zero: big.Float gets
	// (+0) + (-0) = +0 even when rounding toward -∞, where it is -0.
	sum := func(x, y *big.Float) *big.Float {
		r := new(big.Float).SetMode(mode).SetPrec(exactPrec).Add(x, y)
		if r.Sign() == 0 && mode == big.ToNegativeInf && x.Signbit() != y.Signbit() && !r.Signbit() {
			r.Neg(r)
		}
		return r
	}
	switch op {
	case ir.OpFAdd:
		return sum(x, y)
	case ir.OpFSub:
		return sum(x, y.Neg(y))
	case ir.OpFMul:
		return z.Mul(x, y)
	case ir.OpFMA:
		return sum(x, z.Mul(y, newBig(c, mode)))
	case ir.OpFDiv:
		if x.IsInf() || y.IsInf() || y.Sign() == 0 {
			return z.Quo(x, y)
		}
		q := new(big.Float).SetMode(big.ToZero).SetPrec(120).Quo(x, y)
		return sticky(q, q.Acc() != big.Exact)
	case ir.OpFSqrt:
		if x.IsInf() || x.Sign() == 0 {
			return x
		}
		// big.Float.Sqrt is not correctly rounded: it is within a unit of
		// the root, and its intermediate steps round in x's mode (with x
		// in a directed mode, the root of an exact square came out one
		// unit low: FSQRT in RM/RZ returned the next lower single with
		// Inexact, found by the differential fuzzer). Take the root of a
		// round-to-nearest copy, then square back to step to the
		// truncated root from either side.
		xn := new(big.Float).SetPrec(x.Prec()).Set(x)
		s := new(big.Float).SetMode(big.ToZero).SetPrec(120).Sqrt(xn)
		sq := new(big.Float).SetPrec(exactPrec).Mul(s, s)
		ulp := new(big.Float).SetMantExp(big.NewFloat(1), s.MantExp(nil)-120)
		if sq.Cmp(x) > 0 {
			s.Sub(s, ulp)
			sq.Mul(s, s)
		} else if up := new(big.Float).SetPrec(121).Add(s, ulp); new(big.Float).SetPrec(exactPrec).Mul(up, up).Cmp(x) <= 0 {
			s.Set(up)
			sq.Mul(s, s)
		}
		return sticky(s, sq.Cmp(x) != 0)
	}
	panic("interp: exactArith of " + op.String())
}

// arith implements FADD/FSUB/FMUL/FDIV/FSQRT/FMA/FMULX on one lane.
func (c *fpCtx) arith(op ir.Op, x, y, z uint64, size int) uint64 {
	f := fpFormats[size]
	x = c.flushIn(x, size)
	if op != ir.OpFSqrt {
		y = c.flushIn(y, size)
	}
	if op == ir.OpFMA {
		z = c.flushIn(z, size)
		nan, ok := c.processNaNs(size, x, y, z)
		// Arm: a quiet-NaN addend with ∞ × 0 is still Invalid.
		if f.isNaN(x) && !f.isSNaN(x) && !f.isNaN(y) && !f.isNaN(z) &&
			(f.isInf(y) && f.isZero(z) || f.isZero(y) && f.isInf(z)) {
			return c.invalid(size)
		}
		if ok {
			return nan
		}
	} else if op == ir.OpFSqrt {
		if nan, ok := c.processNaNs(size, x); ok {
			return nan
		}
	} else if nan, ok := c.processNaNs(size, x, y); ok {
		return nan
	}
	a, b, d := toFloat(x, size), toFloat(y, size), toFloat(z, size)

	// Invalid operations and exact special cases.
	switch op {
	case ir.OpFAdd, ir.OpFSub:
		if math.IsInf(a, 0) && math.IsInf(b, 0) && (math.Signbit(a) != math.Signbit(b)) == (op == ir.OpFAdd) {
			return c.invalid(size)
		}
	case ir.OpFMul, ir.OpFMulX:
		if math.IsInf(a, 0) && b == 0 || a == 0 && math.IsInf(b, 0) {
			if op == ir.OpFMulX { // FMULX: ∞ × 0 = ±2
				two := 2.0
				if math.Signbit(a) != math.Signbit(b) {
					two = -2
				}
				return fromFloat(two, size)
			}
			return c.invalid(size)
		}
		op = ir.OpFMul
	case ir.OpFDiv:
		if a == 0 && b == 0 || math.IsInf(a, 0) && math.IsInf(b, 0) {
			return c.invalid(size)
		}
		if b == 0 && !math.IsInf(a, 0) {
			// Division by zero: an exact infinity, only DZC raised.
			c.flags |= ir.FPSRDZC
			return fromFloat(native(op, a, b, d, size), size)
		}
	case ir.OpFSqrt:
		if a < 0 {
			return c.invalid(size)
		}
	case ir.OpFMA:
		if math.IsInf(b, 0) && d == 0 || b == 0 && math.IsInf(d, 0) {
			return c.invalid(size)
		}
		if math.IsInf(a, 0) && (math.IsInf(b, 0) || math.IsInf(d, 0)) &&
			math.Signbit(a) != (math.Signbit(b) != math.Signbit(d)) {
			return c.invalid(size)
		}
	}
	anyInf := math.IsInf(a, 0) || math.IsInf(b, 0) || op == ir.OpFMA && math.IsInf(d, 0)
	if anyInf && op != ir.OpFMA {
		// Arithmetic on an infinity is exact in every mode (∞ results,
		// or x/∞ = ±0).
		return fromFloat(native(op, a, b, d, size), size)
	}
	rm := c.rmode()
	if rm == ir.RoundTieEven && !c.fz() {
		if r, ok := c.fastArith(op, a, b, d, size); ok {
			return r
		}
	}
	v := exactArith(op, a, b, d, rm)
	return c.roundBig(v, size, rm)
}

// native computes op in the precision of size with the host's
// round-to-nearest arithmetic.
func native(op ir.Op, a, b, d float64, size int) float64 {
	if size == 2 {
		x, y := float32(a), float32(b)
		switch op {
		case ir.OpFAdd:
			return float64(x + y)
		case ir.OpFSub:
			return float64(x - y)
		case ir.OpFMul:
			return float64(x * y)
		case ir.OpFDiv:
			return float64(x / y)
		case ir.OpFSqrt:
			return float64(float32(math.Sqrt(a))) // double rounding is innocuous for sqrt
		}
	}
	switch op {
	case ir.OpFAdd:
		return a + b
	case ir.OpFSub:
		return a - b
	case ir.OpFMul:
		return a * b
	case ir.OpFDiv:
		return a / b
	case ir.OpFSqrt:
		return math.Sqrt(a)
	case ir.OpFMA:
		return math.FMA(b, d, a)
	}
	panic("interp: native " + op.String())
}

// fastArith is the round-to-nearest host path. It declines (ok = false)
// when the result may be tiny or its exactness cannot be decided cheaply.
func (c *fpCtx) fastArith(op ir.Op, a, b, d float64, size int) (uint64, bool) {
	lim := fastMin[size]
	var r float64
	var inexact bool
	if op == ir.OpFMA {
		return c.fastFMA(a, b, d, size)
	}
	r = native(op, a, b, d, size)
	switch {
	case math.IsInf(r, 0):
		c.flags |= ir.FPSROFC | ir.FPSRIXC
		return fromFloat(r, size), true
	case r == 0:
		// Only cancellation (add/sub) or a zero operand give an exact zero;
		// anything else underflowed.
		if op == ir.OpFAdd || op == ir.OpFSub || a == 0 || op == ir.OpFMul && b == 0 {
			return fromFloat(r, size), true
		}
		return 0, false
	case math.Abs(r) < lim:
		return 0, false
	}
	if size == 2 {
		// Every single-precision result is checked exactly in double.
		switch op {
		case ir.OpFAdd, ir.OpFSub:
			bb := b
			if op == ir.OpFSub {
				bb = -b
			}
			s := a + bb
			inexact = r != s || twoSumErr(a, bb, s) != 0
		case ir.OpFMul:
			inexact = r != a*b
		case ir.OpFDiv:
			inexact = r*b != a
		case ir.OpFSqrt:
			inexact = r*r != a
		}
	} else {
		switch op {
		case ir.OpFAdd:
			inexact = twoSumErr(a, b, r) != 0
		case ir.OpFSub:
			inexact = twoSumErr(a, -b, r) != 0
		case ir.OpFMul:
			inexact = math.FMA(a, b, -r) != 0
		case ir.OpFDiv:
			if math.Abs(a) < lim {
				return 0, false
			}
			inexact = math.FMA(-r, b, a) != 0
		case ir.OpFSqrt:
			// r*r - a is about a·2^-53: below 2^-1074 it underflows to 0
			// and would call an irrational root exact (found by the
			// differential fuzzer: FSQRT of a denormal).
			if a < lim {
				return 0, false
			}
			inexact = math.FMA(r, r, -a) != 0
		}
	}
	if inexact {
		c.flags |= ir.FPSRIXC
	}
	return fromFloat(r, size), true
}

// fastFMA: a + b*d in round-to-nearest.
func (c *fpCtx) fastFMA(a, b, d float64, size int) (uint64, bool) {
	if math.IsInf(a, 0) || math.IsInf(b, 0) || math.IsInf(d, 0) {
		return fromFloat(math.FMA(b, d, a), size), true // exact, invalid cases removed
	}
	lim := fastMin[size]
	p := b * d // exact for single-precision inputs
	if size == 2 {
		s := p + a
		e := twoSumErr(p, a, s)
		r := float32(s)
		if math.Abs(s) < lim || math.IsInf(float64(r), 0) {
			return 0, false
		}
		if e != 0 && isMidpoint32(s) {
			return 0, false // double rounding would decide a tie wrongly
		}
		if e != 0 || float64(r) != s {
			c.flags |= ir.FPSRIXC
		}
		return uint64(math.Float32bits(r)), true
	}
	r := math.FMA(b, d, a)
	// A product below lim, including one that underflowed to zero from
	// non-zero factors, has no exact error term (pe below): decline.
	if math.IsInf(r, 0) || math.IsInf(p, 0) || r != 0 && math.Abs(r) < lim || math.Abs(p) < lim && b != 0 && d != 0 {
		return 0, false
	}
	if r == 0 {
		if p == 0 || a == 0 {
			return math.Float64bits(r), true // exact zero (sign per IEEE from the host)
		}
	}
	pe := math.FMA(b, d, -p)
	s1 := p + a
	e1 := twoSumErr(p, a, s1)
	// The exact result is p + pe + a = s1 + e1 + pe. When s1 == r it is
	// exact iff e1 + pe == 0 (a sum of two doubles is zero only if they
	// cancel exactly). When s1 != r, r may still be exact — a - 9a = -8a
	// is, though p = 9a is not — so decline to the exact path. (Reporting
	// those inexact was a bug found by the differential fuzzer: FMLS.)
	if s1 != r {
		return 0, false
	}
	if e1+pe != 0 {
		c.flags |= ir.FPSRIXC
	}
	return math.Float64bits(r), true
}

// isMidpoint32 reports whether the double s lies exactly halfway between
// two adjacent normal singles.
func isMidpoint32(s float64) bool {
	return math.Float64bits(s)&(1<<29-1) == 1<<28
}

// minMax implements FMAX/FMIN/FMAXNM/FMINNM on one lane.
func (c *fpCtx) minMax(op ir.Op, x, y uint64, size int) uint64 {
	f := fpFormats[size]
	x, y = c.flushIn(x, size), c.flushIn(y, size)
	if op == ir.OpFMaxNM || op == ir.OpFMinNM {
		// A quiet NaN against a number gives the number.
		qx := f.isNaN(x) && !f.isSNaN(x)
		qy := f.isNaN(y) && !f.isSNaN(y)
		if qx && !f.isNaN(y) {
			x = y
		} else if qy && !f.isNaN(x) {
			y = x
		}
	}
	if nan, ok := c.processNaNs(size, x, y); ok {
		return nan
	}
	a, b := toFloat(x, size), toFloat(y, size)
	isMax := op == ir.OpFMax || op == ir.OpFMaxNM
	if a == b { // also ±0: max prefers +0, min prefers -0
		if isMax == math.Signbit(a) {
			return y
		}
		return x
	}
	if (a > b) == isMax {
		return x
	}
	return y
}

// compare is Arm FPCompare: the NZCV flags of comparing x with y.
func (c *fpCtx) compare(x, y uint64, size int, signalQuiet bool) uint64 {
	f := fpFormats[size]
	x, y = c.flushIn(x, size), c.flushIn(y, size)
	if f.isNaN(x) || f.isNaN(y) {
		if signalQuiet || f.isSNaN(x) || f.isSNaN(y) {
			c.flags |= ir.FPSRIOC
		}
		return 0x3 << 28
	}
	a, b := toFloat(x, size), toFloat(y, size)
	switch {
	case a == b:
		return 0x6 << 28
	case a < b:
		return 0x8 << 28
	}
	return 0x2 << 28
}

// cmpMask implements FCMEQ/FCMGE/FCMGT/FACGE/FACGT on one lane.
func (c *fpCtx) cmpMask(op ir.Op, x, y uint64, size int) uint64 {
	f := fpFormats[size]
	x, y = c.flushIn(x, size), c.flushIn(y, size)
	if op == ir.OpFAcGe || op == ir.OpFAcGt {
		if !f.isNaN(x) {
			x &^= f.signBit()
		}
		if !f.isNaN(y) {
			y &^= f.signBit()
		}
	}
	if f.isNaN(x) || f.isNaN(y) {
		// Equality is a quiet comparison; ordering ones signal.
		if op != ir.OpFCmEq || f.isSNaN(x) || f.isSNaN(y) {
			c.flags |= ir.FPSRIOC
		}
		return 0
	}
	a, b := toFloat(x, size), toFloat(y, size)
	var t bool
	switch op {
	case ir.OpFCmEq:
		t = a == b
	case ir.OpFCmGe, ir.OpFAcGe:
		t = a >= b
	default:
		t = a > b
	}
	return mask01(t) & laneMask(size)
}

// convert is Arm FPConvert between formats (FCVT, FCVTL, FCVTN).
func (c *fpCtx) convert(x uint64, from, to int) uint64 {
	ff, tf := fpFormats[from], fpFormats[to]
	x = c.flushIn(x, from)
	var sign uint64
	if x&ff.signBit() != 0 {
		sign = tf.signBit()
	}
	if c.altHalf() && (from == 1 || to == 1) {
		return c.convertAltHalf(x, from, to, sign)
	}
	switch {
	case ff.isNaN(x):
		if ff.isSNaN(x) {
			c.flags |= ir.FPSRIOC
		}
		if c.dn() {
			return tf.defaultNaN()
		}
		// Keep the top fraction bits of the payload (Arm FPConvertNaN).
		frac := x & ff.fracMask()
		if to > from {
			frac <<= tf.mbits - ff.mbits
		} else {
			frac >>= ff.mbits - tf.mbits
		}
		return sign | tf.expField() | tf.quietBit() | frac
	case ff.isInf(x):
		return sign | tf.infBits()
	case ff.isZero(x):
		return sign
	}
	v := toFloat(x, from)
	if to > from {
		return fromFloat(v, to) // widening is exact
	}
	if to == 2 && c.rmode() == ir.RoundTieEven && !c.fz() {
		r := float32(v)
		if !math.IsInf(float64(r), 0) && math.Abs(float64(r)) >= fastMin[2] {
			if float64(r) != v {
				c.flags |= ir.FPSRIXC
			}
			return uint64(math.Float32bits(r))
		}
	}
	return c.roundBig(newBig(v, bigMode(c.rmode())), to, c.rmode())
}

// altHalf reports FPCR.AHP: conversions to and from half precision use
// Arm's alternative half-precision format, IEEE binary16 in which the
// all-ones exponent is an ordinary binade (up to 131008) instead of the
// infinities and NaNs. Only conversions look at it (Arm FPConvert,
// FPUnpackCV, FPRoundCV); half-precision arithmetic always uses IEEE.
func (c *fpCtx) altHalf() bool { return c.fpcr&ir.FPCRAHP != 0 }

// convertAltHalf is convert when FPCR.AHP is set and one side is half
// precision (Arm FPConvert with alt_hp).
func (c *fpCtx) convertAltHalf(x uint64, from, to int, sign uint64) uint64 {
	if from == 1 {
		// Every half-precision encoding is a number: widen it exactly.
		// Denormals are never flushed here (FPUnpackCV clears FZ16).
		v := math.Ldexp(float64(x&0x3ff), -24)
		if e := int(x >> 10 & 31); e != 0 {
			v = math.Ldexp(float64(1024+x&0x3ff), e-25)
		}
		if sign != 0 {
			v = -v
		}
		return fromFloat(v, to)
	}
	ff := fpFormats[from]
	switch {
	case ff.isNaN(x):
		// The format has no NaN: a signed zero and Invalid Operation.
		c.flags |= ir.FPSRIOC
		return sign
	case ff.isInf(x):
		// Nor an infinity: the largest magnitude and Invalid Operation.
		c.flags |= ir.FPSRIOC
		return sign | 0x7fff
	case ff.isZero(x):
		return sign
	}
	v := newBig(toFloat(x, from), bigMode(c.rmode()))
	if v.MantExp(nil)-1 < 15 {
		// Below the top binade of IEEE half precision both formats round
		// alike (a carry into 2^15 stays representable in IEEE too).
		return c.roundBig(v, 1, c.rmode())
	}
	rv := new(big.Float).SetPrec(11).SetMode(bigMode(c.rmode())).Set(v)
	e := rv.MantExp(nil) - 1
	if e > 16 {
		// FPRoundBase: beyond the largest exponent the result saturates
		// with Invalid Operation; neither Overflow nor Inexact is raised.
		c.flags |= ir.FPSRIOC
		return sign | 0x7fff
	}
	if rv.Acc() != big.Exact {
		c.flags |= ir.FPSRIXC
	}
	mag, _ := new(big.Float).Abs(rv).Float64()
	frac := uint64(math.Ldexp(mag, 10-e)) & 0x3ff
	return sign | uint64(e+15)<<10 | frac
}

// roundInt rounds v to an integral value in mode r (exact in float64).
func roundInt(v float64, r ir.FPRounding) float64 {
	switch r {
	case ir.RoundPlusInf:
		return math.Ceil(v)
	case ir.RoundMinusInf:
		return math.Floor(v)
	case ir.RoundZero:
		return math.Trunc(v)
	case ir.RoundTieAway:
		return math.Round(v)
	}
	return math.RoundToEven(v)
}

// resolve turns the dynamic rounding selectors into a concrete mode.
func (c *fpCtx) resolve(r ir.FPRounding) ir.FPRounding {
	if r == ir.RoundFPCR || r == ir.RoundFPCRExact {
		return c.rmode()
	}
	return r
}

// frint implements FRINT* on one lane.
func (c *fpCtx) frint(x uint64, size int, r ir.FPRounding) uint64 {
	f := fpFormats[size]
	x = c.flushIn(x, size)
	if f.isNaN(x) {
		return c.quietNaN(x, size)
	}
	if f.isInf(x) || f.isZero(x) {
		return x
	}
	v := toFloat(x, size)
	res := roundInt(v, c.resolve(r))
	if res != v && r == ir.RoundFPCRExact {
		c.flags |= ir.FPSRIXC
	}
	return fromFloat(res, size) | x&f.signBit() // a zero result keeps the sign
}

// toInt is Arm FPToFixed: FP lane → integer of intSize (2 or 3) with fbits
// fraction bits, saturating; NaN gives 0. Both raise Invalid.
func (c *fpCtx) toInt(x uint64, size int, r ir.FPRounding, intSize int, unsigned bool, fbits int) uint64 {
	f := fpFormats[size]
	x = c.flushIn(x, size)
	if f.isNaN(x) {
		c.flags |= ir.FPSRIOC
		return 0
	}
	v := math.Ldexp(toFloat(x, size), fbits)
	res := roundInt(v, c.resolve(r))
	ibits := 8 << uint(intSize)
	var lo, hi float64 // representable range, as exact powers of two
	if unsigned {
		lo, hi = 0, math.Ldexp(1, ibits)
	} else {
		lo, hi = -math.Ldexp(1, ibits-1), math.Ldexp(1, ibits-1)
	}
	mask := laneMask(intSize)
	switch {
	case res < lo:
		c.flags |= ir.FPSRIOC
		if unsigned {
			return 0
		}
		return uint64(int64(lo)) & mask
	case res >= hi:
		c.flags |= ir.FPSRIOC
		if unsigned {
			return mask
		}
		return mask >> 1
	}
	if res != v {
		c.flags |= ir.FPSRIXC
	}
	if unsigned {
		return uint64(res) & mask
	}
	return uint64(int64(res)) & mask
}

// fromInt is Arm FixedToFP: integer (intSize, signedness, fbits) → FP.
func (c *fpCtx) fromInt(x uint64, size int, intSize int, unsigned bool, fbits int) uint64 {
	x &= laneMask(intSize)
	var neg bool
	mag := x
	if !unsigned {
		s := sext(x, intSize)
		if s < 0 {
			neg, mag = true, uint64(-s)
		}
	}
	if mag == 0 {
		return 0
	}
	f := fpFormats[size]
	rm := c.rmode()
	if mag < 1<<(f.mbits+1) && size != 1 {
		// Exactly representable; scaling by a power of two stays exact
		// (2^-64 is far above the denormal range).
		v := math.Ldexp(float64(mag), -fbits)
		if neg {
			v = -v
		}
		return fromFloat(v, size)
	}
	v := new(big.Float).SetPrec(exactPrec).SetUint64(mag)
	v.SetMantExp(v, -fbits)
	if neg {
		v.Neg(v)
	}
	return c.roundBig(v, size, rm)
}

// evalFP computes the FP ops, lane by lane, and accumulates FPSR flags.
func evalFP(cpu *ir.CPU, in *ir.Inst, a, b, d [2]uint64) [2]uint64 {
	c := fpCtx{fpcr: cpu.FPCR}
	size := int(in.Aux)
	lanes := ir.FPLanes(in.Aux2)
	switch in.Op {
	case ir.OpFRound:
		_, lanes = ir.ParseFRoundAux(in.Aux2)
	case ir.OpFRoundIntN:
		_, lanes, _ = ir.ParseFRoundIntAux(in.Aux2)
	case ir.OpFCvtToInt, ir.OpIntToFP:
		_, _, _, _, lanes = ir.ParseCvtAux(in.Aux2)
	}
	n := 1
	switch lanes {
	case ir.FPVec128:
		n = laneCount(size)
	case ir.FPVec64:
		n = laneCount(size) / 2
	}
	var r [2]uint64
	each := func(f func(x, y, z uint64) uint64) {
		for i := 0; i < n; i++ {
			setLane(&r, size, i, f(lane(a, size, i), lane(b, size, i), lane(d, size, i)))
		}
	}
	fm := fpFormats[min(max(size, 1), 3)]
	switch in.Op {
	case ir.OpFAdd, ir.OpFSub, ir.OpFMul, ir.OpFDiv, ir.OpFMulX, ir.OpFSqrt:
		each(func(x, y, _ uint64) uint64 { return c.arith(in.Op, x, y, 0, size) })
	case ir.OpFMA:
		each(func(x, y, z uint64) uint64 { return c.arith(in.Op, x, y, z, size) })
	case ir.OpFMax, ir.OpFMin, ir.OpFMaxNM, ir.OpFMinNM:
		each(func(x, y, _ uint64) uint64 { return c.minMax(in.Op, x, y, size) })
	case ir.OpFAbs:
		each(func(x, _, _ uint64) uint64 { return x &^ fm.signBit() })
	case ir.OpFNeg:
		each(func(x, _, _ uint64) uint64 { return x ^ fm.signBit() })
	case ir.OpFCmp:
		// Aux2 = 1: FCMPE (quiet NaNs signal too).
		nzcv := c.compare(lane(a, size, 0), lane(b, size, 0), size, in.Aux2 == 1)
		cpu.FPSR |= c.flags
		return [2]uint64{nzcv}
	case ir.OpFCmEq, ir.OpFCmGe, ir.OpFCmGt, ir.OpFAcGe, ir.OpFAcGt:
		each(func(x, y, _ uint64) uint64 { return c.cmpMask(in.Op, x, y, size) })
	case ir.OpFCvt:
		r[0] = c.convert(lane(a, size, 0), size, int(in.Aux2))
	case ir.OpFCvtl:
		half := laneCount(size+1) * int(in.Aux2&1)
		for i := 0; i < laneCount(size+1); i++ {
			setLane(&r, size+1, i, c.convert(lane(a, size, half+i), size, size+1))
		}
	case ir.OpFCvtn:
		for i := 0; i < laneCount(size+1); i++ {
			setLane(&r, size, i, c.convert(lane(a, size+1, i), size+1, size))
		}
	case ir.OpFRound:
		rnd, _ := ir.ParseFRoundAux(in.Aux2)
		each(func(x, _, _ uint64) uint64 { return c.frint(x, size, rnd) })
	case ir.OpFCvtToInt:
		rnd, isz, uns, fbits, _ := ir.ParseCvtAux(in.Aux2)
		if lanes == ir.FPScalar {
			r[0] = c.toInt(lane(a, size, 0), size, rnd, isz, uns, fbits)
			break
		}
		each(func(x, _, _ uint64) uint64 { return c.toInt(x, size, rnd, size, uns, fbits) })
	case ir.OpIntToFP:
		_, isz, uns, fbits, _ := ir.ParseCvtAux(in.Aux2)
		if lanes == ir.FPScalar {
			r[0] = c.fromInt(lane(a, isz, 0), size, isz, uns, fbits)
			break
		}
		each(func(x, _, _ uint64) uint64 { return c.fromInt(x, size, size, uns, fbits) })
	case ir.OpFRecpe:
		each(func(x, _, _ uint64) uint64 { return c.recipEstimate(x, size) })
	case ir.OpFRsqrte:
		each(func(x, _, _ uint64) uint64 { return c.rsqrtEstimate(x, size) })
	case ir.OpFRecps, ir.OpFRsqrts:
		each(func(x, y, _ uint64) uint64 { return c.recipStep(in.Op, x, y, size) })
	case ir.OpFRecpx:
		each(func(x, _, _ uint64) uint64 { return c.recpX(x, size) })
	case ir.OpFCvtxn:
		for i := 0; i < 2; i++ {
			setLane(&r, 2, i, c.convertOdd(lane(a, 3, i)))
		}
	case ir.OpFJcvtzs:
		v, z := c.jsConvert(a[0])
		r[0] = uint64(v) | uint64(z)<<(32+30) // lane 1 = NZCV with only Z
	case ir.OpFRoundIntN:
		rnd, _, intBits := ir.ParseFRoundIntAux(in.Aux2)
		each(func(x, _, _ uint64) uint64 { return c.frintN(x, size, rnd, intBits) })
	default:
		panic("interp: unknown op " + in.Op.String())
	}
	cpu.FPSR |= c.flags
	return r
}

// jsConvert is Arm FPToFixedJS (FJCVTZS): the double x truncated toward
// zero to an integer taken modulo 2^32, and whether the conversion was
// exact and in the int32 range (the Z flag).
func (c *fpCtx) jsConvert(x uint64) (result uint32, z uint32) {
	f := fpFormats[3]
	flushed := c.flushIn(x, 3)
	switch {
	case f.isNaN(flushed):
		c.flags |= ir.FPSRIOC
		return 0, 0
	case f.isInf(flushed):
		c.flags |= ir.FPSRIOC // out of range; the result is 0 for an infinity
		return 0, 0
	}
	v := math.Float64frombits(flushed)
	t := math.Trunc(v) // exact: RoundDown, corrected toward zero for negatives
	// t is an integer, so its residue modulo 2^32 is exact too.
	m := math.Mod(t, 1<<32)
	result = uint32(int64(m))
	switch {
	case t < -(1<<31) || t > 1<<31-1:
		c.flags |= ir.FPSRIOC
	case t != v:
		c.flags |= ir.FPSRIXC
	case v == 0 && (x&f.signBit() != 0 || x&f.fracMask() != 0):
		// -0.0, or a denormal FPCR.FZ flushed to zero: not the integer 0.
	default:
		z = 1
	}
	return result, z
}

// frintN is Arm FPRoundIntN (FRINT32Z/X, FRINT64Z/X) on one lane of FP
// size 2 or 3: rounding to an integral value in mode r that must fit a
// signed intBits-bit integer; NaNs, infinities and values out of range
// give -2^(intBits-1) and raise Invalid (without Inexact).
func (c *fpCtx) frintN(x uint64, size int, r ir.FPRounding, intBits int) uint64 {
	f := fpFormats[size]
	x = c.flushIn(x, size)
	limit := math.Ldexp(1, intBits-1)
	mostNegative := fromFloat(-limit, size)
	switch {
	case f.isNaN(x) || f.isInf(x):
		c.flags |= ir.FPSRIOC
		return mostNegative
	case f.isZero(x):
		return x
	}
	v := toFloat(x, size)
	res := roundInt(v, c.resolve(r))
	if res >= limit || res < -limit {
		c.flags |= ir.FPSRIOC
		return mostNegative
	}
	if res != v {
		c.flags |= ir.FPSRIXC
	}
	return fromFloat(res, size) | x&f.signBit() // a zero result keeps the sign
}
