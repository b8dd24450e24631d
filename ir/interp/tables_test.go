package interp

import "testing"

// TestStartupTables checks the tables built at start-up against their
// definitions computed the slow way: the AES S-box from the inverse found
// by search, and the estimate tables from the Arm ARM's loops.
func TestStartupTables(t *testing.T) {
	for x := 0; x < 256; x++ {
		var inv byte
		for y := 1; y < 256 && x != 0; y++ {
			if gfMul(byte(x), byte(y)) == 1 {
				inv = byte(y)
				break
			}
		}
		s := inv
		for k := 1; k <= 4; k++ {
			s ^= inv<<k | inv>>(8-k)
		}
		s ^= 0x63
		if aesSbox[x] != s || aesInvSbox[s] != byte(x) {
			t.Fatalf("S-box at %#x: %#x, want %#x", x, aesSbox[x], s)
		}
	}
	// FIPS-197's first entries, independent of either construction.
	if aesSbox[0] != 0x63 || aesSbox[1] != 0x7c || aesSbox[0x53] != 0xed {
		t.Errorf("S-box spot check: %#x %#x %#x", aesSbox[0], aesSbox[1], aesSbox[0x53])
	}
	for a := 128; a < 512; a++ {
		x := a
		if x < 256 {
			x = x*2 + 1
		} else {
			x = (x >> 1) << 1
			x = (x + 1) * 2
		}
		b := 512
		for x*(b+1)*(b+1) < 1<<28 {
			b++
		}
		if recipSqrtTable[a] != (b+1)/2 {
			t.Fatalf("recipSqrtTable[%d] = %d, want %d", a, recipSqrtTable[a], (b+1)/2)
		}
	}
}
