// gogc: the garbage collector under load — goroutines on 4 Ps building
// and dropping pointer-rich structures while runtime.GC runs, then
// checks that everything still reachable is intact; finalizers run.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

type node struct {
	left, right *node
	val         int
	pad         []byte
}

func build(depth, val int) *node {
	if depth == 0 {
		return &node{val: val, pad: make([]byte, 16+val%64)}
	}
	return &node{left: build(depth-1, 2*val), right: build(depth-1, 2*val+1), val: val}
}

func sum(n *node) int {
	if n == nil {
		return 0
	}
	return n.val + sum(n.left) + sum(n.right) + len(n.pad)
}

func main() {
	runtime.GOMAXPROCS(4)
	keep := build(12, 1)
	want := sum(keep)

	var wg sync.WaitGroup
	results := make([]bool, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			ok := true
			m := map[int][]int{}
			for round := 0; round < 30; round++ {
				t := build(10, g+1)
				s := sum(t)
				if s != sum(t) {
					ok = false
				}
				m[round%7] = make([]int, 1000+round)
				for i := range m[round%7] {
					m[round%7][i] = i * round
				}
			}
			for k, v := range m {
				for i, x := range v {
					if x != i*(len(v)-1000) {
						ok = ok && k < 0
					}
				}
			}
			results[g] = ok
		}(g)
	}
	stop := make(chan struct{})
	gcs := 0
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
				gcs++
			}
		}
	}()
	wg.Wait()
	close(stop)
	fmt.Println("workers intact:", results)
	fmt.Println("kept tree intact:", sum(keep) == want)

	// Finalizers run after the objects become unreachable.
	var mu sync.Mutex
	finalized := 0
	for i := 0; i < 100; i++ {
		o := &node{val: i}
		runtime.SetFinalizer(o, func(*node) { mu.Lock(); finalized++; mu.Unlock() })
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		mu.Lock()
		f := finalized
		mu.Unlock()
		if f == 100 || time.Now().After(deadline) {
			fmt.Println("finalizers run:", f)
			break
		}
		time.Sleep(time.Millisecond)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("GC cycles happened:", ms.NumGC > 0)
}
