package interp

import (
	"encoding/hex"
	"math/bits"

	"ferry/ir"
)

// The SHA1, SHA256, SHA512, SM3 and SM4 instructions (OpVCrypto),
// following the Arm ARM pseudocode: 128-bit registers hold 32-bit (SHA1,
// SHA256, SM3, SM4) or 64-bit (SHA512) elements, element 0 at the low end.

func elem32(v [2]uint64, i int) uint32 { return uint32(v[i/2] >> (32 * (i % 2))) }

func setElem32(v *[2]uint64, i int, x uint32) {
	sh := 32 * uint(i%2)
	v[i/2] = v[i/2]&^(0xffffffff<<sh) | uint64(x)<<sh
}

func rol32(x uint32, n int) uint32 { return bits.RotateLeft32(x, n) }
func ror32(x uint32, n int) uint32 { return bits.RotateLeft32(x, -n) }
func ror64(x uint64, n int) uint64 { return bits.RotateLeft64(x, -n) }

func shaChoose(x, y, z uint32) uint32   { return (y^z)&x ^ z }
func shaParity(x, y, z uint32) uint32   { return x ^ y ^ z }
func shaMajority(x, y, z uint32) uint32 { return x&y | (x|y)&z }

// sha1Hash is SHA1C/SHA1P/SHA1M: four rounds on the state abcd (x) and e
// (y) with the schedule words w, f the round function.
func sha1Hash(x [2]uint64, e uint32, w [2]uint64, f func(x, y, z uint32) uint32) [2]uint64 {
	// The 160-bit Y:X is rotated left by 32 each round: X's elements
	// move up one place, Y becomes element 0 and X's element 3 the new Y.
	for i := 0; i < 4; i++ {
		t := f(elem32(x, 1), elem32(x, 2), elem32(x, 3))
		e += rol32(elem32(x, 0), 5) + t + elem32(w, i)
		setElem32(&x, 1, rol32(elem32(x, 1), 30))
		top := elem32(x, 3)
		x = [2]uint64{x[0]<<32 | uint64(e), x[1]<<32 | x[0]>>32}
		e = top
	}
	return x
}

// sha256Hash is the Arm ARM SHA256hash: four rounds on the halves x
// (a, b, c, d) and y (e, f, g, h) of the state; part1 returns x
// (SHA256H), else y (SHA256H2).
func sha256Hash(x, y, w [2]uint64, part1 bool) [2]uint64 {
	sigma0 := func(v uint32) uint32 { return ror32(v, 2) ^ ror32(v, 13) ^ ror32(v, 22) }
	sigma1 := func(v uint32) uint32 { return ror32(v, 6) ^ ror32(v, 11) ^ ror32(v, 25) }
	for i := 0; i < 4; i++ {
		chs := shaChoose(elem32(y, 0), elem32(y, 1), elem32(y, 2))
		maj := shaMajority(elem32(x, 0), elem32(x, 1), elem32(x, 2))
		t := elem32(y, 3) + sigma1(elem32(y, 0)) + chs + elem32(w, i)
		setElem32(&x, 3, t+elem32(x, 3))
		setElem32(&y, 3, t+sigma0(elem32(x, 0))+maj)
		// ROL(Y:X, 32): X gains Y's top element at the bottom, Y gains X's.
		xTop, yTop := x[1]>>32, y[1]>>32
		x = [2]uint64{x[0]<<32 | yTop, x[1]<<32 | x[0]>>32}
		y = [2]uint64{y[0]<<32 | xTop, y[1]<<32 | y[0]>>32}
	}
	if part1 {
		return x
	}
	return y
}

// sm4Sbox is the SM4 S-box (GB/T 32907-2016), as the Arm ARM's Sbox
// function holds it.
var sm4Sbox = func() (s [256]byte) {
	const table = "d690e9fecce13db716b614c228fb2c052b679a762abe04c3aa441326498606999c4250f491ef987a33540b43edcfac62" +
		"e4b31ca9c908e89580df94fa758f3fa64707a7fcf37317ba83593c19e6854fa8686b81b27164da8bf8eb0f4b70569d351e24" +
		"0e5e6358d1a225227c3b01217887d40046579fd327524c3602e7a0c4c89eeabf8ad240c738b5a3f7f2cef96115a1e0ae5da4" +
		"9b341a55ad933230f58cb1e31df6e22e8266ca60c02923ab0d534e6fd5db3745defd8e2f03ff6a726d6c5b518d1baf92bbdd" +
		"bc7f11d95c411f105ad80ac13188a5cd7bbd2d74d012b8e5b4b08969974a0c96777e65b9f109c56ec68418f07dec3adc4d20" +
		"79ee5f3ed7cb3948"
	b, err := hex.DecodeString(table)
	if err != nil || len(b) != 256 {
		panic("interp: bad SM4 S-box")
	}
	copy(s[:], b)
	return s
}()

// sm4Rounds is SM4E (key schedule false: the round function's linear part
// L) and SM4EKEY (true: L'): four rounds on the state x with the round
// keys (or constants) in k.
func sm4Rounds(x, k [2]uint64, keySchedule bool) [2]uint64 {
	for i := 0; i < 4; i++ {
		t := elem32(x, 3) ^ elem32(x, 2) ^ elem32(x, 1) ^ elem32(k, i)
		var s uint32
		for b := 0; b < 4; b++ {
			s |= uint32(sm4Sbox[byte(t>>(8*b))]) << (8 * b)
		}
		if keySchedule {
			t = s ^ rol32(s, 13) ^ rol32(s, 23)
		} else {
			t = s ^ rol32(s, 2) ^ rol32(s, 10) ^ rol32(s, 18) ^ rol32(s, 24)
		}
		t ^= elem32(x, 0)
		x = [2]uint64{x[0]>>32 | x[1]<<32, x[1]>>32 | uint64(t)<<32}
	}
	return x
}

// evalCrypto computes OpVCrypto; a, b, c are its Args in the order
// ir.CryptoFn documents.
func evalCrypto(fn ir.CryptoFn, lane int, a, b, c [2]uint64) [2]uint64 {
	var r [2]uint64
	switch fn {
	case ir.CryptoSHA1C:
		return sha1Hash(a, uint32(b[0]), c, shaChoose)
	case ir.CryptoSHA1P:
		return sha1Hash(a, uint32(b[0]), c, shaParity)
	case ir.CryptoSHA1M:
		return sha1Hash(a, uint32(b[0]), c, shaMajority)
	case ir.CryptoSHA1H:
		return [2]uint64{uint64(rol32(uint32(a[0]), 30))}
	case ir.CryptoSHA1SU0:
		// (Vn<63:0> : Vd<127:64>) XOR Vd XOR Vm
		return [2]uint64{a[1] ^ a[0] ^ c[0], b[0] ^ a[1] ^ c[1]}
	case ir.CryptoSHA1SU1:
		t := [2]uint64{a[0] ^ (b[0]>>32 | b[1]<<32), a[1] ^ b[1]>>32}
		for i := 0; i < 4; i++ {
			setElem32(&r, i, rol32(elem32(t, i), 1))
		}
		setElem32(&r, 3, elem32(r, 3)^rol32(elem32(t, 0), 2))
		return r
	case ir.CryptoSHA256H:
		return sha256Hash(a, b, c, true)
	case ir.CryptoSHA256H2:
		return sha256Hash(b, a, c, false)
	case ir.CryptoSHA256SU0:
		t := [2]uint64{a[0]>>32 | a[1]<<32, a[1]>>32 | b[0]<<32} // Vn<31:0> : Vd<127:32>
		for i := 0; i < 4; i++ {
			e := elem32(t, i)
			setElem32(&r, i, (ror32(e, 7)^ror32(e, 18)^e>>3)+elem32(a, i))
		}
		return r
	case ir.CryptoSHA256SU1:
		t0 := [2]uint64{b[0]>>32 | b[1]<<32, b[1]>>32 | c[0]<<32} // Vm<31:0> : Vn<127:32>
		sigma := func(e uint32) uint32 { return ror32(e, 17) ^ ror32(e, 19) ^ e>>10 }
		t1 := [2]uint64{c[1]}
		for i := 0; i < 4; i++ {
			if i == 2 {
				t1 = [2]uint64{r[0]}
			}
			setElem32(&r, i, sigma(elem32(t1, i%2))+elem32(a, i)+elem32(t0, i))
		}
		return r
	case ir.CryptoSHA512H:
		w, x, y := a, b, c // Vd, Vn, Vm
		s1 := func(v uint64) uint64 { return ror64(v, 14) ^ ror64(v, 18) ^ ror64(v, 41) }
		r[1] = (y[1]&x[0] ^ ^y[1]&x[1]) + s1(y[1]) + w[1]
		tmp := r[1] + y[0]
		r[0] = (tmp&y[1] ^ ^tmp&x[0]) + s1(tmp) + w[0]
		return r
	case ir.CryptoSHA512H2:
		w, x, y := a, b, c
		s0 := func(v uint64) uint64 { return ror64(v, 28) ^ ror64(v, 34) ^ ror64(v, 39) }
		r[1] = (x[0]&y[1] ^ x[0]&y[0] ^ y[1]&y[0]) + s0(y[0]) + w[1]
		r[0] = (r[1]&y[0] ^ r[1]&y[1] ^ y[1]&y[0]) + s0(r[1]) + w[0]
		return r
	case ir.CryptoSHA512SU0:
		w, x := a, b
		sig0 := func(v uint64) uint64 { return ror64(v, 1) ^ ror64(v, 8) ^ v>>7 }
		return [2]uint64{w[0] + sig0(w[1]), w[1] + sig0(x[0])}
	case ir.CryptoSHA512SU1:
		w, x, y := a, b, c
		sig1 := func(v uint64) uint64 { return ror64(v, 19) ^ ror64(v, 61) ^ v>>6 }
		return [2]uint64{w[0] + sig1(x[0]) + y[0], w[1] + sig1(x[1]) + y[1]}
	case ir.CryptoSM3SS1:
		n, m, ra := a, b, c
		setElem32(&r, 3, rol32(rol32(elem32(n, 3), 12)+elem32(m, 3)+elem32(ra, 3), 7))
		return r
	case ir.CryptoSM3TT1A, ir.CryptoSM3TT1B, ir.CryptoSM3TT2A, ir.CryptoSM3TT2B:
		d, n, m := a, b, c
		d0, d1, d2, d3 := elem32(d, 0), elem32(d, 1), elem32(d, 2), elem32(d, 3)
		var tt uint32
		switch fn {
		case ir.CryptoSM3TT1A, ir.CryptoSM3TT2A:
			tt = d1 ^ d3 ^ d2
		case ir.CryptoSM3TT1B:
			tt = d3&d1 | d3&d2 | d1&d2
		default:
			tt = d3&d2 | ^d3&d1
		}
		setElem32(&r, 0, d1)
		setElem32(&r, 2, d3)
		if fn == ir.CryptoSM3TT1A || fn == ir.CryptoSM3TT1B {
			ss2 := elem32(n, 3) ^ rol32(d3, 12)
			setElem32(&r, 1, rol32(d2, 9))
			setElem32(&r, 3, tt+d0+ss2+elem32(m, lane))
		} else {
			tt += d0 + elem32(n, 3) + elem32(m, lane)
			setElem32(&r, 1, rol32(d2, 19))
			setElem32(&r, 3, tt^rol32(tt, 9)^rol32(tt, 17))
		}
		return r
	case ir.CryptoSM3PARTW1:
		d, n, m := a, b, c
		x := [2]uint64{d[0] ^ n[0], d[1] ^ n[1]}
		for i := 0; i < 3; i++ {
			setElem32(&r, i, elem32(x, i)^rol32(elem32(m, i+1), 15))
		}
		// Element 3 uses element 0 after its own permutation step.
		for i := 0; i < 4; i++ {
			if i == 3 {
				setElem32(&r, 3, elem32(x, 3)^rol32(elem32(r, 0), 15))
			}
			e := elem32(r, i)
			setElem32(&r, i, e^rol32(e, 15)^rol32(e, 23))
		}
		return r
	case ir.CryptoSM3PARTW2:
		d, n, m := a, b, c
		var tmp [2]uint64
		for i := 0; i < 4; i++ {
			setElem32(&tmp, i, elem32(n, i)^rol32(elem32(m, i), 7))
		}
		r = [2]uint64{d[0] ^ tmp[0], d[1] ^ tmp[1]}
		t2 := rol32(elem32(tmp, 0), 15)
		t2 ^= rol32(t2, 15) ^ rol32(t2, 23)
		setElem32(&r, 3, elem32(r, 3)^t2)
		return r
	case ir.CryptoSM4E:
		return sm4Rounds(a, b, false)
	case ir.CryptoSM4EKEY:
		return sm4Rounds(a, b, true)
	}
	panic("interp: unknown crypto function")
}
