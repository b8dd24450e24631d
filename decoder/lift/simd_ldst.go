package lift

import (
	"ferry/decoder"
	"ferry/ir"
)

// structLdSt lifts LD1-LD4/ST1-ST4 (multiple and single structures) and
// LD1R-LD4R. All loads happen before any register is written, so a fault
// leaves the registers unchanged.
func (s *simdLifter) structLdSt() bool {
	in := s.in
	b := s.l.b
	base := s.l.x64(in.Rn)
	nregs, selem := in.Imm, in.Imm2
	reg := func(i int64) int { return int(int64(in.Rt)+i) % 32 }
	addr := func(off int64) ir.Value {
		if off == 0 {
			return base
		}
		return s.l.binC(ir.OpAdd, base, uint64(off))
	}
	esize := int64(1) << s.size
	regBytes := int64(8)
	if s.q {
		regBytes = 16
	}
	switch in.Op {
	case decoder.LD_mult:
		var vals []ir.Value
		switch selem {
		case 1, 2, 4:
			// Whole registers' worth of memory, then de-interleaved with
			// UZP: LD2 = UZP1/UZP2 of two chunks, LD4 = two levels.
			for i := int64(0); i < nregs; i++ {
				vals = append(vals, b.LoadV(addr(i*regBytes), int(regBytes)))
			}
			uzp := func(op ir.Op, x, y ir.Value) ir.Value { return s.emit(op, s.size, s.qflag(), x, y) }
			switch selem {
			case 2:
				vals = []ir.Value{uzp(ir.OpVUzp1, vals[0], vals[1]), uzp(ir.OpVUzp2, vals[0], vals[1])}
			case 4:
				e01, o01 := uzp(ir.OpVUzp1, vals[0], vals[1]), uzp(ir.OpVUzp2, vals[0], vals[1])
				e23, o23 := uzp(ir.OpVUzp1, vals[2], vals[3]), uzp(ir.OpVUzp2, vals[2], vals[3])
				vals = []ir.Value{uzp(ir.OpVUzp1, e01, e23), uzp(ir.OpVUzp1, o01, o23),
					uzp(ir.OpVUzp2, e01, e23), uzp(ir.OpVUzp2, o01, o23)}
			}
		case 3:
			// Element by element.
			lanes := regBytes / esize
			for r := int64(0); r < 3; r++ {
				vals = append(vals, s.zero())
			}
			for e := int64(0); e < lanes; e++ {
				for r := int64(0); r < 3; r++ {
					x := b.Emit(ir.OpVFromI64, ir.V128, 0, 0, b.Load(addr((e*3+r)*esize), int(esize), false))
					vals[r] = s.emit(ir.OpVInsLane, s.size, e, vals[r], x)
				}
			}
		}
		for i, v := range vals {
			s.l.setV(reg(int64(i)), v)
		}
	case decoder.ST_mult:
		var vals []ir.Value
		for i := int64(0); i < nregs; i++ {
			vals = append(vals, s.l.getV(reg(i)))
		}
		zip := func(op ir.Op, x, y ir.Value) ir.Value { return s.emit(op, s.size, s.qflag(), x, y) }
		switch selem {
		case 2:
			vals = []ir.Value{zip(ir.OpVZip1, vals[0], vals[1]), zip(ir.OpVZip2, vals[0], vals[1])}
		case 4:
			a, c := zip(ir.OpVZip1, vals[0], vals[2]), zip(ir.OpVZip2, vals[0], vals[2])
			bb, dd := zip(ir.OpVZip1, vals[1], vals[3]), zip(ir.OpVZip2, vals[1], vals[3])
			vals = []ir.Value{zip(ir.OpVZip1, a, bb), zip(ir.OpVZip2, a, bb), zip(ir.OpVZip1, c, dd), zip(ir.OpVZip2, c, dd)}
		case 3:
			lanes := regBytes / esize
			for e := int64(0); e < lanes; e++ {
				for r := int64(0); r < 3; r++ {
					x := b.Emit(ir.OpVExtractLane, ir.I64, s.size, e, vals[r])
					b.Store(addr((e*3+r)*esize), x, int(esize))
				}
			}
			vals = nil
		}
		for i, v := range vals {
			b.StoreV(addr(int64(i)*regBytes), v, int(regBytes))
		}
	case decoder.LD_single, decoder.LD_repl:
		var loaded []ir.Value
		for r := int64(0); r < selem; r++ {
			loaded = append(loaded, b.Emit(ir.OpVFromI64, ir.V128, 0, 0, b.Load(addr(r*esize), int(esize), false)))
		}
		for r, x := range loaded {
			if in.Op == decoder.LD_repl {
				v := s.emit(ir.OpVDupLane, s.size, 0, x)
				if !s.q {
					v = s.zextLow(v, 8)
				}
				s.l.setV(reg(int64(r)), v)
			} else {
				s.l.setV(reg(int64(r)), s.emit(ir.OpVInsLane, s.size, int64(in.VecIndex), s.l.getV(reg(int64(r))), x))
			}
		}
	case decoder.ST_single:
		for r := int64(0); r < selem; r++ {
			x := b.Emit(ir.OpVExtractLane, ir.I64, s.size, int64(in.VecIndex), s.l.getV(reg(r)))
			b.Store(addr(r*esize), x, int(esize))
		}
	default:
		return false
	}
	if in.PostIndex {
		var next ir.Value
		if in.Rm == decoder.ZR {
			next = s.l.binC(ir.OpAdd, base, uint64(in.Amount))
		} else {
			next = s.l.bin(ir.OpAdd, base, s.l.x64(in.Rm))
		}
		s.l.setReg(in.Rn, next)
	}
	return true
}
