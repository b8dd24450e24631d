package syscalls

import (
	"encoding/binary"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sysUname reports the host's system names with the guest's machine.
func (p *Process) sysUname(a *[6]uint64) int64 {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return errno(err.(unix.Errno))
	}
	clear(u.Machine[:])
	copy(u.Machine[:], "aarch64")
	b := unsafe.Slice((*byte)(unsafe.Pointer(&u)), unsafe.Sizeof(u))
	return p.copyOut(a[0], b)
}

// Resource limits: struct rlimit is the same on both architectures.
// RLIMIT_AS is recorded but not applied (see Process.AddressSpaceLimit).
const rlimitAS = 9

func (p *Process) sysGetrlimit(a *[6]uint64) int64 {
	return p.prlimit(0, a[0], 0, a[1])
}

func (p *Process) sysSetrlimit(a *[6]uint64) int64 {
	return p.prlimit(0, a[0], a[1], 0)
}

func (p *Process) sysPrlimit64(a *[6]uint64) int64 {
	return p.prlimit(int32(a[0]), a[1], a[2], a[3])
}

func (p *Process) prlimit(pid int32, resource, newPtr, oldPtr uint64) int64 {
	self := pid == 0 || int(pid) == p.Pid
	if self && resource == rlimitNofile {
		return p.fileLimitCall(newPtr, oldPtr)
	}
	if !self || resource != rlimitAS {
		return host(unix.SYS_PRLIMIT64, uint64(pid), resource, newPtr, oldPtr)
	}
	return p.rlimitCall(newPtr, oldPtr, p.AddressSpaceLimit, func(next unix.Rlimit) unix.Errno {
		if next.Max > p.AddressSpaceLimit.Max && unix.Geteuid() != 0 {
			return unix.EPERM
		}
		return 0
	}, func(next unix.Rlimit) { p.AddressSpaceLimit = next })
}

// rlimitCall is getrlimit/setrlimit/prlimit64 of a limit ferry keeps for
// the guest, now cur: the new value at newPtr (if any) must have Cur <=
// Max and pass check, the old one goes to oldPtr (if any), then set
// records the new one.
func (p *Process) rlimitCall(newPtr, oldPtr uint64, cur unix.Rlimit,
	check func(next unix.Rlimit) unix.Errno, set func(next unix.Rlimit)) int64 {
	var next unix.Rlimit
	if newPtr != 0 {
		b, ok := p.copyIn(newPtr, 16)
		if !ok {
			return errno(unix.EFAULT)
		}
		next.Cur = binary.LittleEndian.Uint64(b[0:])
		next.Max = binary.LittleEndian.Uint64(b[8:])
		if next.Cur > next.Max {
			return errno(unix.EINVAL)
		}
		if e := check(next); e != 0 {
			return errno(e)
		}
	}
	if oldPtr != 0 {
		var out [16]byte
		binary.LittleEndian.PutUint64(out[0:], cur.Cur)
		binary.LittleEndian.PutUint64(out[8:], cur.Max)
		if r := p.copyOut(oldPtr, out[:]); r != 0 {
			return r
		}
	}
	if newPtr != 0 {
		set(next)
	}
	return 0
}

// prctl options ferry forwards; they concern only the calling process's
// own name, death signal, dumpability and privileges. Everything else is
// refused with EINVAL, as an arm64 kernel without the feature does (SVE,
// pointer authentication, MTE, tagged addresses), or because it would act
// on the translator itself (seccomp filters, PR_SET_MM).
var passPrctl = map[uint64]bool{
	1: true, 2: true, // PR_SET_PDEATHSIG, PR_GET_PDEATHSIG
	3: true, 4: true, // PR_GET_DUMPABLE, PR_SET_DUMPABLE
	7: true, 8: true, // PR_GET_KEEPCAPS, PR_SET_KEEPCAPS
	15: true, 16: true, // PR_SET_NAME, PR_GET_NAME
	23: true,           // PR_CAPBSET_READ
	29: true, 30: true, // PR_SET_TIMERSLACK, PR_GET_TIMERSLACK
	36: true, 37: true, // PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER
	38: true, 39: true, // PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS
}

func (p *Process) sysPrctl(a *[6]uint64) int64 {
	if !passPrctl[a[0]] {
		return errno(unix.EINVAL)
	}
	return host(unix.SYS_PRCTL, a[0], a[1], a[2], a[3], a[4])
}

// sysPersonality answers queries with PER_LINUX and accepts PER_LINUX;
// other personalities (32-bit emulation, address-space flags) do not apply
// to a translated process.
func (p *Process) sysPersonality(a *[6]uint64) int64 {
	const query, perLinux = 0xffffffff, 0
	if uint32(a[0]) == query || uint32(a[0]) == perLinux {
		return perLinux
	}
	return errno(unix.EINVAL)
}

// sleep runs a host nanosleep/clock_nanosleep. A signal for the guest
// interrupts it: the call then ends with the time left (ERESTART_RESTARTBLOCK:
// EINTR if a handler runs). Interruptions that leave nothing to deliver
// (a signal another thread took, the Go runtime's own) resume the sleep
// for the time left.
func (t *Thread) sleep(clock uint64, flags uint64, reqPtr, remPtr uint64, useClock bool) int64 {
	const timerAbstime = 1
	p := t.P
	b, ok := p.copyIn(reqPtr, 16)
	if !ok {
		return errno(unix.EFAULT)
	}
	req := unix.Timespec{
		Sec:  int64(binary.LittleEndian.Uint64(b[0:])),
		Nsec: int64(binary.LittleEndian.Uint64(b[8:])),
	}
	for {
		var rem unix.Timespec
		var r int64
		if useClock {
			r = t.hostBlocking(unix.SYS_CLOCK_NANOSLEEP, clock, flags,
				uint64(uintptr(unsafe.Pointer(&req))), uint64(uintptr(unsafe.Pointer(&rem))))
		} else {
			r = t.hostBlocking(unix.SYS_NANOSLEEP, uint64(uintptr(unsafe.Pointer(&req))),
				uint64(uintptr(unsafe.Pointer(&rem))))
		}
		if r != errno(unix.EINTR) {
			return r
		}
		if t.hasDeliverable() {
			if remPtr != 0 && flags&timerAbstime == 0 {
				var out [16]byte
				binary.LittleEndian.PutUint64(out[0:], uint64(rem.Sec))
				binary.LittleEndian.PutUint64(out[8:], uint64(rem.Nsec))
				if r := p.copyOut(remPtr, out[:]); r != 0 {
					return r
				}
			}
			return -errRestartRestartBlock
		}
		atomic.StoreUint32(&t.CPU.Interrupt, 0)
		if flags&timerAbstime == 0 {
			req = rem
		}
	}
}

func (t *Thread) sysNanosleep(a *[6]uint64) int64 {
	return t.sleep(0, 0, a[0], a[1], false)
}

func (t *Thread) sysClockNanosleep(a *[6]uint64) int64 {
	return t.sleep(a[0], a[1], a[2], a[3], true)
}
