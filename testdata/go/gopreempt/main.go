// gopreempt: with one P, a goroutine spinning in a loop without calls
// (no cooperative preemption points) must not stop main from running
// after its sleep: only asynchronous preemption — SIGURG delivered to
// the spinning thread, whose handler redirects it — makes this finish.
package main

import (
	"fmt"
	"runtime"
	"time"
)

var sink int

func spin() {
	for {
	}
}

func count(n *int) {
	for {
		*n++
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	go spin()
	var c int
	go count(&c)
	time.Sleep(50 * time.Millisecond)
	fmt.Println("main ran after sleeping while goroutines spin")
	runtime.GC() // stop-the-world needs every goroutine preempted
	fmt.Println("GC stopped the world")
	for i := 0; i < 3; i++ {
		time.Sleep(5 * time.Millisecond)
		runtime.Gosched()
	}
	fmt.Println("done")
}
