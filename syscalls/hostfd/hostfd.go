// Package hostfd owns the translator's own file descriptors: it keeps them
// at Base and above, out of the numbers the guest gets from the kernel,
// and records which they are, so that the system call layer can refuse a
// guest's use of them (see syscalls: the guest's close_range, close, dup2
// and every other descriptor argument) as the kernel refuses a number the
// guest never opened.
//
// Package floor (imported here) holds the low numbers while the process
// starts; this package's init starts the Go netpoller, whose epoll and
// eventfd descriptors therefore land at Base or above, records them, and
// frees the low numbers for the guest.
package hostfd

import (
	"sync/atomic"
	"time"

	"ferry/syscalls/hostfd/floor"

	"golang.org/x/sys/unix"
)

// Base is the lowest number of ferry's own descriptors (the usual soft
// RLIMIT_NOFILE).
const Base = floor.Base

// tracked is how many numbers the registry covers; ferry keeps a handful
// of descriptors at Base and above, plus one per shared guest mapping.
const tracked = Base + 1<<14

var own [tracked / 64]atomic.Uint64

func init() {
	// Timers rely on the netpoller: making one starts it now (if nothing
	// has yet), while the placeholders hold every number below Base.
	time.AfterFunc(time.Hour, func() {}).Stop()
	// Whatever this process opened since the placeholders went in is at
	// Base or above and close-on-exec (an inherited descriptor never is).
	for fd := floor.Top(); fd < floor.Top()+64; fd++ {
		if fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && fl&unix.FD_CLOEXEC != 0 {
			mark(fd, true)
		}
	}
	floor.Placeholders(func(first, last int) {
		if unix.CloseRange(uint(first), uint(last), 0) != nil {
			for fd := first; fd <= last; fd++ {
				unix.Close(fd)
			}
		}
	})
}

func mark(fd int, on bool) {
	i := fd
	if i < 0 || i >= tracked {
		return
	}
	w, bit := &own[i/64], uint64(1)<<(i%64)
	if on {
		w.Or(bit)
	} else {
		w.And(^bit)
	}
}

// Owned reports whether fd is one of ferry's own descriptors.
func Owned(fd int) bool {
	return fd >= 0 && fd < tracked && own[fd/64].Load()&(1<<(fd%64)) != 0
}

// OwnedIn calls f for each of ferry's descriptors in [first, last], lowest
// first.
func OwnedIn(first, last uint64, f func(fd int)) {
	if first >= tracked {
		return
	}
	lo, hi := first, min(last, tracked-1)
	for i := lo; i <= hi; {
		w := own[i/64].Load() >> (i % 64)
		if w == 0 {
			i = (i/64 + 1) * 64
			continue
		}
		for ; w != 0 && i <= hi; i, w = i+1, w>>1 {
			if w&1 != 0 {
				f(int(i))
			}
		}
		if w == 0 {
			i = (i + 63) / 64 * 64
		}
	}
}

// Keep makes fd (one ferry has just created) one of ferry's own: moved to
// Base or above with FD_CLOEXEC, and recorded. It returns the descriptor
// to use. Under a hard limit below Base it goes as high as the limit
// allows: to 256, else to the floor's Top, where the runtime's own
// descriptors are, out of the way of the low numbers a guest's files take;
// only where none of these is allowed does fd stay where it is.
func Keep(fd int) int {
	for _, base := range []int{Base, 256, floor.Top()} {
		if nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, base); err == nil {
			unix.Close(fd)
			mark(nfd, true)
			return nfd
		}
	}
	unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
	mark(fd, true)
	return fd
}

// Adopt records fd, which a parent ferry passed, as ferry's own again.
func Adopt(fd int) { mark(fd, true) }

// Forget drops fd from the record (ferry has closed it, or handed it over).
func Forget(fd int) { mark(fd, false) }

// Close closes one of ferry's descriptors and drops it from the record.
func Close(fd int) error {
	mark(fd, false)
	return unix.Close(fd)
}

// Inherited returns RLIMIT_NOFILE as the process started with it, before
// the Go runtime raised its soft limit, and whether it could be read.
func Inherited() (unix.Rlimit, bool) {
	l, ok := floor.Inherited()
	return unix.Rlimit{Cur: l.Cur, Max: l.Max}, ok
}
