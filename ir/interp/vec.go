package interp

import (
	"math/bits"

	"ferry/ir"
)

// V128 values are [2]uint64 with [0] holding bits 0..63. Lane i of size s
// (0 = 8-bit … 3 = 64-bit) sits at bit i*esize of the 128-bit value.

func laneBits(size int) uint { return 8 << uint(size) }

func laneCount(size int) int { return 16 >> uint(size) }

func laneMask(size int) uint64 {
	if size == 3 {
		return ^uint64(0)
	}
	return 1<<laneBits(size) - 1
}

// lane returns lane i of size size, zero-extended.
func lane(v [2]uint64, size, i int) uint64 {
	if size == 3 {
		return v[i]
	}
	es := laneBits(size)
	per := 64 / int(es)
	return v[i/per] >> (uint(i%per) * es) & laneMask(size)
}

func setLane(v *[2]uint64, size, i int, x uint64) {
	if size == 3 {
		v[i] = x
		return
	}
	es := laneBits(size)
	per := 64 / int(es)
	sh := uint(i%per) * es
	m := laneMask(size) << sh
	v[i/per] = v[i/per]&^m | x<<sh&m
}

// sext sign-extends a lane value of size size to 64 bits.
func sext(x uint64, size int) int64 {
	s := 64 - laneBits(size)
	return int64(x<<s) >> s
}

// mapLanes applies f to each pair of lanes of a and b.
func mapLanes(a, b [2]uint64, size int, f func(x, y uint64) uint64) [2]uint64 {
	var r [2]uint64
	for i := 0; i < laneCount(size); i++ {
		setLane(&r, size, i, f(lane(a, size, i), lane(b, size, i)))
	}
	return r
}

// mapSigned is mapLanes on sign-extended lanes.
func mapSigned(a, b [2]uint64, size int, f func(x, y int64) uint64) [2]uint64 {
	return mapLanes(a, b, size, func(x, y uint64) uint64 { return f(sext(x, size), sext(y, size)) })
}

func mask01(b bool) uint64 {
	if b {
		return ^uint64(0)
	}
	return 0
}

// evalVec computes FP and Advanced SIMD ops (ir.OpVecBase and above).
func evalVec(cpu *ir.CPU, in *ir.Inst, a, b, c [2]uint64) [2]uint64 {
	if in.Op >= ir.OpFAdd {
		return evalFP(cpu, in, a, b, c)
	}
	size := int(in.Aux)
	full := in.Aux2 == 1
	switch in.Op {
	case ir.OpVFromI64:
		return [2]uint64{a[0], 0}
	case ir.OpVExtractLane:
		return [2]uint64{lane(a, size, int(in.Aux2))}
	case ir.OpVDupLane:
		x := lane(a, size, int(in.Aux2))
		var r [2]uint64
		for i := 0; i < laneCount(size); i++ {
			setLane(&r, size, i, x)
		}
		return r
	case ir.OpVInsLane:
		setLane(&a, size, int(in.Aux2&0xff), lane(b, size, int(in.Aux2>>8)))
		return a
	case ir.OpVZextLow:
		if in.Aux >= 8 {
			return [2]uint64{a[0]}
		}
		return [2]uint64{a[0] & (1<<(8*uint(in.Aux)) - 1)}
	case ir.OpVCombine:
		return [2]uint64{a[0], b[0]}

	case ir.OpVAnd:
		return [2]uint64{a[0] & b[0], a[1] & b[1]}
	case ir.OpVOr:
		return [2]uint64{a[0] | b[0], a[1] | b[1]}
	case ir.OpVXor:
		return [2]uint64{a[0] ^ b[0], a[1] ^ b[1]}
	case ir.OpVAndNot:
		return [2]uint64{a[0] &^ b[0], a[1] &^ b[1]}
	case ir.OpVOrNot:
		return [2]uint64{a[0] | ^b[0], a[1] | ^b[1]}
	case ir.OpVNot:
		return [2]uint64{^a[0], ^a[1]}
	case ir.OpVBsl:
		return [2]uint64{b[0]&a[0] | c[0]&^a[0], b[1]&a[1] | c[1]&^a[1]}

	case ir.OpVAdd:
		return mapLanes(a, b, size, func(x, y uint64) uint64 { return x + y })
	case ir.OpVSub:
		return mapLanes(a, b, size, func(x, y uint64) uint64 { return x - y })
	case ir.OpVMul:
		return mapLanes(a, b, size, func(x, y uint64) uint64 { return x * y })
	case ir.OpVNeg:
		return mapLanes(a, b, size, func(x, _ uint64) uint64 { return -x })
	case ir.OpVAbs:
		return mapSigned(a, b, size, func(x, _ int64) uint64 {
			if x < 0 {
				return uint64(-x)
			}
			return uint64(x)
		})
	case ir.OpVUMax:
		return mapLanes(a, b, size, func(x, y uint64) uint64 { return max(x, y) })
	case ir.OpVUMin:
		return mapLanes(a, b, size, func(x, y uint64) uint64 { return min(x, y) })
	case ir.OpVSMax:
		return mapSigned(a, b, size, func(x, y int64) uint64 { return uint64(max(x, y)) })
	case ir.OpVSMin:
		return mapSigned(a, b, size, func(x, y int64) uint64 { return uint64(min(x, y)) })
	case ir.OpVUAbd:
		return mapLanes(a, b, size, func(x, y uint64) uint64 { return max(x, y) - min(x, y) })
	case ir.OpVSAbd:
		return mapSigned(a, b, size, func(x, y int64) uint64 { return uint64(max(x, y) - min(x, y)) })

	case ir.OpVCmpEq:
		return mapLanes(a, b, size, func(x, y uint64) uint64 { return mask01(x == y) })
	case ir.OpVCmpUGt:
		return mapLanes(a, b, size, func(x, y uint64) uint64 { return mask01(x > y) })
	case ir.OpVCmpUGe:
		return mapLanes(a, b, size, func(x, y uint64) uint64 { return mask01(x >= y) })
	case ir.OpVCmpSGt:
		return mapSigned(a, b, size, func(x, y int64) uint64 { return mask01(x > y) })
	case ir.OpVCmpSGe:
		return mapSigned(a, b, size, func(x, y int64) uint64 { return mask01(x >= y) })
	case ir.OpVCmpTst:
		return mapLanes(a, b, size, func(x, y uint64) uint64 { return mask01(x&y != 0) })

	case ir.OpVShlI:
		sh := uint(in.Aux2)
		return mapLanes(a, b, size, func(x, _ uint64) uint64 { return x << sh })
	case ir.OpVLShrI:
		sh := uint(in.Aux2)
		return mapLanes(a, b, size, func(x, _ uint64) uint64 { return x >> sh }) // >= 64 gives 0 in Go
	case ir.OpVAShrI:
		sh := min(uint(in.Aux2), 63)
		return mapSigned(a, b, size, func(x, _ int64) uint64 { return uint64(x >> sh) })
	case ir.OpVSli:
		sh := uint(in.Aux2)
		keep := laneMask(size) >> (laneBits(size) - sh) // low sh bits of the destination
		if sh == 0 {
			keep = 0
		}
		return mapLanes(a, b, size, func(d, s uint64) uint64 { return d&keep | s<<sh })
	case ir.OpVSri:
		sh := uint(in.Aux2)
		es := laneBits(size)
		var keep uint64 // high sh bits of the destination
		if sh >= es {
			keep = laneMask(size)
		} else if sh > 0 {
			keep = laneMask(size) &^ (laneMask(size) >> sh)
		}
		return mapLanes(a, b, size, func(d, s uint64) uint64 {
			if sh >= es {
				return d
			}
			return d&keep | s>>sh
		})
	case ir.OpVUShl, ir.OpVSShl:
		es := int64(laneBits(size))
		signed := in.Op == ir.OpVSShl
		return mapLanes(a, b, size, func(x, y uint64) uint64 {
			sh := int64(int8(y))
			switch {
			case sh >= es:
				return 0
			case sh >= 0:
				return x << uint(sh)
			case !signed:
				if -sh >= es {
					return 0
				}
				return x >> uint(-sh)
			default:
				return uint64(sext(x, size) >> uint(min(-sh, 63)))
			}
		})

	case ir.OpVXtn:
		var r [2]uint64
		for i := 0; i < laneCount(size+1); i++ {
			setLane(&r, size, i, lane(a, size+1, i))
		}
		return r
	case ir.OpVUxtl, ir.OpVSxtl:
		var r [2]uint64
		n := laneCount(size + 1)
		for i := 0; i < n; i++ {
			x := lane(a, size, i+n*int(in.Aux2))
			if in.Op == ir.OpVSxtl {
				x = uint64(sext(x, size))
			}
			setLane(&r, size+1, i, x)
		}
		return r
	case ir.OpVSqxtn, ir.OpVUqxtn, ir.OpVSqxtun:
		return saturatingNarrow(cpu, in.Op, a, size)

	case ir.OpVUzp1, ir.OpVUzp2, ir.OpVZip1, ir.OpVZip2, ir.OpVTrn1, ir.OpVTrn2:
		return permute(in.Op, a, b, size, full)
	case ir.OpVExt:
		return vext(a, b, int(in.Aux), full)
	case ir.OpVTbx:
		r := a
		for i := 0; i < 16; i++ {
			if idx := lane(c, 0, i); idx < 16 {
				setLane(&r, 0, i, lane(b, 0, int(idx)))
			}
		}
		return r
	case ir.OpVRev:
		// Reversing lanes inside a container = XOR of the lane index with
		// (lanes per container - 1).
		flip := 1<<uint(in.Aux2-in.Aux) - 1
		var r [2]uint64
		for i := 0; i < laneCount(size); i++ {
			setLane(&r, size, i, lane(a, size, i^flip))
		}
		return r
	case ir.OpVCnt:
		return mapLanes(a, b, 0, func(x, _ uint64) uint64 { return uint64(bits.OnesCount8(uint8(x))) })
	case ir.OpVPMul:
		return mapLanes(a, b, 0, func(x, y uint64) uint64 {
			var p uint64
			for i := uint(0); i < 8; i++ {
				if y>>i&1 == 1 {
					p ^= x << i
				}
			}
			return p
		})
	case ir.OpVClz:
		es := laneBits(size)
		return mapLanes(a, b, size, func(x, _ uint64) uint64 { return uint64(bits.LeadingZeros64(x)) - uint64(64-es) })
	case ir.OpVCls:
		es := laneBits(size)
		return mapLanes(a, b, size, func(x, _ uint64) uint64 {
			v := uint64(sext(x, size))
			z := (v >> 1) ^ v // bit k set where bits k and k+1 differ
			return uint64(bits.LeadingZeros64(z&(laneMask(size)>>1))) - uint64(64-es) - 1
		})
	case ir.OpVRbit:
		return mapLanes(a, b, 0, func(x, _ uint64) uint64 { return uint64(bits.Reverse8(uint8(x))) })

	case ir.OpVAddV, ir.OpVUMaxV, ir.OpVUMinV, ir.OpVSMaxV, ir.OpVSMinV, ir.OpVUAddLV, ir.OpVSAddLV:
		return reduce(in.Op, a, size, full)

	case ir.OpVUQAdd, ir.OpVSQAdd, ir.OpVUQSub, ir.OpVSQSub:
		return saturatingArith(cpu, in.Op, a, b, size)
	}
	if in.Op >= ir.OpVUAddLP && in.Op <= ir.OpVPMull {
		return evalVecSat(cpu, in, a, b)
	}
	if in.Op >= ir.OpVAESE && in.Op <= ir.OpVAESIMC {
		return evalAES(in.Op, a, b)
	}
	if in.Op >= ir.OpVCrypto && in.Op <= ir.OpVMMLA {
		return evalVecExt(cpu, in, a, b, c)
	}
	panic("interp: unknown op " + in.Op.String())
}

// permute implements UZP/ZIP/TRN. For 64-bit forms only the low halves of
// the operands take part and the result's upper half is zero.
func permute(op ir.Op, a, b [2]uint64, size int, full bool) [2]uint64 {
	n := laneCount(size)
	if !full {
		n /= 2
	}
	var r [2]uint64
	half := n / 2
	for i := 0; i < n; i++ {
		var x uint64
		switch op {
		case ir.OpVUzp1, ir.OpVUzp2:
			// Even (UZP1) or odd (UZP2) lanes of the concatenation b:a.
			j := 2*i + b2i(op == ir.OpVUzp2)
			if j < n {
				x = lane(a, size, j)
			} else {
				x = lane(b, size, j-n)
			}
		case ir.OpVZip1, ir.OpVZip2:
			base := 0
			if op == ir.OpVZip2 {
				base = half
			}
			if i&1 == 0 {
				x = lane(a, size, base+i/2)
			} else {
				x = lane(b, size, base+i/2)
			}
		case ir.OpVTrn1, ir.OpVTrn2:
			j := i&^1 + b2i(op == ir.OpVTrn2)
			if i&1 == 0 {
				x = lane(a, size, j)
			} else {
				x = lane(b, size, j)
			}
		}
		setLane(&r, size, i, x)
	}
	return r
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// vext extracts bytes pos.. of the concatenation b:a (a low).
func vext(a, b [2]uint64, pos int, full bool) [2]uint64 {
	n := 16
	if !full {
		n = 8
	}
	var r [2]uint64
	for i := 0; i < n; i++ {
		j := pos + i
		var x uint64
		if j < n {
			x = lane(a, 0, j)
		} else {
			x = lane(b, 0, j-n)
		}
		setLane(&r, 0, i, x)
	}
	return r
}

func reduce(op ir.Op, a [2]uint64, size int, full bool) [2]uint64 {
	n := laneCount(size)
	if !full {
		n /= 2
	}
	acc := lane(a, size, 0)
	if op == ir.OpVSMaxV || op == ir.OpVSMinV || op == ir.OpVSAddLV {
		acc = uint64(sext(acc, size))
	}
	for i := 1; i < n; i++ {
		x := lane(a, size, i)
		switch op {
		case ir.OpVAddV, ir.OpVUAddLV:
			acc += x
		case ir.OpVSAddLV:
			acc += uint64(sext(x, size))
		case ir.OpVUMaxV:
			acc = max(acc, x)
		case ir.OpVUMinV:
			acc = min(acc, x)
		case ir.OpVSMaxV:
			acc = uint64(max(int64(acc), sext(x, size)))
		case ir.OpVSMinV:
			acc = uint64(min(int64(acc), sext(x, size)))
		}
	}
	if op == ir.OpVUAddLV || op == ir.OpVSAddLV {
		return [2]uint64{acc & laneMask(size+1)}
	}
	return [2]uint64{acc & laneMask(size)}
}

// saturate clamps v to [lo, hi] and reports whether it had to.
func saturate(v, lo, hi int64) (int64, bool) {
	if v < lo {
		return lo, true
	}
	if v > hi {
		return hi, true
	}
	return v, false
}

func signedRange(size int) (int64, int64) {
	hi := int64(laneMask(size) >> 1)
	return -hi - 1, hi
}

// saturatingNarrow implements SQXTN/UQXTN/SQXTUN (size = destination).
func saturatingNarrow(cpu *ir.CPU, op ir.Op, a [2]uint64, size int) [2]uint64 {
	var r [2]uint64
	sat := false
	for i := 0; i < laneCount(size+1); i++ {
		x := lane(a, size+1, i)
		var v uint64
		switch op {
		case ir.OpVSqxtn:
			lo, hi := signedRange(size)
			s, q := saturate(sext(x, size+1), lo, hi)
			v, sat = uint64(s), sat || q
		case ir.OpVSqxtun:
			s, q := saturate(sext(x, size+1), 0, int64(laneMask(size)))
			v, sat = uint64(s), sat || q
		case ir.OpVUqxtn:
			v = min(x, laneMask(size))
			sat = sat || x > laneMask(size)
		}
		setLane(&r, size, i, v)
	}
	if sat {
		cpu.FPSR |= ir.FPSRQC
	}
	return r
}

// saturatingArith implements UQADD/SQADD/UQSUB/SQSUB.
func saturatingArith(cpu *ir.CPU, op ir.Op, a, b [2]uint64, size int) [2]uint64 {
	sat := false
	m := laneMask(size)
	r := mapLanes(a, b, size, func(x, y uint64) uint64 {
		switch op {
		case ir.OpVUQAdd:
			s, carry := bits.Add64(x, y, 0)
			if carry != 0 || s > m {
				sat = true
				return m
			}
			return s
		case ir.OpVUQSub:
			if y > x {
				sat = true
				return 0
			}
			return x - y
		}
		sx, sy := sext(x, size), sext(y, size)
		lo, hi := signedRange(size)
		var v int64
		var over bool
		if op == ir.OpVSQAdd {
			v = sx + sy
			over = size == 3 && (sx >= 0) == (sy >= 0) && (v >= 0) != (sx >= 0)
		} else {
			v = sx - sy
			over = size == 3 && (sx >= 0) != (sy >= 0) && (v >= 0) != (sx >= 0)
		}
		if over { // 64-bit overflow: the true result is beyond the range
			sat = true
			if sx >= 0 {
				return uint64(hi)
			}
			return uint64(lo)
		}
		s, q := saturate(v, lo, hi)
		sat = sat || q
		return uint64(s)
	})
	if sat {
		cpu.FPSR |= ir.FPSRQC
	}
	return r
}
