package syscalls

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"

	"ferry/ir"
	"ferry/syscalls/hostfd"

	"golang.org/x/sys/unix"
)

// Host signals. ferry takes every signal a guest can be sent away from the
// Go runtime and installs asyncSignalHandler (hostsig_amd64.s) for it. The
// handler does three things without running Go code: it makes the
// receiving thread leave a blocking guest system call with EINTR (race
// free, as QEMU's safe_syscall does: see safeSyscall), it ends the time
// slice of a thread running generated code, and it records the signal with
// its full siginfo and the receiving tid in a pipe. A router goroutine
// reads the pipe and applies Linux's rules to the guest: a thread-directed
// signal goes to its thread, a process-directed one to a thread that does
// not block it; that thread is then woken ("kicked": cpu.Interrupt plus a
// SIGURG aimed at its host thread, which interrupts whatever it blocks in)
// and delivers the signal from its dispatcher.
//
// Signals that stay with their usual owners: SIGKILL and SIGSTOP
// (uncatchable) and the synchronous faults SIGSEGV, SIGBUS, SIGFPE, SIGILL
// and SIGTRAP (the engines' fault handling). SIGPROF is the guest's
// (ITIMER_PROF, profilers): Go's CPU profiler does not work in ferry.
// SIGURG is shared: Go's handler still runs for every one, since the Go
// runtime preempts goroutines with it.

// Read by asyncSignalHandler.
var (
	safeSyscallStart, safeSyscallEnd, safeSyscallResume uintptr
	codeLo, codeHi                                      uintptr
	budgetOffset                                        = ir.OffBudget
	hostPid                                             int32
	recordFD                                            int32 = -1
	goURGHandler                                        uintptr
)

// recordReadFD is the router's end of the pipe.
var recordReadFD = -1

// recordsWritten counts records the handler wrote (atomically, in
// assembly), recordsRouted those the router or a thread routed: while they
// differ, a signal has reached ferry that the guest does not know of yet.
var recordsWritten, recordsRouted atomic.Uint64

// routePending routes the signals that have reached ferry but not the
// guest's pending sets yet. A thread calls it before it looks for signals
// to deliver, so a signal that arrived before a system call returned is
// delivered before the guest sees the result, as on Linux (a SIGCHLD
// handler runs before waitpid returns), without waiting for the router.
func (p *Process) routePending() {
	if recordsWritten.Load() != recordsRouted.Load() {
		p.drainHostSignals()
	}
}

func asyncSignalHandler()
func safeSyscall(interrupt *uint32, nr, a1, a2, a3, a4, a5, a6 uintptr) (r uintptr)
func safeSyscallInterrupted(interrupt *uint32, nr, a1, a2, a3, a4, a5, a6 uintptr) (r uintptr)
func hostSignalAddrs() (handler, syscallStart, interrupted uintptr)

//go:linkname entersyscall runtime.entersyscall
func entersyscall()

//go:linkname exitsyscall runtime.exitsyscall
func exitsyscall()

// blockingSyscall runs a host system call that may block, releasing the
// Go scheduler's P meanwhile (as syscall.Syscall does), but through
// safeSyscall so that a signal for the guest interrupts it.
//
//go:nosplit
func blockingSyscall(interrupt *uint32, nr, a1, a2, a3, a4, a5, a6 uintptr) uintptr {
	entersyscall()
	r := safeSyscall(interrupt, nr, a1, a2, a3, a4, a5, a6)
	exitsyscall()
	return r
}

// hostBlocking performs a host system call that may block on behalf of
// thread t; a signal for t makes it return -EINTR.
func (t *Thread) hostBlocking(nr uintptr, a ...uint64) int64 {
	return interruptibleSyscall(&t.CPU.Interrupt, nr, a)
}

// interruptibleSyscall runs host call nr with guest arguments through
// blockingSyscall, watching interrupt.
func interruptibleSyscall(interrupt *uint32, nr uintptr, a []uint64) int64 {
	var x [6]uintptr
	for i, v := range a {
		x[i] = uintptr(v)
	}
	return int64(blockingSyscall(interrupt, nr, x[0], x[1], x[2], x[3], x[4], x[5]))
}

const sigRecordSize = 136

// guestSignals are the host signals ferry handles for the guest.
func guestSignals() []unix.Signal {
	var out []unix.Signal
	for s := 1; s <= NSig; s++ {
		switch unix.Signal(s) {
		case unix.SIGKILL, unix.SIGSTOP, unix.SIGSEGV, unix.SIGBUS, unix.SIGFPE, unix.SIGILL,
			unix.SIGTRAP:
			continue
		}
		out = append(out, unix.Signal(s))
	}
	return out
}

var hostSignals struct {
	once    sync.Once
	err     error
	action  rawSigaction // the handler's action, for syncChildReaping
	process *Process
}

// installHostSignals takes the guest's signals over for p (once per ferry
// process) and starts the router.
func installHostSignals(p *Process) {
	hostSignals.once.Do(func() { hostSignals.err = setupHostSignals(p) })
	if hostSignals.err != nil {
		panic("cannot take over host signals: " + hostSignals.err.Error())
	}
}

func setupHostSignals(p *Process) error {
	handler, start, resume := hostSignalAddrs()
	end, err := syscallEnd(start)
	if err != nil {
		return err
	}
	safeSyscallStart, safeSyscallEnd, safeSyscallResume = start, end, resume
	if p.Engine != nil {
		codeLo, codeHi = p.Engine.CodeRange()
	}
	hostPid = int32(os.Getpid())
	hostSignals.process = p

	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		return err
	}
	// ferry's own: out of the guest's low fd numbers, so its first open
	// still returns what the kernel would give it.
	recordFD, recordReadFD = int32(hostfd.Keep(fds[1])), hostfd.Keep(fds[0])

	var urg rawSigaction
	setHostAction(unix.SIGURG, nil, &urg)
	if urg.handler <= sigIgn || urg.flags&saRestorer == 0 {
		return errors.New("the Go runtime has no SIGURG handler")
	}
	goURGHandler = uintptr(urg.handler)
	// Go's flags (SA_SIGINFO|SA_ONSTACK|SA_RESTART|SA_RESTORER): the handler
	// runs on the thread's signal stack, and the window in safeSyscall
	// covers calls the kernel would restart.
	act := rawSigaction{handler: uint64(handler), flags: urg.flags, restorer: urg.restorer, mask: ^uint64(0)}
	hostSignals.action = act
	for _, sig := range guestSignals() {
		a := act
		if sig == unix.SIGCHLD && p.childrenReaped() {
			a = rawSigaction{handler: sigIgn}
		}
		setHostAction(sig, &a, nil)
	}
	go p.routeHostSignals(os.NewFile(uintptr(recordReadFD), "ferry-signals"))
	return nil
}

// syscallEnd finds the end of safeSyscall's window: just past its SYSCALL
// instruction, which is followed by the store of the result.
func syscallEnd(start uintptr) (uintptr, error) {
	code := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), start)), 64)
	i := bytes.Index(code, []byte{0x0f, 0x05})
	if i < 0 || !bytes.HasPrefix(code[i+2:], []byte{0x48, 0x89, 0x44, 0x24}) {
		return 0, errors.New("unexpected code in safeSyscall")
	}
	return start + uintptr(i) + 2, nil
}

// unblockHostSignals makes sure the calling host thread can receive the
// guest's signals (the guest's mask is applied by ferry, not the kernel).
func unblockHostSignals() {
	var set uint64
	for _, s := range guestSignals() {
		set |= sigBit(int(s))
	}
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, sigUnblock, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
}

// routeHostSignals is the router goroutine. Every read takes exactly one
// record: the handler writes whole records atomically, so the pipe holds
// a whole number of them and readers never split one.
func (p *Process) routeHostSignals(f *os.File) {
	defer p.recoverInternalError()
	var rec [sigRecordSize]byte
	for {
		if _, err := io.ReadFull(f, rec[:]); err != nil {
			return
		}
		p.routeRecord(rec[:])
	}
}

func (p *Process) routeRecord(rec []byte) {
	defer recordsRouted.Add(1)
	var info SigInfo
	info.decode(rec[:siginfoSize])
	tid := int(binary.LittleEndian.Uint64(rec[siginfoSize:]))
	p.hostSignal(info, tid)
}

// drainHostSignals routes every signal the handler has recorded but the
// router has not read yet, so that the guest's view of its pending signals
// is up to date (before execve, which would lose the pipe's contents).
func (p *Process) drainHostSignals() {
	if hostSignals.process != p || recordReadFD < 0 {
		return
	}
	var rec [sigRecordSize]byte
	for {
		n, err := unix.Read(recordReadFD, rec[:])
		if err != nil || n != sigRecordSize {
			return
		}
		p.routeRecord(rec[:])
	}
}

// hostSignal applies a signal from the host to the guest.
func (p *Process) hostSignal(info SigInfo, tid int) {
	sig := int(info.Signo)
	if sig < 1 || sig > NSig {
		return
	}
	if sig == int(unix.SIGPIPE) && info.Code == siUser && int(info.pid()) == p.Pid {
		// The kernel's SIGPIPE for a write of ours that failed with
		// EPIPE: Syscall raises it for the guest thread itself.
		return
	}
	if info.Code == siTkill {
		if t := p.thread(tid); t != nil {
			t.sendThread(info, nil)
			return
		}
	}
	p.sendProcess(info, nil)
}
