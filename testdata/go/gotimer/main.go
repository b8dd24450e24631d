// gotimer: timers — time.After, time.Sleep, Ticker, AfterFunc,
// Stop/Reset and context deadlines. Prints only properties (at least the
// requested time elapsed, the expected number of ticks), never times.
package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

func main() {
	runtime.GOMAXPROCS(4)

	start := time.Now()
	<-time.After(20 * time.Millisecond)
	fmt.Println("time.After 20ms: waited long enough", time.Since(start) >= 20*time.Millisecond)

	start = time.Now()
	time.Sleep(15 * time.Millisecond)
	fmt.Println("time.Sleep 15ms: waited long enough", time.Since(start) >= 15*time.Millisecond)

	start = time.Now() // before the ticker starts, as for the timer below
	t := time.NewTicker(2 * time.Millisecond)
	for i := 0; i < 10; i++ {
		<-t.C
	}
	t.Stop()
	fmt.Println("ticker: 10 ticks of 2ms, at least 20ms", time.Since(start) >= 20*time.Millisecond)

	var fired atomic.Int32
	done := make(chan struct{})
	time.AfterFunc(5*time.Millisecond, func() { fired.Add(1); close(done) })
	<-done
	fmt.Println("AfterFunc fired", fired.Load())

	stopped := time.AfterFunc(time.Hour, func() { fired.Add(100) })
	fmt.Println("Stop before firing:", stopped.Stop(), "again:", stopped.Stop())

	tm := time.NewTimer(time.Hour)
	// The clock starts before Reset: started after it, a thread
	// descheduled in between (a loaded machine) sees less than 3ms pass.
	start = time.Now()
	tm.Reset(3 * time.Millisecond)
	<-tm.C
	fmt.Println("Reset timer fired after at least 3ms", time.Since(start) >= 3*time.Millisecond)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	<-ctx.Done()
	fmt.Println("context deadline:", errors.Is(ctx.Err(), context.DeadlineExceeded))

	// Many timers at once across goroutines.
	var n atomic.Int32
	finished := make(chan struct{}, 100)
	for i := 0; i < 100; i++ {
		go func(i int) {
			time.Sleep(time.Duration(i%10) * time.Millisecond)
			n.Add(1)
			finished <- struct{}{}
		}(i)
	}
	for i := 0; i < 100; i++ {
		<-finished
	}
	fmt.Println("100 sleeping goroutines finished", n.Load())

	select {
	case <-time.After(5 * time.Millisecond):
		fmt.Println("select timeout taken")
	case <-make(chan int):
		fmt.Println("impossible")
	}
}
