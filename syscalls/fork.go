package syscalls

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"hash/maphash"
	"io"
	"math/bits"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"

	"ferry/ir"
	"ferry/syscalls/guestmem"
	"ferry/syscalls/hostfd"

	"golang.org/x/sys/unix"
)

// Guest fork. A Go process cannot safely keep running Go code in a child
// of a raw fork (NOTES §7), so a guest fork starts a fresh ferry that
// continues the guest: the parent writes the guest's state (registers,
// Process, and the contents of its memory) into a memfd, starts ferry with
// -restore-fd through syscall.ForkExec (which runs only raw system calls
// between clone and execve), and the new ferry maps the memfd's pages at
// the guest's addresses copy-on-write. The child is a real child process of
// the guest: same fds (FD_CLOEXEC ones included), cwd, umask, rlimits,
// credentials, session and process group; wait4 and SIGCHLD work as usual.
//
// MAP_SHARED mappings stay shared: every one has an object ferry keeps a
// descriptor of (guestmem.Mapping.FD: a memfd made at mmap time for
// MAP_SHARED|MAP_ANONYMOUS memory, a duplicate of the guest's fd for a
// file), which the child inherits and maps again, so neither renaming,
// unlinking nor closing the file matters, and no privilege is needed
// (reopening a deleted file through /proc/self/map_files needs
// CAP_SYS_ADMIN, which is why an unprivileged guest's shared mappings of
// deleted files used to become private copies in the child).
//
// vfork (CLONE_VM|CLONE_VFORK, what glibc's posix_spawn and busybox use)
// shares memory and suspends the parent until the child execs or exits.
// The child cannot share the parent's address space (it is another ferry),
// so ferry shares what matters: the child maps the memory image MAP_SHARED
// instead of privately, so its writes land in the memfd, and the parent
// waits for EOF on a pipe whose only write end the child holds,
// FD_CLOEXEC (every exec closes it: the guest's exec of a native program,
// and ferry's re-exec of itself for an arm64 one; so does the child's
// death, whatever kills it). The parent then copies back the pages the
// child changed. A single-threaded parent copies every page of the image
// that differs from its memory (nothing else can have changed it); a
// multithreaded one hashed every page it wrote into the image and copies
// the pages whose hash changed, which keeps writes its other threads made
// meanwhile, as they would survive on Linux (at page granularity: a page
// both changed is the child's). This is how posix_spawn's child reports its execve errno, and
// how "vfork; set a variable; _exit" works. Measured costs are in
// docs/ARCHITECTURE.md. What the child does to the memory map itself
// (mmap, munmap, brk) stays the child's; vfork children that exec or exit
// do not do that.
//
// While it waits the parent behaves as in the kernel's killable wait
// (wait_for_vfork_done): a fatal signal (default action terminate or core,
// not blocked) kills it at once; every other signal stays pending and is
// delivered when vfork returns.

const forkMagic = "ferry-fork-1\n"

// forkImage is the guest state handed to the child ferry: the process's
// and the forking thread's (the child's only thread).
type forkImage struct {
	Process     ProcessState
	Thread      ThreadState
	CPU         ir.CPU
	Regions     []forkRegion // one per Process.Mem.Mappings entry
	CloexecFDs  []int        // guest fds to mark FD_CLOEXEC again
	ChildSetTID uint64       // CLONE_CHILD_SETTID address, 0 if none
	// SharedImage maps the image's regions MAP_SHARED (vfork: the
	// child's writes are for the parent to copy back).
	SharedImage bool
	// VforkDone is the write end of the parent's vfork pipe, 0 if none.
	VforkDone int
}

// forkRegion says where a mapping's contents are.
type forkRegion struct {
	MemfdOffset uint64 // page-aligned offset of the contents in the memfd
	// FileFD >= 0: a shared mapping; the child maps this fd (inherited
	// at the same number) again and keeps it as the mapping's FD.
	FileFD int
}

// forkProcess serves clone without CLONE_THREAD: a new process.
func (t *Thread) forkProcess(c cloneArgs) int64 {
	p := t.P
	flags := c.flags
	if flags&cloneVM != 0 && flags&cloneVfork == 0 {
		// A process sharing the address space without being a thread
		// would share the translator's memory: refused.
		return errno(unix.EINVAL)
	}
	if flags&(clonePidfd|clonePtrace|cloneParent) != 0 || flags&^(cloneCSignal|cloneVM|cloneVfork|
		cloneSettls|cloneParentSettid|cloneChildCleartid|cloneChildSettid|cloneSysvsem|cloneNewMask) != 0 {
		return errno(unix.EINVAL)
	}
	if self, _ := p.translatorExec(); self == "" && p.ExePath == "" {
		return errno(unix.ENOSYS) // no way back to ferry
	}
	if flags&cloneParentSettid != 0 && !p.writable(c.parentTID, 4) {
		return errno(unix.EFAULT)
	}

	img := forkImage{CPU: t.CPU, Thread: t.ThreadState}
	child := &img.CPU
	child.X[0] = 0
	if c.stack != 0 {
		child.X[31] = c.stack
	}
	if flags&cloneSettls != 0 {
		child.TPIDR = c.tls
	}
	child.ExclSize = 0
	if flags&cloneChildSettid != 0 {
		img.ChildSetTID = c.childTID
	}
	// The child's thread: no robust list (glibc registers it again) and
	// clear_child_tid only if asked.
	img.Thread.ClearChildTID, img.Thread.RobustList, img.Thread.RobustListLen = 0, 0, 0
	if flags&cloneChildCleartid != 0 {
		img.Thread.ClearChildTID = c.childTID
	}
	img.Thread.SigMask = t.mask()
	img.SharedImage = flags&cloneVM != 0
	// The child starts with no pending signals (fork(2)).
	//
	// One fork at a time: spawnChild clears FD_CLOEXEC on the guest's fds
	// for the length of its ForkExec, so two at once would leak each
	// other's descriptors into their children, or leave some without the
	// flag for good. (Lock order: forkMu, then memMu.)
	p.forkMu.Lock()
	p.memMu.RLock()
	img.Process = p.ProcessState
	img.Process.Mem.Mappings = append([]guestmem.Mapping(nil), p.Mem.Mappings...)
	pid, vf, err := p.spawnChild(&img, flags&cloneVfork != 0, flags&cloneNewMask)
	p.memMu.RUnlock()
	p.forkMu.Unlock()
	if err != nil {
		if p.Debug || p.Strace {
			fmt.Fprintf(p.log(), "ferry: fork: %v\n", err)
		}
		if e, ok := err.(unix.Errno); ok {
			return errno(e)
		}
		return errno(unix.EAGAIN)
	}
	if vf != nil {
		t.awaitVforkChild(vf.done)
		p.memMu.RLock()
		vf.copyBack(p)
		p.memMu.RUnlock()
		vf.close()
	}
	// After the copy-back, which must not undo it.
	if flags&cloneParentSettid != 0 && p.writable(c.parentTID, 4) {
		binary.LittleEndian.PutUint32(guestBytes(c.parentTID, 4), uint32(pid))
	}
	return int64(pid)
}

// vforkChild is what the parent of a vfork child keeps until the child
// has released the memory: the read end of the pipe, and the image
// (memfd < 0: no memory to copy back) with, for a multithreaded parent,
// the hashes of the pages it wrote.
type vforkChild struct {
	done    int
	memfd   int
	base    uint64
	regions []guestmem.Mapping
	offsets []uint64
	hashes  *pageHashes
}

func (v *vforkChild) close() {
	hostfd.Close(v.done)
	if v.memfd >= 0 {
		hostfd.Close(v.memfd)
	}
}

// pageHashes records a hash of every non-zero page written into a vfork
// image, by guest address; pages not in it were zero.
type pageHashes struct {
	seed maphash.Seed
	zero uint64
	m    map[uint64]uint64
}

func newPageHashes() *pageHashes {
	h := &pageHashes{seed: maphash.MakeSeed(), m: map[uint64]uint64{}}
	var zero [guestmem.PageSize]byte
	h.zero = maphash.Bytes(h.seed, zero[:])
	return h
}

// awaitVforkChild blocks until the child's end of the pipe is closed,
// like the kernel's killable wait for vfork_done: a fatal signal ends the
// process, others stay pending for delivery after vfork returns.
func (t *Thread) awaitVforkChild(fd int) {
	var b [1]byte
	for {
		atomic.StoreUint32(&t.CPU.Interrupt, 0)
		t.dieOfFatalSignal()
		r := t.hostBlocking(unix.SYS_READ, uint64(fd), uint64(uintptr(unsafe.Pointer(&b[0]))), 1)
		if r != -int64(unix.EINTR) && r != -int64(unix.EAGAIN) {
			return // EOF: the child has exec'd or died
		}
	}
}

// dieOfFatalSignal ends the process if a signal that would kill it is
// deliverable to t (not blocked, default action terminate or core).
func (t *Thread) dieOfFatalSignal() {
	for set := (t.pending.pending() | t.P.sig.pending.pending()) &^ t.mask(); set != 0; set &= set - 1 {
		sig := bits.TrailingZeros64(set) + 1
		if t.P.handlerOf(sig) != sigDfl {
			continue
		}
		if a := defaultActionOf(sig); a == actTerminate || a == actCore {
			DieOfSignal(unix.Signal(sig))
		}
	}
}

// copyBack copies into the parent's memory the pages of the image that
// the vfork child changed (see the comment at the top). Called with
// p.memMu read-locked.
func (v *vforkChild) copyBack(p *Process) {
	if v.memfd < 0 {
		return
	}
	const chunk = 64 * guestmem.PageSize
	buf := make([]byte, chunk)
	for i, mp := range v.regions {
		if guestmem.HostProt(mp.Prot)&guestmem.ProtWrite == 0 {
			continue
		}
		start, end := int64(v.base+v.offsets[i]), int64(v.base+v.offsets[i]+mp.End-mp.Start)
		// Only the memfd's data extents can hold non-zero pages: a page
		// the child never touched and that was zero is still a hole.
		for pos := start; pos < end; {
			data, err := unix.Seek(v.memfd, pos, unix.SEEK_DATA)
			if err != nil || data >= end {
				break
			}
			hole, err := unix.Seek(v.memfd, data, unix.SEEK_HOLE)
			if err != nil || hole > end {
				hole = end
			}
			for off := data; off < hole; off += chunk {
				n := min(int64(chunk), hole-off)
				if got, err := unix.Pread(v.memfd, buf[:n], off); err != nil || int64(got) != n {
					break
				}
				for k := int64(0); k < n; k += guestmem.PageSize {
					page := buf[k : k+guestmem.PageSize]
					addr := mp.Start + uint64(off-start+k)
					if !p.Mem.Accessible(addr, guestmem.PageSize, guestmem.ProtWrite) {
						continue
					}
					mem := guestBytes(addr, guestmem.PageSize)
					if v.hashes == nil {
						if !bytes.Equal(page, mem) {
							copy(mem, page)
						}
						continue
					}
					was, ok := v.hashes.m[addr]
					if !ok {
						was = v.hashes.zero
					}
					if maphash.Bytes(v.hashes.seed, page) != was {
						copy(mem, page)
					}
				}
			}
			pos = hole
		}
	}
}

// spawnChild writes img and the guest's memory into a memfd and starts the
// child ferry on it. For a vfork it also returns what the parent needs to
// wait for the child and take its writes back. Called with p.memMu
// read-locked.
// newNamespaces (CLONE_NEW*) are passed to the host clone of the child.
func (p *Process) spawnChild(img *forkImage, vfork bool, newNamespaces uint64) (int, *vforkChild, error) {
	fd, err := unix.MemfdCreate("ferry-fork", unix.MFD_CLOEXEC)
	if err != nil {
		return 0, nil, err
	}
	fd = hostfd.Keep(fd)
	keepMemfd := false
	defer func() {
		if !keepMemfd {
			hostfd.Close(fd)
		}
	}()

	// Memory first, at page-aligned offsets after a header page budget
	// computed below; write it sparsely: all-zero pages stay holes.
	mappings := img.Process.Mem.Mappings
	img.Regions = make([]forkRegion, len(mappings))
	var passFDs, reopened []int
	defer func() {
		for _, f := range reopened {
			hostfd.Close(f)
		}
	}()
	offsets := make([]uint64, len(mappings))
	off := uint64(0)
	for i, mp := range mappings {
		if mp.Flags&guestmem.MapTypeMask != guestmem.MapPrivate {
			if f := sharedObjectFD(mp); f >= 0 {
				passFDs = append(passFDs, f)
				img.Regions[i] = forkRegion{FileFD: f}
				continue
			}
			if mp.Flags&guestmem.MapAnonymous == 0 {
				if f := reopenMapped(mp); f >= 0 {
					reopened = append(reopened, f)
					passFDs = append(passFDs, f)
					img.Regions[i] = forkRegion{FileFD: f}
					continue
				}
			}
		}
		img.Regions[i] = forkRegion{MemfdOffset: off, FileFD: -1}
		offsets[i] = off
		off += mp.End - mp.Start
	}
	var vf *vforkChild
	if vfork {
		var pipe [2]int
		if err := unix.Pipe2(pipe[:], unix.O_CLOEXEC); err != nil {
			return 0, nil, err
		}
		// High numbers, out of the way of the guest's own fds.
		vf = &vforkChild{done: hostfd.Keep(pipe[0]), memfd: -1}
		img.VforkDone = hostfd.Keep(pipe[1])
		defer hostfd.Close(img.VforkDone) // the child's end: the parent must not hold it
		if img.SharedImage {
			vf.memfd, vf.regions, vf.offsets = fd, mappings, offsets
			// With one thread, the parent's memory cannot change while
			// it waits (the thread is the one blocked in vfork, and no
			// handler runs): a page that differs is the child's, and
			// comparing costs less than hashing (about 0.6 ms/MiB
			// here, as much as writing the image).
			if p.Threads() > 1 {
				vf.hashes = newPageHashes()
			}
		}
	}
	fail := func(err error) (int, *vforkChild, error) {
		if vf != nil {
			unix.Close(vf.done)
		}
		return 0, nil, err
	}
	var state bytes.Buffer
	state.WriteString(forkMagic)
	cloexec := guestCloexecFDs(fd, p.vforkDone, img.VforkDone)
	img.CloexecFDs = cloexec
	if err := gob.NewEncoder(&state).Encode(img); err != nil {
		return fail(err)
	}
	// Layout: [state, padded to a page] [memory regions].
	base := guestmem.PageAlignUp(uint64(state.Len()))
	if _, err := unix.Pwrite(fd, state.Bytes(), 0); err != nil {
		return fail(err)
	}
	var hashes *pageHashes
	if vf != nil {
		vf.base, hashes = base, vf.hashes
	}
	for i, mp := range mappings {
		r := img.Regions[i]
		if r.FileFD >= 0 || guestmem.HostProt(mp.Prot) == 0 {
			continue
		}
		if err := writeNonZeroPages(fd, base+r.MemfdOffset, mp.Start, mp.End, hashes); err != nil {
			return fail(err)
		}
	}
	if err := unix.Ftruncate(fd, int64(base+off)); err != nil {
		return fail(err)
	}

	// Let every guest fd survive the exec in the child (fork keeps
	// FD_CLOEXEC fds open); the child sets the flag again.
	for _, g := range cloexec {
		unix.FcntlInt(uintptr(g), unix.F_SETFD, 0)
	}
	unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0)
	if p.CodeFD > 0 {
		passFDs = append(passFDs, p.CodeFD) // the same code for the child
	}
	for _, f := range passFDs {
		unix.FcntlInt(uintptr(f), unix.F_SETFD, 0)
	}
	if img.VforkDone != 0 {
		unix.FcntlInt(uintptr(img.VforkDone), unix.F_SETFD, 0)
	}
	defer func() {
		for _, g := range cloexec {
			unix.FcntlInt(uintptr(g), unix.F_SETFD, unix.FD_CLOEXEC)
		}
		unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
		// ferry's own descriptors are FD_CLOEXEC again: a native
		// program the guest executes must not inherit them.
		for _, f := range passFDs {
			unix.FcntlInt(uintptr(f), unix.F_SETFD, unix.FD_CLOEXEC)
		}
	}()
	self, selfFD := p.translatorExec()
	args := append([]string{p.translatorArgv0()}, p.TranslatorArgs...)
	args = append(args, "-restore-fd="+strconv.Itoa(fd)+":"+strconv.FormatUint(base, 10))
	env := os.Environ()
	if self == "" {
		// No path to ferry (a chroot without /proc that ferry entered
		// through binfmt_misc): the child executes the guest's program,
		// and binfmt_misc brings ferry back with its options.
		self, env = p.ExePath, binfmtOptionsEnv(env, args[1:])
		args = []string{p.ExePath}
	}
	if selfFD > 0 {
		// The child inherits the descriptor of its executable.
		args = append(args, "-self-fd="+strconv.Itoa(selfFD))
		unix.FcntlInt(uintptr(selfFD), unix.F_SETFD, 0)
		defer unix.FcntlInt(uintptr(selfFD), unix.F_SETFD, unix.FD_CLOEXEC)
	}
	files := make([]uintptr, 3)
	for i := range files {
		files[i] = uintptr(i)
		if _, err := unix.FcntlInt(uintptr(i), unix.F_GETFD, 0); err != nil {
			files[i] = ^uintptr(0) // closed in the guest: closed in the child
		}
	}
	// The child ferry is created in the namespaces the guest asked for
	// (it is the guest's child, so the host's rules apply to it as is).
	attr := &syscall.ProcAttr{Env: env, Files: files,
		Sys: &syscall.SysProcAttr{Cloneflags: uintptr(newNamespaces)}}
	pid, err := syscall.ForkExec(self, args, attr)
	if err != nil {
		return fail(err)
	}
	if vf != nil && vf.memfd == fd {
		keepMemfd = true
	}
	return pid, vf, nil
}

// sharedObjectFD returns the descriptor ferry keeps for a shared mapping's
// object, if it still is that object (the guest may have closed it and
// opened something else at its number), or -1.
func sharedObjectFD(mp guestmem.Mapping) int {
	if mp.FD <= 0 {
		return -1
	}
	var st unix.Stat_t
	if unix.Fstat(mp.FD, &st) != nil || st.Dev != mp.Dev || st.Ino != mp.Ino {
		return -1
	}
	return mp.FD
}

// writeNonZeroPages copies guest memory [start, end) to fd at off, leaving
// all-zero pages as holes (reading untouched anonymous memory does not
// allocate it, and holes cost nothing in the memfd or the child).
// With hashes, it records the hash of every page it writes.
func writeNonZeroPages(fd int, off, start, end uint64, hashes *pageHashes) error {
	const chunk = 64 * guestmem.PageSize
	var zero [guestmem.PageSize]byte
	var snap []byte
	if hashes != nil {
		// Other threads may be writing: hash exactly what is written.
		snap = make([]byte, chunk)
	}
	for a := start; a < end; {
		n := min(uint64(chunk), end-a)
		b := guestBytes(a, n)
		if snap != nil {
			b = snap[:n]
			copy(b, guestBytes(a, n))
		}
		// Find runs of non-zero pages and write each run at once.
		for i := uint64(0); i < n; {
			if bytes.Equal(b[i:i+guestmem.PageSize], zero[:]) {
				i += guestmem.PageSize
				continue
			}
			j := i + guestmem.PageSize
			for j < n && !bytes.Equal(b[j:j+guestmem.PageSize], zero[:]) {
				j += guestmem.PageSize
			}
			if _, err := unix.Pwrite(fd, b[i:j], int64(off+(a-start)+i)); err != nil {
				return err
			}
			if hashes != nil {
				for k := i; k < j; k += guestmem.PageSize {
					hashes.m[a+k] = maphash.Bytes(hashes.seed, b[k:k+guestmem.PageSize])
				}
			}
			i = j
		}
		a += n
	}
	return nil
}

// guestCloexecFDs lists the open fds with FD_CLOEXEC, except skip (ferry's
// own, which the child must not inherit: the image, and the write ends of
// vfork pipes, whose holders a vfork parent waits for).
func guestCloexecFDs(skip ...int) []int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil || slices.Contains(skip, n) || hostfd.Owned(n) {
			continue
		}
		flags, err := unix.FcntlInt(uintptr(n), unix.F_GETFD, 0)
		if err == nil && flags&unix.FD_CLOEXEC != 0 {
			out = append(out, n)
		}
	}
	return out
}

// RestoreFork rebuilds a guest forked by a parent ferry from the memfd fd
// (state at offset 0, memory at base). It returns the process and its
// main thread, the forked one.
func RestoreFork(fd int, base uint64) (*Process, *Thread, error) {
	f := os.NewFile(uintptr(fd), "ferry-fork")
	defer f.Close()
	r := io.NewSectionReader(f, 0, int64(base))
	magic := make([]byte, len(forkMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != forkMagic {
		return nil, nil, fmt.Errorf("not a fork image")
	}
	var img forkImage
	if err := gob.NewDecoder(r).Decode(&img); err != nil {
		return nil, nil, fmt.Errorf("reading the fork image: %v", err)
	}
	p := &Process{ProcessState: img.Process}
	p.Pid = os.Getpid()
	p.init()
	mappings := p.Mem.Mappings
	p.Mem.Mappings = nil
	imageType := guestmem.MapPrivate // copy-on-write view of the memfd: zero pages are holes
	if img.SharedImage {
		imageType = guestmem.MapShared
	}
	for i, mp := range mappings {
		reg := img.Regions[i]
		var e unix.Errno
		if reg.FileFD >= 0 {
			// The parent's object, at the same descriptor number: it
			// becomes this process's own record of it.
			mp.FD = reg.FileFD
			hostfd.Adopt(mp.FD)
			var st unix.Stat_t
			if unix.Fstat(mp.FD, &st) == nil {
				mp.Dev, mp.Ino = st.Dev, st.Ino
			}
			e = p.Mem.MapObject(mp, guestmem.MapShared, reg.FileFD, mp.Offset)
		} else {
			// Record what the guest had, not how ferry restored it.
			mp.FD, mp.Dev, mp.Ino = 0, 0, 0
			e = p.Mem.MapObject(mp, imageType, fd, base+reg.MemfdOffset)
		}
		if e != 0 {
			return nil, nil, fmt.Errorf("cannot restore guest memory at %#x-%#x: %v", mp.Start, mp.End, e)
		}
	}
	if img.VforkDone != 0 {
		// Held until the guest execs (FD_CLOEXEC) or this process ends.
		unix.FcntlInt(uintptr(img.VforkDone), unix.F_SETFD, unix.FD_CLOEXEC)
		p.vforkDone = img.VforkDone
		hostfd.Adopt(p.vforkDone)
	}
	for _, g := range img.CloexecFDs {
		unix.FcntlInt(uintptr(g), unix.F_SETFD, unix.FD_CLOEXEC)
	}
	if img.ChildSetTID != 0 && p.writable(img.ChildSetTID, 4) {
		binary.LittleEndian.PutUint32(guestBytes(img.ChildSetTID, 4), uint32(p.Pid))
	}
	t := p.NewMainThread(img.CPU)
	t.ThreadState = img.Thread
	t.Tid = p.Pid
	if t.ClearChildTID != 0 {
		unix.RawSyscall(unix.SYS_SET_TID_ADDRESS, uintptr(t.ClearChildTID), 0, 0)
	}
	return p, t, nil
}

// reopenMapped opens the file behind a shared mapping whose own descriptor
// is gone (ferry was out of descriptors at mmap time) for the child, or
// returns -1. The fd is FD_CLOEXEC until the fork passes it on.
func reopenMapped(mp guestmem.Mapping) int {
	mode := unix.O_RDONLY
	if mp.Prot&guestmem.ProtWrite != 0 {
		mode = unix.O_RDWR
	}
	candidates := []string{fmt.Sprintf("/proc/self/map_files/%x-%x", mp.Start, mp.End)}
	if mp.Name != "" && !strings.HasSuffix(mp.Name, " (deleted)") {
		candidates = append([]string{mp.Name}, candidates...)
	}
	for _, path := range candidates {
		if f, err := unix.Open(path, mode|unix.O_CLOEXEC, 0); err == nil {
			return hostfd.Keep(f)
		}
	}
	return -1
}
