package syscalls

// The guest's descriptors and RLIMIT_NOFILE.
//
// The guest shares ferry's host descriptor table. ferry's own descriptors
// (the Go netpoller's, its executable, the shared code region, signal and
// vfork pipes, shared-mapping objects) are kept at hostfd.Base and above
// and recorded by package hostfd; here every descriptor argument of a
// guest system call that names one of them fails with EBADF, as a number
// the guest never opened does, close_range skips them, and directory
// listings of /proc/self/fd leave them out. The host RLIMIT_NOFILE stays
// raised (the Go runtime raises the soft limit to the hard one) so that
// ferry can always make its own descriptors; the guest's limit lives in
// Process.FileLimit and is enforced as the kernel's alloc_fd and dup3
// enforce it, on the descriptors the guest gets.
//
// Known differences: a guest whose limit is above hostfd.Base cannot
// dup3 onto one of ferry's own numbers (EBADF, as if they were out of
// range), and a new descriptor over the guest's limit is refused after the
// host call made it (an accepted connection is dropped, an O_CREAT file is
// created) where the kernel refuses it before.

import (
	"encoding/binary"
	"os"
	"strconv"
	"strings"
	"syscall"

	"ferry/syscalls/hostfd"

	"golang.org/x/sys/unix"
)

const rlimitNofile = 7

// setFileLimit makes l the guest's RLIMIT_NOFILE. (Lock order: forkMu,
// whose holder copies ProcessState for a fork, then limitMu.)
func (p *Process) setFileLimit(l unix.Rlimit) {
	p.forkMu.Lock()
	p.limitMu.Lock()
	p.FileLimit = l
	p.fileCur.Store(l.Cur)
	p.limitMu.Unlock()
	p.forkMu.Unlock()
}

// fileLimit returns the guest's RLIMIT_NOFILE.
func (p *Process) fileLimit() unix.Rlimit {
	p.limitMu.Lock()
	defer p.limitMu.Unlock()
	return p.FileLimit
}

// fileLimitCall is getrlimit/setrlimit/prlimit64 of RLIMIT_NOFILE on the
// guest itself, with the kernel's checks (kernel/sys.c do_prlimit).
func (p *Process) fileLimitCall(newPtr, oldPtr uint64) int64 {
	cur := p.fileLimit()
	return p.rlimitCall(newPtr, oldPtr, cur, func(next unix.Rlimit) unix.Errno {
		if next.Max > nrOpen() {
			return unix.EPERM
		}
		if next.Max > cur.Max && !hasCapability(unix.CAP_SYS_RESOURCE) {
			return unix.EPERM
		}
		// The host limit must hold the guest's (ferry's descriptors
		// and the guest's share it).
		var hostLim syscall.Rlimit
		if syscall.Getrlimit(rlimitNofile, &hostLim) == nil && next.Max > hostLim.Max {
			if err := syscall.Setrlimit(rlimitNofile, &syscall.Rlimit{Cur: next.Max, Max: next.Max}); err != nil {
				return unix.EPERM
			}
		}
		return 0
	}, p.setFileLimit)
}

// nrOpen is /proc/sys/fs/nr_open, the ceiling of any RLIMIT_NOFILE.
func nrOpen() uint64 {
	if b, err := os.ReadFile("/proc/sys/fs/nr_open"); err == nil {
		if n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil {
			return n
		}
	}
	return 1 << 20 // the kernel's default
}

// hasCapability reports whether the calling thread has capability c in
// its effective set.
func hasCapability(c uint) bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if unix.Capget(&hdr, &data[0]) != nil {
		return false
	}
	return data[c/32].Effective&(1<<(c%32)) != 0
}

// fdArgMask returns a bit per argument that args marks as a descriptor.
func fdArgMask(args string) uint8 {
	var m uint8
	for i := 0; i < len(args) && i < 6; i++ {
		if args[i] == 'f' {
			m |= 1 << i
		}
	}
	return m
}

// namesOwnFD reports whether a descriptor argument of the call is one of
// ferry's own.
func namesOwnFD(mask uint8, a *[6]uint64) bool {
	for i := 0; mask != 0; i, mask = i+1, mask>>1 {
		if mask&1 != 0 && hostfd.Owned(int(int32(a[i]))) {
			return true
		}
	}
	return false
}

// checkNewFD applies the guest's RLIMIT_NOFILE to the descriptor a call
// returned: the kernel would have found no free number below the limit.
func (p *Process) checkNewFD(ret int64) int64 {
	if ret >= 0 && uint64(ret) >= p.fileCur.Load() {
		unix.Close(int(ret))
		return errno(unix.EMFILE)
	}
	return ret
}

// checkNewFDPair is checkNewFD for pipe2 and socketpair, which return
// their two descriptors in guest memory at addr.
func (p *Process) checkNewFDPair(ret int64, addr uint64) int64 {
	if ret != 0 || !p.writable(addr, 8) {
		return ret
	}
	b := guestBytes(addr, 8)
	fds := [2]uint64{uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[4:]))}
	cur := p.fileCur.Load()
	if fds[0] < cur && fds[1] < cur {
		return 0
	}
	unix.Close(int(fds[0]))
	unix.Close(int(fds[1]))
	return errno(unix.EMFILE)
}

// newFDPairArg is the argument holding the address of a newFDPair call's
// two descriptors.
func newFDPairArg(nr uint64) int {
	if nr == 199 { // socketpair
		return 3
	}
	return 0 // pipe2
}

// sysDup3 is dup3 with the guest's limit on newfd (fs/file.c ksys_dup3).
func (t *Thread) sysDup3(a *[6]uint64) int64 {
	oldfd, newfd, flags := uint32(a[0]), uint32(a[1]), a[2]
	if flags&^unix.O_CLOEXEC == 0 && oldfd != newfd && uint64(newfd) >= t.P.fileCur.Load() {
		return errno(unix.EBADF)
	}
	return t.hostBlocking(unix.SYS_DUP3, a[0], a[1], a[2], 0, 0, 0)
}

// dupfd is fcntl F_DUPFD/F_DUPFD_CLOEXEC with the guest's limit on the
// lowest number asked for and on the result.
func (p *Process) dupfd(a *[6]uint64) int64 {
	if a[2] >= p.fileCur.Load() {
		if r := host(unix.SYS_FCNTL, a[0], unix.F_GETFD); r < 0 {
			return r
		}
		return errno(unix.EINVAL)
	}
	return p.checkNewFD(host(unix.SYS_FCNTL, a[0], a[1], a[2]))
}

// sysCloseRange is close_range with ferry's own descriptors left open:
// the range is closed in the pieces between them.
func (t *Thread) sysCloseRange(a *[6]uint64) int64 {
	first, last, flags := uint64(uint32(a[0])), uint64(uint32(a[1])), a[2]
	if first > last {
		return errno(unix.EINVAL)
	}
	from := first
	var ret int64
	hostfd.OwnedIn(first, last, func(fd int) {
		if ret == 0 && uint64(fd) > from {
			ret = host(unix.SYS_CLOSE_RANGE, from, uint64(fd)-1, flags)
		}
		from = uint64(fd) + 1
	})
	if ret == 0 && from <= last && from >= first {
		ret = host(unix.SYS_CLOSE_RANGE, from, last, flags)
	}
	return ret
}

// sysGetdents64 lists a directory; in a listing of this process's
// /proc/PID/fd or fdinfo (or a thread's), ferry's own descriptors are
// left out.
func (t *Thread) sysGetdents64(a *[6]uint64) int64 {
	for {
		n := t.hostBlocking(unix.SYS_GETDENTS64, a[0], a[1], a[2], 0, 0, 0)
		if n <= 0 || !t.P.writable(a[1], uint64(n)) {
			return n
		}
		buf := guestBytes(a[1], uint64(n))
		if !listsOwnFD(buf) || !t.P.isOwnFDDir(int(int32(a[0]))) {
			return n
		}
		kept := dropOwnFDEntries(buf)
		if kept > 0 {
			return int64(kept)
		}
		// Every entry of this batch was ferry's: read on, as an empty
		// result would end the guest's listing.
	}
}

// direntName returns the name of the linux_dirent64 at b[off:] and its
// record length (0 for a malformed record).
func direntName(b []byte, off int) ([]byte, int) {
	if off+19 > len(b) {
		return nil, 0
	}
	reclen := int(binary.LittleEndian.Uint16(b[off+16:]))
	if reclen < 19 || off+reclen > len(b) {
		return nil, 0
	}
	name := b[off+19 : off+reclen]
	for i, c := range name {
		if c == 0 {
			name = name[:i]
			break
		}
	}
	return name, reclen
}

// ownFDName reports whether name is the decimal number of one of ferry's
// descriptors.
func ownFDName(name []byte) bool {
	if len(name) == 0 || len(name) > 9 || name[0] == '0' {
		return false
	}
	n := 0
	for _, c := range name {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return hostfd.Owned(n)
}

func listsOwnFD(b []byte) bool {
	for off := 0; off < len(b); {
		name, reclen := direntName(b, off)
		if reclen == 0 {
			return false
		}
		if ownFDName(name) {
			return true
		}
		off += reclen
	}
	return false
}

// dropOwnFDEntries removes the entries naming ferry's descriptors from the
// records in b and returns the length of what is left.
func dropOwnFDEntries(b []byte) int {
	out := 0
	for off := 0; off < len(b); {
		name, reclen := direntName(b, off)
		if reclen == 0 {
			break
		}
		if !ownFDName(name) {
			copy(b[out:], b[off:off+reclen])
			out += reclen
		}
		off += reclen
	}
	return out
}

// isOwnFDDir reports whether the guest's directory descriptor fd is this
// process's (or one of its threads') fd or fdinfo directory in /proc.
func (p *Process) isOwnFDDir(fd int) bool {
	target, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return false
	}
	rest, ok := strings.CutPrefix(target, "/proc/"+strconv.Itoa(p.Pid)+"/")
	if !ok {
		return false
	}
	if task, ok := strings.CutPrefix(rest, "task/"); ok {
		_, rest, ok = strings.Cut(task, "/")
		if !ok {
			return false
		}
	}
	return rest == "fd" || rest == "fdinfo"
}

// hostExecNative is hostExec of a program the host kernel runs itself (a
// native program, or one binfmt_misc hands to another ferry): it starts
// with the guest's RLIMIT_NOFILE, not ferry's raised one. If the exec
// fails, ferry's soft limit is raised again (a lowered hard limit stays
// lowered, as the guest asked).
func (t *Thread) hostExecNative(path string, argv, envp []string) unix.Errno {
	var saved syscall.Rlimit
	lim := t.P.fileLimit()
	restore := lim.Max != 0 && syscall.Getrlimit(rlimitNofile, &saved) == nil &&
		(saved.Cur != lim.Cur || saved.Max != lim.Max)
	if restore {
		// syscall.Setrlimit also stops package syscall restoring the
		// limit ferry started with.
		if syscall.Setrlimit(rlimitNofile, &syscall.Rlimit{Cur: lim.Cur, Max: min(lim.Max, saved.Max)}) != nil {
			restore = false
		}
	}
	e := t.hostExec(path, argv, envp)
	if restore {
		var now syscall.Rlimit
		if syscall.Getrlimit(rlimitNofile, &now) == nil {
			syscall.Setrlimit(rlimitNofile, &syscall.Rlimit{Cur: now.Max, Max: now.Max})
		}
	}
	return e
}
