// goexec: os/exec running this program itself (os.Executable, i.e.
// /proc/self/exe) with arguments: output capture, stdin, environment,
// exit status, a child killed by a signal, and a missing program.
//
// Oracle: the native build; qemu-aarch64 without binfmt_misc cannot
// execve an arm64 program.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

func child(args []string) {
	switch args[0] {
	case "echo":
		fmt.Println("child args:", strings.Join(args[1:], "|"), "env:", os.Getenv("GOEXEC_VAR"))
	case "upper":
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			fmt.Println(strings.ToUpper(sc.Text()))
		}
	case "exit":
		fmt.Fprintln(os.Stderr, "child exiting with 3")
		os.Exit(3)
	case "kill":
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		select {}
	}
}

func main() {
	if len(os.Args) > 2 && os.Args[1] == "child" {
		child(os.Args[2:])
		return
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Println("os.Executable:", err)
		os.Exit(1)
	}

	cmd := exec.Command(self, "child", "echo", "a b", "c")
	cmd.Env = append(os.Environ(), "GOEXEC_VAR=set")
	out, err := cmd.Output()
	fmt.Printf("echo: %q err %v\n", out, err)

	cmd = exec.Command(self, "child", "upper")
	cmd.Stdin = strings.NewReader("hello\nworld\n")
	out, err = cmd.Output()
	fmt.Printf("upper: %q err %v\n", out, err)

	cmd = exec.Command(self, "child", "exit")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		fmt.Printf("exit: code %d stderr %q\n", ee.ExitCode(), stderr.String())
	} else {
		fmt.Println("exit: unexpected", err)
	}

	err = exec.Command(self, "child", "kill").Run()
	if errors.As(err, &ee) {
		ws := ee.Sys().(syscall.WaitStatus)
		fmt.Println("kill: signaled", ws.Signaled(), ws.Signal())
	} else {
		fmt.Println("kill: unexpected", err)
	}

	err = exec.Command("/nonexistent/program").Run()
	fmt.Println("missing:", errors.Is(err, os.ErrNotExist))
	_, err = exec.LookPath("ferry-no-such-program")
	fmt.Println("lookpath missing:", errors.Is(err, exec.ErrNotFound))
}
