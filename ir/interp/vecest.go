package interp

import "ferry/ir"

// FP reciprocal and reciprocal square root estimates and Newton-Raphson
// steps, FRECPX and FCVTXN, following the Arm ARM pseudocode
// (FPRecipEstimate, FPRSqrtEstimate, FPRecipStepFused, FPRSqrtStepFused,
// FPRecpX, FPConvert with FPRounding_ODD). The estimates work on the
// operand's bits with the 52-bit fraction the pseudocode uses, so single
// and double precision share one path.

// frac52 is the operand's fraction widened to 52 bits.
func frac52(x uint64, f fpFormat) uint64 { return (x & f.fracMask()) << (52 - f.mbits) }

// biasedExp is the operand's exponent field.
func biasedExp(x uint64, f fpFormat) int { return int(x >> f.mbits & (1<<f.ebits - 1)) }

// recipEstimate is FRECPE on one lane.
func (c *fpCtx) recipEstimate(x uint64, size int) uint64 {
	f := fpFormats[size]
	x = c.flushIn(x, size)
	sign := x & f.signBit()
	switch {
	case f.isNaN(x):
		return c.quietNaN(x, size)
	case f.isInf(x):
		return sign
	case f.isZero(x):
		c.flags |= ir.FPSRDZC
		return sign | f.infBits()
	}
	bias := f.emax
	exp := biasedExp(x, f)
	if exp == 0 && x&f.fracMask() < 1<<(f.mbits-2) {
		// |x| < 2^-(emax+1): the reciprocal overflows.
		c.flags |= ir.FPSROFC | ir.FPSRIXC
		r := c.rmode()
		if r == ir.RoundTieEven || r == ir.RoundPlusInf && sign == 0 || r == ir.RoundMinusInf && sign != 0 {
			return sign | f.infBits()
		}
		return sign | (f.expField() - 1<<f.mbits) | f.fracMask() // largest normal
	}
	if size != 1 && c.fz() && exp >= 2*bias-1 {
		// |x| >= 2^(emax-1): the reciprocal is tiny and flushed.
		c.flags |= ir.FPSRUFC
		return sign
	}
	frac := frac52(x, f)
	if exp == 0 { // denormal: normalise by one or two places
		if frac>>51&1 == 0 {
			exp = -1
			frac = frac << 2 & (1<<52 - 1)
		} else {
			frac = frac << 1 & (1<<52 - 1)
		}
	}
	scaled := 256 | int(frac>>44) // '1':fraction<51:44>, 0.5 <= scaled/512 < 1
	resultExp := 2*bias - 1 - exp
	frac = uint64(recipEstimate(scaled)&0xff) << 44
	switch resultExp {
	case 0:
		frac = 1<<51 | frac>>1
	case -1:
		frac = 1<<50 | frac>>2
		resultExp = 0
	}
	return sign | uint64(resultExp)<<f.mbits | frac>>(52-f.mbits)
}

// rsqrtEstimate is FRSQRTE on one lane.
func (c *fpCtx) rsqrtEstimate(x uint64, size int) uint64 {
	f := fpFormats[size]
	x = c.flushIn(x, size)
	sign := x & f.signBit()
	switch {
	case f.isNaN(x):
		return c.quietNaN(x, size)
	case f.isZero(x):
		c.flags |= ir.FPSRDZC
		return sign | f.infBits()
	case sign != 0:
		return c.invalid(size)
	case f.isInf(x):
		return 0
	}
	exp := biasedExp(x, f)
	frac := frac52(x, f)
	if exp == 0 { // denormal: normalise
		for frac>>51&1 == 0 {
			frac <<= 1
			exp--
		}
		frac = frac << 1 & (1<<52 - 1)
	}
	// The scaled operand is in [0.25, 1): with an odd biased exponent (an
	// even unbiased one) the significand is halved once more, so the
	// result's exponent halves exactly.
	var scaled int
	if exp&1 == 0 {
		scaled = 256 | int(frac>>44) // '1':fraction<51:44>
	} else {
		scaled = 128 | int(frac>>45) // '01':fraction<51:45>
	}
	resultExp := (3*f.emax - 1 - exp) / 2
	est := uint64(recipSqrtEstimate(scaled) & 0xff)
	return uint64(resultExp)<<f.mbits | est<<(f.mbits-8)
}

// recipStep is FRECPS (2 - x*y) or FRSQRTS ((3 - x*y) / 2) on one lane,
// fused: one rounding.
func (c *fpCtx) recipStep(op ir.Op, x, y uint64, size int) uint64 {
	f := fpFormats[size]
	x = c.flushIn(x^f.signBit(), size) // the pseudocode negates x first, NaNs too
	y = c.flushIn(y, size)
	if nan, ok := c.processNaNs(size, x, y); ok {
		return nan
	}
	if f.isInf(x) && f.isZero(y) || f.isZero(x) && f.isInf(y) {
		if op == ir.OpFRecps {
			return fromFloat(2, size)
		}
		return fromFloat(1.5, size)
	}
	if f.isInf(x) || f.isInf(y) {
		return (x^y)&f.signBit() | f.infBits()
	}
	if op == ir.OpFRecps {
		return c.arith(ir.OpFMA, fromFloat(2, size), x, y, size)
	}
	// Halving after a rounding could round twice (denormal results), so
	// the exact sum is halved and rounded once.
	rm := c.rmode()
	v := exactArith(ir.OpFMA, 3, toFloat(x, size), toFloat(y, size), rm)
	return c.roundBig(v.SetMantExp(v, -1), size, rm)
}

// recpX is FRECPX on one lane: the exponent inverted, the fraction zeroed.
func (c *fpCtx) recpX(x uint64, size int) uint64 {
	f := fpFormats[size]
	x = c.flushIn(x, size)
	if f.isNaN(x) {
		return c.quietNaN(x, size)
	}
	sign := x & f.signBit()
	if x&f.expField() == 0 { // zeros and denormals: the largest finite exponent
		return sign | (f.expField() - 1<<f.mbits)
	}
	return sign | ^x&f.expField()
}

// convertOdd is FPConvert from double to single with FPRounding_ODD
// (FCVTXN): truncate, and make the result odd if anything was lost. The
// pseudocode treats ODD like ZERO for overflow (largest normal) and for
// every flag, so a round-toward-zero conversion supplies both.
func (c *fpCtx) convertOdd(x uint64) uint64 {
	rz := fpCtx{fpcr: c.fpcr&^(3<<ir.FPCRRModeShift) | uint64(ir.RoundZero)<<ir.FPCRRModeShift}
	r := rz.convert(x, 3, 2)
	c.flags |= rz.flags
	if rz.flags&ir.FPSRIXC != 0 && !fpFormats[3].isNaN(x) {
		r |= 1
	}
	return r
}
