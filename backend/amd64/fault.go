package amd64

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Guest memory faults in generated code.
//
// A guest load or store is one host instruction on the guest address, so a
// bad guest access faults in generated code, where Go's SIGSEGV handler
// would declare a fatal error. All code caches are carved out of one
// arena, and faultHandler (fault_amd64.s) sits in front of Go's handler:
// for a fault whose RIP is in the arena it resumes the thread at the fault
// stub, which reports ir.ExitFault to the dispatcher; the dispatcher maps
// the faulting host RIP to the guest instruction through the per-block
// table built from ir.OpInsnStart markers. Faults elsewhere go to Go's
// handler unchanged, so Go's own nil-dereference panics keep working.

// Read by faultHandler.
var (
	arenaLo, arenaHi uintptr
	faultStub        uintptr
	goFaultHandler   uintptr
)

func faultHandler()
func faultHandlerPC() uintptr

// faultRIPSlot is the Scratch word where the fault stub leaves the host RIP
// of the faulting instruction (spill slots are dead once a block exits).
const faultRIPSlot = numSlots - 1

const (
	// arenaSize is address space only: pages are committed when code is
	// written, so a large arena costs nothing until used.
	arenaSize = 16 << 30
	stubArea  = 4096 // shared stubs (stubs.go)
)

var arena struct {
	sync.Mutex
	mem  []byte
	used int
	err  error
}

// sigactiont is the kernel's struct sigaction on x86-64.
type sigactiont struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

// setupArena reserves the arena, writes the fault stub and installs the
// signal handler, once per process.
func setupArena() error {
	if arena.mem != nil || arena.err != nil {
		return arena.err
	}
	m, err := unix.Mmap(-1, 0, arenaSize, unix.PROT_READ|unix.PROT_WRITE|unix.PROT_EXEC,
		unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		arena.err = fmt.Errorf("reserving the code arena: %w", err)
		return arena.err
	}
	if err := writeStubs(m[:stubArea], uintptr(unsafe.Pointer(&m[0]))); err != nil {
		arena.err = err
		return err
	}

	for _, sig := range []unix.Signal{unix.SIGSEGV, unix.SIGBUS} {
		var old sigactiont
		if err := rtSigaction(sig, nil, &old); err != nil {
			arena.err = err
			return err
		}
		if old.handler == 0 || old.handler == 1 { // SIG_DFL/SIG_IGN: not Go's
			arena.err = errors.New("amd64: Go has no SIGSEGV handler installed")
			return arena.err
		}
		if goFaultHandler != 0 && goFaultHandler != old.handler {
			arena.err = errors.New("amd64: SIGSEGV and SIGBUS have different handlers")
			return arena.err
		}
		goFaultHandler = old.handler
		// Same flags (SA_SIGINFO, SA_ONSTACK…), mask and restorer as Go's.
		act := old
		act.handler = faultHandlerPC()
		if err := rtSigaction(sig, &act, nil); err != nil {
			arena.err = err
			return err
		}
	}
	arena.mem = m
	arena.used = stubArea
	arenaLo = uintptr(unsafe.Pointer(&m[0]))
	arenaHi = arenaLo + arenaSize
	return nil
}

func rtSigaction(sig unix.Signal, act, old *sigactiont) error {
	_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig),
		uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), 8, 0, 0)
	if errno != 0 {
		return fmt.Errorf("rt_sigaction(%v): %w", sig, errno)
	}
	return nil
}

// arenaAlloc hands out size bytes of the arena for one engine's cache.
func arenaAlloc(size int) ([]byte, error) {
	arena.Lock()
	defer arena.Unlock()
	if err := setupArena(); err != nil {
		return nil, err
	}
	size = (size + 4095) &^ 4095
	if arena.used+size > len(arena.mem) {
		return nil, errors.New("amd64: code arena exhausted (too many engines)")
	}
	m := arena.mem[arena.used : arena.used+size : arena.used+size]
	arena.used += size
	return m, nil
}

// faultPC returns the guest PC of the instruction whose host code contains
// rip, using the blocks in allocation (= address) order.
func (e *Engine) faultPC(rip uintptr) (uint64, bool) {
	e.codeMu.Lock()
	defer e.codeMu.Unlock()
	bs := e.byAddr
	i := sort.Search(len(bs), func(i int) bool { return bs[i].entry > rip }) - 1
	if i < 0 {
		return 0, false
	}
	b := bs[i]
	off := uint32(rip - b.entry)
	pc := b.pc
	for _, m := range b.insns {
		if m.off > off {
			break
		}
		pc = m.pc
	}
	return pc, true
}
