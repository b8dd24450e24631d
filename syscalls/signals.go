package syscalls

import (
	"encoding/binary"
	"math/bits"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Guest signal handling. The guest's dispositions live in
// Process.SigActions; host signals reach ferry through the Go runtime
// (os/signal), and ferry applies the guest's disposition to them: ignore,
// the default action (die of the signal, stop, or nothing), or queue it in
// SigPending for a guest handler.
//
// SigActions, SigMask and SigPending are read by the signal goroutine and
// written by the guest thread, so they are accessed atomically (their
// layout stays plain data).

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

func (p *Process) handlerOf(sig int) uint64 {
	return atomic.LoadUint64(&p.SigActions[sig].Handler)
}

// HasDeliverableSignal reports whether a signal for a guest handler is
// pending and not blocked.
func (p *Process) HasDeliverableSignal() bool {
	return atomic.LoadUint64(&p.SigPending)&^atomic.LoadUint64(&p.SigMask) != 0
}

// RaiseSelf sends sig to the guest process itself and applies the guest's
// disposition right away, before the guest runs again (abort() relies on
// dying inside raise()).
func (p *Process) RaiseSelf(sig unix.Signal) {
	p.signalArrived(p.selfInfo(int(sig), siUser))
}

// selfInfo is the siginfo of a signal the guest sent itself.
func (p *Process) selfInfo(sig int, code int32) SigInfo {
	return SigInfo{Signo: int32(sig), Code: code, Pid: uint32(p.Pid), Uid: uint32(os.Getuid())}
}

// queue marks sig pending for a guest handler with its siginfo. Like
// Linux for standard signals, a signal already pending is not queued
// twice (the first siginfo stays).
func (p *Process) queue(info SigInfo) {
	sig := int(info.Signo)
	p.lockSignals()
	if atomic.LoadUint64(&p.SigPending)&sigBit(sig) == 0 {
		p.PendingInfo[sig] = info
		atomic.OrUint64(&p.SigPending, sigBit(sig))
	}
	p.unlockSignals()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *Process) lockSignals() {
	for !atomic.CompareAndSwapUint32(&p.sigLock, 0, 1) {
		runtime.Gosched()
	}
}

func (p *Process) unlockSignals() { atomic.StoreUint32(&p.sigLock, 0) }

// dequeue takes sig off the pending set and returns its siginfo.
func (p *Process) dequeue(sig int) SigInfo {
	p.lockSignals()
	defer p.unlockSignals()
	atomic.AndUint64(&p.SigPending, ^sigBit(sig))
	return p.PendingInfo[sig]
}

// signalArrived applies the guest's disposition to a signal.
func (p *Process) signalArrived(info SigInfo) {
	sig := int(info.Signo)
	if sig < 1 || sig > NSig {
		return
	}
	switch h := p.handlerOf(sig); h {
	case sigIgn:
		return
	case sigDfl:
		act := defaultActionOf(sig)
		if act == actIgnore || act == actContinue {
			return
		}
		if atomic.LoadUint64(&p.SigMask)&sigBit(sig) != 0 {
			p.queue(info)
			return
		}
		if act == actStop {
			stopSelf(unix.Signal(sig))
			return
		}
		DieOfSignal(unix.Signal(sig))
	default:
		p.queue(info)
	}
}

// applyUnblocked performs the default action of pending signals that the
// guest just unblocked (handled ones stay queued for delivery).
func (p *Process) applyUnblocked() {
	ready := atomic.LoadUint64(&p.SigPending) &^ atomic.LoadUint64(&p.SigMask)
	for sig := 1; sig <= NSig; sig++ {
		if ready&sigBit(sig) != 0 && p.handlerOf(sig) == sigDfl {
			p.signalArrived(p.dequeue(sig))
		}
	}
}

// forwardedSignals are the host signals ferry takes over from the Go
// runtime's default handling. Left out: SIGKILL and SIGSTOP (uncatchable),
// the synchronous fault signals (SEGV, BUS, FPE, ILL, TRAP: they are the
// engines' business), SIGURG (Go's preemption; ignored by default anyway),
// SIGPROF (Go's profiler) and the two signals glibc reserves (32, 33).
func forwardedSignals() []os.Signal {
	var out []os.Signal
	for s := 1; s <= NSig; s++ {
		switch unix.Signal(s) {
		case unix.SIGKILL, unix.SIGSTOP, unix.SIGSEGV, unix.SIGBUS, unix.SIGFPE, unix.SIGILL,
			unix.SIGTRAP, unix.SIGURG, unix.SIGPROF, 32, 33:
			continue
		}
		out = append(out, syscall.Signal(s))
	}
	return out
}

// ForwardHostSignals makes host signals sent to ferry act on the guest:
// they follow the guest's dispositions instead of the Go runtime's
// defaults (which would, for example, dump goroutines on SIGQUIT or ignore
// SIGALRM and SIGUSR1).
func (p *Process) ForwardHostSignals() {
	ch := make(chan os.Signal, 64)
	p.hostSignals = ch
	signal.Notify(ch, forwardedSignals()...)
	p.syncChildReaping()
	go func() {
		for s := range ch {
			// os/signal does not pass the sender on: report a
			// kill() from an unknown process.
			if sig, ok := s.(syscall.Signal); ok {
				p.signalArrived(SigInfo{Signo: int32(sig), Code: siUser})
			}
		}
	}()
}

// saNoCldWait is SA_NOCLDWAIT (same value on both architectures).
const saNoCldWait = 0x00000002

// syncChildReaping mirrors the guest's SIGCHLD setup that changes kernel
// behaviour: with SIGCHLD ignored (or SA_NOCLDWAIT) children are reaped
// automatically and wait4 answers ECHILD. The host kernel does that only if
// ferry itself ignores SIGCHLD.
func (p *Process) syncChildReaping() {
	if p.hostSignals == nil {
		return
	}
	act := &p.SigActions[unix.SIGCHLD]
	if act.Handler == sigIgn || act.Flags&saNoCldWait != 0 {
		signal.Ignore(unix.SIGCHLD)
		p.reapingChildren = true
	} else if p.reapingChildren {
		signal.Notify(p.hostSignals, unix.SIGCHLD)
		p.reapingChildren = false
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

// DieOfSignal ends ferry the way the guest would end: killed by sig, so
// that the parent's wait status (and a shell's $?, 128+sig) is the same.
// The Go runtime's handler is replaced by the default action first.
func DieOfSignal(sig unix.Signal) {
	runtime.LockOSThread()
	setHostAction(sig, &rawSigaction{handler: sigDfl}, nil)
	set := uint64(1) << (sig - 1)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, sigUnblock, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
	unix.Tgkill(unix.Getpid(), unix.Gettid(), sig)
	// The signal is delivered when the kernel returns to this thread; if
	// some other thread blocks it and it is somehow still pending, do not
	// return to the guest.
	time.Sleep(100 * time.Millisecond)
	os.Exit(128 + int(sig))
}

// stopSelf stops the process with sig's default action (job control),
// then restores the Go runtime's handler once the process is continued.
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

const sigactionSize = 32

func (p *Process) sysRtSigaction(a *[6]uint64) int64 {
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
	if a[2] != 0 {
		old := p.SigActions[sig]
		var b [sigactionSize]byte
		le := binary.LittleEndian
		le.PutUint64(b[0:], old.Handler)
		le.PutUint64(b[8:], old.Flags)
		le.PutUint64(b[16:], old.Restorer)
		le.PutUint64(b[24:], old.Mask)
		if r := p.copyOut(a[2], b[:]); r != 0 {
			return r
		}
	}
	if a[1] != 0 {
		cur := &p.SigActions[sig]
		atomic.StoreUint64(&cur.Flags, next.Flags)
		atomic.StoreUint64(&cur.Restorer, next.Restorer)
		atomic.StoreUint64(&cur.Mask, next.Mask)
		atomic.StoreUint64(&cur.Handler, next.Handler)
		if sig == int(unix.SIGCHLD) {
			p.syncChildReaping()
		}
		// POSIX: ignoring a signal discards it if pending.
		if next.Handler == sigIgn || next.Handler == sigDfl && defaultActionOf(sig) == actIgnore {
			atomic.AndUint64(&p.SigPending, ^sigBit(sig))
		}
	}
	return 0
}

func (p *Process) sysRtSigprocmask(a *[6]uint64) int64 {
	how, setPtr, oldPtr := a[0], a[1], a[2]
	if a[3] != 8 {
		return errno(unix.EINVAL)
	}
	old := atomic.LoadUint64(&p.SigMask)
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
		atomic.StoreUint64(&p.SigMask, next&^unblockable)
		p.applyUnblocked()
	}
	return 0
}

// sysRtSigsuspend replaces the mask and waits for a signal that has a
// handler (or kills the process). It always fails with EINTR; the
// handler's frame saves the mask from before the call, so rt_sigreturn
// restores it, as Linux does.
func (p *Process) sysRtSigsuspend(a *[6]uint64) int64 {
	if a[1] != 8 {
		return errno(unix.EINVAL)
	}
	b, ok := p.copyIn(a[0], 8)
	if !ok {
		return errno(unix.EFAULT)
	}
	p.SuspendMask, p.SuspendActive = atomic.LoadUint64(&p.SigMask), true
	atomic.StoreUint64(&p.SigMask, binary.LittleEndian.Uint64(b)&^unblockable)
	wake := p.wake
	for {
		p.applyUnblocked()
		if p.HasDeliverableSignal() {
			return errno(unix.EINTR)
		}
		<-wake
	}
}

// sysRtSigtimedwait takes a pending signal out of set (which the guest
// normally blocks) without running a handler, waiting up to the timeout.
func (p *Process) sysRtSigtimedwait(a *[6]uint64) int64 {
	if a[3] != 8 {
		return errno(unix.EINVAL)
	}
	b, ok := p.copyIn(a[0], 8)
	if !ok {
		return errno(unix.EFAULT)
	}
	set := binary.LittleEndian.Uint64(b) &^ unblockable
	var deadline <-chan time.Time
	if a[2] != 0 {
		ts, ok := p.copyIn(a[2], 16)
		if !ok {
			return errno(unix.EFAULT)
		}
		sec, nsec := int64(binary.LittleEndian.Uint64(ts[0:])), int64(binary.LittleEndian.Uint64(ts[8:]))
		if sec < 0 || nsec < 0 || nsec >= 1e9 {
			return errno(unix.EINVAL)
		}
		deadline = time.After(time.Duration(sec)*time.Second + time.Duration(nsec))
	}
	wake := p.wake
	for {
		if ready := atomic.LoadUint64(&p.SigPending) & set; ready != 0 {
			sig := bits.TrailingZeros64(ready) + 1
			info := p.dequeue(sig)
			if a[1] != 0 {
				if r := p.copyOut(a[1], encodeSiginfo(info)); r != 0 {
					return r
				}
			}
			return int64(sig)
		}
		if p.HasDeliverableSignal() {
			return errno(unix.EINTR)
		}
		select {
		case <-wake:
		case <-deadline:
			return errno(unix.EAGAIN)
		}
	}
}

// encodeSiginfo lays out a siginfo_t (128 bytes) for a kill-style signal.
func encodeSiginfo(info SigInfo) []byte {
	b := make([]byte, siginfoSize)
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(info.Signo))
	le.PutUint32(b[8:], uint32(info.Code))
	le.PutUint32(b[16:], info.Pid)
	le.PutUint32(b[20:], info.Uid)
	return b
}

func (p *Process) sysRtSigpending(a *[6]uint64) int64 {
	if a[1] != 8 {
		return errno(unix.EINVAL)
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], atomic.LoadUint64(&p.SigPending)&atomic.LoadUint64(&p.SigMask))
	return p.copyOut(a[0], b[:])
}

// sysSigaltstack records the alternate signal stack (stack_t: sp, int
// flags, size), validating it like the kernel.
func (p *Process) sysSigaltstack(a *[6]uint64) int64 {
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
		if mode == ssDisable {
			next = AltStack{Flags: ssDisable}
		} else if next.Size < minSigStkSize {
			return errno(unix.ENOMEM)
		}
	}
	if a[1] != 0 {
		old := p.AltStack
		if old.Size == 0 {
			old.Flags = ssDisable
		}
		var b [24]byte
		le.PutUint64(b[0:], old.SP)
		le.PutUint32(b[8:], uint32(old.Flags))
		le.PutUint64(b[16:], old.Size)
		if r := p.copyOut(a[1], b[:]); r != 0 {
			return r
		}
	}
	if a[0] != 0 {
		p.AltStack = next
	}
	return 0
}

// signalSelf handles a kill (code SI_USER) or tkill/tgkill (SI_TKILL)
// aimed at the guest itself.
func (p *Process) signalSelf(sig int, code int32) int64 {
	if sig < 0 || sig > NSig {
		return errno(unix.EINVAL)
	}
	switch unix.Signal(sig) {
	case 0:
		return 0
	case unix.SIGKILL, unix.SIGSTOP:
		return host(unix.SYS_KILL, uint64(p.Pid), uint64(sig))
	}
	p.signalArrived(p.selfInfo(sig, code))
	return 0
}

func (p *Process) sysKill(a *[6]uint64) int64 {
	if int32(a[0]) == int32(p.Pid) {
		return p.signalSelf(int(int32(a[1])), siUser)
	}
	return host(unix.SYS_KILL, a[0], a[1])
}

func (p *Process) sysTkill(a *[6]uint64) int64 {
	if int32(a[0]) == int32(p.Pid) {
		return p.signalSelf(int(int32(a[1])), siTkill)
	}
	return host(unix.SYS_TKILL, a[0], a[1])
}

func (p *Process) sysTgkill(a *[6]uint64) int64 {
	if int32(a[0]) == int32(p.Pid) && int32(a[1]) == int32(p.Pid) {
		return p.signalSelf(int(int32(a[2])), siTkill)
	}
	return host(unix.SYS_TGKILL, a[0], a[1], a[2])
}
