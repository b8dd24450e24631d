package interp

import (
	"math/big"
	"math/rand"
	"testing"

	"ferry/ir"
)

// refAddWithCarry is the Arm ARM AddWithCarry computed with unbounded
// integers: the carry is unsigned overflow, V is signed overflow.
func refAddWithCarry(x, y, c uint64, w uint) (uint64, uint64) {
	m := new(big.Int).Lsh(big.NewInt(1), w)
	ux := new(big.Int).SetUint64(x & widthMask(w))
	uy := new(big.Int).SetUint64(y & widthMask(w))
	usum := new(big.Int).Add(ux, uy)
	usum.Add(usum, new(big.Int).SetUint64(c))
	signed := func(v *big.Int) *big.Int {
		half := new(big.Int).Rsh(m, 1)
		if v.Cmp(half) >= 0 {
			return new(big.Int).Sub(v, m)
		}
		return new(big.Int).Set(v)
	}
	ssum := new(big.Int).Add(signed(ux), signed(uy))
	ssum.Add(ssum, new(big.Int).SetUint64(c))
	res := new(big.Int).Mod(usum, m)
	var f uint64
	if res.Bit(int(w)-1) == 1 {
		f |= 1 << 31
	}
	if res.Sign() == 0 {
		f |= 1 << 30
	}
	if usum.Cmp(res) != 0 {
		f |= 1 << 29
	}
	if signed(res).Cmp(ssum) != 0 {
		f |= 1 << 28
	}
	return res.Uint64(), f
}

func TestAddWithCarryMatchesReference(t *testing.T) {
	edges := []uint64{0, 1, 2, 0x7f, 0x80, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
		1<<63 - 1, 1 << 63, ^uint64(0), ^uint64(0) - 1}
	rng := rand.New(rand.NewSource(1))
	vals := append([]uint64{}, edges...)
	for i := 0; i < 40; i++ {
		vals = append(vals, rng.Uint64())
	}
	for _, w := range []uint{32, 64} {
		for _, x := range vals {
			for _, y := range vals {
				for c := uint64(0); c < 2; c++ {
					gr, gf := addWithCarry(x, y, c, w)
					wr, wf := refAddWithCarry(x, y, c, w)
					if gr != wr || gf != wf {
						t.Fatalf("w=%d %#x+%#x+%d: got %#x nzcv %#x, want %#x nzcv %#x", w, x, y, c, gr, gf, wr, wf)
					}
				}
			}
		}
	}
}

// run builds a block with f, executes it on cpu and returns the value v.
func runBlock(t *testing.T, cpu *ir.CPU, f func(b *ir.Builder) ir.Value) uint64 {
	t.Helper()
	b := ir.NewBuilder(0x1000)
	v := f(b)
	b.SetReg(0, v)
	b.Jump(0x2000)
	if r := Exec(cpu, b.B); r != ir.ExitNone {
		t.Fatalf("exit %d", r)
	}
	if cpu.PC != 0x2000 {
		t.Fatalf("pc %#x", cpu.PC)
	}
	return cpu.X[0]
}

func TestArmDivisionAndCountSemantics(t *testing.T) {
	var cpu ir.CPU
	cases := []struct {
		name string
		f    func(b *ir.Builder) ir.Value
		want uint64
	}{
		{"udiv by zero", func(b *ir.Builder) ir.Value {
			return b.Bin(ir.OpUDiv, b.Const(ir.I64, 7), b.Const(ir.I64, 0))
		}, 0},
		{"sdiv min/-1 64", func(b *ir.Builder) ir.Value {
			return b.Bin(ir.OpSDiv, b.Const(ir.I64, 1<<63), b.Const(ir.I64, ^uint64(0)))
		}, 1 << 63},
		{"sdiv min/-1 32 stays 32-bit", func(b *ir.Builder) ir.Value {
			return b.Un(ir.OpZExt32, b.Bin(ir.OpSDiv, b.Const(ir.I32, 0x80000000), b.Const(ir.I32, 0xffffffff)))
		}, 0x80000000},
		{"sdiv -7/2 truncates", func(b *ir.Builder) ir.Value {
			return b.Bin(ir.OpSDiv, b.Const(ir.I64, ^uint64(6)), b.Const(ir.I64, 2))
		}, ^uint64(2)},
		{"cls 0", func(b *ir.Builder) ir.Value { return b.Un(ir.OpCls, b.Const(ir.I64, 0)) }, 63},
		{"cls 1", func(b *ir.Builder) ir.Value { return b.Un(ir.OpCls, b.Const(ir.I64, 1)) }, 62},
		{"cls -1 w", func(b *ir.Builder) ir.Value {
			return b.Un(ir.OpZExt32, b.Un(ir.OpCls, b.Const(ir.I32, 0xffffffff)))
		}, 31},
		{"clz 0 w", func(b *ir.Builder) ir.Value {
			return b.Un(ir.OpZExt32, b.Un(ir.OpClz, b.Const(ir.I32, 0)))
		}, 32},
		{"shl count mod 32", func(b *ir.Builder) ir.Value {
			return b.Un(ir.OpZExt32, b.Bin(ir.OpShl, b.Const(ir.I32, 1), b.Const(ir.I32, 33)))
		}, 2},
		{"asr 32-bit sign", func(b *ir.Builder) ir.Value {
			return b.Un(ir.OpZExt32, b.Bin(ir.OpAShr, b.Const(ir.I32, 0x80000000), b.Const(ir.I32, 4)))
		}, 0xf8000000},
		{"smulhi", func(b *ir.Builder) ir.Value {
			return b.Bin(ir.OpSMulHi, b.Const(ir.I64, ^uint64(0)), b.Const(ir.I64, 5))
		}, ^uint64(0)},
		{"sextbits 8", func(b *ir.Builder) ir.Value {
			return b.Emit(ir.OpSExtBits, ir.I64, 8, 0, b.Const(ir.I64, 0x1ff))
		}, ^uint64(0)},
	}
	for _, c := range cases {
		if got := runBlock(t, &cpu, c.f); got != c.want {
			t.Errorf("%s: got %#x want %#x", c.name, got, c.want)
		}
	}
}

func TestCondHoldsTable(t *testing.T) {
	// Signed and unsigned orderings derived from SUBS of two numbers must
	// agree with Go's comparisons for every condition code.
	vals := []int64{-3, -1, 0, 1, 5, -1 << 63, 1<<63 - 1}
	for _, x := range vals {
		for _, y := range vals {
			_, f := addWithCarry(uint64(x), ^uint64(y), 1, 64)
			ux, uy := uint64(x), uint64(y)
			want := map[int]bool{0: x == y, 1: x != y, 2: ux >= uy, 3: ux < uy, 8: ux > uy, 9: ux <= uy,
				10: x >= y, 11: x < y, 12: x > y, 13: x <= y, 14: true, 15: true}
			for cond, w := range want {
				if got := CondHolds(uint32(f), cond); got != w {
					t.Errorf("cmp %d,%d cond %d: got %v", x, y, cond, got)
				}
			}
		}
	}
}
