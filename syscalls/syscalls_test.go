package syscalls

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"ferry/backend"
	"ferry/ir"
	"ferry/syscalls/guestmem"

	"golang.org/x/sys/unix"
)

// newTestThread returns the main thread of a fresh process, running on
// the test's host thread; the guest mappings are released and the thread
// unlocked when the test ends.
func newTestThread(t *testing.T) *Thread {
	t.Helper()
	p := NewProcess("/guest/prog")
	runtime.LockOSThread()
	th := p.NewMainThread(ir.CPU{})
	th.Tid = unix.Gettid()
	p.threads[th.Tid] = th
	t.Cleanup(func() {
		for len(p.Mem.Mappings) > 0 {
			mp := p.Mem.Mappings[0]
			p.Mem.Unmap(mp.Start, mp.End-mp.Start)
		}
		runtime.UnlockOSThread()
	})
	return th
}

// invalidationRecorder is an engine that only reports Invalidate calls.
type invalidationRecorder func(start, end uint64)

func (r invalidationRecorder) Invalidate(start, end uint64) { r(start, end) }
func (invalidationRecorder) NewRunner() backend.Runner      { return nil }
func (invalidationRecorder) CodeRange() (lo, hi uintptr)    { return 0, 0 }

// exitStatus is what the guest exited with in a test (Process.exitHook).
type exitStatus int

// syscallOn runs the syscall in cpu on th; a guest exit comes back as
// exited, with its status.
func syscallOn(th *Thread, cpu *ir.CPU) (exited bool, status int) {
	th.P.exitHook = func(s int) { panic(exitStatus(s)) }
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(exitStatus)
			if !ok {
				panic(r)
			}
			exited, status = true, int(s)
		}
		*cpu = th.CPU
	}()
	th.CPU = *cpu
	th.Syscall()
	return false, 0
}

// deliverFault runs DeliverFault on th with cpu's registers.
func deliverFault(th *Thread, cpu *ir.CPU, info SigInfo) bool {
	th.CPU = *cpu
	ok := th.DeliverFault(info)
	*cpu = th.CPU
	return ok
}

// call runs one guest syscall on th and returns X0.
func call(t *testing.T, th *Thread, nr uint64, args ...uint64) int64 {
	t.Helper()
	var cpu ir.CPU
	copy(cpu.X[:6], args)
	cpu.X[8] = nr
	if exited, _ := syscallOn(th, &cpu); exited {
		t.Fatalf("syscall %d exited the guest", nr)
	}
	return int64(cpu.X[0])
}

// dispatch runs one guest syscall on th like the thread's dispatcher
// does, delivering what is pending afterwards, and returns X0.
func dispatch(t *testing.T, th *Thread, nr uint64, args ...uint64) int64 {
	t.Helper()
	r := call(t, th, nr, args...)
	if th.hasDeliverable() {
		th.deliverSignals(nil)
	}
	return r
}

// guestBuf allocates n bytes of guest memory.
func guestBuf(t *testing.T, p *Process, n uint64) uint64 {
	t.Helper()
	addr, e := p.Mem.MapAnywhere(0, guestmem.PageAlignUp(n), guestmem.ProtRead|guestmem.ProtWrite,
		guestmem.MapPrivate|guestmem.MapAnonymous, -1, 0, "")
	if e != 0 {
		t.Fatal(e)
	}
	return addr
}

// guestString stores s NUL-terminated in guest memory.
func guestString(t *testing.T, p *Process, s string) uint64 {
	addr := guestBuf(t, p, uint64(len(s)+1))
	copy(guestBytes(addr, uint64(len(s)+1)), s+"\x00")
	return addr
}

func errRet(e unix.Errno) int64 { return -int64(e) }

const atFdcwd = uint64(0xffffffffffffff9c) // AT_FDCWD (-100)

func TestOpenFlagConversion(t *testing.T) {
	pairs := []struct{ arm64, x86 uint64 }{
		{0o40000, 0o200000},  // O_DIRECTORY
		{0o100000, 0o400000}, // O_NOFOLLOW
		{0o200000, 0o40000},  // O_DIRECT
		{0o400000, 0o100000}, // O_LARGEFILE
		{unix.O_CLOEXEC | unix.O_APPEND | unix.O_NONBLOCK | unix.O_CREAT | unix.O_RDWR,
			unix.O_CLOEXEC | unix.O_APPEND | unix.O_NONBLOCK | unix.O_CREAT | unix.O_RDWR},
		{0o20000000 | 0o40000, 0o20000000 | 0o200000}, // O_TMPFILE includes O_DIRECTORY
	}
	for _, c := range pairs {
		if got := OpenFlagsToHost(c.arm64); got != c.x86 {
			t.Errorf("OpenFlagsToHost(%#o) = %#o, want %#o", c.arm64, got, c.x86)
		}
		if got := OpenFlagsToGuest(c.x86); got != c.arm64 {
			t.Errorf("OpenFlagsToGuest(%#o) = %#o, want %#o", c.x86, got, c.arm64)
		}
	}
	for bit := uint64(1); bit < 1<<32; bit <<= 1 {
		if got := OpenFlagsToGuest(OpenFlagsToHost(bit)); got != bit {
			t.Errorf("flag %#o does not survive a round trip: %#o", bit, got)
		}
	}
}

func TestOpenatFlagsOnHost(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, []byte("data"), 0o644)
	link := filepath.Join(dir, "l")
	os.Symlink(file, link)
	const arm64Dir, arm64NoFollow, arm64LargeFile = 0o40000, 0o100000, 0o400000

	if r := call(t, th, nrOpenat, atFdcwd, guestString(t, p, file), arm64Dir); r != errRet(unix.ENOTDIR) {
		t.Errorf("open(file, arm64 O_DIRECTORY) = %d, want ENOTDIR", r)
	}
	fd := call(t, th, nrOpenat, atFdcwd, guestString(t, p, dir), arm64Dir)
	if fd < 0 {
		t.Fatalf("open(dir, arm64 O_DIRECTORY) = %d", fd)
	}
	unix.Close(int(fd))
	if r := call(t, th, nrOpenat, atFdcwd, guestString(t, p, link), arm64NoFollow); r != errRet(unix.ELOOP) {
		t.Errorf("open(symlink, arm64 O_NOFOLLOW) = %d, want ELOOP", r)
	}
	fd = call(t, th, nrOpenat, atFdcwd, guestString(t, p, file), unix.O_RDWR|unix.O_APPEND)
	if fd < 0 {
		t.Fatal(fd)
	}
	defer unix.Close(int(fd))
	hostFlags, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if hostFlags&0o100000 == 0 {
		t.Fatalf("host F_GETFL %#o lacks x86-64 O_LARGEFILE; the test's premise is wrong", hostFlags)
	}
	got := call(t, th, nrFcntl, uint64(fd), fGetfl)
	if want := int64(unix.O_RDWR | unix.O_APPEND | arm64LargeFile); got != want {
		t.Errorf("guest F_GETFL = %#o, want %#o", got, want)
	}
	if r := call(t, th, nrFcntl, uint64(fd), fSetfl, unix.O_NONBLOCK); r != 0 {
		t.Fatal(r)
	}
	if got := call(t, th, nrFcntl, uint64(fd), fGetfl); got&unix.O_NONBLOCK == 0 || got&unix.O_APPEND != 0 {
		t.Errorf("after F_SETFL O_NONBLOCK: %#o", got)
	}
}

// decodeGuestStat reads the fields of an arm64 struct stat.
type guestStat struct {
	dev, ino                                       uint64
	mode, nlink, uid, gid                          uint32
	rdev                                           uint64
	size                                           int64
	blksize                                        int32
	blocks                                         int64
	atime, atimeNs, mtime, mtimeNs, ctime, ctimeNs int64
}

func decodeStat(b []byte) guestStat {
	le := binary.LittleEndian
	return guestStat{
		dev: le.Uint64(b[0:]), ino: le.Uint64(b[8:]), mode: le.Uint32(b[16:]), nlink: le.Uint32(b[20:]),
		uid: le.Uint32(b[24:]), gid: le.Uint32(b[28:]), rdev: le.Uint64(b[32:]), size: int64(le.Uint64(b[48:])),
		blksize: int32(le.Uint32(b[56:])), blocks: int64(le.Uint64(b[64:])),
		atime: int64(le.Uint64(b[72:])), atimeNs: int64(le.Uint64(b[80:])),
		mtime: int64(le.Uint64(b[88:])), mtimeNs: int64(le.Uint64(b[96:])),
		ctime: int64(le.Uint64(b[104:])), ctimeNs: int64(le.Uint64(b[112:])),
	}
}

func wantStat(st *unix.Stat_t) guestStat {
	return guestStat{
		dev: st.Dev, ino: st.Ino, mode: st.Mode, nlink: uint32(st.Nlink), uid: st.Uid, gid: st.Gid,
		rdev: st.Rdev, size: st.Size, blksize: int32(st.Blksize), blocks: st.Blocks,
		atime: st.Atim.Sec, atimeNs: st.Atim.Nsec, mtime: st.Mtim.Sec, mtimeNs: st.Mtim.Nsec,
		ctime: st.Ctim.Sec, ctimeNs: st.Ctim.Nsec,
	}
}

func TestStatLayoutMatchesHost(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, bytes.Repeat([]byte("x"), 12345), 0o640)
	os.Link(file, filepath.Join(dir, "hard")) // nlink 2
	link := filepath.Join(dir, "sym")
	os.Symlink(file, link)

	buf := guestBuf(t, p, 4096)
	guard := guestBytes(buf+GuestStatSize, 16)
	for i := range guard {
		guard[i] = 0xA5
	}
	f, _ := os.Open(file)
	defer f.Close()
	if r := call(t, th, nrFstat, uint64(f.Fd()), buf); r != 0 {
		t.Fatalf("fstat = %d", r)
	}
	var host unix.Stat_t
	unix.Fstat(int(f.Fd()), &host)
	if got, want := decodeStat(guestBytes(buf, GuestStatSize)), wantStat(&host); got != want {
		t.Errorf("fstat:\n got %+v\nwant %+v", got, want)
	}
	if got := decodeStat(guestBytes(buf, GuestStatSize)); got.nlink != 2 || got.size != 12345 || got.mode != unix.S_IFREG|0o640 {
		t.Errorf("fstat fields: %+v", got)
	}
	for _, c := range guard {
		if c != 0xA5 {
			t.Fatal("fstat wrote past the 128-byte arm64 struct stat")
		}
	}

	const atSymlinkNofollow = 0x100
	if r := call(t, th, nrNewfstatat, atFdcwd, guestString(t, p, link), buf, atSymlinkNofollow); r != 0 {
		t.Fatalf("newfstatat = %d", r)
	}
	unix.Lstat(link, &host)
	if got, want := decodeStat(guestBytes(buf, GuestStatSize)), wantStat(&host); got != want || got.mode&unix.S_IFMT != unix.S_IFLNK {
		t.Errorf("lstat:\n got %+v\nwant %+v", got, want)
	}
	if r := call(t, th, nrFstat, uint64(f.Fd()), 0x1000); r != errRet(unix.EFAULT) {
		t.Errorf("fstat to an unmapped buffer = %d, want EFAULT", r)
	}
	if r := call(t, th, nrNewfstatat, atFdcwd, guestString(t, p, filepath.Join(dir, "none")), buf, 0); r != errRet(unix.ENOENT) {
		t.Errorf("stat of a missing file = %d, want ENOENT", r)
	}
}

func TestProcSelfExeIsTheGuest(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	prog := filepath.Join(t.TempDir(), "guest-program")
	os.WriteFile(prog, []byte("GUEST"), 0o755)
	p.ExePath = prog
	buf := guestBuf(t, p, 4096)
	for _, path := range []string{"/proc/self/exe", "/proc/" + strconv.Itoa(os.Getpid()) + "/exe"} {
		n := call(t, th, nrReadlinkat, atFdcwd, guestString(t, p, path), buf, 4096)
		if n != int64(len(prog)) || string(guestBytes(buf, uint64(n))) != prog {
			t.Errorf("readlink(%s) = %d %q, want %q", path, n, guestBytes(buf, uint64(max(n, 0))), prog)
		}
	}
	if n := call(t, th, nrReadlinkat, atFdcwd, guestString(t, p, "/proc/self/exe"), buf, 5); n != 5 {
		t.Errorf("readlink into 5 bytes = %d, want 5 (truncated like Linux)", n)
	}
	fd := call(t, th, nrOpenat, atFdcwd, guestString(t, p, "/proc/self/exe"), unix.O_RDONLY)
	if fd < 0 {
		t.Fatal(fd)
	}
	defer unix.Close(int(fd))
	if n := call(t, th, nrRead, uint64(fd), buf, 100); n != 5 || string(guestBytes(buf, 5)) != "GUEST" {
		t.Errorf("reading /proc/self/exe gave %d %q", n, guestBytes(buf, 5))
	}
	// Other procfs links are the host's.
	n := call(t, th, nrReadlinkat, atFdcwd, guestString(t, p, "/proc/self/cwd"), buf, 4096)
	wd, _ := os.Getwd()
	if string(guestBytes(buf, uint64(max(n, 0)))) != wd {
		t.Errorf("readlink(/proc/self/cwd) = %q, want %q", guestBytes(buf, uint64(max(n, 0))), wd)
	}
}

func TestUname(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	buf := guestBuf(t, p, 512)
	if r := call(t, th, nrUname, buf); r != 0 {
		t.Fatal(r)
	}
	field := func(i int) string {
		b := guestBytes(buf+uint64(i*65), 65)
		return string(b[:bytes.IndexByte(b, 0)])
	}
	var host unix.Utsname
	unix.Uname(&host)
	if field(0) != "Linux" || field(4) != "aarch64" || field(2) != unix.ByteSliceToString(host.Release[:]) {
		t.Errorf("uname: sysname %q machine %q release %q", field(0), field(4), field(2))
	}
}

func TestMemorySyscalls(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	var invalidated [][2]uint64
	p.Engine = invalidationRecorder(func(s, e uint64) { invalidated = append(invalidated, [2]uint64{s, e}) })
	const rw, rx = guestmem.ProtRead | guestmem.ProtWrite, guestmem.ProtRead | guestmem.ProtExec
	const privAnon = guestmem.MapPrivate | guestmem.MapAnonymous

	addr := uint64(call(t, th, nrMmap, 0, 3*4096, rw, privAnon, ^uint64(0), 0))
	if int64(addr) < 0 || !p.Mem.Covers(addr, addr+3*4096) {
		t.Fatalf("mmap = %#x", addr)
	}
	guestBytes(addr, 3*4096)[100] = 1
	if r := call(t, th, nrMmap, 0, 4096, rw, 0x4 /* no MAP_PRIVATE/SHARED */ |guestmem.MapAnonymous, ^uint64(0), 0); r != errRet(unix.EINVAL) {
		t.Errorf("mmap without a mapping type = %d, want EINVAL", r)
	}
	if r := call(t, th, nrMmap, 0, 4096, 0x20 /* PROT_MTE */ |rw, privAnon, ^uint64(0), 0); r != errRet(unix.EINVAL) {
		t.Errorf("mmap with PROT_MTE = %d, want EINVAL", r)
	}
	// The translator's memory is out of reach.
	obj := new([1 << 16]byte)
	hostPage := guestmem.PageAlignUp(uint64(uintptr(unsafe.Pointer(obj))))
	if r := call(t, th, nrMmap, hostPage, 4096, rw, privAnon|guestmem.MapFixed, ^uint64(0), 0); r != errRet(unix.ENOMEM) {
		t.Errorf("MAP_FIXED over the Go heap = %d, want ENOMEM", r)
	}
	if r := call(t, th, nrMunmap, hostPage, 4096); r != 0 {
		t.Errorf("munmap of host memory = %d", r)
	}
	obj[len(obj)-1] = 1 // still there
	if r := call(t, th, nrMprotect, hostPage, 4096, 0); r != errRet(unix.ENOMEM) {
		t.Errorf("mprotect of host memory = %d, want ENOMEM", r)
	}

	// Making code executable and unmapping it invalidates translations.
	if r := call(t, th, nrMprotect, addr, 4096, rx); r != 0 {
		t.Fatal(r)
	}
	if r := call(t, th, nrMunmap, addr, 3*4096); r != 0 {
		t.Fatal(r)
	}
	want := [][2]uint64{{addr, addr + 4096}, {addr, addr + 3*4096}}
	if len(invalidated) != 2 || invalidated[0] != want[0] || invalidated[1] != want[1] {
		t.Errorf("OnCodeUnmap calls %x, want %x", invalidated, want)
	}
	if p.Mem.Overlaps(addr, addr+3*4096) {
		t.Error("munmap left a record")
	}

	// A file mapping shows the file.
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, bytes.Repeat([]byte("0123456789"), 1000), 0o644)
	f, _ := os.Open(file)
	defer f.Close()
	fm := uint64(call(t, th, nrMmap, 0, 10000, guestmem.ProtRead, guestmem.MapPrivate, uint64(f.Fd()), 4096))
	if int64(fm) < 0 {
		t.Fatal(int64(fm))
	}
	if got := string(guestBytes(fm, 10)); got != "6789012345" {
		t.Errorf("file mapping at offset 4096 reads %q", got)
	}
	if mp, _ := p.Mem.Lookup(fm); mp.Name != file || mp.Offset != 4096 {
		t.Errorf("file mapping record %+v", mp)
	}

	// mremap grows and keeps contents.
	m := uint64(call(t, th, nrMmap, 0, 4096, rw, privAnon, ^uint64(0), 0))
	guestBytes(m, 1)[0] = 77
	call(t, th, nrMmap, m+4096, 4096, rw, privAnon|guestmem.MapFixed, ^uint64(0), 0) // block in-place growth
	n := uint64(call(t, th, nrMremap, m, 4096, 8192, guestmem.MremapMayMove, 0))
	if int64(n) < 0 || n == m || guestBytes(n, 1)[0] != 77 || !p.Mem.Covers(n, n+8192) {
		t.Errorf("mremap = %#x", n)
	}
}

func TestBrk(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	const start = 0x3000_0000
	p.SetBrk(start)
	if r := call(t, th, nrBrk, 0); r != start {
		t.Fatalf("brk(0) = %#x", r)
	}
	if r := call(t, th, nrBrk, start+10000); r != start+10000 {
		t.Fatalf("brk grow = %#x", r)
	}
	b := guestBytes(start, 12288)
	b[0], b[12287] = 1, 2 // three pages usable
	if mp, _ := p.Mem.Lookup(start); mp.Name != "[heap]" || mp.End != start+12288 {
		t.Errorf("heap record %+v", mp)
	}
	if r := call(t, th, nrBrk, start+100); r != start+100 || p.Mem.Overlaps(start+4096, start+12288) {
		t.Errorf("brk shrink = %#x, record %+v", r, p.Mem.Mappings)
	}
	if r := call(t, th, nrBrk, start-4096); r != start+100 {
		t.Errorf("brk below the start = %#x, want the current break", r)
	}
	// Growing into a guest mapping fails and leaves the break alone.
	call(t, th, nrMmap, start+8192, 4096, guestmem.ProtRead, guestmem.MapPrivate|guestmem.MapAnonymous|guestmem.MapFixed, ^uint64(0), 0)
	if r := call(t, th, nrBrk, start+20000); r != start+100 {
		t.Errorf("brk into a mapping = %#x, want %#x", r, start+100)
	}
}

func TestSignalStateRecorded(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	buf := guestBuf(t, p, 4096)
	act, old := buf, buf+64
	le := binary.LittleEndian
	le.PutUint64(guestBytes(act, 32)[0:], 0x400123)
	le.PutUint64(guestBytes(act, 32)[8:], 0x04000000|0x10000000) // SA_RESTORER|SA_RESTART
	le.PutUint64(guestBytes(act, 32)[16:], 0x400456)
	le.PutUint64(guestBytes(act, 32)[24:], 1<<(unix.SIGUSR2-1)|1<<(unix.SIGKILL-1))
	if r := call(t, th, nrRtSigaction, uint64(unix.SIGUSR1), act, 0, 8); r != 0 {
		t.Fatal(r)
	}
	if r := call(t, th, nrRtSigaction, uint64(unix.SIGUSR1), 0, old, 8); r != 0 {
		t.Fatal(r)
	}
	got := guestBytes(old, 32)
	if le.Uint64(got[0:]) != 0x400123 || le.Uint64(got[16:]) != 0x400456 || le.Uint64(got[24:]) != 1<<(unix.SIGUSR2-1) {
		t.Errorf("old action %x (SIGKILL must be dropped from the mask)", got)
	}
	if r := call(t, th, nrRtSigaction, uint64(unix.SIGKILL), act, 0, 8); r != errRet(unix.EINVAL) {
		t.Errorf("sigaction(SIGKILL) = %d", r)
	}
	if r := call(t, th, nrRtSigaction, uint64(unix.SIGUSR1), act, 0, 16); r != errRet(unix.EINVAL) {
		t.Errorf("sigaction with sigsetsize 16 = %d", r)
	}

	set := buf + 128
	le.PutUint64(guestBytes(set, 8), 1<<(unix.SIGINT-1)|1<<(unix.SIGSTOP-1))
	if r := call(t, th, nrRtSigprocmask, sigBlock, set, 0, 8); r != 0 || th.SigMask != 1<<(unix.SIGINT-1) {
		t.Errorf("block: %d mask %#x", r, th.SigMask)
	}
	oldset := buf + 136
	le.PutUint64(guestBytes(set, 8), 1<<(unix.SIGINT-1))
	if r := call(t, th, nrRtSigprocmask, sigUnblock, set, oldset, 8); r != 0 || th.SigMask != 0 || le.Uint64(guestBytes(oldset, 8)) != 1<<(unix.SIGINT-1) {
		t.Errorf("unblock: %d mask %#x old %#x", r, th.SigMask, le.Uint64(guestBytes(oldset, 8)))
	}

	ss := buf + 256
	le.PutUint64(guestBytes(ss, 24)[0:], buf+1024)
	le.PutUint64(guestBytes(ss, 24)[16:], 2048)
	if r := call(t, th, nrSigaltstack, ss, 0); r != errRet(unix.ENOMEM) {
		t.Errorf("sigaltstack below MINSIGSTKSZ = %d, want ENOMEM", r)
	}
	le.PutUint64(guestBytes(ss, 24)[16:], 16384)
	oss := buf + 512
	if r := call(t, th, nrSigaltstack, ss, oss); r != 0 || th.AltStack.Size != 16384 {
		t.Errorf("sigaltstack = %d, %+v", r, th.AltStack)
	}
	if le.Uint32(guestBytes(oss, 24)[8:]) != ssDisable {
		t.Error("initial old altstack is not SS_DISABLE")
	}
}

func TestMiscellaneous(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	var log bytes.Buffer
	p.Log = &log
	p.Debug = true
	if r := call(t, th, 1000); r != errRet(unix.ENOSYS) {
		t.Errorf("unknown syscall = %d", r)
	}
	call(t, th, 1000)
	if r := call(t, th, nrRseq, 0, 32, 0, 0); r != errRet(unix.ENOSYS) {
		t.Errorf("rseq = %d", r)
	}
	if strings.Count(log.String(), "syscall_1000") != 1 {
		t.Errorf("unsupported syscall reported %q, want exactly once", log.String())
	}
	if r := call(t, th, nrGettid); r != int64(unix.Gettid()) {
		t.Errorf("gettid = %d, want the host thread's tid %d", r, unix.Gettid())
	}
	buf := guestBuf(t, p, 4096)
	// Both go to the host kernel for this host thread: reset them before
	// the test's thread can end.
	if r := call(t, th, nrSetTidAddress, buf+2048); r != int64(unix.Gettid()) || th.ClearChildTID != buf+2048 {
		t.Errorf("set_tid_address = %d", r)
	}
	call(t, th, nrSetTidAddress, 0)
	if r := call(t, th, nrSetRobustList, buf+2048, 24); r != 0 || th.RobustList != buf+2048 {
		t.Errorf("set_robust_list = %d", r)
	}
	call(t, th, nrSetRobustList, 0, 24)
	if r := call(t, th, nrClockGettime, unix.CLOCK_MONOTONIC, buf); r != 0 || binary.LittleEndian.Uint64(guestBytes(buf, 8)) == 0 {
		t.Errorf("clock_gettime = %d", r)
	}
	// RLIMIT_AS is recorded for the guest, not applied to ferry.
	binary.LittleEndian.PutUint64(guestBytes(buf, 16)[0:], 1<<30)
	binary.LittleEndian.PutUint64(guestBytes(buf, 16)[8:], p.AddressSpaceLimit.Max)
	if r := call(t, th, nrSetrlimit, rlimitAS, buf); r != 0 || p.AddressSpaceLimit.Cur != 1<<30 {
		t.Errorf("setrlimit(AS) = %d %+v", r, p.AddressSpaceLimit)
	}
	var host unix.Rlimit
	unix.Getrlimit(unix.RLIMIT_AS, &host)
	if host.Cur == 1<<30 {
		t.Error("guest RLIMIT_AS reached the host")
	}
	if r := call(t, th, nrPrlimit64, 0, rlimitAS, 0, buf+64); r != 0 || binary.LittleEndian.Uint64(guestBytes(buf+64, 8)) != 1<<30 {
		t.Errorf("prlimit64 get AS = %d", r)
	}
	req := buf + 128
	binary.LittleEndian.PutUint64(guestBytes(req, 16)[8:], 1000) // 1 µs
	if r := call(t, th, nrNanosleep, req, 0); r != 0 {
		t.Errorf("nanosleep = %d", r)
	}
	if r := call(t, th, nrIoctl, 1, 0x12345678, 0); r != errRet(unix.ENOTTY) {
		t.Errorf("unknown ioctl = %d, want ENOTTY", r)
	}
	if r := call(t, th, nrPrctl, 50 /* PR_SVE_GET_VL */); r != errRet(unix.EINVAL) {
		t.Errorf("prctl(PR_SVE_GET_VL) = %d, want EINVAL", r)
	}

	var cpu ir.CPU
	cpu.X[8], cpu.X[0] = nrExitGroup, 0x103
	if exited, status := syscallOn(th, &cpu); !exited || status != 3 {
		t.Errorf("exit_group(0x103) = %v %d, want exit status 3", exited, status)
	}
}

func TestStrace(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	var log bytes.Buffer
	p.Log, p.Strace = &log, true
	call(t, th, nrOpenat, atFdcwd, guestString(t, p, "/nonexistent/x"), 0, 0)
	call(t, th, nrGetpid)
	want := "[ferry] openat(AT_FDCWD, \"/nonexistent/x\", 0x0, 0x0) = -1 ENOENT (no such file or directory)\n" +
		"[ferry] getpid() = " + strconv.Itoa(os.Getpid()) + "\n"
	if log.String() != want {
		t.Errorf("strace output:\n%s\nwant:\n%s", log.String(), want)
	}
}

func TestEpollEventLayout(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	var fds [2]int
	unix.Pipe2(fds[:], unix.O_CLOEXEC)
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	ep := call(t, th, nrEpollCreate1, unix.EPOLL_CLOEXEC)
	if ep < 0 {
		t.Fatal(ep)
	}
	defer unix.Close(int(ep))
	buf := guestBuf(t, p, 4096)
	le := binary.LittleEndian
	le.PutUint32(guestBytes(buf, 16)[0:], unix.EPOLLIN)
	le.PutUint64(guestBytes(buf, 16)[8:], 0x1122334455667788)
	if r := call(t, th, nrEpollCtl, uint64(ep), unix.EPOLL_CTL_ADD, uint64(fds[0]), buf); r != 0 {
		t.Fatal(r)
	}
	unix.Write(fds[1], []byte("x"))
	out := buf + 1024
	if n := call(t, th, nrEpollPwait, uint64(ep), out, 4, 1000, 0, 8); n != 1 {
		t.Fatalf("epoll_pwait = %d", n)
	}
	ev := guestBytes(out, 16)
	if le.Uint32(ev[0:]) != unix.EPOLLIN || le.Uint64(ev[8:]) != 0x1122334455667788 {
		t.Errorf("event %x: want events EPOLLIN at 0 and data at 8 (arm64 layout)", ev)
	}
}

// The signal tests run in a child process, which the guest's signal kills.
func TestSignalsKillLikeTheKernel(t *testing.T) {
	cases := []struct {
		scenario string
		signal   syscall.Signal // 0: must exit normally with status 0
	}{
		{"abort", syscall.SIGABRT},
		{"ignored-usr1", 0},
		{"broken-pipe", syscall.SIGPIPE},
		{"blocked-then-unblocked-term", syscall.SIGTERM},
		{"host-alarm", syscall.SIGALRM},
	}
	for _, c := range cases {
		t.Run(c.scenario, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSignalHelper$")
			cmd.Env = append(os.Environ(), "FERRY_SIGNAL_SCENARIO="+c.scenario)
			out, err := cmd.CombinedOutput()
			ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if c.signal == 0 {
				if err != nil {
					t.Fatalf("helper failed: %v\n%s", err, out)
				}
				return
			}
			if !ws.Signaled() || ws.Signal() != c.signal {
				t.Fatalf("helper ended with %v, want death by %v\n%s", err, c.signal, out)
			}
		})
	}
}

func TestSignalHelper(t *testing.T) {
	scenario := os.Getenv("FERRY_SIGNAL_SCENARIO")
	if scenario == "" {
		t.Skip("helper process for TestSignalsKillLikeTheKernel")
	}
	th := newTestThread(t)
	p := th.P
	installHostSignals(p)
	pid := uint64(os.Getpid())
	buf := guestBuf(t, p, 4096)
	switch scenario {
	case "abort":
		dispatch(t, th, nrTgkill, pid, uint64(th.Tid), uint64(unix.SIGABRT))
	case "ignored-usr1":
		binary.LittleEndian.PutUint64(guestBytes(buf, 8), sigIgn)
		dispatch(t, th, nrRtSigaction, uint64(unix.SIGUSR1), buf, 0, 8)
		dispatch(t, th, nrKill, pid, uint64(unix.SIGUSR1))
		unix.Kill(os.Getpid(), unix.SIGUSR1) // from "outside" too
		req := buf + 64
		binary.LittleEndian.PutUint64(guestBytes(req, 16)[8:], 50_000_000)
		dispatch(t, th, nrNanosleep, req, 0)
		return
	case "broken-pipe":
		var fds [2]int
		unix.Pipe(fds[:])
		unix.Close(fds[0])
		dispatch(t, th, nrWrite, uint64(fds[1]), buf, 1)
	case "blocked-then-unblocked-term":
		binary.LittleEndian.PutUint64(guestBytes(buf, 8), 1<<(unix.SIGTERM-1))
		dispatch(t, th, nrRtSigprocmask, sigBlock, buf, 0, 8)
		dispatch(t, th, nrKill, pid, uint64(unix.SIGTERM))
		if p.sig.pending.pending() == 0 {
			t.Fatal("blocked SIGTERM is not pending")
		}
		dispatch(t, th, nrRtSigprocmask, sigUnblock, buf, 0, 8)
	case "host-alarm":
		// SIG_DFL SIGALRM terminates; the Go runtime alone would ignore it.
		dispatch(t, th, nrSetitimer, 0, 0, 0)
		itv := buf + 64
		binary.LittleEndian.PutUint64(guestBytes(itv, 32)[24:], 1000) // it_value 1 ms
		dispatch(t, th, nrSetitimer, 0 /* ITIMER_REAL */, itv, 0)
		req := buf + 128
		binary.LittleEndian.PutUint64(guestBytes(req, 16)[0:], 5)
		dispatch(t, th, nrNanosleep, req, 0)
	}
	t.Fatal("still alive")
}
