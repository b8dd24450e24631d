// gorecover: runtime panics from hardware faults and checks, recovered:
// a nil pointer dereference (SIGSEGV turned into a panic by the Go
// runtime's signal handler), on the main goroutine and on others, and
// the checked errors (index, integer division by zero, nil map, closed
// channel, type assertion).
package main

import (
	"fmt"
	"runtime"
	"strings"
)

type T struct{ a, b int }

var nilT *T
var zero int
var nilMap map[string]int

func try(name string, f func()) {
	defer func() {
		r := recover()
		msg := fmt.Sprint(r)
		if e, ok := r.(runtime.Error); ok {
			msg = "runtime error: " + strings.TrimPrefix(e.Error(), "runtime error: ")
		}
		fmt.Printf("%-22s %s\n", name+":", msg)
	}()
	f()
}

func main() {
	try("nil deref load", func() { _ = nilT.b })
	try("nil deref store", func() { nilT.a = 1 })
	try("nil func call", func() {
		var f func()
		f()
	})
	try("index out of range", func() {
		s := []int{1, 2, 3}
		i := 5 + zero
		_ = s[i]
	})
	try("integer divide by zero", func() { _ = 10 / zero })
	try("nil map write", func() { nilMap["x"] = 1 })
	try("closed channel send", func() {
		c := make(chan int)
		close(c)
		c <- 1
	})
	try("type assertion", func() {
		var i interface{} = "s"
		_ = i.(int)
	})
	try("explicit panic", func() { panic("boom") })

	done := make(chan string)
	for g := 0; g < 4; g++ {
		go func(g int) {
			defer func() { done <- fmt.Sprint(recover() != nil) }()
			if g%2 == 0 {
				_ = nilT.b
			} else {
				_ = 1 / zero
			}
		}(g)
	}
	n := 0
	for g := 0; g < 4; g++ {
		if <-done == "true" {
			n++
		}
	}
	fmt.Println("recovered in goroutines:", n)

	// Many faults in a row: each goes through the signal handler.
	c := 0
	for i := 0; i < 1000; i++ {
		func() {
			defer func() {
				if recover() != nil {
					c++
				}
			}()
			_ = nilT.a
		}()
	}
	fmt.Println("1000 recovered faults:", c)
}
