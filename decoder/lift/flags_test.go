package lift

import (
	"encoding/binary"
	"math/rand"
	"testing"

	"ferry/decoder"
	"ferry/ir"
)

// The flag-manipulation instructions (FEAT_FlagM, FEAT_FlagM2) against
// models written flag by flag from the Arm ARM pseudocode.

type nzcvBits struct{ n, z, c, v bool }

func unpackNZCV(f uint64) nzcvBits {
	return nzcvBits{f>>31&1 == 1, f>>30&1 == 1, f>>29&1 == 1, f>>28&1 == 1}
}

func (b nzcvBits) pack() uint64 {
	var f uint64
	for i, set := range []bool{b.v, b.c, b.z, b.n} {
		if set {
			f |= 1 << (28 + i)
		}
	}
	return f
}

func TestFlagFormatConversions(t *testing.T) {
	g := newGuest(t)
	for f := uint64(0); f < 16; f++ {
		in := unpackNZCV(f << 28)
		// AXFLAG: Z = Z OR V; C = C AND NOT V; N = V = 0.
		ax := nzcvBits{z: in.z || in.v, c: in.c && !in.v}
		// XAFLAG: N = !C && !Z; Z = Z && C; C = C || Z; V = !C && Z.
		xa := nzcvBits{n: !in.c && !in.z, z: in.z && in.c, c: in.c || in.z, v: !in.c && in.z}
		// CFINV: C inverted.
		cf := in
		cf.c = !in.c
		for _, c := range []struct {
			name string
			word uint32
			want nzcvBits
		}{{"axflag", 0xD500405F, ax}, {"xaflag", 0xD500403F, xa}, {"cfinv", 0xD500401F, cf}} {
			cpu := &ir.CPU{NZCV: f << 28}
			g.runToStop(t, cpu, []uint32{c.word})
			if cpu.NZCV != c.want.pack() {
				t.Errorf("%s with NZCV=%04b: %#x, want %#x", c.name, f, cpu.NZCV, c.want.pack())
			}
		}
	}
}

func TestRMIFAndSETF(t *testing.T) {
	g := newGuest(t)
	rng := rand.New(rand.NewSource(9))
	for i := 0; i < 400; i++ {
		x := rng.Uint64()
		if i%4 == 0 {
			x = edgeValues[rng.Intn(len(edgeValues))]
		}
		f := uint64(rng.Intn(16)) << 28
		lsb, mask := uint32(rng.Intn(64)), uint32(rng.Intn(16))
		rn := uint32(rng.Intn(31))
		// RMIF Xn, #lsb, #mask: tmp = (Xn:Xn)<lsb+3:lsb>; each flag whose
		// mask bit is set takes the matching bit of tmp.
		rot := x>>lsb | x<<(64-lsb)%64
		if lsb == 0 {
			rot = x
		}
		want := f
		for k := 0; k < 4; k++ {
			if mask>>k&1 == 1 {
				want = want&^(1<<(28+k)) | (rot>>k&1)<<(28+k)
			}
		}
		cpu := &ir.CPU{NZCV: f}
		cpu.X[rn] = x
		w := 0xBA000400 | lsb<<15 | rn<<5 | mask
		if op := decoder.Decode(w).Op; op != decoder.RMIF {
			t.Fatalf("%#08x decodes as %v", w, op)
		}
		g.runToStop(t, cpu, []uint32{w})
		if cpu.NZCV != want {
			t.Errorf("rmif x%d=%#x, #%d, #%#x with NZCV %#x: %#x, want %#x", rn, x, lsb, mask, f, cpu.NZCV, want)
		}
		// SETF8/SETF16 Wn: N = Wn<msb>, Z = Wn<msb:0> == 0,
		// V = Wn<msb+1> XOR Wn<msb>, C unchanged.
		for _, msb := range []uint{7, 15} {
			sz := uint32(0)
			if msb == 15 {
				sz = 1
			}
			w := 0x3A00080D | sz<<14 | rn<<5
			b := unpackNZCV(f)
			b.n = x>>msb&1 == 1
			b.z = x&(1<<(msb+1)-1) == 0
			b.v = (x>>(msb+1)^x>>msb)&1 == 1
			cpu := &ir.CPU{NZCV: f}
			cpu.X[rn] = x
			g.runToStop(t, cpu, []uint32{w})
			if cpu.NZCV != b.pack() {
				t.Errorf("setf%d w%d=%#x with NZCV %#x: %#x, want %#x", msb+1, rn, uint32(x), f, cpu.NZCV, b.pack())
			}
		}
	}
	// Neither SETF nor RMIF has a form with other operand sizes.
	for _, w := range []uint32{0x3A00080D | 1<<31, 0x3A00080D | 1<<15, 0x3A00080D | 1<<4,
		0xBA000400 &^ (1 << 31), 0xBA000400 | 1<<4, 0xBA000400 | 1<<30} {
		if in := decoder.Decode(w); in.Op != decoder.Undefined {
			t.Errorf("%#08x decodes as %v, want undefined", w, in)
		}
	}
}

// TestPSTATEFields: MSR DIT/SSBS (immediate and register) and MRS read
// back only their own bit; SB does nothing.
func TestPSTATEFields(t *testing.T) {
	g := newGuest(t)
	cpu := &ir.CPU{PSTATE: ir.InitialPSTATE}
	cpu.X[1] = ^uint64(0)
	g.runToStop(t, cpu, []uint32{
		0xD53B42C2, // mrs x2, ssbs
		0xD53B42A3, // mrs x3, dit
		0xD503415F, // msr dit, #1
		0xD53B42A4, // mrs x4, dit
		0xD503403F, // msr ssbs, #0
		0xD53B42C5, // mrs x5, ssbs
		0xD50330FF, // sb
		0xD51B42C1, // msr ssbs, x1
		0xD53B42C6, // mrs x6, ssbs
		0xD51B42BF, // msr dit, xzr
		0xD53B42A7, // mrs x7, dit
	})
	want := map[int]uint64{2: ir.PSTATESSBS, 3: 0, 4: ir.PSTATEDIT, 5: 0, 6: ir.PSTATESSBS, 7: 0}
	for r, v := range want {
		if cpu.X[r] != v {
			t.Errorf("x%d = %#x, want %#x", r, cpu.X[r], v)
		}
	}
	if cpu.PSTATE != ir.PSTATESSBS {
		t.Errorf("PSTATE = %#x, want SSBS only", cpu.PSTATE)
	}
	// PAN, UAO, SPSel, DAIFSet/DAIFClr, TCO and CFINV with CRm != 0 are
	// not EL0 instructions of a core without MTE.
	for _, w := range []uint32{0xD500409F, 0xD500407F, 0xD50040BF, 0xD50346DF, 0xD50346FF, 0xD503419F, 0xD500411F, 0xD50331FF} {
		if in := decoder.Decode(w); in.Op != decoder.Undefined {
			t.Errorf("%#08x decodes as %v, want undefined", w, in)
		}
	}
}

// TestRCpcUnscaled: LDAPUR* load with the signedness and width of LDUR*,
// STLUR* store like STUR*, at unscaled offsets either side of the base.
func TestRCpcUnscaled(t *testing.T) {
	g := newGuest(t)
	d := g.data()
	for i := 0; i < 64; i++ {
		d[i] = byte(0x81 + 7*i)
	}
	cpu := &ir.CPU{}
	cpu.X[1] = g.Data + 32
	cpu.X[9] = 0x1122334455667788
	g.runToStop(t, cpu, []uint32{
		0x19DFF022, // ldapursb w2, [x1, #-1]
		0x599FF023, // ldapursh x3, [x1, #-1]
		0x995FF024, // ldapur w4, [x1, #-1]
		0x999FF025, // ldapursw x5, [x1, #-1]
		0xD9403026, // ldapur x6, [x1, #3]
		0x19401027, // ldapurb w7, [x1, #1]
		0xD9010029, // stlur x9, [x1, #16]
		0x591F8029, // stlurh w9, [x1, #-8]
	})
	le := binary.LittleEndian
	at := func(off int) []byte { return d[32+off:] }
	want := map[int]uint64{
		2: uint64(uint32(int32(int8(at(-1)[0])))),
		3: uint64(int64(int16(le.Uint16(at(-1))))),
		4: uint64(le.Uint32(at(-1))),
		5: uint64(int64(int32(le.Uint32(at(-1))))),
		6: le.Uint64(at(3)),
		7: uint64(at(1)[0]),
	}
	for r, v := range want {
		if cpu.X[r] != v {
			t.Errorf("x%d = %#x, want %#x", r, cpu.X[r], v)
		}
	}
	if got := le.Uint64(at(16)); got != cpu.X[9] {
		t.Errorf("stlur x9 stored %#x", got)
	}
	if got := le.Uint16(at(-8)); got != 0x7788 {
		t.Errorf("stlurh stored %#x", got)
	}
	for _, w := range []uint32{0xD9800020, 0xD9C00020, 0x99C00020} { // LDAPURS* to an impossible width
		if in := decoder.Decode(w); in.Op != decoder.Undefined {
			t.Errorf("%#08x decodes as %v, want undefined", w, in)
		}
	}
}
