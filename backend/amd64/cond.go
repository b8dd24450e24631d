package amd64

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"ferry/ir"
)

// hostCC is an x86 condition code, plus two pseudo conditions for
// predicates that are known at compile time. Pairs are adjacent so that
// cc^1 is the negation.
type hostCC uint8

const (
	ccEQ hostCC = iota // ZF
	ccNE
	ccB // CF (x86 "carry set", Go's CS)
	ccAE
	ccS // SF (Go's MI)
	ccNS
	ccO // OF (Go's OS)
	ccNO
	ccA // !CF && !ZF (Go's HI)
	ccBE
	ccGE // SF == OF
	ccL
	ccG // !ZF && SF == OF
	ccLE
	ccAlways
	ccNever
)

func (c hostCC) invert() hostCC { return c ^ 1 }

var (
	jccAs   = [...]obj.As{x86.AJEQ, x86.AJNE, x86.AJCS, x86.AJCC, x86.AJMI, x86.AJPL, x86.AJOS, x86.AJOC, x86.AJHI, x86.AJLS, x86.AJGE, x86.AJLT, x86.AJGT, x86.AJLE}
	setccAs = [...]obj.As{x86.ASETEQ, x86.ASETNE, x86.ASETCS, x86.ASETCC, x86.ASETMI, x86.ASETPL, x86.ASETOS, x86.ASETOC, x86.ASETHI, x86.ASETLS, x86.ASETGE, x86.ASETLT, x86.ASETGT, x86.ASETLE}
	cmovqAs = [...]obj.As{x86.ACMOVQEQ, x86.ACMOVQNE, x86.ACMOVQCS, x86.ACMOVQCC, x86.ACMOVQMI, x86.ACMOVQPL, x86.ACMOVQOS, x86.ACMOVQOC, x86.ACMOVQHI, x86.ACMOVQLS, x86.ACMOVQGE, x86.ACMOVQLT, x86.ACMOVQGT, x86.ACMOVQLE}
)

// flagKind says how the host flags relate to Arm NZCV after the
// instruction that produced them: N=SF, Z=ZF and V=OF always; C is CF
// after an addition, NOT CF after a subtraction (x86 CF is a borrow), and
// zero after a logical test (x86 TEST clears CF and OF, as ANDS does).
type flagKind uint8

const (
	kindAdd flagKind = iota
	kindSub
	kindLogic
)

// producerKind classifies ops whose NZCV result can be read from the host
// flags of the instruction that computes it.
func producerKind(op ir.Op) (flagKind, bool) {
	switch op {
	case ir.OpFlagsAdd, ir.OpFlagsAdc:
		return kindAdd, true
	case ir.OpFlagsSub, ir.OpFlagsSbc:
		return kindSub, true
	case ir.OpFlagsLogic:
		return kindLogic, true
	}
	return 0, false
}

// armCondCC maps AArch64 condition cond (0..15) to the host condition that
// holds exactly when it does, given flags of kind k. ok is false when no
// single x86 condition matches (HI/LS after an addition, where Arm wants
// C && !Z with C = CF).
func armCondCC(k flagKind, cond int) (hostCC, bool) {
	if cond >= 14 {
		return ccAlways, true
	}
	var cc hostCC
	switch cond >> 1 {
	case 0:
		cc = ccEQ
	case 1: // CS: carry set
		switch k {
		case kindAdd:
			cc = ccB
		case kindSub:
			cc = ccAE
		default:
			cc = ccNever
		}
	case 2:
		cc = ccS
	case 3: // VS
		if k == kindLogic {
			cc = ccNever
		} else {
			cc = ccO
		}
	case 4: // HI: C && !Z
		switch k {
		case kindSub:
			cc = ccA
		case kindLogic:
			cc = ccNever
		default:
			return 0, false
		}
	case 5:
		cc = ccGE
	case 6:
		cc = ccG
	}
	if cond&1 == 1 {
		cc = cc.invert()
	}
	return cc, true
}

// predCC maps an OpCmp predicate to the host condition after CMP x, y.
func predCC(p ir.Pred) hostCC {
	switch p {
	case ir.PredEq:
		return ccEQ
	case ir.PredNe:
		return ccNE
	case ir.PredULt:
		return ccB
	case ir.PredULe:
		return ccBE
	case ir.PredUGt:
		return ccA
	case ir.PredUGe:
		return ccAE
	case ir.PredSLt:
		return ccL
	case ir.PredSLe:
		return ccLE
	case ir.PredSGt:
		return ccG
	case ir.PredSGe:
		return ccGE
	}
	panic(compileError("bad predicate"))
}
