package interp

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"math/big"
	"math/rand"
	"testing"

	"ferry/ir"
)

// The SHA and SM4 instructions are checked end to end: each hash or
// cipher is computed the way arm64 code does it with these instructions
// (the sequences of Linux's arch/arm64/crypto/*-ce-core.S), through
// evalCrypto and the lane helpers, and compared with Go's crypto
// packages or the standard's test vector.

func crypto(fn ir.CryptoFn, args ...[2]uint64) [2]uint64 {
	var a [3][2]uint64
	copy(a[:], args)
	return evalCrypto(fn, 0, a[0], a[1], a[2])
}

func add32x4(x, y [2]uint64) [2]uint64 {
	var r [2]uint64
	for i := 0; i < 4; i++ {
		setElem32(&r, i, elem32(x, i)+elem32(y, i))
	}
	return r
}

func add64x2(x, y [2]uint64) [2]uint64 { return [2]uint64{x[0] + y[0], x[1] + y[1]} }

// beWords loads 16 bytes as four big-endian 32-bit elements (LD1 + REV32).
func beWords(b []byte) [2]uint64 {
	var r [2]uint64
	for i := 0; i < 4; i++ {
		setElem32(&r, i, binary.BigEndian.Uint32(b[4*i:]))
	}
	return r
}

// padded is the message with SHA-1/SHA-256 padding (64-byte blocks).
func padded(msg []byte, block int) []byte {
	lenBytes := 8
	if block == 128 {
		lenBytes = 16
	}
	p := append(append([]byte{}, msg...), 0x80)
	for (len(p)+lenBytes)%block != 0 {
		p = append(p, 0)
	}
	var l [16]byte
	binary.BigEndian.PutUint64(l[8:], uint64(len(msg))*8)
	return append(p, l[16-lenBytes:]...)
}

func sha1ByInstructions(msg []byte) []byte {
	h := [5]uint32{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0}
	k := [4]uint32{0x5A827999, 0x6ED9EBA1, 0x8F1BBCDC, 0xCA62C1D6}
	for p := padded(msg, 64); len(p) > 0; p = p[64:] {
		var w [20][2]uint64
		for i := 0; i < 4; i++ {
			w[i] = beWords(p[16*i:])
		}
		var abcd [2]uint64
		for i := 0; i < 4; i++ {
			setElem32(&abcd, i, h[i])
		}
		e := [2]uint64{uint64(h[4])}
		for g := 0; g < 20; g++ {
			var kv [2]uint64
			for i := 0; i < 4; i++ {
				setElem32(&kv, i, k[g/5])
			}
			wk := add32x4(w[g], kv)
			next := crypto(ir.CryptoSHA1H, abcd)
			fn := ir.CryptoSHA1P
			switch g / 5 {
			case 0:
				fn = ir.CryptoSHA1C
			case 2:
				fn = ir.CryptoSHA1M
			}
			abcd = crypto(fn, abcd, e, wk)
			e = next
			if g+4 < 20 {
				w[g+4] = crypto(ir.CryptoSHA1SU1, crypto(ir.CryptoSHA1SU0, w[g], w[g+1], w[g+2]), w[g+3])
			}
		}
		for i := 0; i < 4; i++ {
			h[i] += elem32(abcd, i)
		}
		h[4] += uint32(e[0])
	}
	out := make([]byte, 20)
	for i, x := range h {
		binary.BigEndian.PutUint32(out[4*i:], x)
	}
	return out
}

// sha256K are the SHA-256 round constants: the first 32 bits of the
// fractional parts of the cube roots of the first 64 primes.
var sha256K = [64]uint32{
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}

func sha256ByInstructions(msg []byte) []byte {
	h := [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}
	for p := padded(msg, 64); len(p) > 0; p = p[64:] {
		var w [16][2]uint64
		for i := 0; i < 4; i++ {
			w[i] = beWords(p[16*i:])
		}
		var abcd, efgh [2]uint64
		for i := 0; i < 4; i++ {
			setElem32(&abcd, i, h[i])
			setElem32(&efgh, i, h[4+i])
		}
		for g := 0; g < 16; g++ {
			var kv [2]uint64
			for i := 0; i < 4; i++ {
				setElem32(&kv, i, sha256K[4*g+i])
			}
			wk := add32x4(w[g], kv)
			old := abcd
			abcd = crypto(ir.CryptoSHA256H, abcd, efgh, wk)
			efgh = crypto(ir.CryptoSHA256H2, efgh, old, wk)
			if g+4 < 16 {
				w[g+4] = crypto(ir.CryptoSHA256SU1, crypto(ir.CryptoSHA256SU0, w[g], w[g+1]), w[g+2], w[g+3])
			}
		}
		for i := 0; i < 4; i++ {
			h[i] += elem32(abcd, i)
			h[4+i] += elem32(efgh, i)
		}
	}
	out := make([]byte, 32)
	for i, x := range h {
		binary.BigEndian.PutUint32(out[4*i:], x)
	}
	return out
}

// sha512ByInstructions follows Linux's sha512-ce-core.S: the state in
// four registers that rotate roles every two rounds (dround).
func sha512ByInstructions(msg []byte, k [80]uint64) []byte {
	h := [8]uint64{0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
		0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179}
	ext8 := func(a, b [2]uint64) [2]uint64 { return [2]uint64{a[1], b[0]} } // EXT #8
	for p := padded(msg, 128); len(p) > 0; p = p[128:] {
		var v [32][2]uint64 // v0..v3: state; v12..v19: schedule
		for i := 0; i < 4; i++ {
			v[i] = [2]uint64{h[2*i], h[2*i+1]}
		}
		orig := [4][2]uint64{v[0], v[1], v[2], v[3]}
		for i := 0; i < 8; i++ {
			v[12+i] = [2]uint64{binary.BigEndian.Uint64(p[16*i:]), binary.BigEndian.Uint64(p[16*i+8:])}
		}
		// dround i0..i4 (state registers), rc0 (round constants), in0..in4
		// (schedule registers; no schedule update in the last 16 rounds).
		roles := [][5]int{{0, 1, 2, 3, 4}, {3, 0, 4, 2, 1}, {2, 3, 1, 4, 0}, {4, 2, 0, 1, 3}, {1, 4, 3, 0, 2}}
		for r := 0; r < 40; r++ {
			i := roles[r%5]
			in0 := 12 + r%8
			rc := [2]uint64{k[2*r], k[2*r+1]}
			t5 := add64x2(rc, v[in0])
			t6 := ext8(v[i[2]], v[i[3]])
			t5 = ext8(t5, t5)
			t7 := ext8(v[i[1]], v[i[2]])
			v[i[3]] = add64x2(v[i[3]], t5)
			schedule := r < 32
			var t5b [2]uint64
			if schedule {
				in1, in2, in3, in4 := 12+(r+1)%8, 12+(r+7)%8, 12+(r+4)%8, 12+(r+5)%8
				t5b = ext8(v[in3], v[in4])
				v[in0] = crypto(ir.CryptoSHA512SU0, v[in0], v[in1])
				v[i[3]] = crypto(ir.CryptoSHA512H, v[i[3]], t6, t7)
				v[in0] = crypto(ir.CryptoSHA512SU1, v[in0], v[in2], t5b)
			} else {
				v[i[3]] = crypto(ir.CryptoSHA512H, v[i[3]], t6, t7)
			}
			v[i[4]] = add64x2(v[i[1]], v[i[3]])
			v[i[3]] = crypto(ir.CryptoSHA512H2, v[i[3]], v[i[1]], v[i[0]])
		}
		for i := 0; i < 4; i++ {
			v[i] = add64x2(v[i], orig[i])
			h[2*i], h[2*i+1] = v[i][0], v[i][1]
		}
	}
	out := make([]byte, 64)
	for i, x := range h {
		binary.BigEndian.PutUint64(out[8*i:], x)
	}
	return out
}

// sha512K is derived from the first 64 bits of the fractional parts of
// the cube roots of the first 80 primes, computed exactly.
func sha512K() [80]uint64 {
	var k [80]uint64
	n := 0
	for p := uint64(2); n < 80; p++ {
		prime := true
		for d := uint64(2); d*d <= p; d++ {
			prime = prime && p%d != 0
		}
		if !prime {
			continue
		}
		k[n] = cubeRootFraction64(p)
		n++
	}
	return k
}

// cubeRootFraction64 is floor(frac(cbrt(p)) * 2^64): the integer cube
// root of p * 2^192 less its integer part, by bisection.
func cubeRootFraction64(p uint64) uint64 {
	target := new(big.Int).Lsh(new(big.Int).SetUint64(p), 192)
	lo, hi := big.NewInt(0), new(big.Int).Lsh(big.NewInt(1), 67)
	one := big.NewInt(1)
	for lo.Cmp(hi) < 0 {
		mid := new(big.Int).Add(lo, hi)
		mid.Add(mid, one).Rsh(mid, 1)
		if cube := new(big.Int).Exp(mid, big.NewInt(3), nil); cube.Cmp(target) <= 0 {
			lo = mid
		} else {
			hi = mid.Sub(mid, one)
		}
	}
	return new(big.Int).And(lo, new(big.Int).SetUint64(^uint64(0))).Uint64()
}

func TestSHAInstructionsHashLikeCryptoPackages(t *testing.T) {
	k := sha512K()
	if k[0] != 0x428a2f98d728ae22 || k[79] != 0x6c44198c4a475817 {
		t.Fatalf("SHA-512 constants: %#x … %#x", k[0], k[79])
	}
	rng := rand.New(rand.NewSource(4))
	for _, n := range []int{0, 3, 55, 56, 63, 64, 111, 112, 128, 1000} {
		msg := make([]byte, n)
		rng.Read(msg)
		if got, want := sha1ByInstructions(msg), sha1.Sum(msg); string(got) != string(want[:]) {
			t.Errorf("SHA-1 of %d bytes: %x, want %x", n, got, want)
		}
		if got, want := sha256ByInstructions(msg), sha256.Sum256(msg); string(got) != string(want[:]) {
			t.Errorf("SHA-256 of %d bytes: %x, want %x", n, got, want)
		}
		if got, want := sha512ByInstructions(msg, k), sha512.Sum512(msg); string(got) != string(want[:]) {
			t.Errorf("SHA-512 of %d bytes: %x, want %x", n, got, want)
		}
	}
}

// TestSM4Instructions encrypts the example of GB/T 32907-2016 (appendix
// A.1) with SM4EKEY and SM4E.
func TestSM4Instructions(t *testing.T) {
	key, _ := hex.DecodeString("0123456789abcdeffedcba9876543210")
	fk := [4]uint32{0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc}
	var keys [2]uint64
	for i := 0; i < 4; i++ {
		setElem32(&keys, i, binary.BigEndian.Uint32(key[4*i:])^fk[i])
	}
	var rk [8][2]uint64
	for g := 0; g < 8; g++ {
		var ck [2]uint64
		for i := 0; i < 4; i++ {
			j := 4 * (4*g + i)
			setElem32(&ck, i, uint32((j*7)%256)<<24|uint32(((j+1)*7)%256)<<16|uint32(((j+2)*7)%256)<<8|uint32(((j+3)*7)%256))
		}
		keys = crypto(ir.CryptoSM4EKEY, keys, ck)
		rk[g] = keys
	}
	x := beWords(key) // the plaintext is the key in this example
	for g := 0; g < 8; g++ {
		x = crypto(ir.CryptoSM4E, x, rk[g])
	}
	var out []byte
	for i := 3; i >= 0; i-- { // the result is X35, X34, X33, X32
		out = binary.BigEndian.AppendUint32(out, elem32(x, i))
	}
	if want := "681edf34d206965e86b3e94f536e4246"; hex.EncodeToString(out) != want {
		t.Errorf("SM4: %x, want %s", out, want)
	}
}
