// Package floor raises the floor of the descriptors the translator creates
// while it starts.
//
// The host kernel gives every new descriptor the lowest free number, and
// the guest shares ferry's descriptor table. The Go runtime opens its
// netpoller's epoll and eventfd descriptors at its first timer or poll
// (often before main runs), so without this they would take 3 and 4,
// where the guest expects its own first files, and a guest's `exec 4>&1`
// would overwrite the runtime's epoll descriptor ("netpoll failed").
//
// This package has no imports, so that it is initialised before every
// package that can create a descriptor (the Go specification initialises
// packages in import-path order among those whose imports are ready; the
// runtime's own start-up opens none that stay open). Its init records
// RLIMIT_NOFILE as the process inherited it, before package syscall raises
// the soft limit to the hard one, and occupies every free descriptor below
// Base with a placeholder. Whatever the runtime and ferry open from then on
// lands at Base or above, until package hostfd starts the netpoller and
// closes the placeholders (hostfd.Release).
package floor

import "unsafe"

// Base is the lowest descriptor number ferry keeps for itself: the default
// soft RLIMIT_NOFILE, so that a guest with the usual limit never gets a
// number at or above it from the kernel.
const Base = 1024

// headroom is how many descriptors below the hard limit stay free when the
// hard limit is Base or less, for the runtime and ferry to start with.
const headroom = 32

// Limit is struct rlimit.
type Limit struct{ Cur, Max uint64 }

var (
	// Written by ferry_entry (floor_amd64.s) before the runtime starts:
	// RLIMIT_NOFILE as inherited, whether it could be read, and the
	// limit it raised the soft limit to.
	entryLimit  Limit
	entryRan    bool
	entryRaised Limit

	inherited    Limit
	inheritedOK  bool
	placeholders [Base / 64]uint64 // bit n: descriptor n is a placeholder
	top          int               // placeholders are all below top
)

// x86-64 system call numbers and constants used here.
const (
	sysClose      = 3
	sysFcntl      = 72
	sysGetrlimit  = 97
	sysSetrlimit  = 160
	sysEventfd2   = 290
	fDupfdCloexec = 1030
	rlimitNofile  = 7
	efdCloexec    = 0x80000
)

// rawSyscall is the host system call nr with three arguments; it returns
// the kernel's result (a negative errno on failure).
func rawSyscall(nr, a1, a2, a3 uintptr) int

func init() {
	switch {
	case entryRan: // the soft limit may be raised already
		inherited, inheritedOK = entryLimit, true
	case rawSyscall(sysGetrlimit, rlimitNofile, uintptr(unsafe.Pointer(&inherited)), 0) == 0:
		inheritedOK = true
	}
	top = Base
	if inheritedOK {
		if inherited.Max < Base+headroom {
			top = int(inherited.Max) - headroom
		}
		if inherited.Cur < uint64(top) {
			// Package syscall raises the soft limit to the hard one
			// soon anyway; the placeholders need it now.
			raised := Limit{inherited.Max, inherited.Max}
			if rawSyscall(sysSetrlimit, rlimitNofile, uintptr(unsafe.Pointer(&raised)), 0) != 0 {
				top = int(inherited.Cur)
			}
		}
	}
	if top <= 0 {
		top = 0
		return
	}
	src := rawSyscall(sysEventfd2, 0, efdCloexec, 0)
	if src < 0 {
		return
	}
	if src >= top {
		rawSyscall(sysClose, uintptr(src), 0, 0)
		return
	}
	mark(src)
	// Grow the descriptor table to its final size in one step: each
	// growth of a table the runtime's threads share waits for an RCU
	// grace period (fs/file.c expand_fdtable), milliseconds apiece, and
	// filling from the bottom would grow it five times.
	if fd := rawSyscall(sysFcntl, uintptr(src), fDupfdCloexec, uintptr(top)); fd >= 0 {
		rawSyscall(sysClose, uintptr(fd), 0, 0)
	}
	for {
		fd := rawSyscall(sysFcntl, uintptr(src), fDupfdCloexec, 0)
		if fd < 0 { // EMFILE at the soft limit: the rest lands above it
			break
		}
		if fd >= top {
			rawSyscall(sysClose, uintptr(fd), 0, 0)
			break
		}
		mark(fd)
	}
}

func mark(fd int) { placeholders[fd/64] |= 1 << (fd % 64) }

// Top is where the descriptors made after the placeholders start: Base,
// or lower when the hard limit leaves no room above Base.
func Top() int { return top }

// Inherited returns RLIMIT_NOFILE as the process started with it (the Go
// runtime raises the soft limit later), and whether it could be read.
func Inherited() (Limit, bool) { return inherited, inheritedOK }

// Placeholders calls f for each run [first, last] of placeholder
// descriptors, lowest first, and forgets them: f closes them.
func Placeholders(f func(first, last int)) {
	first := -1
	for fd := 0; fd <= Base; fd++ {
		held := fd < Base && placeholders[fd/64]&(1<<(fd%64)) != 0
		switch {
		case held && first < 0:
			first = fd
		case !held && first >= 0:
			f(first, fd-1)
			first = -1
		}
	}
	placeholders = [Base / 64]uint64{}
}
