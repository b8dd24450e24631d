package lift

import (
	"encoding/binary"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestTranslateConcurrently lifts the same code from several goroutines at
// once, as the threads of a guest process sharing one engine do, and
// checks each gets what a lone translation gets. Run under the race
// detector it also shows Translate shares no mutable state (the decoder's
// and lifter's tables are read-only after init).
func TestTranslateConcurrently(t *testing.T) {
	g := newGuest(t)
	// Random words reach every decoder family (and many undefined
	// encodings); a few common integer, load/store and SIMD words are
	// mixed in so most blocks are more than one trap.
	rng := rand.New(rand.NewPCG(5, 6))
	common := []uint32{
		0x91000400, // add x0, x0, #1
		0xf9400021, // ldr x1, [x1]
		0x4e208400, // add v0.16b, v0.16b, v0.16b
		0x1e602820, // fadd d0, d1, d0
		0xeb02003f, // cmp x1, x2
		0x9a9f17e0, // cset x0, eq
	}
	code := g.mem[:dataOffset]
	for i := 0; i < len(code); i += 4 {
		w := rng.Uint32()
		if rng.IntN(3) != 0 {
			w = common[rng.IntN(len(common))]
		}
		binary.LittleEndian.PutUint32(code[i:], w)
	}
	n := len(code) / 4
	want := make([]string, n)
	for i := range want {
		want[i] = Translate(g.Code + 4*uint64(i)).String()
	}
	const workers = 4
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < n; k++ {
				i := (k*7 + w*n/workers) % n // each worker in its own order
				if got := Translate(g.Code + 4*uint64(i)).String(); got != want[i] {
					t.Errorf("block at word %d differs when translated concurrently:\n%s\nwant:\n%s", i, got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}
