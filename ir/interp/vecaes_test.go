package interp

import (
	"crypto/aes"
	"encoding/binary"
	"math/rand"
	"testing"

	"ferry/ir"
)

// testSbox is the AES S-box built the classic way, independently of
// aesSbox: walk GF(2^8)* with the generator 3 and its inverse in step.
func testSbox() (s [256]byte) {
	p, q := byte(1), byte(1)
	for {
		p = p ^ p<<1 ^ byte(int8(p)>>7)&0x1b // p × 3
		q ^= q << 1                          // q ÷ 3
		q ^= q << 2
		q ^= q << 4
		if q&0x80 != 0 {
			q ^= 0x09
		}
		x := q ^ (q<<1 | q>>7) ^ (q<<2 | q>>6) ^ (q<<3 | q>>5) ^ (q<<4 | q>>4)
		s[p] = x ^ 0x63
		if p == 1 {
			break
		}
	}
	s[0] = 0x63
	return s
}

// expandKey128 is the FIPS-197 key schedule: 11 round keys as V128 values.
func expandKey128(key []byte) (rk [11][2]uint64) {
	sbox := testSbox()
	var w [44]uint32
	for i := 0; i < 4; i++ {
		w[i] = binary.LittleEndian.Uint32(key[4*i:])
	}
	rcon := byte(1)
	for i := 4; i < 44; i++ {
		t := w[i-1]
		if i%4 == 0 {
			t = t>>8 | t<<24 // RotWord on little-endian words
			t = uint32(sbox[t&0xff]) | uint32(sbox[t>>8&0xff])<<8 | uint32(sbox[t>>16&0xff])<<16 | uint32(sbox[t>>24])<<24
			t ^= uint32(rcon)
			rcon = gfMul(rcon, 2)
		}
		w[i] = w[i-4] ^ t
	}
	for r := range rk {
		rk[r] = [2]uint64{uint64(w[4*r]) | uint64(w[4*r+1])<<32, uint64(w[4*r+2]) | uint64(w[4*r+3])<<32}
	}
	return rk
}

// TestAESRoundsMatchCryptoAES runs AES-128 built from AESE/AESMC (and
// AESD/AESIMC for the equivalent inverse cipher) the way arm64 code does,
// and compares with crypto/aes.
func TestAESRoundsMatchCryptoAES(t *testing.T) {
	var cpu ir.CPU
	rng := rand.New(rand.NewSource(3))
	xor := func(a, b [2]uint64) [2]uint64 { return [2]uint64{a[0] ^ b[0], a[1] ^ b[1]} }
	for n := 0; n < 50; n++ {
		key, pt := make([]byte, 16), make([]byte, 16)
		rng.Read(key)
		rng.Read(pt)
		if n == 0 { // FIPS-197 appendix C.1
			for i := range key {
				key[i], pt[i] = byte(i), byte(i*0x11)
			}
		}
		rk := expandKey128(key)
		st := [2]uint64{binary.LittleEndian.Uint64(pt), binary.LittleEndian.Uint64(pt[8:])}
		for r := 0; r < 9; r++ {
			st = vec(&cpu, ir.OpVAESMC, 0, 0, vec(&cpu, ir.OpVAESE, 0, 0, st, rk[r]))
		}
		st = xor(vec(&cpu, ir.OpVAESE, 0, 0, st, rk[9]), rk[10])
		want := make([]byte, 16)
		c, _ := aes.NewCipher(key)
		c.Encrypt(want, pt)
		got := make([]byte, 16)
		binary.LittleEndian.PutUint64(got, st[0])
		binary.LittleEndian.PutUint64(got[8:], st[1])
		if string(got) != string(want) {
			t.Fatalf("key %x pt %x: got %x, want %x", key, pt, got, want)
		}
		if n == 0 && got[0] != 0x69 || n == 0 && got[15] != 0x5a {
			t.Fatalf("FIPS-197 C.1 ciphertext %x, want 69c4e0d8…b4c55a", got)
		}
		// Decrypt: the middle round keys go through InvMixColumns.
		for r := 10; r > 1; r-- {
			k := rk[r]
			if r != 10 {
				k = vec(&cpu, ir.OpVAESIMC, 0, 0, k)
			}
			st = vec(&cpu, ir.OpVAESIMC, 0, 0, vec(&cpu, ir.OpVAESD, 0, 0, st, k))
		}
		st = xor(vec(&cpu, ir.OpVAESD, 0, 0, st, vec(&cpu, ir.OpVAESIMC, 0, 0, rk[1])), rk[0])
		if st != [2]uint64{binary.LittleEndian.Uint64(pt), binary.LittleEndian.Uint64(pt[8:])} {
			t.Fatalf("key %x: decryption gave %#x, want %x", key, st, pt)
		}
	}
}
