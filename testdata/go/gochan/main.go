// gochan: goroutines, channels, select, WaitGroup, Mutex and atomics
// across GOMAXPROCS=4 — the Go runtime's threads, futexes and signals
// under load. Prints only sums and counts.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

func main() {
	runtime.GOMAXPROCS(4)

	// A pipeline: generator -> 8 squarers -> collector.
	in := make(chan int)
	out := make(chan int, 16)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range in {
				out <- v * v
			}
		}()
	}
	go func() {
		for i := 1; i <= 20000; i++ {
			in <- i
		}
		close(in)
	}()
	go func() { wg.Wait(); close(out) }()
	sum := 0
	n := 0
	for v := range out {
		sum += v
		n++
	}
	fmt.Println("pipeline:", n, "values, sum of squares", sum)

	// Many goroutines, a mutex and atomics.
	var mu sync.Mutex
	var counter int
	var acounter atomic.Int64
	var wg2 sync.WaitGroup
	for g := 0; g < 200; g++ {
		wg2.Add(1)
		go func(g int) {
			defer wg2.Done()
			for i := 0; i < 500; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
				acounter.Add(int64(g))
				if i%100 == 0 {
					runtime.Gosched()
				}
			}
		}(g)
	}
	wg2.Wait()
	fmt.Println("mutex counter", counter, "atomic sum", acounter.Load())

	// select over several channels, with a done channel.
	a, b := make(chan int), make(chan int)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 1000; i++ {
			if i%2 == 0 {
				a <- i
			} else {
				b <- i
			}
		}
		close(done)
	}()
	na, nb := 0, 0
loop:
	for {
		select {
		case <-a:
			na++
		case <-b:
			nb++
		case <-done:
			break loop
		}
	}
	fmt.Println("select: a", na, "b", nb)

	// Ping-pong between two goroutines over unbuffered channels.
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < 10000; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	fmt.Println("ping-pong:", v)

	// sync.Once, sync.Cond and a RWMutex.
	var once sync.Once
	var onceRuns atomic.Int32
	var rw sync.RWMutex
	shared := map[int]int{}
	var wg3 sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg3.Add(1)
		go func(g int) {
			defer wg3.Done()
			once.Do(func() { onceRuns.Add(1) })
			for i := 0; i < 200; i++ {
				if g%4 == 0 {
					rw.Lock()
					shared[i] += 1
					rw.Unlock()
				} else {
					rw.RLock()
					_ = shared[i]
					rw.RUnlock()
				}
			}
		}(g)
	}
	wg3.Wait()
	total := 0
	for _, v := range shared {
		total += v
	}
	fmt.Println("once runs", onceRuns.Load(), "rwmutex writes", total)

	cmu := sync.Mutex{}
	cond := sync.NewCond(&cmu)
	ready := 0
	var wg4 sync.WaitGroup
	for g := 0; g < 10; g++ {
		wg4.Add(1)
		go func() {
			defer wg4.Done()
			cmu.Lock()
			for ready == 0 {
				cond.Wait()
			}
			ready++
			cmu.Unlock()
		}()
	}
	cmu.Lock()
	ready = 1
	cond.Broadcast()
	cmu.Unlock()
	wg4.Wait()
	fmt.Println("cond: woke", ready-1)
}
