// gocrypto: Go's crypto and hash packages, which on arm64 choose their
// assembly from AT_HWCAP (internal/cpu): SHA-1, SHA-256 and SHA-512 with
// the SHA instructions, AES-GCM with AES and PMULL, CRC-32 and CRC-32C
// with the CRC32 instructions. Digests of fixed inputs of many lengths are
// printed (the native build is the oracle) with the FIPS 180-2 examples,
// so a hardware path that disagreed with the generic Go code would show.
package main

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash/crc32"
)

func main() {
	abc := []byte("abc")
	s1, s256, s512 := sha1.Sum(abc), sha256.Sum256(abc), sha512.Sum512(abc)
	fmt.Println("sha1(abc)  ", hex.EncodeToString(s1[:]))
	fmt.Println("sha256(abc)", hex.EncodeToString(s256[:]))
	fmt.Println("sha512(abc)", hex.EncodeToString(s512[:]))

	// Inputs of every length up to 1 KiB (block boundaries, the tails of
	// the assembly loops) and a larger one.
	buf := make([]byte, 1<<16)
	x := uint32(1)
	for i := range buf {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		buf[i] = byte(x)
	}
	h1, h256, h512 := sha1.New(), sha256.New(), sha512.New()
	crcIEEE, crcC := uint32(0), uint32(0)
	castagnoli := crc32.MakeTable(crc32.Castagnoli)
	for n := 0; n <= 1024; n++ {
		a, b, c := sha1.Sum(buf[:n]), sha256.Sum256(buf[:n]), sha512.Sum512(buf[:n])
		h1.Write(a[:])
		h256.Write(b[:])
		h512.Write(c[:])
		crcIEEE = crc32.Update(crcIEEE, crc32.IEEETable, buf[:n])
		crcC = crc32.Update(crcC, castagnoli, buf[:n])
	}
	h1.Write(buf)
	h256.Write(buf)
	h512.Write(buf)
	fmt.Printf("sha1 of digests   %x\nsha256 of digests %x\nsha512 of digests %x\n", h1.Sum(nil), h256.Sum(nil), h512.Sum(nil))
	fmt.Printf("crc32 %08x crc32c %08x\n", crcIEEE, crcC)

	block, err := aes.NewCipher(buf[:32])
	if err != nil {
		panic(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	sealed := gcm.Seal(nil, buf[32:44], buf[100:5000], buf[:17])
	opened, err := gcm.Open(nil, buf[32:44], sealed, buf[:17])
	fmt.Printf("aes-256-gcm %x round trip %v\n", sha256.Sum256(sealed), err == nil && string(opened) == string(buf[100:5000]))
}
