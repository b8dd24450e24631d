package ir

import "testing"

func TestOptimizeDropsOverwrittenStateAndDeadValues(t *testing.T) {
	b := NewBuilder(0x100)
	x := b.GetReg(1)
	f1 := b.Emit(OpFlagsSub, I32, 0, 0, x, b.Const(I64, 1))
	b.SetNZCV(f1)                // overwritten below, nothing can fault between
	unused := b.Bin(OpMul, x, x) // dead
	_ = unused
	f2 := b.Emit(OpFlagsLogic, I32, 0, 0, x)
	b.SetNZCV(f2)
	b.SetReg(2, x)
	b.Load(x, 8, false) // may fault: pins the SetReg(2) before it
	b.SetReg(2, b.Const(I64, 7))
	b.Jump(0x200)
	Optimize(b.B)
	var ops []Op
	for _, in := range b.B.Insts {
		ops = append(ops, in.Op)
	}
	want := []Op{OpGetReg, OpFlagsLogic, OpSetNZCV, OpSetReg, OpLoad, OpConst, OpSetReg}
	if len(ops) != len(want) {
		t.Fatalf("got %v\n%s", ops, b.B)
	}
	for i := range ops {
		if ops[i] != want[i] {
			t.Fatalf("got %v want %v\n%s", ops, want, b.B)
		}
	}
	// Renumbered arguments still point at the right definitions.
	if b.B.Insts[1].Args[0] != 0 || b.B.Insts[2].Args[0] != 1 || b.B.Insts[6].Args[0] != 5 {
		t.Fatalf("bad renumbering\n%s", b.B)
	}
}

func TestOptimizeKeepsTerminatorOperands(t *testing.T) {
	b := NewBuilder(0)
	c := b.Cmp(PredEq, b.GetReg(0), b.Const(I64, 0))
	b.Bin(OpAdd, b.GetReg(3), b.GetReg(4)) // dead
	b.CondJump(c, 8, 4)
	Optimize(b.B)
	if len(b.B.Insts) != 3 || b.B.Term.Cond != 2 || b.B.Insts[2].Op != OpCmp {
		t.Fatalf("unexpected result\n%s", b.B)
	}
}
