package interp

import "ferry/ir"

// AES round primitives (AESE, AESD, AESMC, AESIMC). The 128-bit register
// holds the AES state column by column: byte i is row i%4 of column i/4,
// as in FIPS-197's input ordering.

// aesSbox and aesInvSbox are built from their definition (multiplicative
// inverse in GF(2^8) modulo x^8+x^4+x^3+x+1, then the affine map).
var aesSbox, aesInvSbox [256]byte

// gfMul multiplies in GF(2^8) with the AES polynomial.
func gfMul(a, b byte) byte {
	var p byte
	for b != 0 {
		if b&1 != 0 {
			p ^= a
		}
		hi := a & 0x80
		a <<= 1
		if hi != 0 {
			a ^= 0x1b
		}
		b >>= 1
	}
	return p
}

// The S-boxes are built at start-up, so the inverse must be cheap: every
// non-zero element is a power of the generator 3, and the inverse of 3^i
// is 3^(255-i). (A search over all products cost 0.6 ms of every run.)
func init() {
	var exp [255]byte
	var log [256]byte
	x := byte(1)
	for i := range exp {
		exp[i] = x
		log[x] = byte(i)
		x = gfMul(x, 3)
	}
	for x := 0; x < 256; x++ {
		var inv byte // 0 maps to 0
		if x != 0 {
			inv = exp[(255-int(log[x]))%255]
		}
		// b' = b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63
		s := inv
		for k := 1; k <= 4; k++ {
			s ^= inv<<k | inv>>(8-k)
		}
		s ^= 0x63
		aesSbox[x] = s
		aesInvSbox[s] = byte(x)
	}
}

func stateBytes(v [2]uint64) (b [16]byte) {
	for i := range b {
		b[i] = byte(v[i/8] >> (8 * (i % 8)))
	}
	return b
}

func stateVec(b [16]byte) (v [2]uint64) {
	for i, x := range b {
		v[i/8] |= uint64(x) << (8 * (i % 8))
	}
	return v
}

// evalAES computes OpVAESE..OpVAESIMC.
func evalAES(op ir.Op, a, key [2]uint64) [2]uint64 {
	var in, out [16]byte
	switch op {
	case ir.OpVAESE, ir.OpVAESD:
		in = stateBytes([2]uint64{a[0] ^ key[0], a[1] ^ key[1]})
		for i := range out {
			r, c := i%4, i/4
			if op == ir.OpVAESE { // ShiftRows: row r moves left by r
				out[i] = aesSbox[in[r+4*((c+r)%4)]]
			} else { // InvShiftRows: right by r
				out[i] = aesInvSbox[in[r+4*((c+4-r)%4)]]
			}
		}
	case ir.OpVAESMC, ir.OpVAESIMC:
		in = stateBytes(a)
		// Row r of the (inverse) MixColumns matrix is its first row
		// rotated right by r.
		m := [4]byte{2, 3, 1, 1}
		if op == ir.OpVAESIMC {
			m = [4]byte{14, 11, 13, 9}
		}
		for c := 0; c < 4; c++ {
			for r := 0; r < 4; r++ {
				var x byte
				for k := 0; k < 4; k++ {
					x ^= gfMul(m[(k-r+4)%4], in[k+4*c])
				}
				out[r+4*c] = x
			}
		}
	}
	return stateVec(out)
}
