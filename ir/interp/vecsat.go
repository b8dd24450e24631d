package interp

import (
	"math"
	"math/bits"

	"ferry/ir"
)

// Halving, rounding and saturating integer lane ops (SHADD, SRSHL, SQSHL,
// SQDMULH, SQABS, SUQADD, xADDLP…) and the integer estimates. Every lane is
// computed with enough precision that the Arm ARM's "infinitely precise
// integer" intermediate values are exact; saturation sets FPSR.QC.

// evalVecSat computes the ops listed in ir/ops_vec.go from OpVUAddLP to
// OpVPMull.
func evalVecSat(cpu *ir.CPU, in *ir.Inst, a, b [2]uint64) [2]uint64 {
	size := int(in.Aux)
	sat := false
	// satLane records a saturation and returns the clamped lane value.
	satLane := func(v uint64, saturated bool) uint64 {
		sat = sat || saturated
		return v
	}
	var r [2]uint64
	switch in.Op {
	case ir.OpVUAddLP, ir.OpVSAddLP:
		for i := 0; i < laneCount(size+1); i++ {
			x, y := lane(a, size, 2*i), lane(a, size, 2*i+1)
			if in.Op == ir.OpVSAddLP {
				x, y = uint64(sext(x, size)), uint64(sext(y, size))
			}
			setLane(&r, size+1, i, x+y)
		}
	// Halving forms exist for 8-, 16- and 32-bit lanes: the 64-bit sums
	// below cannot overflow.
	case ir.OpVUHAdd:
		r = mapLanes(a, b, size, func(x, y uint64) uint64 { return (x + y) >> 1 })
	case ir.OpVURHAdd:
		r = mapLanes(a, b, size, func(x, y uint64) uint64 { return (x + y + 1) >> 1 })
	case ir.OpVUHSub:
		r = mapLanes(a, b, size, func(x, y uint64) uint64 { return uint64((int64(x) - int64(y)) >> 1) })
	case ir.OpVSHAdd:
		r = mapSigned(a, b, size, func(x, y int64) uint64 { return uint64((x + y) >> 1) })
	case ir.OpVSRHAdd:
		r = mapSigned(a, b, size, func(x, y int64) uint64 { return uint64((x + y + 1) >> 1) })
	case ir.OpVSHSub:
		r = mapSigned(a, b, size, func(x, y int64) uint64 { return uint64((x - y) >> 1) })

	case ir.OpVURShl, ir.OpVSRShl, ir.OpVUQShl, ir.OpVSQShl, ir.OpVUQRShl, ir.OpVSQRShl:
		signed := in.Op == ir.OpVSRShl || in.Op == ir.OpVSQShl || in.Op == ir.OpVSQRShl
		round := in.Op == ir.OpVURShl || in.Op == ir.OpVSRShl || in.Op == ir.OpVUQRShl || in.Op == ir.OpVSQRShl
		saturating := in.Op != ir.OpVURShl && in.Op != ir.OpVSRShl
		r = mapLanes(a, b, size, func(x, y uint64) uint64 {
			return satLane(shiftLane(x, size, int64(int8(y)), signed, round, saturating))
		})
	case ir.OpVSQShlU:
		sh := uint(in.Aux2)
		r = mapLanes(a, b, size, func(x, _ uint64) uint64 {
			v := sext(x, size)
			if v < 0 {
				return satLane(0, true)
			}
			return satLane(shlSat(uint64(v), sh, laneMask(size)))
		})

	case ir.OpVSQDMulH, ir.OpVSQRDMulH:
		// Lanes are 16 or 32 bits: a*b fits in int64 (|a*b| <= 2^62), and
		// (2ab + round) >> esize = (ab + round/2) >> (esize-1).
		es := laneBits(size)
		lo, hi := signedRange(size)
		r = mapSigned(a, b, size, func(x, y int64) uint64 {
			p := x * y
			if in.Op == ir.OpVSQRDMulH {
				p += 1 << (es - 2)
			}
			v, q := saturate(p>>(es-1), lo, hi) // only MinInt × MinInt saturates
			return satLane(uint64(v), q)
		})

	case ir.OpVSQAbs, ir.OpVSQNeg:
		lo, hi := signedRange(size)
		r = mapSigned(a, b, size, func(x, _ int64) uint64 {
			switch {
			case in.Op == ir.OpVSQAbs && x >= 0:
				return uint64(x)
			case x == lo: // -MinInt does not fit
				return satLane(uint64(hi), true)
			}
			return uint64(-x)
		})
	case ir.OpVSUQAdd:
		r = mapLanes(a, b, size, func(x, y uint64) uint64 { return satLane(addSignedUnsigned(x, y, size)) })
	case ir.OpVUSQAdd:
		r = mapLanes(a, b, size, func(x, y uint64) uint64 { return satLane(addUnsignedSigned(x, y, size)) })

	case ir.OpVURecpe:
		r = mapLanes(a, b, 2, func(x, _ uint64) uint64 {
			if x>>31 == 0 {
				return math.MaxUint32
			}
			return uint64(recipEstimate(int(x>>23))) << 23
		})
	case ir.OpVURsqrte:
		r = mapLanes(a, b, 2, func(x, _ uint64) uint64 {
			if x>>30 == 0 {
				return math.MaxUint32
			}
			return uint64(recipSqrtEstimate(int(x>>23))) << 23
		})
	case ir.OpVPMull:
		if size == 3 {
			r = clmul64(a[in.Aux2], b[in.Aux2])
			break
		}
		for i := 0; i < 8; i++ {
			x, y := lane(a, 0, 8*int(in.Aux2)+i), lane(b, 0, 8*int(in.Aux2)+i)
			var p uint64
			for k := uint(0); k < 8; k++ {
				if y>>k&1 == 1 {
					p ^= x << k
				}
			}
			setLane(&r, 1, i, p)
		}
	default:
		panic("interp: unknown op " + in.Op.String())
	}
	if sat {
		cpu.FPSR |= ir.FPSRQC
	}
	return r
}

// clmul64 is the 128-bit carry-less product of x and y.
func clmul64(x, y uint64) [2]uint64 {
	var r [2]uint64
	for k := uint(0); k < 64; k++ {
		if y>>k&1 == 1 {
			r[0] ^= x << k
			if k > 0 {
				r[1] ^= x >> (64 - k)
			}
		}
	}
	return r
}

// shiftLane shifts lane value x (size size) by sh: left if sh >= 0, right
// by -sh otherwise (arithmetic if signed), as SSHL/SRSHL/SQSHL/SQRSHL do.
// round adds 1 << (-sh-1) before a right shift; saturating clamps left
// shifts to the lane's range. It returns the lane bits and whether the
// result saturated.
func shiftLane(x uint64, size int, sh int64, signed, round, saturating bool) (uint64, bool) {
	es := int64(laneBits(size))
	m := laneMask(size)
	if sh < 0 {
		// Right shifts are exact and never saturate: rounding to nearest
		// is the truncated quotient plus the last bit shifted out.
		n := -sh
		shr := func(k int64) uint64 {
			if signed {
				return uint64(sext(x, size) >> min(k, 63))
			}
			if k >= 64 {
				return 0
			}
			return x >> k
		}
		v := shr(n)
		if round {
			v += shr(n-1) & 1
		}
		return v & m, false
	}
	if !saturating {
		if sh >= es {
			return 0, false
		}
		return x << sh & m, false
	}
	if !signed {
		return shlSat(x, uint(min(sh, 64)), m)
	}
	v := sext(x, size)
	lo, hi := signedRange(size)
	if v >= 0 {
		return shlSat(uint64(v), uint(min(sh, 64)), uint64(hi))
	}
	if sh >= es {
		return uint64(lo) & m, true
	}
	s := v << sh
	if s>>sh != v || s < lo {
		return uint64(lo) & m, true
	}
	return uint64(s) & m, false
}

// shlSat is the non-negative x << sh clamped to hi.
func shlSat(x uint64, sh uint, hi uint64) (uint64, bool) {
	if x == 0 {
		return 0, false
	}
	if sh >= 64 || x<<sh>>sh != x || x<<sh > hi {
		return hi, true
	}
	return x << sh, false
}

// addSignedUnsigned is SUQADD on one lane: signed x plus unsigned y,
// saturated to the signed range.
func addSignedUnsigned(x, y uint64, size int) (uint64, bool) {
	lo, hi := signedRange(size)
	sx := sext(x, size)
	if size < 3 {
		v, q := saturate(sx+int64(y), lo, hi)
		return uint64(v) & laneMask(size), q
	}
	if sx >= 0 {
		s, carry := bits.Add64(uint64(sx), y, 0)
		if carry != 0 || s > math.MaxInt64 {
			return math.MaxInt64, true
		}
		return s, false
	}
	neg := uint64(-sx) // |sx|, also for MinInt64
	if y < neg {
		return uint64(sx) + y, false // still negative, above sx
	}
	if s := y - neg; s <= math.MaxInt64 {
		return s, false
	}
	return math.MaxInt64, true
}

// addUnsignedSigned is USQADD on one lane: unsigned x plus signed y,
// saturated to the unsigned range.
func addUnsignedSigned(x, y uint64, size int) (uint64, bool) {
	sy := sext(y, size)
	if size < 3 {
		v, q := saturate(int64(x)+sy, 0, int64(laneMask(size)))
		return uint64(v), q
	}
	if sy >= 0 {
		s, carry := bits.Add64(x, uint64(sy), 0)
		if carry != 0 {
			return math.MaxUint64, true
		}
		return s, false
	}
	neg := uint64(-sy)
	if x < neg {
		return 0, true
	}
	return x - neg, false
}

// recipEstimate is the Arm ARM's RecipEstimate: a 9-bit fixed-point
// operand a in [256, 512) (0.5 <= a/512 < 1) to a 9-bit estimate of its
// reciprocal in [256, 512) (1 <= r/256 < 2). Only a<8:0> is used.
func recipEstimate(a int) int { return recipTable[a&0x1ff] }

// recipSqrtEstimate is the Arm ARM's RecipSqrtEstimate: a in [128, 512)
// (0.25 <= a/512 < 1) to an estimate of 1/sqrt in [256, 512).
func recipSqrtEstimate(a int) int { return recipSqrtTable[a&0x1ff] }

var recipTable, recipSqrtTable [512]int

func init() {
	for a := 256; a < 512; a++ {
		x := a*2 + 1                // a in units of 1/1024, rounded to nearest
		b := (1 << 19) / x          // 2^19 / x = 1 / (x/1024) in units of 1/512
		recipTable[a] = (b + 1) / 2 // round to nearest, units of 1/256
	}
	for a := 128; a < 512; a++ {
		x := a
		if x < 256 { // 0.25 .. 0.5
			x = x*2 + 1 // units of 1/1024, rounded to nearest
		} else { // 0.5 .. 1.0
			x = (x >> 1) << 1 // discard the bottom bit
			x = (x + 1) * 2   // units of 1/512, rounded to nearest
		}
		// b = the largest value (at least 512) with x*b*b < 2^28, i.e.
		// b < 2^14 / sqrt(x): start from the floating-point root and
		// settle the last step exactly.
		b := max(512, int(math.Sqrt(float64(1<<28)/float64(x))))
		for b > 512 && x*b*b >= 1<<28 {
			b--
		}
		for x*(b+1)*(b+1) < 1<<28 {
			b++
		}
		recipSqrtTable[a] = (b + 1) / 2
	}
}
