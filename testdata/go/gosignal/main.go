// gosignal: os/signal — signal.Notify for SIGUSR1 sent to self, several
// signals on one channel, signal.Stop, signal.Ignore, and a signal to
// the process while goroutines are busy on other threads.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

func wait(c chan os.Signal) string {
	select {
	case s := <-c:
		return s.String()
	case <-time.After(5 * time.Second):
		return "timeout"
	}
}

func main() {
	runtime.GOMAXPROCS(4)
	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	fmt.Println("SIGUSR1:", wait(c))

	signal.Notify(c, syscall.SIGUSR2, syscall.SIGHUP)
	syscall.Kill(os.Getpid(), syscall.SIGUSR2)
	fmt.Println("SIGUSR2:", wait(c))
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	fmt.Println("SIGHUP:", wait(c))

	// Busy goroutines on other threads while signals arrive.
	var stop atomic.Bool
	var spins atomic.Int64
	for i := 0; i < 3; i++ {
		go func() {
			for !stop.Load() {
				spins.Add(1)
			}
		}()
	}
	got := 0
	for i := 0; i < 20; i++ {
		syscall.Kill(os.Getpid(), syscall.SIGUSR1)
		if wait(c) == "user defined signal 1" {
			got++
		}
	}
	stop.Store(true)
	fmt.Println("20 signals while busy, received", got)

	signal.Ignore(syscall.SIGUSR2)
	syscall.Kill(os.Getpid(), syscall.SIGUSR2)
	select {
	case s := <-c:
		fmt.Println("ignored signal delivered:", s)
	case <-time.After(50 * time.Millisecond):
		fmt.Println("ignored SIGUSR2 not delivered")
	}
	fmt.Println("SIGUSR2 ignored:", signal.Ignored(syscall.SIGUSR2))

	signal.Stop(c)
	signal.Reset()
	c2 := make(chan os.Signal, 1)
	signal.Notify(c2, syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	fmt.Println("after Stop, a new channel gets:", wait(c2))
	select {
	case s := <-c:
		fmt.Println("stopped channel got", s)
	default:
		fmt.Println("stopped channel got nothing")
	}
}
