package lift

import (
	"math"
	"testing"

	"ferry/ir"
)

func s4(a, b, c, d uint64) [2]uint64 { return [2]uint64{a | b<<32, c | d<<32} }

func f32(f float32) uint64 { return uint64(math.Float32bits(f)) }

// TestSIMDSaturatingForms runs the halving, rounding, saturating and
// doubling forms through the lifter and the interpreter. Besides the
// values (worked out by hand from the instruction definitions), it checks
// what the lifter must add around the ops: 64-bit and scalar forms write
// zeros above their result, "2" forms keep the lower half, and lanes
// outside the instruction — here full of values that would saturate or
// overflow — raise neither FPSR.QC nor FP exceptions.
func TestSIMDSaturatingForms(t *testing.T) {
	g := newGuest(t)
	var cpu ir.CPU
	junk := [2]uint64{0x5a5a5a5a5a5a5a5a, 0xa5a5a5a5a5a5a5a5}
	for i := range cpu.V {
		cpu.V[i] = junk
	}
	cpu.V[7] = [2]uint64{0x0102030405060708, 0x8080808080808080} // upper lanes MinInt8
	cpu.V[9] = s4(0x40000000, 0x80000000, 0x80000000, 0x80000000)
	cpu.V[10] = s4(0, 0, 0x80000000, 0x80000000) // s[3] = MinInt32
	cpu.V[12] = [2]uint64{0xffff_0123, 0xffffffffffffffff}
	cpu.V[13] = [2]uint64{0xaaaa, 0xbbbb}
	cpu.V[14] = [2]uint64{0x000c_07fb_0003_0004, 0}
	cpu.V[16] = [2]uint64{0xffff_0000_0001_0003, 0x8000800080008000}
	cpu.V[17] = [2]uint64{0xffff_0001_0002_0004, 0x8000800080008000}
	cpu.V[18] = [2]uint64{10, 0x77}
	cpu.V[19] = [2]uint64{uint64(math.MaxUint64 - 2), 0} // -3
	cpu.V[21] = [2]uint64{0xff, 0x03}
	cpu.V[22] = [2]uint64{0xff, 0x03}
	cpu.V[24] = [2]uint64{0x0080_7f80, 0}
	cpu.V[25] = [2]uint64{0, 0}
	cpu.V[27] = s4(0xffffffff, 0xffffffff, 5, 6)
	cpu.V[28] = s4(1, 2, 3, 4)
	cpu.V[29] = [2]uint64{0x7fff7fff7fff7fff, 0x0100_ffff_0002_0001}
	cpu.V[15] = [2]uint64{0, 0x0003_0000_0000_0000} // h[7] = 3
	cpu.V[2] = s4(f32(1), f32(2), 0, 0)
	cpu.V[3] = [2]uint64{0x1111, 0x2222}
	cpu.V[4] = [2]uint64{math.Float64bits(1), math.Float64bits(-2)}
	cpu.V[31] = [2]uint64{0x3ff0000000000001, math.Float64bits(1e300)}
	g.runToStop(t, &cpu, []uint32{
		0x2e2078e6, // sqneg v6.8b, v7.8b
		0x5faac928, // sqdmulh s8, s9, v10.s[3]
		0x7f0c958b, // uqshrn b11, h12, #4
		0x6f0d8dcd, // sqrshrun2 v13.16b, v14.8h, #3
		0x4f7f3bbc, // sqdmlal2 v28.4s, v29.8h, v15.h[7]
		0x2e71160f, // urhadd v15.4h, v16.4h, v17.4h
		0x5f7f3672, // srsra d18, d19, #1
		0x4e36e2b4, // pmull2 v20.8h, v21.16b, v22.16b
		0x2e394317, // raddhn v23.8b, v24.8h, v25.8h
		0x4ea02b7a, // saddlp v26.2d, v27.4s
		0x0ea1d841, // frecpe v1.2s, v2.2s
		0x6e616883, // fcvtxn2 v3.4s, v4.2d
		0x2e206bc0, // uadalp v0.4h, v30.8b
		0x7e616be5, // fcvtxn s5, d31
	})
	checks := []struct {
		name      string
		got, want [2]uint64
	}{
		{"sqneg 8b", cpu.V[6], [2]uint64{0xfffefdfcfbfaf9f8, 0}},
		// 0.5 × MinInt32 in Q31: -2^30.
		{"sqdmulh s, elem", cpu.V[8], [2]uint64{0xc0000000, 0}},
		{"uqshrn b", cpu.V[11], [2]uint64{0x12, 0}},
		// (4+4)>>3 = 1, (3+4)>>3 = 0, (2043+4)>>3 = 255, (12+4)>>3 = 2.
		{"sqrshrun2", cpu.V[13], [2]uint64{0xaaaa, 0x02ff0001}},
		// Upper halfwords 1, 2, -1, 256 times 3, doubled: 6, 12, -6, 1536.
		{"sqdmlal2 elem", cpu.V[28], s4(7, 14, 0xfffffffd, 1540)},
		// (3+4+1)>>1 = 4, (1+2+1)>>1 = 2, (0+1+1)>>1 = 1, 0xffff stays.
		{"urhadd 4h", cpu.V[15], [2]uint64{0xffff_0001_0002_0004, 0}},
		// 10 + ((-3 + 1) >> 1) = 9.
		{"srsra d", cpu.V[18], [2]uint64{9, 0}},
		{"pmull2", cpu.V[20], [2]uint64{5, 0}},
		// (0x7f80 + 0x80) >> 8 = 0x80, (0x80 + 0x80) >> 8 = 1.
		{"raddhn", cpu.V[23], [2]uint64{0x0180, 0}},
		{"saddlp 2d", cpu.V[26], [2]uint64{0xfffffffffffffffe, 11}},
		{"frecpe 2s", cpu.V[1], [2]uint64{0x3eff8000_3f7f8000, 0}},
		{"fcvtxn2", cpu.V[3], [2]uint64{0x1111, f32(1) | f32(-2)<<32}},
		// Junk bytes 0x5a + 0x5a = 0xb4 added to the junk halfwords 0x5a5a.
		{"uadalp 4h", cpu.V[0], [2]uint64{0x5b0e5b0e5b0e5b0e, 0}},
		{"fcvtxn s", cpu.V[5], [2]uint64{0x3f800001, 0}},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
	// Only FCVTXN's lane 0 was inexact; its lane 1 (1e300) must not have
	// overflowed, and nothing saturated.
	if cpu.FPSR != ir.FPSRIXC {
		t.Errorf("FPSR = %#x, want only IXC (%#x)", cpu.FPSR, ir.FPSRIXC)
	}

	// Saturation sets the sticky QC bit.
	cpu.V[0] = [2]uint64{0x8080808080808080, 0x7f7f7f7f7f7f7f7f}
	cpu.V[1] = [2]uint64{0x0101010101010101, 0xffffffffffffffff}
	cpu.FPSR = 0
	g.runToStop(t, &cpu, []uint32{
		0x6e213822, // shll2 v2.8h, v1.16b, #8
		0x2e613823, // shll v3.4s, v1.4h, #16
		0x0e207805, // sqabs v5.8b, v0.8b
	})
	checks = []struct {
		name      string
		got, want [2]uint64
	}{
		{"shll2", cpu.V[2], [2]uint64{0xff00ff00ff00ff00, 0xff00ff00ff00ff00}},
		{"shll", cpu.V[3], [2]uint64{0x0101000001010000, 0x0101000001010000}},
		{"sqabs 8b", cpu.V[5], [2]uint64{0x7f7f7f7f7f7f7f7f, 0}},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
	if cpu.FPSR != ir.FPSRQC {
		t.Errorf("FPSR = %#x, want QC", cpu.FPSR)
	}
}
