package lift

import (
	"encoding/binary"
	"math/rand"
	"testing"

	"ferry/ir"
)

// Hand-assembled words (checked with aarch64-linux-gnu-as) for the memory,
// branch and system tests.

func TestLoadStoreAddressingAndExtension(t *testing.T) {
	g := newGuest(t)
	d := g.data()
	for i := 0; i < 64; i++ {
		d[i] = byte(0x80 + i)
	}
	base := g.Data
	cpu := &ir.CPU{}
	cpu.X[1] = base + 16
	cpu.X[2] = 3              // index register
	cpu.X[3] = ^uint64(0) - 1 // W3 = -2 as an SXTW index
	cpu.X[31] = base + 32     // SP
	g.runToStop(t, cpu, []uint32{
		0x39400420, // ldrb   w0, [x1, #1]
		0x39C00424, // ldrsb  w4, [x1, #1]
		0x39800425, // ldrsb  x5, [x1, #1]
		0x79C00426, // ldrsh  w6, [x1, #2]
		0xB9800027, // ldrsw  x7, [x1]
		0xF8627828, // ldr    x8, [x1, x2, lsl #3]
		0xB863D829, // ldr    w9, [x1, w3, sxtw #2]
		0xF85F83EA, // ldur   x10, [sp, #-8]
		0x3840142B, // ldrb   w11, [x1], #1
		0xF8408C2C, // ldr    x12, [x1, #8]!
	})
	want := []struct {
		reg int
		val uint64
	}{
		{0, 0x91},
		{4, 0xFFFFFF91},
		{5, 0xFFFFFFFFFFFFFF91},
		{6, 0xFFFF9392},
		{7, 0xFFFFFFFF93929190},
		{8, binary.LittleEndian.Uint64(d[40:])},
		{9, uint64(binary.LittleEndian.Uint32(d[8:]))},
		{10, binary.LittleEndian.Uint64(d[24:])},
		{11, 0x90},
		{12, binary.LittleEndian.Uint64(d[25:])},
		{1, base + 25},
	}
	for _, w := range want {
		if cpu.X[w.reg] != w.val {
			t.Errorf("x%d = %#x, want %#x", w.reg, cpu.X[w.reg], w.val)
		}
	}
}

func TestStoresAndPairs(t *testing.T) {
	g := newGuest(t)
	base := g.Data
	cpu := &ir.CPU{}
	cpu.X[0] = 0x1122334455667788
	cpu.X[1] = base
	cpu.X[2] = 0xAABBCCDDEEFF0011
	cpu.X[31] = base + 0x100
	g.runToStop(t, cpu, []uint32{
		0xF9000020, // str  x0, [x1]
		0xB9000822, // str  w2, [x1, #8]
		0x79001820, // strh w0, [x1, #12]
		0x39003820, // strb w0, [x1, #14]
		0xA9BF0BE0, // stp  x0, x2, [sp, #-16]!
		0xA8C113E3, // ldp  x3, x4, [sp], #16
		0x29410425, // ldp  w5, w1, [x1, #8]
	})
	d := g.data()
	if v := binary.LittleEndian.Uint64(d); v != 0x1122334455667788 {
		t.Errorf("str x0: %#x", v)
	}
	if v := binary.LittleEndian.Uint32(d[8:]); v != 0xEEFF0011 {
		t.Errorf("str w2: %#x", v)
	}
	if v := binary.LittleEndian.Uint16(d[12:]); v != 0x7788 {
		t.Errorf("strh: %#x", v)
	}
	if d[14] != 0x88 {
		t.Errorf("strb: %#x", d[14])
	}
	if binary.LittleEndian.Uint64(d[0xF0:]) != cpu.X[0] || binary.LittleEndian.Uint64(d[0xF8:]) != cpu.X[2] {
		t.Errorf("stp pre-index wrote % x", d[0xF0:0x100])
	}
	if cpu.X[3] != cpu.X[0] || cpu.X[4] != cpu.X[2] || cpu.X[31] != base+0x100 {
		t.Errorf("stp/ldp round trip: x3=%#x x4=%#x sp=%#x", cpu.X[3], cpu.X[4], cpu.X[31])
	}
	if cpu.X[5] != 0xEEFF0011 || cpu.X[1] != 0x00887788 {
		t.Errorf("ldp w: x5=%#x x1=%#x", cpu.X[5], cpu.X[1])
	}
}

func TestLiteralAndFPRegisterLoads(t *testing.T) {
	g := newGuest(t)
	cpu := &ir.CPU{}
	cpu.X[1] = g.Data
	d := g.data()
	for i := 0; i < 32; i++ {
		d[i] = byte(i + 1)
	}
	cpu.V[7] = [2]uint64{0xDEAD, 0xBEEF}
	words := []uint32{
		0x580000C0, // ldr  x0, .+24 (literal)
		0x3DC00020, // ldr  q0, [x1]
		0xFD400421, // ldr  d1, [x1, #8]
		0xBC404022, // ldur s2, [x1, #4]
		0xAD010C27, // stp  q7, q3, [x1, #32]
		0x14000003, // b    .+12 (over the literal)
		0x89ABCDEF, // literal low
		0x01234567, // literal high
	}
	g.runToStop(t, cpu, words)
	if cpu.X[0] != 0x0123456789ABCDEF {
		t.Errorf("ldr literal: %#x", cpu.X[0])
	}
	lo, hi := binary.LittleEndian.Uint64(d[0:]), binary.LittleEndian.Uint64(d[8:])
	if cpu.V[0] != [2]uint64{lo, hi} {
		t.Errorf("ldr q0: %x", cpu.V[0])
	}
	if cpu.V[1] != [2]uint64{hi, 0} {
		t.Errorf("ldr d1: %x (upper half must be zeroed)", cpu.V[1])
	}
	if cpu.V[2] != [2]uint64{uint64(binary.LittleEndian.Uint32(d[4:])), 0} {
		t.Errorf("ldur s2: %x", cpu.V[2])
	}
	if binary.LittleEndian.Uint64(d[32:]) != 0xDEAD || binary.LittleEndian.Uint64(d[40:]) != 0xBEEF {
		t.Errorf("stp q7: % x", d[32:48])
	}
}

func TestExclusivesAndAtomics(t *testing.T) {
	g := newGuest(t)
	cpu := &ir.CPU{}
	cpu.X[0] = g.Data
	cpu.X[5] = 5
	binary.LittleEndian.PutUint64(g.data(), 100)
	// A LDXR/STXR increment loop, then LSE forms.
	g.runToStop(t, cpu, []uint32{
		0xC85F7C01, // 0: ldxr  x1, [x0]
		0x91000421, // 4: add   x1, x1, #1
		0xC8027C01, // 8: stxr  w2, x1, [x0]
		0x35FFFFA2, // c: cbnz  w2, 0
		0xF8250003, //    ldadd x5, x3, [x0]      x3 = 101, mem = 106
		0xB8A58004, //    swpa  w5, w4, [x0]      w4 = 106, mem low word = 5
		0xC8DFFC06, //    ldar  x6, [x0]
	})
	if cpu.X[1] != 101 || cpu.X[2] != 0 {
		t.Errorf("ldxr/stxr: x1=%d w2=%d", cpu.X[1], cpu.X[2])
	}
	if cpu.X[3] != 101 || cpu.X[4] != 106 || cpu.X[6] != 5 {
		t.Errorf("lse: x3=%d x4=%d x6=%d", cpu.X[3], cpu.X[4], cpu.X[6])
	}
	// CAS: succeeds when Rs matches memory, and always returns the old value.
	cpu.X[7], cpu.X[8] = 5, 77
	g.runToStop(t, cpu, []uint32{
		0xC8A77C08, // cas x7, x8, [x0]   mem 5 -> 77, x7 = 5
		0xC8A97C0A, // cas x9, x10, [x0]  x9 = 0 != 77: fails, x9 = 77
	})
	if v := binary.LittleEndian.Uint64(g.data()); v != 77 || cpu.X[7] != 5 || cpu.X[9] != 77 {
		t.Errorf("cas: mem=%d x7=%d x9=%d", v, cpu.X[7], cpu.X[9])
	}
	// STXR without a reservation fails with status 1; CLREX drops one.
	g.runToStop(t, cpu, []uint32{
		0xC85F7C01, // ldxr  x1, [x0]
		0xD5033F5F, // clrex
		0xC8027C01, // stxr  w2, x1, [x0]
	})
	if cpu.X[2] != 1 {
		t.Errorf("stxr after clrex: status %d, want 1", cpu.X[2])
	}
	// Word pair exclusives: one doubleword reservation.
	binary.LittleEndian.PutUint64(g.data(), 0x0000000200000001)
	g.runToStop(t, cpu, []uint32{
		0x887F0C01, // ldxp w1, w3, [x0]
		0x0B030021, // add  w1, w1, w3
		0x88220C01, // stxp w2, w1, w3, [x0]
	})
	if cpu.X[1] != 3 || cpu.X[3] != 2 || cpu.X[2] != 0 || binary.LittleEndian.Uint64(g.data()) != 0x0000000200000003 {
		t.Errorf("ldxp/stxp w: x1=%d x3=%d status=%d mem=%#x", cpu.X[1], cpu.X[3], cpu.X[2], binary.LittleEndian.Uint64(g.data()))
	}
}

// TestAtomicOperations checks every LSE operation and size against a Go
// model of the Arm ARM pseudocode (MemAtomic): Rt gets the old value
// zero-extended, memory gets op(old, Rs) in the access size.
func TestAtomicOperations(t *testing.T) {
	g := newGuest(t)
	type op struct {
		word uint32
		size int
		f    func(old, x uint64, bits uint) uint64
	}
	sext := func(v uint64, bits uint) int64 { return int64(v<<(64-bits)) >> (64 - bits) }
	ops := []op{
		{0xF8E11002, 8, func(o, x uint64, _ uint) uint64 { return o &^ x }}, // ldclral x1, x2, [x0]
		{0x38212002, 1, func(o, x uint64, _ uint) uint64 { return o ^ x }},  // ldeorb  w1, w2, [x0]
		{0x78213002, 2, func(o, x uint64, _ uint) uint64 { return o | x }},  // ldseth  w1, w2, [x0]
		{0xB8214002, 4, func(o, x uint64, b uint) uint64 { // ldsmax w1, w2, [x0]
			if sext(x, b) > sext(o, b) {
				return x
			}
			return o
		}},
		{0x38215002, 1, func(o, x uint64, b uint) uint64 { // ldsminb w1, w2, [x0]
			if sext(x, b) < sext(o, b) {
				return x
			}
			return o
		}},
		{0xF8216002, 8, func(o, x uint64, _ uint) uint64 { return max(o, x) }}, // ldumax x1, x2, [x0]
		{0x78217002, 2, func(o, x uint64, _ uint) uint64 { return min(o, x) }}, // lduminh w1, w2, [x0]
	}
	rng := rand.New(rand.NewSource(4))
	for _, o := range ops {
		for i := 0; i < 50; i++ {
			mem, x := rng.Uint64(), rng.Uint64()
			if i%2 == 0 {
				mem = edgeValues[rng.Intn(len(edgeValues))]
			}
			binary.LittleEndian.PutUint64(g.data(), mem)
			cpu := &ir.CPU{}
			cpu.X[0], cpu.X[1], cpu.X[2] = g.Data, x, 0xDEADBEEFDEADBEEF
			g.runToStop(t, cpu, []uint32{o.word})
			bits := uint(8 * o.size)
			m := ones(uint64(bits))
			old := mem & m
			wantMem := mem&^m | o.f(old, x&m, bits)&m
			if cpu.X[2] != old || binary.LittleEndian.Uint64(g.data()) != wantMem {
				t.Fatalf("%#08x mem=%#x x=%#x: rt=%#x mem=%#x, want rt=%#x mem=%#x", o.word, mem, x,
					cpu.X[2], binary.LittleEndian.Uint64(g.data()), old, wantMem)
			}
		}
	}
	// STADDL (Rt = ZR), CASB, LDAPR*, STLRB, LDARH.
	binary.LittleEndian.PutUint64(g.data(), 0x1122334455667788)
	cpu := &ir.CPU{}
	cpu.X[0], cpu.X[1], cpu.X[2] = g.Data, 0x100000001, 0x99
	g.runToStop(t, cpu, []uint32{
		0xB861001F, // staddl w1, [x0]         low word 0x55667789
		0x08A17C02, // casb   w1, w2, [x0]     expects 0x01, memory byte is 0x89: fails, w1 = 0x89
		0x08A17C02, // casb   w1, w2, [x0]     now succeeds: byte = 0x99
		0x38BFC003, // ldaprb w3, [x0]
		0xF8BFC004, // ldapr  x4, [x0]
		0x48DFFC05, // ldarh  w5, [x0]
	})
	if cpu.X[1] != 0x89 || cpu.X[3] != 0x99 || cpu.X[4] != 0x1122334455667799 || cpu.X[5] != 0x7799 {
		t.Errorf("x1=%#x x3=%#x x4=%#x x5=%#x", cpu.X[1], cpu.X[3], cpu.X[4], cpu.X[5])
	}
}

func TestCASP(t *testing.T) {
	g := newGuest(t)
	d := g.data()
	binary.LittleEndian.PutUint64(d, 10)
	binary.LittleEndian.PutUint64(d[8:], 20)
	cpu := &ir.CPU{}
	cpu.X[0] = g.Data
	cpu.X[2], cpu.X[3], cpu.X[4], cpu.X[5] = 10, 20, 111, 222
	g.runToStop(t, cpu, []uint32{0x48227C04}) // casp x2, x3, x4, x5, [x0]: matches
	if binary.LittleEndian.Uint64(d) != 111 || binary.LittleEndian.Uint64(d[8:]) != 222 || cpu.X[2] != 10 || cpu.X[3] != 20 {
		t.Errorf("casp success: mem %d %d, x2 %d x3 %d", binary.LittleEndian.Uint64(d), binary.LittleEndian.Uint64(d[8:]), cpu.X[2], cpu.X[3])
	}
	cpu.X[2], cpu.X[3], cpu.X[4], cpu.X[5] = 111, 0, 5, 6
	g.runToStop(t, cpu, []uint32{0x48227C04}) // second word differs: no store
	if binary.LittleEndian.Uint64(d) != 111 || binary.LittleEndian.Uint64(d[8:]) != 222 || cpu.X[2] != 111 || cpu.X[3] != 222 {
		t.Errorf("casp failure: mem %d %d, x2 %d x3 %d", binary.LittleEndian.Uint64(d), binary.LittleEndian.Uint64(d[8:]), cpu.X[2], cpu.X[3])
	}
	binary.LittleEndian.PutUint64(d, 0x0000000200000001)
	cpu.X[6], cpu.X[7], cpu.X[8], cpu.X[9] = 1, 2, 0xFFFFFFFF00000003, 4
	g.runToStop(t, cpu, []uint32{0x0866FC08}) // caspal w6, w7, w8, w9, [x0]
	if binary.LittleEndian.Uint64(d) != 0x0000000400000003 || cpu.X[6] != 1 || cpu.X[7] != 2 {
		t.Errorf("caspal w: mem %#x, x6 %d x7 %d", binary.LittleEndian.Uint64(d), cpu.X[6], cpu.X[7])
	}
}
