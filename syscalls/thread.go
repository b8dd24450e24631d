package syscalls

import (
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"unsafe"

	"ferry/backend"
	"ferry/ir"
	"ferry/syscalls/guestmem"

	"golang.org/x/sys/unix"
)

// Guest threads. Every guest thread runs on its own goroutine locked to its
// own host thread for its whole life, so its host tid is its guest tid, the
// host kernel's per-thread machinery works on it unchanged (futexes on guest
// memory, set_robust_list and clear_child_tid, which the kernel processes
// when that host thread dies), and a thread-directed signal reaches exactly
// the host thread that runs it. The goroutine ends with the guest thread
// without unlocking, which makes the Go runtime end the host thread too.

// ThreadState is a guest thread's own state as plain data (a fork carries
// the forking thread's into the child).
type ThreadState struct {
	Tid      int
	SigMask  uint64 // blocked signals, bit n-1 for signal n; atomic
	AltStack AltStack
	// SuspendMask is the mask rt_sigsuspend (or ppoll, pselect6,
	// epoll_pwait with a mask) replaced; the next handler's frame saves it
	// instead of the temporary one (while SuspendActive).
	SuspendMask   uint64
	SuspendActive bool

	ClearChildTID uint64 // set_tid_address / CLONE_CHILD_CLEARTID
	RobustList    uint64 // set_robust_list head
	RobustListLen uint64

	// Comm is the name the thread's host thread gets when it starts (the
	// kernel's per-thread comm): the program's basename for a new
	// process, the creating thread's name for a thread or a fork child.
	// The host kernel holds the name from then on (prctl PR_SET_NAME and
	// writes to /proc/.../comm go straight to it).
	Comm string
}

// Thread is one guest thread: its registers, its engine runner and its
// signal state. Only its own host thread touches CPU and the plain
// fields; other threads reach it through the signal functions.
type Thread struct {
	ThreadState
	CPU ir.CPU
	P   *Process

	runner  backend.Runner
	main    bool     // the process's first thread (host tid == pid)
	pending sigQueue // thread-directed pending signals (under P.sig.mu)
	// waitSet is the set rt_sigtimedwait is waiting for: such signals
	// count as unblocked when a process-directed one picks its thread.
	waitSet uint64
	wake    chan struct{} // a signal was queued for this thread
	// execName is the name the kernel would give the image execve is
	// starting: the basename of the path the guest passed (busybox, for
	// one, re-executes /proc/self/exe and expects "exe").
	execName string
}

func (p *Process) newThread(main bool) *Thread {
	return &Thread{P: p, main: main, wake: make(chan struct{}, 1)}
}

// NewMainThread returns the process's first thread, which will run on the
// calling goroutine's host thread (ferry's main thread).
func (p *Process) NewMainThread(cpu ir.CPU) *Thread {
	t := p.newThread(true)
	t.CPU = cpu
	t.Tid = p.Pid
	return t
}

// Start runs the guest from its main thread t; it returns only if the
// guest exits in a test (see Process.exitHook): in ferry, the last thread
// ends the process.
func (t *Thread) Start() {
	runtime.LockOSThread()
	p := t.P
	installHostSignals(p)
	p.threadsMu.Lock()
	p.threads[t.Tid] = t
	p.threadsMu.Unlock()
	t.Run()
}

// Run is the thread's dispatcher: it runs guest code until the guest needs
// the runtime and serves it. Pending signals are delivered before guest
// code runs again (a time slice bounds how long that takes).
func (t *Thread) Run() {
	if t.runner == nil {
		t.runner = t.P.Engine.NewRunner()
	}
	unblockHostSignals()
	cpu := &t.CPU
	for {
		atomic.StoreUint32(&cpu.Interrupt, 0)
		t.P.routePending()
		// Like the kernel on its way back to user mode: a frame for every
		// deliverable signal, each handler's mask applying to the next,
		// so the last one set up runs first.
		for t.hasDeliverable() && t.deliverSignals(nil) {
		}
		switch reason := t.runner.Run(cpu); reason {
		case ir.ExitSyscall:
			if t.Syscall() {
				return
			}
		case ir.ExitBudget, ir.ExitNone:
			// Time slice over: a safe point for the Go runtime, and the
			// place asynchronous signals are delivered.
		case ir.ExitUndefined:
			t.fault(SigInfo{Signo: int32(unix.SIGILL), Code: ILL_ILLOPC}.withAddr(cpu.PC),
				fmt.Sprintf("illegal instruction at %#x: %08x", cpu.PC, uint32(cpu.ExitInfo)))
		case ir.ExitCodeChanged:
			// IC IVAU: the cache line at the register's address.
			var addr uint64
			if n := cpu.ExitInfo; n < 31 {
				addr = cpu.X[n]
			}
			line := addr &^ (icacheLine - 1)
			t.P.codeChanged(line, line+icacheLine)
			cpu.PC += 4
		case ir.ExitBreakpoint:
			t.fault(SigInfo{Signo: int32(unix.SIGTRAP), Code: TRAP_BRKPT}.withAddr(cpu.PC),
				fmt.Sprintf("breakpoint (brk #%#x) at %#x", cpu.ExitInfo, cpu.PC))
		case ir.ExitFault:
			info := t.P.memoryFault(cpu.ExitInfo)
			what := "segmentation fault"
			if info.Signo == int32(unix.SIGBUS) {
				what = "bus error (beyond the end of a mapped file)"
			}
			t.fault(info, fmt.Sprintf("%s at %#x (pc %#x)", what, cpu.ExitInfo, cpu.PC))
		default:
			panic(fmt.Sprintf("engine returned exit reason %d at pc %#x", reason, cpu.PC))
		}
	}
}

// fault hands a synchronous fault to the guest's handler, or ends the
// process with its signal (after one line saying what happened) as the
// kernel would.
func (t *Thread) fault(info SigInfo, what string) {
	if !t.DeliverFault(info) {
		fmt.Fprintf(t.P.log(), "ferry: %s\n", what)
		DieOfSignal(unix.Signal(info.Signo))
	}
}

// Linux's internal "restart" results (include/linux/errno.h): a system
// call interrupted by a signal returns one of them, and signal delivery
// turns it into EINTR or a restart of the call, depending on whether a
// handler runs and on its SA_RESTART flag.
const (
	errRestartSys          = 512 // restart if no handler runs or it has SA_RESTART
	errRestartNoIntr       = 513 // always restart
	errRestartNoHand       = 514 // restart only if no handler runs
	errRestartRestartBlock = 516 // like NoHand (nanosleep: restart with the time left)
)

func isRestart(ret int64) bool {
	switch -ret {
	case errRestartSys, errRestartNoIntr, errRestartNoHand, errRestartRestartBlock:
		return true
	}
	return false
}

// Syscall performs the system call the guest requested with SVC #0: number
// in X8, arguments in X0..X5, result (or -errno) into X0. It reports true
// when the calling thread has ended (only in tests; a real thread's
// goroutine ends inside exit).
func (t *Thread) Syscall() (ended bool) {
	cpu := &t.CPU
	nr := cpu.X[8]
	args := [6]uint64{cpu.X[0], cpu.X[1], cpu.X[2], cpu.X[3], cpu.X[4], cpu.X[5]}
	def := lookup(nr)
	p := t.P

	var ret int64
	switch {
	case def.fn == nil:
		ret = -int64(unix.ENOSYS)
		p.reportUnsupported(nr, def.name, &args)
	case def.fdArgs != 0 && namesOwnFD(def.fdArgs, &args):
		ret = errno(unix.EBADF) // ferry's, not the guest's (fdlimit.go)
	case def.hasBuf && p.checkGuestBuf(def.buf, &args) != 0:
		ret = errno(unix.EFAULT) // not guest memory (guestbuf.go)
	case def.flags&memWrite != 0:
		p.memMu.Lock()
		ret = def.fn(t, &args)
		p.memMu.Unlock()
	default:
		ret = def.fn(t, &args)
	}
	switch {
	case def.flags&newFD != 0:
		ret = p.checkNewFD(ret)
	case def.flags&newFDPair != 0:
		ret = p.checkNewFDPair(ret, args[newFDPairArg(nr)])
	}
	if def.flags&threadEnded != 0 && ret == 0 {
		return true
	}
	if ret == -int64(unix.EINTR) {
		ret = interruptedResult(def, &args)
	}
	if def.flags&noResult != 0 {
		return false
	}
	p.routePending()
	if p.Strace {
		p.trace(def, &args, ret)
	}
	if isRestart(ret) {
		if !t.deliverSignals(&restartInfo{code: -ret, origX0: args[0]}) {
			// No handler ran: the call starts again.
			t.endSuspend()
			cpu.PC -= 4
			cpu.X[0] = args[0]
		}
		return false
	}
	cpu.X[0] = uint64(ret)
	t.endSuspend()
	if ret == -int64(unix.EPIPE) && raisesSIGPIPE(def, &args) {
		t.sendThread(t.selfInfo(int(unix.SIGPIPE), siUser), t)
	}
	return false
}

// interruptedResult is what a host EINTR of this call means for the
// guest: one of the kernel's restart codes, or EINTR itself.
func interruptedResult(def *syscallDef, a *[6]uint64) int64 {
	switch {
	case def.flags&intrNoHand != 0:
		return -errRestartNoHand
	case def.flags&intrPassEINTR != 0:
		return errno(unix.EINTR)
	case def.flags&intrRcvTimeo != 0 && socketTimeout(int(int32(a[0])), unix.SO_RCVTIMEO),
		def.flags&intrSndTimeo != 0 && socketTimeout(int(int32(a[0])), unix.SO_SNDTIMEO):
		return errno(unix.EINTR)
	}
	return -errRestartSys
}

// socketTimeout reports whether fd is a socket with the timeout opt set.
func socketTimeout(fd, opt int) bool {
	tv, err := unix.GetsockoptTimeval(fd, unix.SOL_SOCKET, opt)
	return err == nil && (tv.Sec != 0 || tv.Usec != 0)
}

// restartInfo describes a system call that a signal interrupted, for the
// frame of the handler that runs first (see deliver).
type restartInfo struct {
	code   int64 // errRestart*
	origX0 uint64
}

// clone flags (same on arm64 and x86-64).
const (
	cloneCSignal       = 0x000000ff
	cloneVM            = 0x00000100
	cloneFS            = 0x00000200
	cloneFiles         = 0x00000400
	cloneSighand       = 0x00000800
	clonePidfd         = 0x00001000
	clonePtrace        = 0x00002000
	cloneVfork         = 0x00004000
	cloneParent        = 0x00008000
	cloneThread        = 0x00010000
	cloneNewNS         = 0x00020000
	cloneSysvsem       = 0x00040000
	cloneSettls        = 0x00080000
	cloneParentSettid  = 0x00100000
	cloneChildCleartid = 0x00200000
	cloneDetached      = 0x00400000
	cloneUntraced      = 0x00800000
	cloneChildSettid   = 0x01000000
	cloneNewCgroup     = 0x02000000
	cloneNewUTS        = 0x04000000
	cloneNewIPC        = 0x08000000
	cloneNewUser       = 0x10000000
	cloneNewPID        = 0x20000000
	cloneNewNet        = 0x40000000
	cloneIO            = 0x80000000

	// cloneNewMask are the namespace flags, passed through to the host
	// for a new process.
	cloneNewMask = cloneNewNS | cloneNewCgroup | cloneNewUTS | cloneNewIPC | cloneNewUser | cloneNewPID | cloneNewNet

	// threadFlags is what glibc's pthread_create passes (with SETTLS,
	// PARENT_SETTID and CHILD_CLEARTID); Go's runtime passes the same
	// minus the tid options.
	threadFlags = cloneVM | cloneFS | cloneFiles | cloneSighand | cloneThread
)

func (t *Thread) sysClone(a *[6]uint64) int64 {
	flags, newSP, parentTID, tls, childTID := a[0], a[1], a[2], a[3], a[4]
	return t.clone(cloneArgs{flags: flags, stack: newSP, parentTID: parentTID, tls: tls, childTID: childTID})
}

// cloneArgs are clone's and clone3's arguments in one form.
type cloneArgs struct {
	flags, stack, parentTID, tls, childTID uint64
}

// sysClone3 reads struct clone_args (the same on both architectures):
// flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
// set_tid, set_tid_size, cgroup.
func (t *Thread) sysClone3(a *[6]uint64) int64 {
	const minSize, knownSize = 64, 88
	size := a[1]
	if size < minSize || size > guestmem.PageSize {
		return errno(unix.EINVAL)
	}
	b, ok := t.P.copyIn(a[0], size)
	if !ok {
		return errno(unix.EFAULT)
	}
	for _, c := range b[min(size, knownSize):] {
		if c != 0 {
			return errno(unix.E2BIG)
		}
	}
	le := binary.LittleEndian
	word := func(i int) uint64 {
		if uint64(8*i+8) > size {
			return 0
		}
		return le.Uint64(b[8*i:])
	}
	c := cloneArgs{flags: word(0), childTID: word(2), parentTID: word(3),
		tls: word(7)}
	if stack, stackSize := word(5), word(6); stack != 0 {
		if stackSize == 0 {
			return errno(unix.EINVAL)
		}
		c.stack = stack + stackSize // clone3 gives the lowest address
	}
	if word(9) != 0 || word(10) != 0 { // set_tid, cgroup: not for a translator to honour
		return errno(unix.EINVAL)
	}
	exitSignal := word(4)
	if c.flags&cloneCSignal != 0 || exitSignal > NSig {
		return errno(unix.EINVAL)
	}
	c.flags |= exitSignal
	return t.clone(c)
}

// clone creates a thread (CLONE_VM|CLONE_THREAD) or a process.
func (t *Thread) clone(c cloneArgs) int64 {
	if c.flags&cloneThread != 0 {
		return t.cloneThread(c)
	}
	if c.flags&(cloneSighand|cloneFiles|cloneFS) != 0 {
		// A process sharing signal handlers or the fd table with its
		// parent would have to share the translator: refused, as glibc
		// and Go never ask for it.
		return errno(unix.EINVAL)
	}
	return t.forkProcess(c)
}

// cloneThread starts a guest thread on a new host thread.
func (t *Thread) cloneThread(c cloneArgs) int64 {
	// The kernel's own consistency rules (copy_process): a thread shares
	// the signal handlers, which needs a shared address space.
	if c.flags&(cloneVM|cloneSighand) != cloneVM|cloneSighand {
		return errno(unix.EINVAL)
	}
	if c.flags&(cloneNewNS|cloneNewUser|cloneNewPID|cloneNewNet|cloneNewUTS|cloneNewIPC|cloneNewCgroup|clonePidfd|cloneVfork) != 0 {
		return errno(unix.EINVAL)
	}
	if c.flags&(cloneFS|cloneFiles) != cloneFS|cloneFiles {
		// A thread with its own cwd or fd table: the host thread would
		// need unshare(CLONE_FS/FILES), which Go's runtime threads must
		// not see. Nothing real asks for it.
		return errno(unix.EINVAL)
	}
	p := t.P
	if c.flags&cloneParentSettid != 0 && !p.writable(c.parentTID, 4) {
		return errno(unix.EFAULT)
	}
	child := p.newThread(false)
	child.CPU = t.CPU
	child.CPU.X[0] = 0
	if c.stack != 0 {
		child.CPU.X[31] = c.stack
	}
	if c.flags&cloneSettls != 0 {
		child.CPU.TPIDR = c.tls
	}
	child.CPU.ExclSize = 0
	child.CPU.Retired = 0
	child.SigMask = atomic.LoadUint64(&t.SigMask)
	// A new thread starts with no alternate signal stack (the kernel
	// clears it for CLONE_VM without CLONE_VFORK).
	child.AltStack = AltStack{Flags: ssDisable}
	child.runner = p.takeRunner()
	child.Comm = hostThreadName() // a new thread starts with its creator's name

	creds, err := currentCreds()
	if err != nil {
		p.releaseRunner(child.runner)
		return errno(unix.EAGAIN)
	}
	started := make(chan int)
	go child.startThread(c, creds, started)
	tid := <-started
	if tid < 0 {
		p.releaseRunner(child.runner)
	}
	return int64(tid)
}

// icacheLine is the instruction cache line CTR_EL0 reports (IminLine 4:
// 16 words), the span one IC IVAU invalidates.
const icacheLine = 64

// startThread is the new thread's goroutine: it takes its own host thread,
// publishes its tid the way clone's flags ask, and runs the guest.
func (t *Thread) startThread(c cloneArgs, creds threadCreds, started chan<- int) {
	runtime.LockOSThread() // for good: the host thread ends with the guest thread
	defer t.P.recoverInternalError()
	if err := adoptCreds(creds); err != nil {
		// This host thread holds less than its creator (it cannot take
		// the creator's credentials): clone fails as for lack of
		// resources, and the thread ends with its goroutine.
		started <- -int(unix.EAGAIN)
		return
	}
	t.Tid = unix.Gettid()
	// The Go runtime may have made this host thread from any of its
	// threads, named ferry: give it the guest's name.
	setHostThreadName(t.Comm)
	le := binary.LittleEndian
	p := t.P
	if c.flags&cloneChildSettid != 0 && p.writable(c.childTID, 4) {
		le.PutUint32(guestBytes(c.childTID, 4), uint32(t.Tid))
	}
	if c.flags&cloneParentSettid != 0 {
		le.PutUint32(guestBytes(c.parentTID, 4), uint32(t.Tid))
	}
	if c.flags&cloneChildCleartid != 0 {
		// The host kernel clears and futex-wakes it when this host thread
		// dies, however it dies.
		t.ClearChildTID = c.childTID
		unix.RawSyscall(unix.SYS_SET_TID_ADDRESS, uintptr(c.childTID), 0, 0)
	}
	p.threadsMu.Lock()
	p.threads[t.Tid] = t
	p.threadsMu.Unlock()
	started <- t.Tid
	t.Run()
}

// exitThread ends the calling guest thread (exit) with status; the last
// thread to end ends the process, with the main thread's status if it
// ended first, as the kernel reports a thread group's exit.
func (t *Thread) exitThread(status int) {
	p := t.P
	p.threadsMu.Lock()
	delete(p.threads, t.Tid)
	p.retiredByEnded += t.CPU.Retired
	if t.main {
		p.mainExited, p.mainExitStatus = true, status
	}
	last := len(p.threads) == 0
	if p.mainExited {
		status = p.mainExitStatus
	}
	p.threadsMu.Unlock()
	if last {
		p.Exit(status)
		return
	}
	p.releaseRunner(t.runner)
	p.redistribute(t)
	if t.main {
		// Go keeps the main host thread alive (it cannot exit while the
		// process runs), so do what the kernel does at thread exit for
		// the guest's main thread: clear and wake clear_child_tid.
		if t.ClearChildTID != 0 && p.writable(t.ClearChildTID, 4) {
			atomic.StoreUint32((*uint32)(unsafe.Add(unsafe.Pointer(nil), uintptr(t.ClearChildTID))), 0)
			host(unix.SYS_FUTEX, t.ClearChildTID, futexWake, 1)
		}
		select {} // the main goroutine parks for the rest of the process
	}
	runtime.Goexit()
}

func (t *Thread) sysExit(a *[6]uint64) int64 {
	if t.P.Strace {
		fmt.Fprintf(t.P.log(), "[ferry] exit(%d) = ?\n", int32(a[0]))
	}
	t.exitThread(int(a[0] & 0xff))
	return 0 // in tests only
}

func (t *Thread) sysExitGroup(a *[6]uint64) int64 {
	if t.P.Strace {
		fmt.Fprintf(t.P.log(), "[ferry] exit_group(%d) = ?\n", int32(a[0]))
	}
	t.P.Exit(int(a[0] & 0xff))
	return 0 // in tests only
}

func (t *Thread) sysGettid(*[6]uint64) int64 { return int64(t.Tid) }

// sysSetTidAddress records the address and hands it to the host kernel,
// which clears it when this thread's host thread dies.
func (t *Thread) sysSetTidAddress(a *[6]uint64) int64 {
	t.ClearChildTID = a[0]
	unix.RawSyscall(unix.SYS_SET_TID_ADDRESS, uintptr(a[0]), 0, 0)
	return int64(t.Tid)
}

// robustListHeadSize is sizeof(struct robust_list_head), the same on arm64
// and x86-64 (three 64-bit words).
const robustListHeadSize = 24

// sysSetRobustList registers the guest's list with the host kernel for
// this host thread: the layout is the same, the lock words hold host tids
// (which are the guest's), so the kernel's own robust-futex cleanup runs
// when the thread dies, exactly as on arm64.
func (t *Thread) sysSetRobustList(a *[6]uint64) int64 {
	if a[1] != robustListHeadSize {
		return errno(unix.EINVAL)
	}
	if r := host(unix.SYS_SET_ROBUST_LIST, a[0], a[1]); r != 0 {
		return r
	}
	t.RobustList, t.RobustListLen = a[0], a[1]
	return 0
}

func (t *Thread) sysGetRobustList(a *[6]uint64) int64 {
	tid := int(int32(a[0]))
	if tid != 0 && tid != t.Tid {
		if t.P.thread(tid) == nil {
			return host(unix.SYS_GET_ROBUST_LIST, a[0], a[1], a[2])
		}
	}
	head, size := t.RobustList, t.RobustListLen
	if other := t.P.thread(tid); other != nil && tid != 0 {
		head, size = other.RobustList, other.RobustListLen
	}
	var hb, sb [8]byte
	binary.LittleEndian.PutUint64(hb[:], head)
	binary.LittleEndian.PutUint64(sb[:], size)
	if r := t.P.copyOut(a[1], hb[:]); r != 0 {
		return r
	}
	return t.P.copyOut(a[2], sb[:])
}

// maxIdleRunners bounds the runners kept for reuse by future threads.
const maxIdleRunners = 64

// takeRunner returns an engine runner for a new thread: a released one if
// there is one. A runner stays registered with its engine while idle (so
// invalidations keep its tables current, and a flush does not wait for
// it, since it is not in generated code); reusing it saves allocating and
// clearing its tables, which dominated the cost of starting a thread.
func (p *Process) takeRunner() backend.Runner {
	p.threadsMu.Lock()
	if n := len(p.idleRunners); n > 0 {
		r := p.idleRunners[n-1]
		p.idleRunners = p.idleRunners[:n-1]
		p.threadsMu.Unlock()
		return r
	}
	p.threadsMu.Unlock()
	return p.Engine.NewRunner()
}

// releaseRunner keeps the runner of an ended thread for reuse.
func (p *Process) releaseRunner(r backend.Runner) {
	p.threadsMu.Lock()
	if len(p.idleRunners) < maxIdleRunners {
		p.idleRunners = append(p.idleRunners, r)
		r = nil
	}
	p.threadsMu.Unlock()
	if r != nil {
		r.Close()
	}
}

// thread returns the live guest thread with host tid tid, or nil.
func (p *Process) thread(tid int) *Thread {
	p.threadsMu.Lock()
	defer p.threadsMu.Unlock()
	return p.threads[tid]
}

// Retired is the number of guest instructions all threads executed (for
// -stats; exact once the process ends).
func (p *Process) Retired() uint64 {
	p.threadsMu.Lock()
	defer p.threadsMu.Unlock()
	n := p.retiredByEnded
	for _, t := range p.threads {
		n += t.CPU.Retired
	}
	return n
}

// Threads returns the number of live guest threads.
func (p *Process) Threads() int {
	p.threadsMu.Lock()
	defer p.threadsMu.Unlock()
	return len(p.threads)
}

// sysUnshare gives the calling host thread the new namespaces (its guest
// thread, and a program it execs, live in them). CLONE_FILES and CLONE_FS
// would detach the thread from ferry's own fd table and cwd, which the
// other threads (and ferry) rely on sharing, so they are refused; CLONE_VM,
// CLONE_SIGHAND and CLONE_THREAD mean nothing for a thread that shares
// them, as Linux accepts them only when there is nothing to unshare.
func (t *Thread) sysUnshare(a *[6]uint64) int64 {
	flags := a[0]
	if flags&(cloneFiles|cloneFS) != 0 {
		return errno(unix.EINVAL)
	}
	if flags&(cloneVM|cloneSighand|cloneThread) != 0 && t.P.Threads() > 1 {
		return errno(unix.EINVAL)
	}
	flags &^= cloneVM | cloneSighand | cloneThread
	return host(unix.SYS_UNSHARE, flags)
}

// InternalErrorStatus is ferry's exit status for its own failures
// (EX_SOFTWARE).
const InternalErrorStatus = 70

// recoverInternalError turns a Go panic on a guest thread (a translator
// bug) into one "ferry: internal error" line and exit status 70, as the
// main thread does; FERRY_DEBUG adds the stack.
func (p *Process) recoverInternalError() {
	r := recover()
	if r == nil {
		return
	}
	fmt.Fprintf(p.log(), "ferry: internal error: %v\n", r)
	if p.Debug {
		p.log().Write(debug.Stack())
	}
	os.Exit(InternalErrorStatus)
}
