package syscalls

import (
	"encoding/binary"
	"math/bits"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Guest signals, with Linux's semantics: dispositions are the process's
// (ProcessState.SigActions), masks and alternate stacks each thread's; a
// signal is pending either for one thread (tkill, tgkill, faults, SIGPIPE)
// or for the process (kill, timers, SIGCHLD), in which case it goes to a
// thread that does not block it. Standard signals are pending at most
// once; real-time signals (32..64) queue. A thread delivers its signals
// from its dispatcher, before guest code runs again: default actions
// (terminate, core, stop) are applied there, handlers get an arm64 signal
// frame (sigframe.go). Host signals reach this model through the router
// (hostsig.go).
//
// All pending queues are guarded by Process.sig.mu; masks and the pending
// bit sets are also readable atomically, for the fast "anything to
// deliver?" check every dispatch makes.

const (
	sigDfl = 0
	sigIgn = 1

	ssOnStack     = 1
	ssDisable     = 2
	ssAutoDisarm  = 1 << 31
	minSigStkSize = 5120 // arm64 MINSIGSTKSZ

	sigBlock   = 0
	sigUnblock = 1
	sigSetmask = 2

	sigRTMin = 32 // first real-time signal: these queue
	// maxQueued bounds queued real-time signals per queue, like
	// RLIMIT_SIGPENDING (sigqueue fails with EAGAIN beyond it).
	maxQueued = 4096
)

// unblockable are SIGKILL and SIGSTOP, which no mask or handler affects.
const unblockable = 1<<(unix.SIGKILL-1) | 1<<(unix.SIGSTOP-1)

type defaultAction int

const (
	actTerminate defaultAction = iota
	actCore
	actIgnore
	actStop
	actContinue
)

// defaultActionOf is the kernel's default action for sig (signal(7)).
func defaultActionOf(sig int) defaultAction {
	switch unix.Signal(sig) {
	case unix.SIGCHLD, unix.SIGURG, unix.SIGWINCH:
		return actIgnore
	case unix.SIGCONT:
		return actContinue
	case unix.SIGSTOP, unix.SIGTSTP, unix.SIGTTIN, unix.SIGTTOU:
		return actStop
	case unix.SIGQUIT, unix.SIGILL, unix.SIGTRAP, unix.SIGABRT, unix.SIGBUS, unix.SIGFPE,
		unix.SIGSEGV, unix.SIGXCPU, unix.SIGXFSZ, unix.SIGSYS:
		return actCore
	}
	return actTerminate
}

func sigBit(sig int) uint64 { return 1 << (sig - 1) }

// SigInfo is a siginfo_t. The arm64 and x86-64 layouts are the same
// (asm-generic, LP64): signo, errno, code, then a union whose meaning
// depends on the signal and code; Fields holds that union as the sender
// laid it out.
type SigInfo struct {
	Signo, Errno, Code int32
	Fields             [14]uint64 // bytes 16..127
}

// withAddr sets si_addr (faults).
func (i SigInfo) withAddr(addr uint64) SigInfo { i.Fields[0] = addr; return i }

// Addr is si_addr of a fault.
func (i SigInfo) Addr() uint64 { return i.Fields[0] }

func (i SigInfo) pid() uint32 { return uint32(i.Fields[0]) }

func (i *SigInfo) decode(b []byte) {
	le := binary.LittleEndian
	i.Signo, i.Errno, i.Code = int32(le.Uint32(b[0:])), int32(le.Uint32(b[4:])), int32(le.Uint32(b[8:]))
	for k := range i.Fields {
		i.Fields[k] = le.Uint64(b[16+8*k:])
	}
}

// encode lays out the siginfo_t (128 bytes) into b.
func (i SigInfo) encode(b []byte) {
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(i.Signo))
	le.PutUint32(b[4:], uint32(i.Errno))
	le.PutUint32(b[8:], uint32(i.Code))
	le.PutUint32(b[12:], 0)
	for k, f := range i.Fields {
		le.PutUint64(b[16+8*k:], f)
	}
}

// killInfo is the siginfo of kill/tkill-style signals: sender pid and uid.
func killInfo(sig int, code int32, pid int) SigInfo {
	i := SigInfo{Signo: int32(sig), Code: code}
	i.Fields[0] = uint64(uint32(pid)) | uint64(uint32(os.Getuid()))<<32
	return i
}

// selfInfo is the siginfo of a signal the guest sent itself.
func (t *Thread) selfInfo(sig int, code int32) SigInfo { return killInfo(sig, code, t.P.Pid) }

// sigQueue is a set of pending signals with their siginfo.
type sigQueue struct {
	mask  uint64 // bit set iff infos[sig] is not empty; written under sig.mu, read atomically
	infos [NSig + 1][]SigInfo
}

// add queues info; a standard signal already pending is not queued twice.
func (q *sigQueue) add(info SigInfo) bool {
	sig := int(info.Signo)
	if len(q.infos[sig]) > 0 && (sig < sigRTMin || len(q.infos[sig]) >= maxQueued) {
		return false
	}
	q.infos[sig] = append(q.infos[sig], info)
	atomic.OrUint64(&q.mask, sigBit(sig))
	return true
}

// take removes the first queued instance of sig.
func (q *sigQueue) take(sig int) SigInfo {
	info := q.infos[sig][0]
	q.infos[sig] = q.infos[sig][1:]
	if len(q.infos[sig]) == 0 {
		q.infos[sig] = nil
		atomic.AndUint64(&q.mask, ^sigBit(sig))
	}
	return info
}

func (q *sigQueue) discard(sig int) {
	q.infos[sig] = nil
	atomic.AndUint64(&q.mask, ^sigBit(sig))
}

func (q *sigQueue) pending() uint64 { return atomic.LoadUint64(&q.mask) }

// sharedSignals is the process-wide part of the signal state.
type sharedSignals struct {
	mu      sync.Mutex
	pending sigQueue // process-directed
	// reaping mirrors a guest SIGCHLD of SIG_IGN or SA_NOCLDWAIT on the
	// host (children are reaped by the kernel).
	reaping bool
}

func (p *Process) handlerOf(sig int) uint64 {
	return atomic.LoadUint64(&p.SigActions[sig].Handler)
}

// ignored reports whether sig would be discarded on delivery now.
func (p *Process) ignored(sig int) bool {
	switch p.handlerOf(sig) {
	case sigIgn:
		return true
	case sigDfl:
		a := defaultActionOf(sig)
		return a == actIgnore || a == actContinue
	}
	return false
}

func (t *Thread) mask() uint64 { return atomic.LoadUint64(&t.SigMask) }

// setMask changes the thread's blocked set; process-directed signals it
// now blocks go to another thread that does not.
func (t *Thread) setMask(m uint64) {
	atomic.StoreUint64(&t.SigMask, m&^unblockable)
	if t.P.sig.pending.pending()&m != 0 {
		t.P.redistribute(t)
	}
}

// hasDeliverable reports whether a signal awaits delivery on t.
func (t *Thread) hasDeliverable() bool {
	return (t.pending.pending()|t.P.sig.pending.pending())&^t.mask() != 0
}

// kick makes t notice a new signal soon: it leaves generated code or a
// blocking call, or wakes from a wait of ferry's.
func (t *Thread) kick(from *Thread) {
	atomic.StoreUint32(&t.CPU.Interrupt, 1)
	select {
	case t.wake <- struct{}{}:
	default:
	}
	if t != from && t.Tid != 0 {
		unix.Tgkill(t.P.Pid, t.Tid, unix.SIGURG)
	}
}

// sendThread makes info pending for thread t (from is the sending guest
// thread, nil for the router).
func (t *Thread) sendThread(info SigInfo, from *Thread) {
	sig := int(info.Signo)
	p := t.P
	blocked := t.mask()&sigBit(sig) != 0
	if !blocked && p.ignored(sig) {
		return // blocked signals stay pending: the handler may change
	}
	p.sig.mu.Lock()
	t.pending.add(info)
	p.sig.mu.Unlock()
	p.signalQueued(sig)
	if !blocked {
		t.kick(from)
	}
}

// sendProcess makes info pending for the process and wakes a thread that
// will take it.
func (p *Process) sendProcess(info SigInfo, from *Thread) {
	sig := int(info.Signo)
	p.sig.mu.Lock()
	target := p.pickTarget(sig, from)
	if target != nil && p.ignored(sig) {
		p.sig.mu.Unlock()
		return
	}
	p.sig.pending.add(info)
	p.sig.mu.Unlock()
	p.signalQueued(sig)
	if target != nil {
		target.kick(from)
	}
}

// pickTarget chooses the thread for a process-directed sig, as the kernel
// does: the sending thread if it can take it, else the main thread, else
// any thread that does not block it (or waits for it in sigtimedwait).
// Called with sig.mu held.
func (p *Process) pickTarget(sig int, prefer *Thread) *Thread {
	wants := func(t *Thread) bool {
		return t.mask()&sigBit(sig) == 0 || atomic.LoadUint64(&t.waitSet)&sigBit(sig) != 0
	}
	if prefer != nil && wants(prefer) {
		return prefer
	}
	p.threadsMu.Lock()
	defer p.threadsMu.Unlock()
	if m := p.threads[p.Pid]; m != nil && wants(m) {
		return m
	}
	for _, t := range p.threads {
		if wants(t) {
			return t
		}
	}
	return nil
}

// redistribute wakes other threads for process-directed signals that t
// blocked or left behind (t changed its mask or is ending).
func (p *Process) redistribute(t *Thread) {
	p.sig.mu.Lock()
	var kick []*Thread
	for set := p.sig.pending.pending(); set != 0; set &= set - 1 {
		sig := bits.TrailingZeros64(set) + 1
		p.threadsMu.Lock()
		for _, o := range p.threads {
			if o != t && o.mask()&sigBit(sig) == 0 {
				kick = append(kick, o)
				break
			}
		}
		p.threadsMu.Unlock()
	}
	p.sig.mu.Unlock()
	for _, o := range kick {
		o.kick(t)
	}
}

// takeDeliverable removes the next signal t should act on: its own before
// the process's, lower numbers first.
func (t *Thread) takeDeliverable(allowed uint64) (int, SigInfo, bool) {
	p := t.P
	p.sig.mu.Lock()
	defer p.sig.mu.Unlock()
	if own := t.pending.pending() & allowed; own != 0 {
		sig := bits.TrailingZeros64(own) + 1
		return sig, t.pending.take(sig), true
	}
	if shared := p.sig.pending.pending() & allowed; shared != 0 {
		sig := bits.TrailingZeros64(shared) + 1
		return sig, p.sig.pending.take(sig), true
	}
	return 0, SigInfo{}, false
}

// deliverSignals acts on t's deliverable signals: ignored ones are
// dropped, default actions applied, and the first one with a handler gets
// a frame (with the system call restart rules applied if restart is set).
// It reports whether a handler frame was set up.
func (t *Thread) deliverSignals(restart *restartInfo) bool {
	p := t.P
	for {
		sig, info, ok := t.takeDeliverable(^t.mask())
		if !ok {
			return false
		}
		switch p.handlerOf(sig) {
		case sigIgn:
			continue
		case sigDfl:
			switch defaultActionOf(sig) {
			case actIgnore, actContinue:
				continue
			case actStop:
				stopSelf(unix.Signal(sig))
				continue
			}
			DieOfSignal(unix.Signal(sig))
		}
		if restart != nil {
			t.applyRestart(sig, restart)
		}
		if !t.deliver(sig, info, false) {
			// No room for the frame: the kernel kills with SIGSEGV.
			DieOfSignal(unix.SIGSEGV)
		}
		return true
	}
}

// applyRestart sets the result of an interrupted system call before a
// handler's frame saves the registers (arch/arm64/kernel/signal.c).
func (t *Thread) applyRestart(sig int, r *restartInfo) {
	cpu := &t.CPU
	again := false
	switch r.code {
	case errRestartNoIntr:
		again = true
	case errRestartSys:
		again = atomic.LoadUint64(&t.P.SigActions[sig].Flags)&saRestart != 0
	}
	if again {
		cpu.PC -= 4
		cpu.X[0] = r.origX0
	} else {
		cpu.X[0] = uint64(errno(unix.EINTR))
	}
}

// DieOfSignal ends ferry the way the guest would end: killed by sig, so
// that the parent's wait status (and a shell's $?, 128+sig) is the same.
// ferry's handler is replaced by the default action first.
func DieOfSignal(sig unix.Signal) {
	runtime.LockOSThread()
	setHostAction(sig, &rawSigaction{handler: sigDfl}, nil)
	set := uint64(1) << (sig - 1)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, sigUnblock, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
	unix.Tgkill(unix.Getpid(), unix.Gettid(), sig)
	// The signal is delivered when the kernel returns to this thread; if
	// it is somehow still pending, do not return to the guest.
	time.Sleep(100 * time.Millisecond)
	if os.Getenv("FERRY_DEBUG") != "" {
		os.Stderr.WriteString("ferry: debug: still alive after raising " + unix.SignalName(sig) + "\n")
	}
	os.Exit(128 + int(sig))
}

// stopSelf stops the process with sig's default action (job control),
// then restores ferry's handler once the process is continued.
func stopSelf(sig unix.Signal) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var old rawSigaction
	setHostAction(sig, &rawSigaction{handler: sigDfl}, &old)
	set := uint64(1) << (sig - 1)
	var oldMask uint64
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, sigUnblock, uintptr(unsafe.Pointer(&set)),
		uintptr(unsafe.Pointer(&oldMask)), 8, 0, 0)
	unix.Tgkill(unix.Getpid(), unix.Gettid(), sig)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, sigSetmask, uintptr(unsafe.Pointer(&oldMask)), 0, 8, 0, 0)
	setHostAction(sig, &old, nil)
}

// saNoCldWait is SA_NOCLDWAIT (same value on both architectures).
const saNoCldWait = 0x00000002

// childrenReaped reports whether the guest's SIGCHLD setup makes the
// kernel reap its children (SIG_IGN or SA_NOCLDWAIT): wait4 then answers
// ECHILD.
func (p *Process) childrenReaped() bool {
	act := &p.SigActions[unix.SIGCHLD]
	return atomic.LoadUint64(&act.Handler) == sigIgn || atomic.LoadUint64(&act.Flags)&saNoCldWait != 0
}

// syncChildReaping mirrors the guest's SIGCHLD setup on the host, where it
// changes what the kernel does with exited children.
func (p *Process) syncChildReaping() {
	if hostSignals.process != p {
		return
	}
	p.sig.mu.Lock()
	defer p.sig.mu.Unlock()
	reap := p.childrenReaped()
	if reap == p.sig.reaping {
		return
	}
	p.sig.reaping = reap
	if reap {
		setHostAction(unix.SIGCHLD, &rawSigaction{handler: sigIgn}, nil)
	} else {
		a := hostSignals.action
		setHostAction(unix.SIGCHLD, &a, nil)
	}
}

// rawSigaction is the kernel's struct sigaction on x86-64.
type rawSigaction struct {
	handler, flags, restorer, mask uint64
}

func setHostAction(sig unix.Signal, act *rawSigaction, old *rawSigaction) {
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(act)),
		uintptr(unsafe.Pointer(old)), 8, 0, 0)
}

const sigactionSize = 32

func (t *Thread) sysRtSigaction(a *[6]uint64) int64 {
	p := t.P
	sig := int(int32(a[0]))
	if a[3] != 8 || sig < 1 || sig > NSig {
		return errno(unix.EINVAL)
	}
	var next SigAction
	if a[1] != 0 {
		if sig == int(unix.SIGKILL) || sig == int(unix.SIGSTOP) {
			return errno(unix.EINVAL)
		}
		b, ok := p.copyIn(a[1], sigactionSize)
		if !ok {
			return errno(unix.EFAULT)
		}
		le := binary.LittleEndian
		next = SigAction{Handler: le.Uint64(b[0:]), Flags: le.Uint64(b[8:]),
			Restorer: le.Uint64(b[16:]), Mask: le.Uint64(b[24:]) &^ unblockable}
	}
	r := p.swapSigaction(sig, a[1] != 0, next, a[2])
	if r == 0 && a[1] != 0 && sig == int(unix.SIGCHLD) {
		p.syncChildReaping()
	}
	return r
}

// swapSigaction stores the old action at oldPtr (if not 0) and installs
// next (if set), one sigaction at a time.
func (p *Process) swapSigaction(sig int, set bool, next SigAction, oldPtr uint64) int64 {
	p.sig.mu.Lock()
	defer p.sig.mu.Unlock()
	cur := &p.SigActions[sig]
	if oldPtr != 0 {
		var b [sigactionSize]byte
		le := binary.LittleEndian
		le.PutUint64(b[0:], atomic.LoadUint64(&cur.Handler))
		le.PutUint64(b[8:], atomic.LoadUint64(&cur.Flags))
		le.PutUint64(b[16:], atomic.LoadUint64(&cur.Restorer))
		le.PutUint64(b[24:], atomic.LoadUint64(&cur.Mask))
		if r := p.copyOut(oldPtr, b[:]); r != 0 {
			return r
		}
	}
	if !set {
		return 0
	}
	atomic.StoreUint64(&cur.Flags, next.Flags)
	atomic.StoreUint64(&cur.Restorer, next.Restorer)
	atomic.StoreUint64(&cur.Mask, next.Mask)
	atomic.StoreUint64(&cur.Handler, next.Handler)
	// POSIX: ignoring a signal discards it where it is pending.
	if p.ignored(sig) {
		p.sig.pending.discard(sig)
		p.threadsMu.Lock()
		for _, o := range p.threads {
			o.pending.discard(sig)
		}
		p.threadsMu.Unlock()
	}
	return 0
}

func (t *Thread) sysRtSigprocmask(a *[6]uint64) int64 {
	p := t.P
	how, setPtr, oldPtr := a[0], a[1], a[2]
	if a[3] != 8 {
		return errno(unix.EINVAL)
	}
	old := t.mask()
	var set uint64
	if setPtr != 0 {
		b, ok := p.copyIn(setPtr, 8)
		if !ok {
			return errno(unix.EFAULT)
		}
		set = binary.LittleEndian.Uint64(b)
		if how != sigBlock && how != sigUnblock && how != sigSetmask {
			return errno(unix.EINVAL)
		}
	}
	if oldPtr != 0 {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], old)
		if r := p.copyOut(oldPtr, b[:]); r != 0 {
			return r
		}
	}
	if setPtr != 0 {
		next := old
		switch how {
		case sigBlock:
			next |= set
		case sigUnblock:
			next &^= set
		case sigSetmask:
			next = set
		}
		t.setMask(next)
	}
	return 0
}

// beginSuspend installs a temporary mask for the duration of a call
// (rt_sigsuspend, ppoll, pselect6, epoll_pwait); endSuspend, or the frame
// of the handler that interrupts the call, restores the old one.
func (t *Thread) beginSuspend(mask uint64) {
	t.SuspendMask, t.SuspendActive = t.mask(), true
	t.setMask(mask)
}

// endSuspend restores the mask a call replaced if no handler frame took
// it over.
func (t *Thread) endSuspend() {
	if t.SuspendActive {
		t.SuspendActive = false
		t.setMask(t.SuspendMask)
	}
}

// guestSigset reads a sigset_t argument of size bytes (which must be 8).
func (t *Thread) guestSigset(addr, size uint64) (uint64, int64) {
	if size != 8 {
		return 0, errno(unix.EINVAL)
	}
	b, ok := t.P.copyIn(addr, 8)
	if !ok {
		return 0, errno(unix.EFAULT)
	}
	return binary.LittleEndian.Uint64(b), 0
}

// waitForSignal blocks until something is queued for t (or the deadline).
func (t *Thread) waitForSignal(deadline <-chan time.Time) bool {
	select {
	case <-t.wake:
		return true
	case <-deadline:
		return false
	}
}

// sysRtSigsuspend replaces the mask and waits for a signal that runs a
// handler or kills the process: ERESTARTNOHAND, so a signal that is only
// discarded restarts it, as on Linux.
func (t *Thread) sysRtSigsuspend(a *[6]uint64) int64 {
	set, r := t.guestSigset(a[0], a[1])
	if r != 0 {
		return r
	}
	t.beginSuspend(set)
	for !t.hasDeliverable() {
		t.waitForSignal(nil)
	}
	return -errRestartNoHand
}

// sysRtSigtimedwait takes a pending signal out of set (which the guest
// normally blocks) without running a handler, waiting up to the timeout.
func (t *Thread) sysRtSigtimedwait(a *[6]uint64) int64 {
	set, r := t.guestSigset(a[0], a[3])
	if r != 0 {
		return r
	}
	set &^= unblockable
	var deadline <-chan time.Time
	if a[2] != 0 {
		ts, ok := t.P.copyIn(a[2], 16)
		if !ok {
			return errno(unix.EFAULT)
		}
		sec, nsec := int64(binary.LittleEndian.Uint64(ts[0:])), int64(binary.LittleEndian.Uint64(ts[8:]))
		if sec < 0 || nsec < 0 || nsec >= 1e9 {
			return errno(unix.EINVAL)
		}
		deadline = time.After(time.Duration(sec)*time.Second + time.Duration(nsec))
	}
	atomic.StoreUint64(&t.waitSet, set)
	defer atomic.StoreUint64(&t.waitSet, 0)
	for {
		if sig, info, ok := t.takeDeliverable(set); ok {
			if a[1] != 0 {
				var b [siginfoSize]byte
				info.encode(b[:])
				if r := t.P.copyOut(a[1], b[:]); r != 0 {
					return r
				}
			}
			return int64(sig)
		}
		if t.hasDeliverable() {
			return -errRestartNoHand
		}
		if !t.waitForSignal(deadline) {
			return errno(unix.EAGAIN)
		}
	}
}

func (t *Thread) sysRtSigpending(a *[6]uint64) int64 {
	if a[1] > 8 {
		return errno(unix.EINVAL)
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], (t.pending.pending()|t.P.sig.pending.pending())&t.mask())
	return t.P.copyOut(a[0], b[:a[1]])
}

// sysSigaltstack records the alternate signal stack (stack_t: sp, int
// flags, size), validating it like the kernel.
func (t *Thread) sysSigaltstack(a *[6]uint64) int64 {
	p := t.P
	le := binary.LittleEndian
	var next AltStack
	if a[0] != 0 {
		b, ok := p.copyIn(a[0], 24)
		if !ok {
			return errno(unix.EFAULT)
		}
		next = AltStack{SP: le.Uint64(b[0:]), Flags: int32(le.Uint32(b[8:])), Size: le.Uint64(b[16:])}
		mode := uint32(next.Flags) &^ ssAutoDisarm
		if mode != 0 && mode != ssOnStack && mode != ssDisable {
			return errno(unix.EINVAL)
		}
		if t.onAltStack(t.CPU.X[31]) {
			return errno(unix.EPERM)
		}
		if mode == ssDisable {
			next = AltStack{Flags: ssDisable}
		} else if next.Size < minSigStkSize {
			return errno(unix.ENOMEM)
		}
	}
	if a[1] != 0 {
		old := t.AltStack
		flags := uint32(old.Flags)
		if old.Size == 0 {
			flags = ssDisable
		} else if t.onAltStack(t.CPU.X[31]) {
			flags |= ssOnStack
		}
		var b [24]byte
		le.PutUint64(b[0:], old.SP)
		le.PutUint32(b[8:], flags)
		le.PutUint64(b[16:], old.Size)
		if r := p.copyOut(a[1], b[:]); r != 0 {
			return r
		}
	}
	if a[0] != 0 {
		t.AltStack = next
	}
	return 0
}

// signalProcess handles a signal the guest sends to its own process.
func (t *Thread) signalProcess(info SigInfo) int64 {
	sig := int(info.Signo)
	switch unix.Signal(sig) {
	case 0:
		return 0
	case unix.SIGKILL, unix.SIGSTOP:
		return host(unix.SYS_KILL, uint64(t.P.Pid), uint64(sig))
	}
	t.P.sendProcess(info, t)
	return 0
}

// signalThread handles a signal the guest sends to one of its threads.
func (t *Thread) signalThread(target *Thread, info SigInfo) int64 {
	sig := int(info.Signo)
	switch unix.Signal(sig) {
	case 0:
		return 0
	case unix.SIGKILL, unix.SIGSTOP:
		return host(unix.SYS_TGKILL, uint64(t.P.Pid), uint64(target.Tid), uint64(sig))
	}
	target.sendThread(info, t)
	return 0
}

func validSignal(sig int) bool { return sig >= 0 && sig <= NSig }

func (t *Thread) sysKill(a *[6]uint64) int64 {
	sig := int(int32(a[1]))
	if int32(a[0]) == int32(t.P.Pid) {
		if !validSignal(sig) {
			return errno(unix.EINVAL)
		}
		return t.signalProcess(t.selfInfo(sig, siUser))
	}
	return host(unix.SYS_KILL, a[0], a[1])
}

func (t *Thread) sysTkill(a *[6]uint64) int64 {
	sig := int(int32(a[1]))
	if target := t.P.thread(int(int32(a[0]))); target != nil {
		if !validSignal(sig) {
			return errno(unix.EINVAL)
		}
		return t.signalThread(target, t.selfInfo(sig, siTkill))
	}
	return t.foreignTid(int32(a[0]), func() int64 { return host(unix.SYS_TKILL, a[0], a[1]) })
}

func (t *Thread) sysTgkill(a *[6]uint64) int64 {
	sig := int(int32(a[2]))
	if int32(a[0]) == int32(t.P.Pid) {
		target := t.P.thread(int(int32(a[1])))
		if target == nil {
			return errno(unix.ESRCH)
		}
		if !validSignal(sig) {
			return errno(unix.EINVAL)
		}
		return t.signalThread(target, t.selfInfo(sig, siTkill))
	}
	return host(unix.SYS_TGKILL, a[0], a[1], a[2])
}

// foreignTid forwards a tid-addressed call to the host unless the tid is
// one of ferry's own host threads that is not a guest thread (which the
// guest must not be able to reach).
func (t *Thread) foreignTid(tid int32, call func() int64) int64 {
	if tid <= 0 {
		return errno(unix.EINVAL)
	}
	if _, err := os.Stat("/proc/self/task/" + strconv.Itoa(int(tid))); err == nil {
		return errno(unix.ESRCH)
	}
	return call()
}

// queuedInfo reads the siginfo a guest passes to rt_sigqueueinfo; like
// the kernel, it refuses to let the caller pose as the kernel or as kill.
func (t *Thread) queuedInfo(sig int, addr uint64, target int) (SigInfo, int64) {
	b, ok := t.P.copyIn(addr, siginfoSize)
	if !ok {
		return SigInfo{}, errno(unix.EFAULT)
	}
	var info SigInfo
	info.decode(b)
	info.Signo = int32(sig)
	if (info.Code >= 0 || info.Code == siTkill) && target != t.P.Pid {
		return SigInfo{}, errno(unix.EPERM)
	}
	return info, 0
}

func (t *Thread) sysRtSigqueueinfo(a *[6]uint64) int64 {
	pid, sig := int(int32(a[0])), int(int32(a[1]))
	if pid != t.P.Pid {
		return host(unix.SYS_RT_SIGQUEUEINFO, a[0], a[1], a[2])
	}
	if !validSignal(sig) || sig == 0 {
		return errno(unix.EINVAL)
	}
	info, r := t.queuedInfo(sig, a[2], pid)
	if r != 0 {
		return r
	}
	return t.signalProcess(info)
}

func (t *Thread) sysRtTgsigqueueinfo(a *[6]uint64) int64 {
	pid, tid, sig := int(int32(a[0])), int(int32(a[1])), int(int32(a[2]))
	if pid != t.P.Pid {
		return host(unix.SYS_RT_TGSIGQUEUEINFO, a[0], a[1], a[2], a[3])
	}
	target := t.P.thread(tid)
	if target == nil {
		return errno(unix.ESRCH)
	}
	if !validSignal(sig) || sig == 0 {
		return errno(unix.EINVAL)
	}
	info, r := t.queuedInfo(sig, a[3], pid)
	if r != 0 {
		return r
	}
	return t.signalThread(target, info)
}
