package syscalls

import (
	"bufio"
	"encoding/binary"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// signalfd. The guest's pending signals live in ferry, not in the host
// kernel, so a host signalfd would never see them. A guest signalfd is a
// host pipe instead: ferry keeps one byte in it while a signal of its mask
// is pending, which makes poll, select and epoll report it readable as the
// kernel would, and serves read(2) on it itself, dequeuing the pending
// signals into struct signalfd_siginfo records. Known limit: a dup of the
// fd reads the pipe's raw byte (reads are recognized by fd number).

// signalFD is one guest signalfd.
type signalFD struct {
	read, write int    // the pipe; read is the guest's fd
	ino         uint64 // the pipe's inode: tells a reused fd number apart
	mask        uint64 // atomic
}

// signalFDs are the process's signalfds, by guest fd number.
type signalFDs struct {
	mu  sync.Mutex
	fds map[int]*signalFD
	any atomic.Bool // fast path for read(2): no signalfd exists
}

const (
	sfdNonblock       = 0o4000 // SFD_NONBLOCK (= O_NONBLOCK on arm64)
	sfdCloexec        = 0o2000000
	signalfdSiginfoSz = 128
)

func (t *Thread) sysSignalfd4(a *[6]uint64) int64 {
	p := t.P
	fd, flags := int(int32(a[0])), a[3]
	if flags&^(sfdNonblock|sfdCloexec) != 0 {
		return errno(unix.EINVAL)
	}
	mask, r := t.guestSigset(a[1], a[2])
	if r != 0 {
		return r
	}
	mask &^= unblockable
	sf := &p.sigfds
	sf.mu.Lock()
	defer sf.mu.Unlock()
	if fd != -1 {
		s := sf.lookupLocked(fd)
		if s == nil {
			return errno(unix.EINVAL)
		}
		atomic.StoreUint64(&s.mask, mask)
		p.refreshSignalFD(s)
		return int64(fd)
	}
	var fds [2]int
	pipeFlags := unix.O_CLOEXEC
	if err := unix.Pipe2(fds[:], pipeFlags); err != nil {
		return errno(err.(unix.Errno))
	}
	// The write end is ferry's: keep it out of the guest's low fd numbers.
	if w, err := unix.FcntlInt(uintptr(fds[1]), unix.F_DUPFD_CLOEXEC, 512); err == nil {
		unix.Close(fds[1])
		fds[1] = w
	}
	unix.SetNonblock(fds[1], true)
	if flags&sfdNonblock != 0 {
		unix.SetNonblock(fds[0], true)
	}
	if flags&sfdCloexec == 0 {
		unix.FcntlInt(uintptr(fds[0]), unix.F_SETFD, 0)
	}
	var st unix.Stat_t
	unix.Fstat(fds[0], &st)
	s := &signalFD{read: fds[0], write: fds[1], ino: st.Ino, mask: mask}
	if sf.fds == nil {
		sf.fds = make(map[int]*signalFD)
	}
	if old := sf.fds[fds[0]]; old != nil {
		unix.Close(old.write) // the guest closed that one; its number came back
	}
	sf.fds[fds[0]] = s
	sf.any.Store(true)
	p.refreshSignalFD(s)
	return int64(fds[0])
}

// lookupLocked returns the live signalfd with guest fd number fd.
func (sf *signalFDs) lookupLocked(fd int) *signalFD {
	s := sf.fds[fd]
	if s == nil {
		return nil
	}
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Ino != s.ino {
		unix.Close(s.write)
		delete(sf.fds, fd)
		return nil
	}
	return s
}

// signalFDFor returns the signalfd a read of fd is aimed at, or nil.
func (p *Process) signalFDFor(fd int) *signalFD {
	if !p.sigfds.any.Load() {
		return nil
	}
	p.sigfds.mu.Lock()
	defer p.sigfds.mu.Unlock()
	return p.sigfds.lookupLocked(fd)
}

// refreshSignalFD makes s's pipe readable iff a signal of its mask is
// pending for the process or any thread.
func (p *Process) refreshSignalFD(s *signalFD) {
	pending := p.sig.pending.pending()
	p.threadsMu.Lock()
	for _, t := range p.threads {
		pending |= t.pending.pending()
	}
	p.threadsMu.Unlock()
	var b [64]byte
	for {
		if n, err := unix.Read(s.read, b[:]); n <= 0 || err != nil {
			break
		}
	}
	if pending&atomic.LoadUint64(&s.mask) != 0 {
		unix.Write(s.write, b[:1])
	}
}

// signalQueued tells the signalfds that sig became pending.
func (p *Process) signalQueued(sig int) {
	if !p.sigfds.any.Load() {
		return
	}
	p.sigfds.mu.Lock()
	defer p.sigfds.mu.Unlock()
	var one [1]byte
	for _, s := range p.sigfds.fds {
		if atomic.LoadUint64(&s.mask)&sigBit(sig) != 0 {
			unix.Write(s.write, one[:]) // a full pipe is readable anyway
		}
	}
}

// readSignalFD serves read(2) on a signalfd: as many pending signals of
// its mask as fit, each a 128-byte struct signalfd_siginfo; blocks (unless
// O_NONBLOCK) until there is one.
func (t *Thread) readSignalFD(s *signalFD, buf, n uint64) int64 {
	p := t.P
	if n < signalfdSiginfoSz {
		return errno(unix.EINVAL)
	}
	if !p.writable(buf, n) {
		return errno(unix.EFAULT)
	}
	for {
		var got uint64
		for got+signalfdSiginfoSz <= n {
			_, info, ok := t.takeDeliverable(atomic.LoadUint64(&s.mask))
			if !ok {
				break
			}
			encodeSignalfdSiginfo(info, guestBytes(buf+got, signalfdSiginfoSz))
			got += signalfdSiginfoSz
		}
		p.sigfds.mu.Lock()
		p.refreshSignalFD(s)
		p.sigfds.mu.Unlock()
		if got > 0 {
			return int64(got)
		}
		fl, _ := unix.FcntlInt(uintptr(s.read), unix.F_GETFL, 0)
		if fl&unix.O_NONBLOCK != 0 {
			return errno(unix.EAGAIN)
		}
		// Wait for the pipe to become readable (a signal was queued).
		pfd := unix.PollFd{Fd: int32(s.read), Events: unix.POLLIN}
		if r := t.hostBlocking(unix.SYS_POLL, uint64(uintptr(unsafe.Pointer(&pfd))), 1, ^uint64(0)); r < 0 {
			return r
		}
	}
}

// encodeSignalfdSiginfo lays out struct signalfd_siginfo from a siginfo:
// signo, errno, code, pid, uid, fd, tid, band, overrun, trapno, status,
// int, ptr, utime, stime, addr, addr_lsb…
func encodeSignalfdSiginfo(info SigInfo, b []byte) {
	clear(b)
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(info.Signo))
	le.PutUint32(b[4:], uint32(info.Errno))
	le.PutUint32(b[8:], uint32(info.Code))
	f := info.Fields
	le.PutUint32(b[12:], uint32(f[0]))     // ssi_pid (kill, queue, chld)
	le.PutUint32(b[16:], uint32(f[0]>>32)) // ssi_uid
	switch unix.Signal(info.Signo) {
	case unix.SIGCHLD:
		le.PutUint32(b[40:], uint32(f[1])) // ssi_status
		le.PutUint64(b[56:], f[2])         // ssi_utime
		le.PutUint64(b[64:], f[3])         // ssi_stime
	case unix.SIGSEGV, unix.SIGBUS, unix.SIGILL, unix.SIGFPE, unix.SIGTRAP:
		le.PutUint64(b[72:], f[0]) // ssi_addr
		le.PutUint64(b[12:], 0)
	default:
		le.PutUint32(b[44:], uint32(f[1])) // ssi_int: sigqueue's value
		le.PutUint64(b[48:], f[1])         // ssi_ptr: the same value
	}
}

// sysRead serves read(2): signalfds are ferry's, everything else the host's.
func (t *Thread) sysRead(a *[6]uint64) int64 {
	if s := t.P.signalFDFor(int(int32(a[0]))); s != nil {
		return t.readSignalFD(s, a[1], a[2])
	}
	return t.hostBlocking(unix.SYS_READ, a[0], a[1], a[2])
}

// pidfdPid returns the pid a pidfd refers to (from /proc/self/fdinfo).
func pidfdPid(fd int) (int, bool) {
	f, err := os.Open("/proc/self/fdinfo/" + strconv.Itoa(fd))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Pid:"); ok {
			pid, err := strconv.Atoi(strings.TrimSpace(v))
			return pid, err == nil
		}
	}
	return 0, false
}

// sysPidfdSendSignal: a pidfd of the guest's own process is a kill of
// itself (ferry's signal model); others go to the host.
func (t *Thread) sysPidfdSendSignal(a *[6]uint64) int64 {
	if pid, ok := pidfdPid(int(int32(a[0]))); ok && pid == t.P.Pid {
		if a[3] != 0 {
			return errno(unix.EINVAL)
		}
		sig := int(int32(a[1]))
		if !validSignal(sig) {
			return errno(unix.EINVAL)
		}
		info := t.selfInfo(sig, siUser)
		if a[2] != 0 {
			var r int64
			if info, r = t.queuedInfo(sig, a[2], pid); r != 0 {
				return r
			}
		}
		return t.signalProcess(info)
	}
	return t.hostBlocking(unix.SYS_PIDFD_SEND_SIGNAL, a[0], a[1], a[2], a[3])
}
