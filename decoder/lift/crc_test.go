package lift

import (
	"math/bits"
	"math/rand"
	"testing"

	"ferry/ir"
)

// crcRef is the Arm ARM pseudocode of CRC32/CRC32C, computed literally:
// the bit-reversed accumulator and value, shifted up, reduced modulo the
// polynomial with x^32 implied, and bit-reversed back.
func crcRef(acc uint32, val uint64, size int, poly uint32) uint32 {
	// tempacc = BitReverse(acc):Zeros(size); tempval = BitReverse(val):Zeros(32).
	// Both fit in 96 bits: hi holds bits 95..64, lo bits 63..0.
	valRev := bits.Reverse64(val) >> (64 - size)
	var hi, lo uint64
	accRev := uint64(bits.Reverse32(acc))
	// tempacc = accRev << size
	if size == 64 {
		hi, lo = accRev, 0
	} else {
		hi, lo = accRev>>(64-size), accRev<<size
	}
	// tempval = valRev << 32
	lo ^= valRev << 32
	hi ^= valRev >> 32
	// Poly32Mod2: for i = size+31 downto 32, if bit i set, xor poly << (i-32)
	// (the implicit x^32 term clears bit i).
	full := uint64(poly) | 1<<32
	for i := size + 31; i >= 32; i-- {
		var set bool
		if i >= 64 {
			set = hi>>(i-64)&1 == 1
		} else {
			set = lo>>i&1 == 1
		}
		if !set {
			continue
		}
		sh := i - 32
		lo ^= full << sh
		if sh > 31 {
			hi ^= full >> (64 - sh)
		}
	}
	return bits.Reverse32(uint32(lo))
}

// TestCRC32MatchesPseudocode runs every CRC32/CRC32C form on random and
// edge register values through the lifter and interpreter.
func TestCRC32MatchesPseudocode(t *testing.T) {
	g := newGuest(t)
	rng := rand.New(rand.NewSource(7))
	edges := []uint64{0, 1, 0x80, 0xFF, 0xFFFF, 0x80000000, 0xFFFFFFFF, 1 << 63, ^uint64(0)}
	for _, c := range []struct {
		sz, c uint32 // sz: 0..3 = B, H, W, X; c: Castagnoli
		name  string
	}{{0, 0, "crc32b"}, {1, 0, "crc32h"}, {2, 0, "crc32w"}, {3, 0, "crc32x"},
		{0, 1, "crc32cb"}, {1, 1, "crc32ch"}, {2, 1, "crc32cw"}, {3, 1, "crc32cx"}} {
		poly := uint32(0x04C11DB7)
		if c.c == 1 {
			poly = 0x1EDC6F41
		}
		// crc32{c}{b,h,w,x} w3, w1, {w,x}2
		word := 0x1AC04000 | c.sz<<10 | c.c<<12 | 2<<16 | 1<<5 | 3
		if c.sz == 3 {
			word |= 1 << 31
		}
		for i := 0; i < 40; i++ {
			var cpu ir.CPU
			cpu.X[1], cpu.X[2] = rng.Uint64(), rng.Uint64()
			if i < len(edges) {
				cpu.X[1], cpu.X[2] = edges[i], edges[len(edges)-1-i]
			}
			cpu.X[3] = 0xdeadbeefdeadbeef
			g.runToStop(t, &cpu, []uint32{word})
			want := uint64(crcRef(uint32(cpu.X[1]), cpu.X[2], 8<<c.sz, poly))
			if cpu.X[3] != want {
				t.Errorf("%s acc %#x val %#x = %#x, want %#x", c.name, uint32(cpu.X[1]), cpu.X[2], cpu.X[3], want)
			}
		}
	}
}

// TestCRCRefCheckValues pins the reference itself to the published check
// values: CRC-32 and CRC-32C of "123456789" with the usual inversions.
func TestCRCRefCheckValues(t *testing.T) {
	for _, c := range []struct {
		poly, want uint32
	}{{0x04C11DB7, 0xCBF43926}, {0x1EDC6F41, 0xE3069283}} {
		acc := ^uint32(0)
		for _, b := range []byte("123456789") {
			acc = crcRef(acc, uint64(b), 8, c.poly)
		}
		if ^acc != c.want {
			t.Errorf("poly %#x: check value %#x, want %#x", c.poly, ^acc, c.want)
		}
	}
}
