package lift

import (
	"ferry/decoder"
	"ferry/ir"
)

// NZCV bit positions (architectural layout, as held in an I32 NZCV value).
const (
	flagN = 1 << 31
	flagZ = 1 << 30
	flagC = 1 << 29
	flagV = 1 << 28
)

// liftPSTATE lifts SB, MSR SSBS/DIT (immediate) and the flag-manipulation
// instructions (FEAT_FlagM, FEAT_FlagM2), which compute NZCV from NZCV or
// a general register with ordinary integer ops.
func (l *lifter) liftPSTATE(in decoder.Inst) bool {
	switch in.Op {
	case decoder.SB:
		// A speculation barrier constrains only speculative execution,
		// which a translator never exposes: nothing to do.
	case decoder.MSR_PSTATE:
		l.setPSTATEBit(pstateBit(uint16(in.Imm)), l.konst(ir.I64, uint64(in.Imm2)*pstateBit(uint16(in.Imm))))
	case decoder.CFINV:
		l.setNZCV(l.binC(ir.OpXor, l.getNZCV(), flagC))
	case decoder.AXFLAG:
		// Z = Z | V, C = C & !V, N = V = 0. With V moved up to Z's
		// position (<<2) and to C's (<<1): Z' = (Z | V<<2) & Z,
		// C' = C &^ (V<<1).
		f := l.getNZCV()
		v := l.binC(ir.OpAnd, f, flagV)
		z := l.binC(ir.OpAnd, l.bin(ir.OpOr, f, l.binC(ir.OpShl, v, 2)), flagZ)
		c := l.bin(ir.OpAnd, l.binC(ir.OpAnd, f, flagC), l.un(ir.OpNot, l.binC(ir.OpShl, v, 1)))
		l.setNZCV(l.bin(ir.OpOr, z, c))
	case decoder.XAFLAG:
		// N = !C & !Z, Z = Z & C, C = C | Z, V = !C & Z, built on the
		// C and Z bits moved to a common position (bit 0).
		f := l.getNZCV()
		c := l.binC(ir.OpAnd, l.binC(ir.OpLShr, f, 29), 1)
		z := l.binC(ir.OpAnd, l.binC(ir.OpLShr, f, 30), 1)
		notC := l.binC(ir.OpXor, c, 1)
		n := l.binC(ir.OpShl, l.bin(ir.OpAnd, notC, l.binC(ir.OpXor, z, 1)), 31)
		zz := l.binC(ir.OpShl, l.bin(ir.OpAnd, z, c), 30)
		cc := l.binC(ir.OpShl, l.bin(ir.OpOr, c, z), 29)
		v := l.binC(ir.OpShl, l.bin(ir.OpAnd, notC, z), 28)
		l.setNZCV(l.bin(ir.OpOr, l.bin(ir.OpOr, n, zz), l.bin(ir.OpOr, cc, v)))
	case decoder.RMIF:
		// Bits lsb+3..lsb of Xn rotated right by lsb become N, Z, C, V
		// where the mask has ones.
		mask := uint64(in.Imm2) << 28
		rot := l.trunc(l.binC(ir.OpRotR, l.x64(in.Rn), uint64(in.Imm)))
		bits := l.binC(ir.OpAnd, l.binC(ir.OpShl, rot, 28), mask)
		kept := l.binC(ir.OpAnd, l.getNZCV(), ^mask)
		l.setNZCV(l.bin(ir.OpOr, kept, bits))
	case decoder.SETF8, decoder.SETF16:
		// N = Wn<msb>, Z = (Wn<msb:0> == 0), V = Wn<msb+1> ^ Wn<msb>;
		// C is kept.
		msb := uint64(7)
		if in.Op == decoder.SETF16 {
			msb = 15
		}
		w := l.reg(in.Rn, false)
		n := l.binC(ir.OpAnd, l.binC(ir.OpShl, w, 31-msb), flagN)
		low := l.binC(ir.OpAnd, w, 1<<(msb+1)-1)
		z := l.binC(ir.OpShl, l.b.Cmp(ir.PredEq, low, l.konst(ir.I32, 0)), 30)
		v := l.binC(ir.OpAnd, l.binC(ir.OpShl, l.bin(ir.OpXor, w, l.binC(ir.OpShl, w, 1)), 28-(msb+1)), flagV)
		c := l.binC(ir.OpAnd, l.getNZCV(), flagC)
		l.setNZCV(l.bin(ir.OpOr, l.bin(ir.OpOr, n, z), l.bin(ir.OpOr, c, v)))
	default:
		return false
	}
	return true
}

// pstateBit is the CPU.PSTATE bit of the DIT or SSBS register encoding.
func pstateBit(enc uint16) uint64 {
	if enc == decoder.SysRegDIT {
		return ir.PSTATEDIT
	}
	return ir.PSTATESSBS
}

// setPSTATEBit replaces bit (ir.PSTATEDIT or ir.PSTATESSBS) of CPU.PSTATE
// with the same bit of v (I64).
func (l *lifter) setPSTATEBit(bit uint64, v ir.Value) {
	kept := l.binC(ir.OpAnd, l.b.GetSys(ir.SysPSTATE), ^bit)
	l.b.SetSys(ir.SysPSTATE, l.bin(ir.OpOr, kept, l.binC(ir.OpAnd, v, bit)))
}
