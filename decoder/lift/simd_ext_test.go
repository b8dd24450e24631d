package lift

import (
	"math"
	"math/bits"
	"testing"

	"ferry/ir"
)

// The extension instructions that the lifter builds from existing ops or
// whose operands it permutes, checked against direct computations of the
// Arm ARM definitions on values where FP arithmetic is exact (small
// integers), so that the permutations and negations are what is tested.

func f32x4(a, b, c, d float32) [2]uint64 {
	f := func(x float32) uint64 { return uint64(math.Float32bits(x)) }
	return [2]uint64{f(a) | f(b)<<32, f(c) | f(d)<<32}
}

func TestComplexArithmetic(t *testing.T) {
	g := newGuest(t)
	// Pairs (re, im): n = (1, 2), (3, -4); m = (5, 7), (-2, 3); d = (10, 20), (30, 40).
	n, m, d := f32x4(1, 2, 3, -4), f32x4(5, 7, -2, 3), f32x4(10, 20, 30, 40)
	type pair struct{ re, im float32 }
	np, mp, dp := []pair{{1, 2}, {3, -4}}, []pair{{5, 7}, {-2, 3}}, []pair{{10, 20}, {30, 40}}
	cases := []struct {
		word uint32
		want func(np, mp, dp pair) pair
	}{
		// fcmla v0.4s, v1.4s, v2.4s, #0: d + (n.re*m.re, n.re*m.im)
		{0x6E82C420, func(n, m, d pair) pair { return pair{d.re + n.re*m.re, d.im + n.re*m.im} }},
		// #90: d + (-n.im*m.im, n.im*m.re)
		{0x6E82CC20, func(n, m, d pair) pair { return pair{d.re - n.im*m.im, d.im + n.im*m.re} }},
		// #180: d + (-n.re*m.re, -n.re*m.im)
		{0x6E82D420, func(n, m, d pair) pair { return pair{d.re - n.re*m.re, d.im - n.re*m.im} }},
		// #270: d + (n.im*m.im, -n.im*m.re)
		{0x6E82DC20, func(n, m, d pair) pair { return pair{d.re + n.im*m.im, d.im - n.im*m.re} }},
		// fcadd v0.4s, v1.4s, v2.4s, #90: (n.re - m.im, n.im + m.re)
		{0x6E82E420, func(n, m, _ pair) pair { return pair{n.re - m.im, n.im + m.re} }},
		// #270: (n.re + m.im, n.im - m.re)
		{0x6E82F420, func(n, m, _ pair) pair { return pair{n.re + m.im, n.im - m.re} }},
	}
	for _, c := range cases {
		cpu := &ir.CPU{}
		cpu.V[0], cpu.V[1], cpu.V[2] = d, n, m
		g.runToStop(t, cpu, []uint32{c.word})
		r0, r1 := c.want(np[0], mp[0], dp[0]), c.want(np[1], mp[1], dp[1])
		if want := f32x4(r0.re, r0.im, r1.re, r1.im); cpu.V[0] != want {
			t.Errorf("%#08x: got %#x, want %#x", c.word, cpu.V[0], want)
		}
	}
	// fcmla v0.4s, v1.4s, v2.s[1], #90: the pair m[1] = (-2, 3) for both.
	cpu := &ir.CPU{}
	cpu.V[0], cpu.V[1], cpu.V[2] = d, n, m
	g.runToStop(t, cpu, []uint32{0x6F823820})
	rot90 := func(n, m, d pair) pair { return pair{d.re - n.im*m.im, d.im + n.im*m.re} }
	r0, r1 := rot90(np[0], mp[1], dp[0]), rot90(np[1], mp[1], dp[1])
	if want := f32x4(r0.re, r0.im, r1.re, r1.im); cpu.V[0] != want {
		t.Errorf("fcmla by element: got %#x, want %#x", cpu.V[0], want)
	}
	// Double precision: fcadd v0.2d, v1.2d, v2.2d, #270 with n = (1, 2), m = (5, 7).
	cpu = &ir.CPU{}
	cpu.V[1] = [2]uint64{math.Float64bits(1), math.Float64bits(2)}
	cpu.V[2] = [2]uint64{math.Float64bits(5), math.Float64bits(7)}
	g.runToStop(t, cpu, []uint32{0x6EC2F420})
	if want := [2]uint64{math.Float64bits(1 + 7), math.Float64bits(2 - 5)}; cpu.V[0] != want {
		t.Errorf("fcadd .2d: got %#x, want %#x", cpu.V[0], want)
	}
}

func TestSHA3Instructions(t *testing.T) {
	g := newGuest(t)
	cpu := &ir.CPU{}
	a, b, c := [2]uint64{0x0123456789abcdef, 0xfedcba9876543210}, [2]uint64{0x8000000000000001, 0x00ff00ff00ff00ff}, [2]uint64{0xf0f0f0f0f0f0f0f0, 0x3333333333333333}
	cpu.V[1], cpu.V[2], cpu.V[3] = a, b, c
	g.runToStop(t, cpu, []uint32{
		0xCE020C24, // eor3 v4.16b, v1.16b, v2.16b, v3.16b
		0xCE220C25, // bcax v5.16b, v1.16b, v2.16b, v3.16b
		0xCE628C26, // rax1 v6.2d, v1.2d, v2.2d
		0xCE821827, // xar v7.2d, v1.2d, v2.2d, #6
	})
	for i := 0; i < 2; i++ {
		checks := []struct {
			name      string
			got, want uint64
		}{
			{"eor3", cpu.V[4][i], a[i] ^ b[i] ^ c[i]},
			{"bcax", cpu.V[5][i], a[i] ^ (b[i] &^ c[i])},
			{"rax1", cpu.V[6][i], a[i] ^ bits.RotateLeft64(b[i], 1)},
			{"xar", cpu.V[7][i], bits.RotateLeft64(a[i]^b[i], -6)},
		}
		for _, ch := range checks {
			if ch.got != ch.want {
				t.Errorf("%s lane %d: %#x, want %#x", ch.name, i, ch.got, ch.want)
			}
		}
	}
}

// TestDotProductForms: the by-element forms take the indexed 4-byte
// group of Vm for every lane; SUDOT reads Vn signed and Vm unsigned; the
// 64-bit forms clear the upper half.
func TestDotProductForms(t *testing.T) {
	g := newGuest(t)
	cpu := &ir.CPU{}
	cpu.V[0] = [2]uint64{0x0000000100000002, 0x0000000300000004}
	cpu.V[1] = [2]uint64{0x01_02_ff_80_04_03_02_01, 0x7f_7f_7f_7f_00_00_00_01}
	cpu.V[2] = [2]uint64{0x04_03_02_01_ff_ff_ff_ff, 0x80_80_80_80_01_01_01_01}
	cpu.V[3] = cpu.V[0]
	cpu.V[4] = cpu.V[0]
	g.runToStop(t, cpu, []uint32{
		0x0F82E820, // sdot v0.2s, v1.8b, v2.4b[2]
		0x6FA2E823, // udot v3.4s, v1.16b, v2.4b[3]
		0x4F22F024, // sudot v4.4s, v1.16b, v2.4b[1]
	})
	dot := func(acc uint32, x, y [4]int64) uint32 {
		s := int64(acc)
		for k := range x {
			s += x[k] * y[k]
		}
		return uint32(s)
	}
	bytesS := func(w uint64, signed bool) (r [4]int64) {
		for k := range r {
			if signed {
				r[k] = int64(int8(w >> (8 * k)))
			} else {
				r[k] = int64(uint8(w >> (8 * k)))
			}
		}
		return r
	}
	group := func(v [2]uint64, i int) uint64 { return v[i/2] >> (32 * (i % 2)) & 0xffffffff }
	n := cpu.V[1]
	m := [2]uint64{0x04_03_02_01_ff_ff_ff_ff, 0x80_80_80_80_01_01_01_01}
	acc := [2]uint64{0x0000000100000002, 0x0000000300000004}
	wantSdot := [2]uint64{uint64(dot(uint32(group(acc, 0)), bytesS(group(n, 0), true), bytesS(group(m, 2), true))) |
		uint64(dot(uint32(group(acc, 1)), bytesS(group(n, 1), true), bytesS(group(m, 2), true)))<<32}
	if cpu.V[0] != wantSdot {
		t.Errorf("sdot by element: %#x, want %#x", cpu.V[0], wantSdot)
	}
	var wantUdot, wantSudot [2]uint64
	for i := 0; i < 4; i++ {
		u := dot(uint32(group(acc, i)), bytesS(group(n, i), false), bytesS(group(m, 3), false))
		su := dot(uint32(group(acc, i)), bytesS(group(n, i), true), bytesS(group(m, 1), false))
		wantUdot[i/2] |= uint64(u) << (32 * (i % 2))
		wantSudot[i/2] |= uint64(su) << (32 * (i % 2))
	}
	if cpu.V[3] != wantUdot {
		t.Errorf("udot by element: %#x, want %#x", cpu.V[3], wantUdot)
	}
	if cpu.V[4] != wantSudot {
		t.Errorf("sudot by element: %#x, want %#x", cpu.V[4], wantSudot)
	}
}

// TestFJCVTZSSetsFlags: the Z flag and the W register of FJCVTZS.
func TestFJCVTZSSetsFlags(t *testing.T) {
	g := newGuest(t)
	for _, c := range []struct {
		in    float64
		w     uint64
		nzcv  uint64
		flags uint64
	}{{-7, 0xfffffff9, 0x40000000, 0}, {2.5, 2, 0, ir.FPSRIXC}, {0x1p32 + 3, 3, 0, ir.FPSRIOC}} {
		cpu := &ir.CPU{NZCV: 0xf0000000}
		cpu.X[0] = ^uint64(0)
		cpu.V[1] = [2]uint64{math.Float64bits(c.in), 0}
		g.runToStop(t, cpu, []uint32{0x1E7E0020}) // fjcvtzs w0, d1
		if cpu.X[0] != c.w || cpu.NZCV != c.nzcv || cpu.FPSR != c.flags {
			t.Errorf("fjcvtzs %v: w0 %#x nzcv %#x fpsr %#x, want %#x %#x %#x", c.in, cpu.X[0], cpu.NZCV, cpu.FPSR, c.w, c.nzcv, c.flags)
		}
	}
}
