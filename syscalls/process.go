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
	"unsafe"

	"ferry/ir"
	"ferry/syscalls/guestmem"

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

// Process is the guest-visible state of one guest process. It is plain data
// (apart from the hooks at the end, which the runtime installs again in a
// restored process) so that a guest fork can serialize it.
type Process struct {
	Pid int // host pid; the guest's pid and main thread id
	// Translator is ferry's own executable and TranslatorArgs the options
	// to run another arm64 program with, for execve.
	Translator     string
	TranslatorArgs []string
	ExePath        string // what /proc/self/exe shows the guest: its program, not ferry
	Mem            guestmem.Map

	BrkStart uint64 // first heap byte (page after the program's segments)
	Brk      uint64 // current program break

	SigActions  [NSig + 1]SigAction // indexed by signal number
	SigMask     uint64              // blocked signals, bit n-1 for signal n
	SigPending  uint64              // signals raised for a guest handler, awaiting delivery
	PendingInfo [NSig + 1]SigInfo   // siginfo of each pending signal
	AltStack    AltStack
	// SuspendMask is the mask rt_sigsuspend replaced; the next handler's
	// frame saves it instead of the temporary one (while SuspendActive).
	SuspendMask   uint64
	SuspendActive bool

	// SigreturnTrampoline is the guest address handlers return to when
	// they have no SA_RESTORER (see SetupSigreturnTrampoline).
	SigreturnTrampoline uint64

	ClearChildTID uint64 // set_tid_address
	RobustList    uint64 // set_robust_list head
	RobustListLen uint64

	// AddressSpaceLimit is the guest's RLIMIT_AS as it set it. It is
	// recorded, not applied: the host limit would constrain ferry's own
	// heap and code cache as well.
	AddressSpaceLimit unix.Rlimit

	Strace bool // log every syscall to Log
	Debug  bool // report unsupported syscalls (once each) to Log

	unsupportedSeen [8]uint64 // bit per syscall number already reported

	// sigLock orders PendingInfo updates between the guest thread and the
	// host-signal goroutine (a spin lock on a plain word, so the Process
	// stays copyable for fork).
	sigLock uint32
	wake    chan struct{} // signalled when a signal is queued (see queue)

	hostSignals     chan os.Signal // os/signal delivery (ForwardHostSignals)
	reapingChildren bool           // the host ignores SIGCHLD for the guest

	// Hooks set by the runtime.
	Log         io.Writer               // strace/debug output; os.Stderr if nil
	OnCodeUnmap func(start, end uint64) // guest code in [start, end) changed or vanished
}

// NewProcess returns the state of a fresh guest process running the
// program whose absolute path is exePath.
func NewProcess(exePath string) *Process {
	p := &Process{Pid: os.Getpid(), ExePath: exePath, wake: make(chan struct{}, 1)}
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_AS, &rl) == nil {
		p.AddressSpaceLimit = rl
	}
	return p
}

// SetBrk sets the initial program break (page after the program image).
func (p *Process) SetBrk(start uint64) { p.BrkStart, p.Brk = start, start }

func (p *Process) log() io.Writer {
	if p.Log != nil {
		return p.Log
	}
	return os.Stderr
}

// codeChanged tells the engine that guest code in [start, end) is gone or
// may have changed.
func (p *Process) codeChanged(start, end uint64) {
	if p.OnCodeUnmap != nil && start < end {
		p.OnCodeUnmap(start, end)
	}
}

// Handle performs the system call the guest requested with SVC #0: number
// in X8, arguments in X0..X5, result (or -errno) into X0. It returns
// exited=true with the exit status when the guest process ends.
func (p *Process) Handle(cpu *ir.CPU) (exited bool, status int) {
	nr := cpu.X[8]
	args := [6]uint64{cpu.X[0], cpu.X[1], cpu.X[2], cpu.X[3], cpu.X[4], cpu.X[5]}
	def := lookup(nr)

	var ret int64
	switch {
	case nr == nrExit || nr == nrExitGroup:
		// One guest thread: exit ends the process just like exit_group.
		if p.Strace {
			fmt.Fprintf(p.log(), "[ferry] %s(%d) = ?\n", def.name, int32(args[0]))
		}
		return true, int(args[0] & 0xff)
	case nr == nrRtSigreturn:
		// Restores every register, X0 included: no result to store.
		p.sigreturn(cpu)
		if p.Strace {
			fmt.Fprintf(p.log(), "[ferry] rt_sigreturn() = %#x (resuming at pc %#x)\n", cpu.X[0], cpu.PC)
		}
		return false, 0
	case nr == nrClone:
		ret = p.sysClone(cpu, &args)
	case def.fn == nil:
		ret = -int64(unix.ENOSYS)
		p.reportUnsupported(nr, def.name, &args)
	default:
		ret = def.fn(p, &args)
	}
	cpu.X[0] = uint64(ret)
	if p.Strace {
		p.trace(def, &args, ret)
	}
	if ret == -int64(unix.EPIPE) && raisesSIGPIPE(nr, &args) {
		p.RaiseSelf(unix.SIGPIPE)
	}
	return false, 0
}

// raisesSIGPIPE reports whether EPIPE from this call comes with SIGPIPE.
func raisesSIGPIPE(nr uint64, a *[6]uint64) bool {
	const msgNoSignal = 0x4000
	switch nr {
	case nrWrite, nrWritev, nrPwrite64, nrPwritev, nrPwritev2, nrSplice, nrVmsplice, nrTee, nrSendfile:
		return true
	case nrSendto:
		return a[3]&msgNoSignal == 0
	case nrSendmsg:
		return a[2]&msgNoSignal == 0
	}
	return false
}

func (p *Process) reportUnsupported(nr uint64, name string, a *[6]uint64) {
	if !p.Debug && !p.Strace {
		return
	}
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
func (p *Process) trace(def syscallDef, a *[6]uint64, ret int64) {
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
	if ret < 0 && ret > -4096 {
		e := unix.Errno(-ret)
		fmt.Fprintf(&sb, "-1 %s (%s)", unix.ErrnoName(e), e.Error())
	} else if def.retHex {
		fmt.Fprintf(&sb, "%#x", uint64(ret))
	} else {
		fmt.Fprintf(&sb, "%d", ret)
	}
	sb.WriteByte('\n')
	io.WriteString(p.log(), sb.String())
}

// cString reads a NUL-terminated guest string of at most max bytes from
// readable guest memory.
func (p *Process) cString(addr uint64, max int) (string, bool) {
	if addr == 0 {
		return "", false
	}
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
	return p.Mem.Accessible(addr, n, guestmem.ProtRead)
}

func (p *Process) writable(addr, n uint64) bool {
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
func (p *Process) copyIn(addr, n uint64) ([]byte, bool) {
	if !p.readable(addr, n) {
		return nil, false
	}
	return append([]byte(nil), guestBytes(addr, n)...), true
}

// errno converts a host error number to a guest result; the values are
// the same on both architectures.
func errno(e unix.Errno) int64 { return -int64(e) }

// host performs a host system call with guest arguments. Syscall (not
// RawSyscall) lets the Go scheduler run other goroutines while the call
// blocks, and keeps the runtime from preempting the thread with signals
// that would surface as EINTR.
func host(nr uintptr, a ...uint64) int64 {
	var x [6]uintptr
	for i, v := range a {
		x[i] = uintptr(v)
	}
	r, _, e := unix.Syscall6(nr, x[0], x[1], x[2], x[3], x[4], x[5])
	if e != 0 {
		return errno(e)
	}
	return int64(r)
}
