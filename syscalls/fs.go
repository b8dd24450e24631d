package syscalls

import (
	"encoding/binary"
	"os"
	"path"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

	"ferry/elfload"

	"golang.org/x/sys/unix"
)

// isSelfExe reports whether path names the calling process's executable
// through procfs. For the guest that must be its program, not ferry.
func (p *Process) isSelfExe(path string) bool {
	ref, ok := p.classifyProc(path, unix.Gettid())
	return ok && ref.kind == procExe
}

// guestPath reads a guest path argument; false if it is unreadable or
// longer than PATH_MAX (the host call then reports the error).
func (p *Process) guestPath(ptr uint64) (string, bool) {
	s, ok := p.cString(ptr, unix.PathMax+1)
	return s, ok && len(s) <= unix.PathMax
}

// procPath classifies path s, relative to dirfd, as a /proc file ferry
// serves. The caller's host thread is its guest thread, so the host tid
// is the guest's /proc/thread-self.
func (p *Process) procPath(dirfd uint64, s string) (procRef, bool) {
	abs, ok := resolveProcPath(int32(dirfd), s)
	if !ok {
		return procRef{}, false
	}
	return p.classifyProc(abs, unix.Gettid())
}

// pathArg returns the path pointer to hand the host for a guest path
// argument (see hostPathFor). The returned buffer must stay alive until
// the host call returns.
func (p *Process) pathArg(dirfd, ptr uint64) (uint64, []byte) {
	s, ok := p.guestPath(ptr)
	if !ok {
		return ptr, nil
	}
	ref, isProc := p.procPath(dirfd, s)
	return p.hostPathFor(ptr, s, ref, isProc)
}

// hostPathFor is the host's path for the guest path s read from ptr and
// classified as ref: /proc/self/exe becomes the guest's program, and an
// absolute path that exists in the sysroot becomes the sysroot's file
// (elfload.Redirect); anything else is passed as the guest gave it.
func (p *Process) hostPathFor(ptr uint64, s string, ref procRef, isProc bool) (uint64, []byte) {
	host := s
	switch {
	case isProc && ref.kind == procExe && p.ExePath != "":
		host = p.ExePath
	case p.Sysroot != "":
		host = elfload.Redirect(p.Sysroot, s)
	}
	if host == s {
		return ptr, nil
	}
	b := append([]byte(host), 0)
	return uint64(uintptr(unsafe.Pointer(&b[0]))), b
}

func (p *Process) sysOpenat(a *[6]uint64) int64 {
	s, ok := p.guestPath(a[1])
	if !ok {
		return host(unix.SYS_OPENAT, a[0], a[1], OpenFlagsToHost(a[2]), a[3])
	}
	ref, isProc := p.procPath(a[0], s)
	if isProc && ref.kind != procExe {
		// Only plain reads are served; anything else (O_PATH, O_WRONLY,
		// O_DIRECTORY…) gets what the host says about its file.
		if a[2]&(guestOAccMode|guestOCreat|guestOTrunc|guestODirectory|guestOPath|guestOTmpfile) == 0 {
			return p.openProc(ref, a[2])
		}
	}
	path, keep := p.hostPathFor(a[1], s, ref, isProc)
	r := host(unix.SYS_OPENAT, a[0], path, OpenFlagsToHost(a[2]), a[3])
	runtime.KeepAlive(keep)
	return r
}

func (p *Process) sysFaccessat(a *[6]uint64) int64 {
	path, keep := p.pathArg(a[0], a[1])
	r := host(unix.SYS_FACCESSAT, a[0], path, a[2])
	runtime.KeepAlive(keep)
	return r
}

func (p *Process) sysFaccessat2(a *[6]uint64) int64 {
	path, keep := p.pathArg(a[0], a[1])
	r := host(unix.SYS_FACCESSAT2, a[0], path, a[2], a[3])
	runtime.KeepAlive(keep)
	return r
}

// putStat converts a host stat result to the guest's layout at addr.
func (p *Process) putStat(st *unix.Stat_t, addr uint64) int64 {
	var out [GuestStatSize]byte
	EncodeStat(st, out[:])
	return p.copyOut(addr, out[:])
}

func (p *Process) sysFstat(a *[6]uint64) int64 {
	var st unix.Stat_t
	_, _, e := unix.Syscall(unix.SYS_FSTAT, uintptr(a[0]), uintptr(unsafe.Pointer(&st)), 0)
	if e != 0 {
		return errno(e)
	}
	return p.putStat(&st, a[1])
}

func (p *Process) sysNewfstatat(a *[6]uint64) int64 {
	path, keep := p.pathArg(a[0], a[1])
	var st unix.Stat_t
	_, _, e := unix.Syscall6(unix.SYS_NEWFSTATAT, uintptr(a[0]), uintptr(path),
		uintptr(unsafe.Pointer(&st)), uintptr(a[3]), 0, 0)
	runtime.KeepAlive(keep)
	if e != 0 {
		return errno(e)
	}
	return p.putStat(&st, a[2])
}

// statx's struct is the same on both architectures.
func (p *Process) sysStatx(a *[6]uint64) int64 {
	path, keep := p.pathArg(a[0], a[1])
	r := host(unix.SYS_STATX, a[0], path, a[2], a[3], a[4])
	runtime.KeepAlive(keep)
	return r
}

func (p *Process) sysReadlinkat(a *[6]uint64) int64 {
	if target, ok := p.guestLinkTarget(a[0], a[1]); ok {
		if int32(a[3]) <= 0 {
			return errno(unix.EINVAL)
		}
		n := min(int64(len(target)), int64(a[3]))
		if r := p.copyOut(a[2], []byte(target[:n])); r != 0 {
			return r
		}
		return n
	}
	path, keep := p.pathArg(a[0], a[1])
	r := host(unix.SYS_READLINKAT, a[0], path, a[2], a[3])
	runtime.KeepAlive(keep)
	return r
}

// guestLinkTarget is what the guest reads from the symlink at ptr (relative
// to dirfd) where that is not what the host shows: /proc/self/exe is its
// program, and so is /proc/PID/exe of another process ferry runs.
func (p *Process) guestLinkTarget(dirfd, ptr uint64) (string, bool) {
	s, ok := p.guestPath(ptr)
	if !ok {
		return "", false
	}
	abs, ok := resolveProcPath(int32(dirfd), s)
	if !ok {
		return "", false
	}
	if ref, ok := p.classifyProc(abs, unix.Gettid()); ok {
		if ref.kind == procExe && p.ExePath != "" {
			return p.ExePath, true
		}
		return "", false
	}
	c := strings.Split(path.Clean(abs), "/")
	if len(c) != 4 || c[1] != "proc" || c[3] != "exe" {
		return "", false
	}
	pid, err := strconv.Atoi(c[2])
	if err != nil || strconv.Itoa(pid) != c[2] {
		return "", false
	}
	target, err := os.Readlink(abs)
	if err != nil {
		return "", false
	}
	return p.otherGuestExe(pid, target)
}

// fcntl commands with an argument or result that needs conversion. All
// other commands (F_DUPFD, F_GETFD/SETFD, F_GETLK/SETLK/SETLKW and the OFD
// variants — struct flock is the same —, F_SETOWN, leases, pipe sizes,
// seals…) have the same numbers and layouts on both architectures.
const (
	fGetfl = 3
	fSetfl = 4
)

func (p *Process) sysFcntl(a *[6]uint64) int64 {
	switch a[1] {
	case fGetfl:
		r := host(unix.SYS_FCNTL, a[0], a[1])
		if r < 0 {
			return r
		}
		return int64(OpenFlagsToGuest(uint64(r)))
	case fSetfl:
		return host(unix.SYS_FCNTL, a[0], a[1], OpenFlagsToHost(a[2]))
	case unix.F_DUPFD, unix.F_DUPFD_CLOEXEC:
		return p.dupfd(a)
	}
	return host(unix.SYS_FCNTL, a[0], a[1], a[2])
}

// passIoctls lists the ioctl requests whose numbers and argument layouts
// are identical on arm64 and x86-64: the tty and pty ioctls (struct
// termios, termios2 and winsize are shared), generic file ioctls, and the
// common network interface queries (struct ifreq/ifconf). Others get
// ENOTTY, which programs treat as "not supported here", rather than a
// host ioctl whose argument might be laid out differently.
var passIoctls = map[uint64]bool{
	0x5401: true, 0x5402: true, 0x5403: true, 0x5404: true, // TCGETS, TCSETS, TCSETSW, TCSETSF
	0x5405: true, 0x5406: true, 0x5407: true, 0x5408: true, // TCGETA, TCSETA, TCSETAW, TCSETAF
	0x5409: true, 0x540A: true, 0x540B: true, // TCSBRK, TCXONC, TCFLSH
	0x540C: true, 0x540D: true, 0x540E: true, // TIOCEXCL, TIOCNXCL, TIOCSCTTY
	0x540F: true, 0x5410: true, 0x5411: true, 0x5412: true, // TIOCGPGRP, TIOCSPGRP, TIOCOUTQ, TIOCSTI
	0x5413: true, 0x5414: true, // TIOCGWINSZ, TIOCSWINSZ
	0x5415: true, 0x5416: true, 0x5417: true, 0x5418: true, // TIOCMGET, TIOCMBIS, TIOCMBIC, TIOCMSET
	0x541B: true, 0x541D: true, // FIONREAD, TIOCCONS
	0x5420: true, 0x5421: true, 0x5422: true, // TIOCPKT, FIONBIO, TIOCNOTTY
	0x5423: true, 0x5424: true, 0x5425: true, // TIOCSETD, TIOCGETD, TCSBRKP
	0x5427: true, 0x5428: true, 0x5429: true, // TIOCSBRK, TIOCCBRK, TIOCGSID
	0x802c542a: true, 0x402c542b: true, 0x402c542c: true, 0x402c542d: true, // TCGETS2, TCSETS2, TCSETSW2, TCSETSF2
	0x80045430: true, 0x40045431: true, 0x80045432: true, // TIOCGPTN, TIOCSPTLCK, TIOCGDEV
	0x80045438: true, 0x80045439: true, 0x80045440: true, 0x5441: true, // TIOCGPKT, TIOCGPTLCK, TIOCGEXCL, TIOCGPTPEER
	0x5450: true, 0x5451: true, 0x5452: true, // FIONCLEX, FIOCLEX, FIOASYNC
	0x5456: true, 0x5457: true, 0x5460: true, // TIOCGLCKTRMIOS, TIOCSLCKTRMIOS, FIOQSIZE
	0x80086601: true, 0x40086602: true, // FS_IOC_GETFLAGS, FS_IOC_SETFLAGS
	0x40049409: true, 0x4020940d: true, // FICLONE, FICLONERANGE
	0x80081272: true, 0x1260: true, 0x1268: true, // BLKGETSIZE64, BLKGETSIZE, BLKSSZGET
	0x8910: true, 0x8912: true, 0x8913: true, 0x8915: true, // SIOCGIFNAME, SIOCGIFCONF, SIOCGIFFLAGS, SIOCGIFADDR
	0x8921: true, 0x8927: true, 0x8933: true, // SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFINDEX
}

func (p *Process) sysIoctl(a *[6]uint64) int64 {
	if !passIoctls[a[1]&0xffffffff] {
		return errno(unix.ENOTTY)
	}
	return host(unix.SYS_IOCTL, a[0], a[1]&0xffffffff, a[2])
}

// struct epoll_event is 16 bytes on arm64 (u32 events, 4 bytes padding,
// u64 data) and packed to 12 bytes on x86-64.
const (
	guestEpollEventSize = 16
	hostEpollEventSize  = 12
	epollCtlDel         = 2
	maxEpollBatch       = 1024 // events converted per call; the rest wait for the next
)

func (p *Process) sysEpollCtl(a *[6]uint64) int64 {
	if a[1] == epollCtlDel || a[3] == 0 {
		return host(unix.SYS_EPOLL_CTL, a[0], a[1], a[2], a[3])
	}
	ev, ok := p.copyIn(a[3], guestEpollEventSize)
	if !ok {
		return errno(unix.EFAULT)
	}
	var h [hostEpollEventSize]byte
	copy(h[0:4], ev[0:4])
	copy(h[4:12], ev[8:16])
	_, _, e := unix.Syscall6(unix.SYS_EPOLL_CTL, uintptr(a[0]), uintptr(a[1]), uintptr(a[2]),
		uintptr(unsafe.Pointer(&h[0])), 0, 0)
	return errno(e)
}

// epollWait runs epoll_pwait or epoll_pwait2 into a host buffer and
// converts the events to the guest's layout. The guest's signal mask for
// the call (a[4], size a[5]) is applied by ferry, not the host kernel.
func (t *Thread) epollWait(nr uintptr, a *[6]uint64) int64 {
	p := t.P
	maxEvents := int64(int32(a[2]))
	if maxEvents <= 0 {
		return errno(unix.EINVAL)
	}
	n := min(maxEvents, maxEpollBatch)
	if !p.writable(a[1], uint64(n)*guestEpollEventSize) {
		return errno(unix.EFAULT)
	}
	if r := t.callMask(a[4], a[5]); r != 0 {
		return r
	}
	buf := make([]byte, n*hostEpollEventSize)
	r := t.hostBlocking(nr, a[0], uint64(uintptr(unsafe.Pointer(&buf[0]))), uint64(n), a[3], 0, 8)
	if r < 0 {
		return r
	}
	out := guestBytes(a[1], uint64(r)*guestEpollEventSize)
	le := binary.LittleEndian
	for i := 0; i < int(r); i++ {
		h := buf[i*hostEpollEventSize:]
		g := out[i*guestEpollEventSize:]
		le.PutUint32(g[0:], le.Uint32(h[0:]))
		le.PutUint32(g[4:], 0)
		le.PutUint64(g[8:], le.Uint64(h[4:]))
	}
	return r
}

func (t *Thread) sysEpollPwait(a *[6]uint64) int64 { return t.epollWait(unix.SYS_EPOLL_PWAIT, a) }

func (t *Thread) sysEpollPwait2(a *[6]uint64) int64 {
	return t.epollWait(unix.SYS_EPOLL_PWAIT2, a)
}
