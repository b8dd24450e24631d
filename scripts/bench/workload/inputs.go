package workload

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
)

// The input files of the busybox workloads, in Env.Inputs.
const (
	textFile = "text.txt" // lines of words and numbers (bzip2, gzip, sort)
	dataFile = "data.bin" // pseudo-random bytes (sha256sum)
)

// inputSizes are the sizes of textFile and dataFile in bytes.
func inputSizes(s Size) (text, data int) {
	return perSize(s, 16<<10, 256<<10, 2<<20), perSize(s, 64<<10, 3<<20, 16<<20)
}

// WriteInputs writes the busybox workloads' input files for size s into
// dir. The contents depend only on s: a fixed xorshift sequence, so every
// run on every machine compresses, hashes and sorts the same bytes.
func WriteInputs(dir string, s Size) error {
	textSize, dataSize := inputSizes(s)
	state := uint64(0x2545f4914f6cdd1d)
	next := func() uint64 {
		state ^= state << 13
		state ^= state >> 7
		state ^= state << 17
		return state
	}

	// Text: a word from a skewed vocabulary (the first words are the
	// most frequent, as in prose and logs), a number, and a few more
	// words; repeats for the compressors, ties on the sort keys.
	words := []string{"the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "with", "was",
		"on", "be", "by", "build", "compile", "link", "error", "warning", "target", "object",
		"library", "module", "package", "function", "return", "value", "pointer", "buffer"}
	word := func() string {
		r := next()
		// min of two uniform draws: lower indexes are likelier.
		a, b := r%uint64(len(words)), (r>>32)%uint64(len(words))
		return words[min(a, b)]
	}
	if err := writeFile(filepath.Join(dir, textFile), func(w *bufio.Writer) {
		for n := 0; n < textSize; {
			line := word() + " " + strconv.FormatUint(next()%100000, 10)
			for k := next() % 8; k > 0; k-- {
				line += " " + word()
			}
			line += "\n"
			if n+len(line) > textSize {
				break
			}
			w.WriteString(line)
			n += len(line)
		}
	}); err != nil {
		return err
	}

	return writeFile(filepath.Join(dir, dataFile), func(w *bufio.Writer) {
		var b [8]byte
		for n := 0; n < dataSize; n += 8 {
			v := next()
			for i := range b {
				b[i] = byte(v >> (8 * i))
			}
			w.Write(b[:])
		}
	})
}

func writeFile(path string, fill func(*bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
