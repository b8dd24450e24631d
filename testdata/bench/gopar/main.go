// gopar: a Go workload with goroutines, as Go build tools run: BLOCKS
// (argv[1]) blocks of KIB KiB (argv[2], default 128) of generated text
// are handed over a channel to a pool of worker goroutines that each
// compress one with compress/flate, decompress it again to check the
// round trip, and hash it with SHA-256 and CRC-32; the results come back
// over a second channel out of order and are folded in block order, so
// the output does not depend on scheduling. Uses every processor the
// runtime sees (GOMAXPROCS default).
package main

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strconv"
	"sync"
)

const workers = 4

type result struct {
	index      int
	compressed int
	crc        uint32
	digest     [sha256.Size]byte
	err        error
}

// block generates the index'th block: words from a small vocabulary in an
// xorshift order, so flate finds matches and Huffman-codes a skewed
// alphabet, as it would on source code or logs.
func block(index, blockSize int) []byte {
	words := []string{"func", "return", "if", "err", "nil", "package", "import", "type",
		"struct", "for", "range", "go", "chan", "select", "defer", "var", "\n", "\t", "(", ")"}
	state := uint64(index)*0x9e3779b97f4a7c15 + 1
	var b bytes.Buffer
	for b.Len() < blockSize {
		state ^= state << 13
		state ^= state >> 7
		state ^= state << 17
		b.WriteString(words[state%uint64(len(words))])
		if state>>60 == 0 {
			b.WriteString(strconv.FormatUint(state>>32, 36))
		}
		b.WriteByte(' ')
	}
	return b.Bytes()[:blockSize]
}

func work(index, blockSize int) result {
	data := block(index, blockSize)
	var z bytes.Buffer
	w, err := flate.NewWriter(&z, 6)
	if err != nil {
		return result{index: index, err: err}
	}
	if _, err := w.Write(data); err != nil {
		return result{index: index, err: err}
	}
	if err := w.Close(); err != nil {
		return result{index: index, err: err}
	}
	back, err := io.ReadAll(flate.NewReader(bytes.NewReader(z.Bytes())))
	if err != nil {
		return result{index: index, err: err}
	}
	if !bytes.Equal(back, data) {
		return result{index: index, err: fmt.Errorf("block %d: round trip differs", index)}
	}
	return result{index: index, compressed: z.Len(), crc: crc32.ChecksumIEEE(data), digest: sha256.Sum256(z.Bytes())}
}

func main() {
	blocks, kib := 16, 128
	for i, p := range []*int{&blocks, &kib} {
		if len(os.Args) > i+1 {
			n, err := strconv.Atoi(os.Args[i+1])
			if err != nil || n < 1 {
				fmt.Fprintln(os.Stderr, "usage: gopar [BLOCKS [KIB]]")
				os.Exit(2)
			}
			*p = n
		}
	}
	blockSize := kib << 10
	jobs := make(chan int)
	results := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results <- work(i, blockSize)
			}
		}()
	}
	go func() {
		for i := range blocks {
			jobs <- i
		}
		close(jobs)
	}()
	go func() { wg.Wait(); close(results) }()

	byIndex := make([]result, blocks)
	for r := range results {
		if r.err != nil {
			fmt.Fprintln(os.Stderr, "gopar:", r.err)
			os.Exit(1)
		}
		byIndex[r.index] = r
	}
	total := sha256.New()
	compressed := 0
	for _, r := range byIndex {
		compressed += r.compressed
		binary.Write(total, binary.LittleEndian, uint32(r.compressed))
		binary.Write(total, binary.LittleEndian, r.crc)
		total.Write(r.digest[:])
	}
	fmt.Printf("blocks %d, %d bytes compressed to %d, digest %x\n", blocks, blocks*blockSize, compressed, total.Sum(nil))
}
