package syscalls

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// Calls that wait: futexes and the poll family. They block in the host
// kernel through hostBlocking, so a signal for the guest interrupts them;
// the ones that take a signal mask for the duration of the call have it
// applied by ferry (the host thread's mask is not the guest's).

// callMask applies the signal mask a call carries (sigset at addr, size
// bytes; none if addr is 0) until the call ends (Syscall's endSuspend) or
// a handler's frame takes it over, like the kernel's saved_sigmask.
func (t *Thread) callMask(addr, size uint64) int64 {
	if addr == 0 {
		return 0
	}
	set, r := t.guestSigset(addr, size)
	if r != 0 {
		return r
	}
	t.beginSuspend(set)
	if t.hasDeliverable() {
		// A signal the new mask lets through is already pending: the
		// call is interrupted before it waits.
		return errno(unix.EINTR)
	}
	return 0
}

func (t *Thread) sysPpoll(a *[6]uint64) int64 {
	if r := t.callMask(a[3], a[4]); r != 0 {
		return r
	}
	return t.hostBlocking(unix.SYS_PPOLL, a[0], a[1], a[2], 0, 8)
}

// sysPselect6: the sixth argument points at { const sigset_t *ss; size_t
// ss_len }.
func (t *Thread) sysPselect6(a *[6]uint64) int64 {
	if a[5] != 0 {
		b, ok := t.P.copyIn(a[5], 16)
		if !ok {
			return errno(unix.EFAULT)
		}
		le := binary.LittleEndian
		if r := t.callMask(le.Uint64(b[0:]), le.Uint64(b[8:])); r != 0 {
			return r
		}
	}
	return t.hostBlocking(unix.SYS_PSELECT6, a[0], a[1], a[2], a[3], a[4], 0)
}

// futex operations (include/uapi/linux/futex.h).
const (
	futexWait          = 0
	futexWake          = 1
	futexLockPI        = 6
	futexWaitBitset    = 9
	futexWaitRequeuePI = 11
	futexLockPI2       = 13
)

// sysFutex passes futexes to the host: guest memory is host memory and
// guest tids are host tids, so every operation, PI and robust ones
// included, acts on the guest's words directly. Only the restart rules
// after a signal are the guest kernel's to apply: a wait without timeout
// is restarted after an SA_RESTART handler, a timed one returns EINTR, a
// PI lock is always restarted.
func (t *Thread) sysFutex(a *[6]uint64) int64 {
	r := t.hostBlocking(unix.SYS_FUTEX, a[0], a[1], a[2], a[3], a[4], a[5])
	if r != errno(unix.EINTR) {
		return r
	}
	switch op := a[1] & 0x7f; op {
	case futexLockPI, futexLockPI2:
		return -errRestartNoIntr
	case futexWait, futexWaitBitset, futexWaitRequeuePI:
		if a[3] != 0 {
			return -errRestartRestartBlock
		}
	}
	return -errRestartSys
}
