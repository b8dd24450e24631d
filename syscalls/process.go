// Package syscalls is ferry's guest system-call layer: it implements the
// arm64 Linux system calls of a guest on an x86-64 Linux host, converting
// numbers, flags and structures where the two ABIs differ.
//
// Guest memory is identity mapped, so guest pointers are host pointers and
// most calls go to the host kernel with their arguments unchanged; the
// kernel itself validates them (EFAULT). Where Go code reads or writes guest
// memory (converted structures, strings), the range is first checked
// against the guest's memory map, so a bad guest pointer is EFAULT and never
// a crash of the translator.
package syscalls

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"ferry/backend"
	"ferry/decoder/lift"
	"ferry/ir"
	"ferry/syscalls/guestmem"
	"ferry/syscalls/hostfd"

	"golang.org/x/sys/unix"
)

// NSig is the number of signals (1..64) on both architectures.
const NSig = 64

// SigAction is the arm64 kernel's struct sigaction (asm-generic, with
// SA_RESTORER): handler, flags, restorer, 64-bit mask.
type SigAction struct {
	Handler  uint64
	Flags    uint64
	Restorer uint64
	Mask     uint64
}

// AltStack is a recorded sigaltstack (stack_t: sp, flags, size).
type AltStack struct {
	SP    uint64
	Flags int32
	Size  uint64
}

// ProcessState is what all threads of a guest process share, as plain
// data: a guest fork serializes it into the child ferry.
type ProcessState struct {
	Pid int // host pid: the guest's pid and its main thread's tid
	// Translator is ferry's own executable and TranslatorArgs the options
	// to run another arm64 program with, for execve.
	Translator     string
	TranslatorArgs []string
	ExePath        string // what /proc/self/exe shows the guest: its program, not ferry
	// Sysroot is where the guest's absolute paths are looked up first
	// (elfload.Redirect): -L DIR, QEMU_LD_PREFIX, or the cross libc the
	// dynamic loader was found in. Empty: the guest sees the host's files.
	Sysroot string
	// CodeFD is the process tree's shared compiled-code region (see
	// amd64.SharedCode), or 0: passed on to the ferry of an exec'd or
	// forked arm64 program.
	CodeFD int
	// TranslatorFD is an O_PATH descriptor of ferry's executable, or 0:
	// execveat on it re-executes ferry where Translator's path does not
	// resolve (inside a chroot). Set it with SetTranslatorFD.
	TranslatorFD int
	translatorID [2]uint64 // its device and inode (see translatorFD)
	Mem          guestmem.Map
	// Image is the kernel's record of the guest's program image: what
	// /proc/self/{stat,cmdline,environ,auxv} show (see procfs.go).
	Image ProcImage

	BrkStart uint64 // first heap byte (page after the program's segments)
	Brk      uint64 // current program break

	SigActions [NSig + 1]SigAction // indexed by signal number
	// SigreturnTrampoline is the guest address handlers return to when
	// they have no SA_RESTORER (the vDSO's __kernel_rt_sigreturn, see SetupVDSO).
	SigreturnTrampoline uint64

	// AddressSpaceLimit is the guest's RLIMIT_AS as it set it. It is
	// recorded, not applied: the host limit would constrain ferry's own
	// heap and code cache as well.
	AddressSpaceLimit unix.Rlimit
	// FileLimit is the guest's RLIMIT_NOFILE: the limit it started with
	// or set. ferry's host limit stays raised for its own descriptors
	// (hostfd); the guest's is enforced on the descriptors it gets (see
	// fdlimit.go) and given to the native programs it executes.
	FileLimit unix.Rlimit

	Strace bool // log every syscall to Log
	Debug  bool // report unsupported syscalls (once each) to Log
}

// Process is one guest process: the shared state, its threads, and the
// hooks that connect it to an engine and the host. Threads run on their own
// host threads; everything here that more than one of them touches is
// guarded by the locks below or accessed atomically.
type Process struct {
	ProcessState

	// Engine runs guest code for every thread; set before Start.
	Engine backend.Engine
	// Log receives strace and debug output; os.Stderr if nil.
	Log io.Writer
	// OnExit runs when the guest process ends with an exit status, just
	// before ferry exits (statistics); Exit calls os.Exit after it.
	OnExit func(status int)
	// exitHook replaces os.Exit (tests).
	exitHook func(status int)

	// memMu orders changes of the guest memory map (mmap, munmap,
	// mprotect, mremap, brk) against each other and against the checks
	// Go code makes before it touches guest memory.
	memMu sync.RWMutex

	// threadsMu guards threads, mainExitStatus and the thread count.
	threadsMu      sync.Mutex
	threads        map[int]*Thread // by tid
	mainExited     bool
	mainExitStatus int
	retiredByEnded uint64 // guest instructions of threads that ended
	idleRunners    []backend.Runner

	sig    sharedSignals // process-directed pending signals and routing
	sigfds signalFDs     // the guest's signalfds

	forkMu sync.Mutex // one guest fork at a time (fork.go)

	unsupportedMu   sync.Mutex
	unsupportedSeen [8]uint64 // bit per syscall number already reported

	// limitMu guards FileLimit; fileCur is FileLimit.Cur, for the checks
	// on every new descriptor.
	limitMu sync.Mutex
	fileCur atomic.Uint64

	// vforkDone is the write end of the vfork pipe a parent ferry waits
	// on when this process is a vfork child, 0 otherwise: FD_CLOEXEC, so
	// an exec releases the parent, and kept from children of this one.
	vforkDone int
}

// NewProcess returns the state of a fresh guest process running the
// program whose absolute path is exePath.
func NewProcess(exePath string) *Process {
	p := &Process{ProcessState: ProcessState{Pid: os.Getpid(), ExePath: exePath}}
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_AS, &rl) == nil {
		p.AddressSpaceLimit = rl
	}
	if rl, ok := hostfd.Inherited(); ok {
		p.FileLimit = rl
	} else {
		unix.Getrlimit(unix.RLIMIT_NOFILE, &p.FileLimit)
	}
	p.init()
	return p
}

// init sets up the parts of a Process that are not plain data (also for a
// process restored from a fork image).
func (p *Process) init() {
	p.threads = make(map[int]*Thread)
	p.fileCur.Store(p.FileLimit.Cur)
}

// SetBrk sets the initial program break (page after the program image).
func (p *Process) SetBrk(start uint64) { p.BrkStart, p.Brk = start, start }

func (p *Process) log() io.Writer {
	if p.Log != nil {
		return p.Log
	}
	return os.Stderr
}

// Translate lifts the guest block at pc for the engine (a
// backend.Translator), fetching only from pages the guest mapped
// executable: a jump into data, a stack without PT_GNU_STACK's X, memory
// made PROT_READ, or any address outside the guest's mappings (ferry's
// own code included) faults as on arm64 Linux instead of being
// translated.
func (p *Process) Translate(pc uint64) *ir.Block {
	return lift.TranslateExec(pc, p.executable)
}

// executable reports whether the guest may fetch instructions at addr.
func (p *Process) executable(addr uint64) bool { return p.CanExecute(addr, addr+1) }

// CanExecute reports whether the guest may fetch instructions anywhere in
// [pc, end): the lifter's check, for translations that skip the lifter.
func (p *Process) CanExecute(pc, end uint64) bool {
	p.memMu.RLock()
	defer p.memMu.RUnlock()
	for addr := pc; addr < end; {
		m, ok := p.Mem.Lookup(addr)
		if !ok || m.Prot&guestmem.ProtExec == 0 {
			return false
		}
		addr = m.End
	}
	return pc < end
}

// codeChanged tells the engine that guest code in [start, end) is gone or
// may have changed.
func (p *Process) codeChanged(start, end uint64) {
	if p.Engine != nil && start < end {
		p.Engine.Invalidate(start, end)
	}
}

// Exit ends the guest process (every thread) with status.
func (p *Process) Exit(status int) {
	if p.OnExit != nil {
		p.OnExit(status)
	}
	if p.exitHook != nil {
		p.exitHook(status)
		return
	}
	os.Exit(status)
}

// raisesSIGPIPE reports whether EPIPE from this call comes with SIGPIPE.
func raisesSIGPIPE(def *syscallDef, a *[6]uint64) bool {
	const msgNoSignal = 0x4000
	switch {
	case def.flags&sigpipe != 0:
		return true
	case def.flags&sigpipeMsg2 != 0:
		return a[2]&msgNoSignal == 0
	case def.flags&sigpipeMsg3 != 0:
		return a[3]&msgNoSignal == 0
	}
	return false
}

func (p *Process) reportUnsupported(nr uint64, name string, a *[6]uint64) {
	if !p.Debug && !p.Strace {
		return
	}
	p.unsupportedMu.Lock()
	defer p.unsupportedMu.Unlock()
	// Numbers beyond the table (no arm64 syscall has them) share its
	// last bit.
	slot := min(nr, uint64(len(p.unsupportedSeen)*64-1))
	bit := uint64(1) << (slot % 64)
	if p.unsupportedSeen[slot/64]&bit != 0 {
		return
	}
	p.unsupportedSeen[slot/64] |= bit
	if name == "" {
		name = fmt.Sprintf("syscall_%d", nr)
	}
	fmt.Fprintf(p.log(), "ferry: unsupported syscall %s (%d) at args %#x: returning ENOSYS\n", name, nr, a[:])
}

// trace prints one strace-like line.
func (p *Process) trace(def *syscallDef, a *[6]uint64, ret int64) {
	var sb strings.Builder
	sb.WriteString("[ferry] ")
	sb.WriteString(def.name)
	sb.WriteByte('(')
	kinds := def.args
	if def.fn == nil && kinds == "" {
		kinds = "xxxxxx"
	}
	for i := 0; i < len(kinds); i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		switch kinds[i] {
		case 'd':
			fmt.Fprintf(&sb, "%d", int64(a[i]))
		case 'i':
			fmt.Fprintf(&sb, "%d", int32(a[i]))
		case 'f': // file descriptor or AT_FDCWD
			if int32(a[i]) == unix.AT_FDCWD {
				sb.WriteString("AT_FDCWD")
			} else {
				fmt.Fprintf(&sb, "%d", int32(a[i]))
			}
		case 's':
			if s, ok := p.cString(a[i], 256); ok {
				fmt.Fprintf(&sb, "%q", s)
			} else {
				fmt.Fprintf(&sb, "%#x", a[i])
			}
		default:
			fmt.Fprintf(&sb, "%#x", a[i])
		}
	}
	sb.WriteString(") = ")
	if r, ok := restartResults[-ret]; ok {
		// The call is interrupted and may restart.
		fmt.Fprintf(&sb, "? %s (To be restarted if %s)", r.name, r.when)
	} else if ret < 0 && ret > -4096 {
		e := unix.Errno(-ret)
		fmt.Fprintf(&sb, "-1 %s (%s)", unix.ErrnoName(e), e.Error())
	} else if def.flags&retHex != 0 {
		fmt.Fprintf(&sb, "%#x", uint64(ret))
	} else {
		fmt.Fprintf(&sb, "%d", ret)
	}
	sb.WriteByte('\n')
	io.WriteString(p.log(), sb.String())
}

// restartResults names the kernel's restart codes as strace shows them.
var restartResults = map[int64]struct{ name, when string }{
	errRestartSys:          {"ERESTARTSYS", "SA_RESTART is set"},
	errRestartNoIntr:       {"ERESTARTNOINTR", "interrupted"},
	errRestartNoHand:       {"ERESTARTNOHAND", "no handler"},
	errRestartRestartBlock: {"ERESTART_RESTARTBLOCK", "no handler"},
}

// cString reads a NUL-terminated guest string of at most max bytes from
// readable guest memory.
func (p *Process) cString(addr uint64, max int) (string, bool) {
	if addr == 0 {
		return "", false
	}
	p.memMu.RLock()
	defer p.memMu.RUnlock()
	var sb []byte
	for len(sb) < max {
		mp, ok := p.Mem.Lookup(addr)
		if !ok || guestmem.HostProt(mp.Prot)&guestmem.ProtRead == 0 {
			return "", false
		}
		n := min(mp.End-addr, uint64(max-len(sb)))
		chunk := guestBytes(addr, n)
		for i, c := range chunk {
			if c == 0 {
				return string(append(sb, chunk[:i]...)), true
			}
		}
		sb = append(sb, chunk...)
		addr += n
	}
	return string(sb), true
}

// guestBytes views guest memory [addr, addr+n) (identity mapped).
func guestBytes(addr, n uint64) []byte {
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), uintptr(addr))), n)
}

// readable and writable check a guest range before Go code touches it.
func (p *Process) readable(addr, n uint64) bool {
	p.memMu.RLock()
	defer p.memMu.RUnlock()
	return p.Mem.Accessible(addr, n, guestmem.ProtRead)
}

func (p *Process) writable(addr, n uint64) bool {
	p.memMu.RLock()
	defer p.memMu.RUnlock()
	return p.Mem.Accessible(addr, n, guestmem.ProtWrite)
}

// copyOut writes b to guest memory at addr, or fails with EFAULT.
func (p *Process) copyOut(addr uint64, b []byte) int64 {
	if !p.writable(addr, uint64(len(b))) {
		return -int64(unix.EFAULT)
	}
	copy(guestBytes(addr, uint64(len(b))), b)
	return 0
}

// copyIn reads n bytes of guest memory at addr, or reports false.
//
// Not inlined: Go 1.26's compiler crashes (disjointTypes) lowering the
// copy when it is inlined with a constant n into some callers.
//
//go:noinline
func (p *Process) copyIn(addr, n uint64) ([]byte, bool) {
	if !p.readable(addr, n) {
		return nil, false
	}
	return append([]byte(nil), guestBytes(addr, n)...), true
}

// errno converts a host error number to a guest result; the values are
// the same on both architectures.
func errno(e unix.Errno) int64 { return -int64(e) }

// host performs a host system call with guest arguments for code that does
// not know the calling Thread. It runs through safeSyscall too, so a signal
// that reaches the thread while the call blocks (or is about to enter the
// kernel) interrupts it with EINTR; only a wake-up sent before the call
// started is missed, which Thread.hostBlocking, used by every call that
// usually blocks, does not miss.
func host(nr uintptr, a ...uint64) int64 {
	return interruptibleSyscall(&neverInterrupted, nr, a)
}

// neverInterrupted is the interrupt word of calls made through host.
var neverInterrupted uint32
