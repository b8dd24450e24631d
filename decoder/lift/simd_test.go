package lift

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"ferry/ir"
)

// TestSIMDSequence runs structure loads/stores, lane moves, TBL and scalar
// FP compare/select/convert through the lifter and the interpreter. The
// expected values are worked out by hand from the instruction definitions.
func TestSIMDSequence(t *testing.T) {
	g := newGuest(t)
	data := g.data()
	for i := 0; i < 64; i++ {
		data[i] = byte(i)
	}
	var cpu ir.CPU
	cpu.X[0], cpu.X[1], cpu.X[2] = g.Data, g.Data, 4
	cpu.X[3], cpu.X[4] = g.Data+256, g.Data+512
	cpu.X[7] = 0x1122334455667788
	cpu.V[8] = [2]uint64{0xaaaa, 0xbbbbbbbbbbbbbbbb}
	cpu.V[10] = [2]uint64{0x05_ff_20_1f_11_00, 0}
	cpu.V[12] = [2]uint64{0x1234, 0xffff}
	cpu.V[20] = [2]uint64{math.Float64bits(1.0), 0}
	cpu.V[21] = [2]uint64{math.Float64bits(2.75), 0}
	g.runToStop(t, &cpu, []uint32{
		0x4cdfa000, // ld1 {v0.16b, v1.16b}, [x0], #32
		0x4c408422, // ld2 {v2.8h, v3.8h}, [x1]
		0x4c404824, // ld3 {v4.4s-v6.4s}, [x1]
		0x0c400030, // ld4 {v16.8b-v19.8b}, [x1]
		0x4d40c827, // ld1r {v7.4s}, [x1]
		0x4dc29028, // ld1 {v8.s}[3], [x1], x2
		0x0c000070, // st4 {v16.8b-v19.8b}, [x3]
		0x4c004884, // st3 {v4.4s-v6.4s}, [x4]
		0x4e0a2009, // tbl v9.16b, {v0.16b, v1.16b}, v10.16b
		0x0e1e3c45, // umov w5, v2.h[7]
		0x4e032c46, // smov x6, v2.b[1]
		0x4e181ceb, // mov v11.d[1], x7
		0x9eae0168, // fmov x8, v11.d[1]
		0x1e752280, // fcmp d20, d21
		0x1a9f57e9, // cset w9, mi
		0x1e744684, // fccmp d20, d20, #0x4, mi
		0x1e750e96, // fcsel d22, d20, d21, eq
		0x1e7802aa, // fcvtzs w10, d21
		0x1e220157, // scvtf s23, w10
		0x4f0c840c, // shrn2 v12.16b, v0.8h, #4
		0x6e30380d, // uaddlv h13, v0.16b
	})
	le := binary.LittleEndian
	word := func(k int) uint64 { return uint64(le.Uint32(data[4*k:])) }
	checks := []struct {
		name      string
		got, want [2]uint64
	}{
		{"v0", cpu.V[0], [2]uint64{0x0706050403020100, 0x0f0e0d0c0b0a0908}},
		{"v1", cpu.V[1], [2]uint64{0x1716151413121110, 0x1f1e1d1c1b1a1918}},
		{"v2 (even halfwords)", cpu.V[2], [2]uint64{0x0d0c_0908_0504_0100, 0x1d1c_1918_1514_1110}},
		{"v3 (odd halfwords)", cpu.V[3], [2]uint64{0x0f0e_0b0a_0706_0302, 0x1f1e_1b1a_1716_1312}},
		{"v4", cpu.V[4], [2]uint64{word(0) | word(3)<<32, word(6) | word(9)<<32}},
		{"v6", cpu.V[6], [2]uint64{word(2) | word(5)<<32, word(8) | word(11)<<32}},
		{"v16", cpu.V[16], [2]uint64{0x1c181410_0c080400, 0}},
		{"v19", cpu.V[19], [2]uint64{0x1f1b1713_0f0b0703, 0}},
		{"v7 (ld1r)", cpu.V[7], [2]uint64{0x03020100_03020100, 0x03020100_03020100}},
		{"v8 (lane 3)", cpu.V[8], [2]uint64{0xaaaa, 0x03020100_bbbbbbbb}},
		{"v9 (tbl)", cpu.V[9], [2]uint64{0x05_00_00_1f_11_00, 0}},
		{"v11", cpu.V[11], [2]uint64{0, 0x1122334455667788}},
		{"v22 (fcsel)", cpu.V[22], [2]uint64{math.Float64bits(1.0), 0}},
		{"v23 (scvtf)", cpu.V[23], [2]uint64{0x40000000, 0}},
		{"v12 (shrn2)", cpu.V[12], [2]uint64{0x1234, 0xf0d0b09070503010}},
		{"v13 (uaddlv)", cpu.V[13], [2]uint64{120, 0}},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
	xs := []struct {
		r    int
		want uint64
	}{{0, g.Data + 32}, {1, g.Data + 4}, {5, 0x1d1c}, {6, 1}, {8, 0x1122334455667788}, {9, 1}, {10, 2}}
	for _, x := range xs {
		if cpu.X[x.r] != x.want {
			t.Errorf("x%d = %#x, want %#x", x.r, cpu.X[x.r], x.want)
		}
	}
	if cpu.NZCV != 0x6<<28 {
		t.Errorf("nzcv = %#x, want 0x60000000 (fccmp compared equal)", cpu.NZCV)
	}
	if !bytes.Equal(data[256:256+32], data[:32]) {
		t.Errorf("st4 did not re-interleave: % x", data[256:256+32])
	}
	if !bytes.Equal(data[512:512+48], data[:48]) {
		t.Errorf("st3 did not re-interleave: % x", data[512:512+48])
	}
}
