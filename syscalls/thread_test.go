package syscalls

import (
	"runtime"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// startBlockedThread runs a guest thread of p on its own host thread that
// blocks reading an empty pipe through hostBlocking, as a guest read does;
// the result arrives on the returned channel.
func startBlockedThread(t *testing.T, p *Process) (*Thread, <-chan int64) {
	t.Helper()
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	th := p.newThread(false)
	ready, done := make(chan struct{}), make(chan int64, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		unblockHostSignals()
		th.Tid = unix.Gettid()
		p.threadsMu.Lock()
		p.threads[th.Tid] = th
		p.threadsMu.Unlock()
		close(ready)
		var b [1]byte
		done <- th.hostBlocking(unix.SYS_READ, uint64(fds[0]), uint64(uintptr(unsafe.Pointer(&b[0]))), 1)
	}()
	<-ready
	return th, done
}

// A signal for a thread blocked in the host kernel interrupts exactly that
// thread's call, whenever it arrives relative to the call (the kick plus
// safeSyscall's window), and leaves other threads blocked.
func TestSignalInterruptsTheTargetThreadsBlockingCall(t *testing.T) {
	main := newTestThread(t)
	p := main.P
	installHostSignals(p)
	p.SigActions[unix.SIGUSR1] = SigAction{Handler: 0x400000}
	for round := 0; round < 50; round++ {
		target, targetDone := startBlockedThread(t, p)
		other, otherDone := startBlockedThread(t, p)
		if round%2 == 0 {
			time.Sleep(time.Millisecond) // sometimes already in the kernel, sometimes not
		}
		target.sendThread(killInfo(int(unix.SIGUSR1), siTkill, p.Pid), nil)
		select {
		case r := <-targetDone:
			if r != errno(unix.EINTR) {
				t.Fatalf("round %d: interrupted read = %d, want EINTR", round, r)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: the signalled thread is still blocked", round)
		}
		if !target.hasDeliverable() {
			t.Fatalf("round %d: no signal pending for the target", round)
		}
		select {
		case r := <-otherDone:
			t.Fatalf("round %d: the other thread's read returned %d", round, r)
		case <-time.After(time.Millisecond):
		}
		// Release the other thread the way a signal would, and forget both.
		other.kick(nil)
		<-otherDone
		p.threadsMu.Lock()
		delete(p.threads, target.Tid)
		delete(p.threads, other.Tid)
		p.threadsMu.Unlock()
	}
}

// A process-directed signal goes to a thread that does not block it.
func TestProcessSignalGoesToAThreadThatTakesIt(t *testing.T) {
	main := newTestThread(t)
	p := main.P
	p.SigActions[unix.SIGUSR2] = SigAction{Handler: 0x400000}
	main.SigMask = sigBit(int(unix.SIGUSR2))
	other := p.newThread(false)
	other.Tid = main.Tid + 1_000_000 // never a real host thread: no kick
	p.threads[other.Tid] = other
	defer delete(p.threads, other.Tid)
	if got := p.pickTarget(int(unix.SIGUSR2), main); got != other {
		t.Fatalf("target %v, want the thread that does not block it", got)
	}
	other.SigMask = sigBit(int(unix.SIGUSR2))
	if got := p.pickTarget(int(unix.SIGUSR2), nil); got != nil {
		t.Fatalf("target %v while every thread blocks it", got)
	}
}
