package interp

import "ferry/ir"

// SQRDMLAH/SQRDMLSH, the dot products and the 8-bit matrix multiply.

// evalVecExt computes OpVSQRDMlah, OpVDot and OpVMMLA.
func evalVecExt(cpu *ir.CPU, in *ir.Inst, a, b, c [2]uint64) [2]uint64 {
	switch in.Op {
	case ir.OpVCrypto:
		return evalCrypto(ir.CryptoFn(in.Aux), int(in.Aux2), a, b, c)
	case ir.OpVSQRDMlah:
		size := int(in.Aux)
		es := laneBits(size)
		lo, hi := signedRange(size)
		sat := false
		var r [2]uint64
		for i := 0; i < laneCount(size); i++ {
			acc, x, y := sext(lane(a, size, i), size), sext(lane(b, size, i), size), sext(lane(c, size, i), size)
			// ((acc << esize) ± 2xy + 2^(esize-1)) >> esize. acc << esize
			// is a multiple of 2^esize, so the floor division distributes:
			// acc + floor((±2xy + 2^(esize-1)) / 2^esize), and halving both
			// terms of that fraction keeps ±xy + 2^(esize-2) within int64
			// for 32-bit lanes (|xy| <= 2^62).
			p := x * y
			if in.Aux2 == 1 {
				p = -p
			}
			v, q := saturate(acc+(p+1<<(es-2))>>(es-1), lo, hi)
			sat = sat || q
			setLane(&r, size, i, uint64(v))
		}
		if sat {
			cpu.FPSR |= ir.FPSRQC
		}
		return r
	case ir.OpVDot:
		sign := ir.DotSign(in.Aux2)
		var r [2]uint64
		for i := 0; i < 4; i++ {
			sum := uint32(lane(a, 2, i))
			for k := 0; k < 4; k++ {
				sum += uint32(dotProduct(sign, lane(b, 0, 4*i+k), lane(c, 0, 4*i+k)))
			}
			setLane(&r, 2, i, uint64(sum))
		}
		return r
	case ir.OpVMMLA:
		sign := ir.DotSign(in.Aux2)
		var r [2]uint64
		for i := 0; i < 2; i++ {
			for j := 0; j < 2; j++ {
				sum := uint32(lane(a, 2, 2*i+j))
				for k := 0; k < 8; k++ {
					sum += uint32(dotProduct(sign, lane(b, 0, 8*i+k), lane(c, 0, 8*j+k)))
				}
				setLane(&r, 2, 2*i+j, uint64(sum))
			}
		}
		return r
	}
	panic("interp: unknown op " + in.Op.String())
}

// dotProduct is the product of bytes x and y read as sign says.
func dotProduct(sign ir.DotSign, x, y uint64) int64 {
	switch sign {
	case ir.DotSigned:
		return sext(x, 0) * sext(y, 0)
	case ir.DotUnsignedSigned:
		return int64(x) * sext(y, 0)
	}
	return int64(x) * int64(y)
}
