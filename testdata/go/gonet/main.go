// gonet: net on loopback — a TCP echo server with concurrent clients
// (the netpoller: epoll, non-blocking sockets, goroutines parked on
// them), a UDP echo, and a read deadline that expires.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"time"
)

func main() {
	runtime.GOMAXPROCS(4)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()

	var wg sync.WaitGroup
	results := make([]int, 4)
	for k := 0; k < 4; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			for i := 0; i < 100; i++ {
				msg := fmt.Sprintf("client %d message %d\n", k, i)
				if _, err := c.Write([]byte(msg)); err != nil {
					return
				}
				line, err := r.ReadString('\n')
				if err != nil || line != msg {
					return
				}
				results[k]++
			}
		}(k)
	}
	wg.Wait()
	fmt.Println("tcp echo round trips per client:", results)

	// A large transfer in both directions at once.
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		fmt.Println("dial:", err)
		os.Exit(1)
	}
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	go func() { c.Write(big); c.(*net.TCPConn).CloseWrite() }()
	back, err := io.ReadAll(c)
	same := len(back) == len(big)
	for i := 0; same && i < len(big); i++ {
		same = back[i] == big[i]
	}
	fmt.Println("1 MiB echoed intact:", same, err)
	c.Close()

	// Read deadline.
	c, _ = net.Dial("tcp", ln.Addr().String())
	c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, err = c.Read(make([]byte, 1))
	fmt.Println("read deadline:", errors.Is(err, os.ErrDeadlineExceeded))
	c.Close()
	ln.Close()

	// UDP.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("udp listen:", err)
		os.Exit(1)
	}
	go func() {
		buf := make([]byte, 1500)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(buf[:n], addr)
		}
	}()
	uc, _ := net.Dial("udp", pc.LocalAddr().String())
	got := 0
	buf := make([]byte, 64)
	for i := 0; i < 20; i++ {
		msg := fmt.Sprintf("datagram %d", i)
		uc.Write([]byte(msg))
		uc.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, err := uc.Read(buf)
		if err == nil && string(buf[:n]) == msg {
			got++
		}
	}
	fmt.Println("udp echoes:", got)
	uc.Close()
	pc.Close()
}
