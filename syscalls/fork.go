package syscalls

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"ferry/ir"
	"ferry/syscalls/guestmem"

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
// Shared mappings stay shared: the parent opens the mapped file again (by
// name, or through /proc/self/map_files, which also names the shmem object
// behind MAP_SHARED|MAP_ANONYMOUS memory and deleted files) and the child
// maps it. Opening map_files needs CAP_SYS_ADMIN; without it, shared
// memory that cannot be reopened by name is copied like private memory.

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
}

// forkRegion says where a mapping's contents are.
type forkRegion struct {
	MemfdOffset uint64 // page-aligned offset of the contents in the memfd
	FileFD      int    // >= 0: shared file mapping, map this fd again
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
	// CLONE_VM|CLONE_VFORK (vfork, posix_spawn) is served as a fork: the
	// child works on a copy, which is what every vfork child that only
	// execs or exits needs.
	if flags&(clonePidfd|clonePtrace|cloneParent) != 0 || flags&^(cloneCSignal|cloneVM|cloneVfork|
		cloneSettls|cloneParentSettid|cloneChildCleartid|cloneChildSettid|cloneSysvsem) != 0 {
		return errno(unix.EINVAL)
	}
	if p.Translator == "" {
		return errno(unix.ENOSYS)
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
	img.Thread.Comm = hostThreadName() // the child is named like the forking thread
	// The child starts with no pending signals (fork(2)).
	p.memMu.RLock()
	img.Process = p.ProcessState
	img.Process.Mem.Mappings = append([]guestmem.Mapping(nil), p.Mem.Mappings...)
	p.memMu.RUnlock()

	pid, err := p.spawnChild(&img)
	if err != nil {
		if p.Debug || p.Strace {
			fmt.Fprintf(p.log(), "ferry: fork: %v\n", err)
		}
		if e, ok := err.(unix.Errno); ok {
			return errno(e)
		}
		return errno(unix.EAGAIN)
	}
	if flags&cloneParentSettid != 0 {
		binary.LittleEndian.PutUint32(guestBytes(c.parentTID, 4), uint32(pid))
	}
	return int64(pid)
}

// spawnChild writes img and the guest's memory into a memfd and starts the
// child ferry on it.
func (p *Process) spawnChild(img *forkImage) (int, error) {
	fd, err := unix.MemfdCreate("ferry-fork", unix.MFD_CLOEXEC)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)

	// Memory first, at page-aligned offsets after a header page budget
	// computed below; write it sparsely: all-zero pages stay holes.
	mappings := img.Process.Mem.Mappings
	img.Regions = make([]forkRegion, len(mappings))
	var passFDs []int
	defer func() {
		for _, f := range passFDs {
			unix.Close(f)
		}
	}()
	off := uint64(0)
	for i, mp := range mappings {
		// Shared memory, anonymous (a shmem object) or file-backed, is
		// opened again so the child maps the very same pages.
		if mp.Flags&guestmem.MapTypeMask != guestmem.MapPrivate {
			if f := reopenMapped(mp); f >= 0 {
				passFDs = append(passFDs, f)
				img.Regions[i] = forkRegion{FileFD: f}
				continue
			}
		}
		img.Regions[i] = forkRegion{MemfdOffset: off, FileFD: -1}
		off += mp.End - mp.Start
	}
	var state bytes.Buffer
	state.WriteString(forkMagic)
	cloexec := guestCloexecFDs(fd)
	img.CloexecFDs = cloexec
	if err := gob.NewEncoder(&state).Encode(img); err != nil {
		return 0, err
	}
	// Layout: [state, padded to a page] [memory regions].
	base := guestmem.PageAlignUp(uint64(state.Len()))
	if _, err := unix.Pwrite(fd, state.Bytes(), 0); err != nil {
		return 0, err
	}
	for i, mp := range mappings {
		r := img.Regions[i]
		if r.FileFD >= 0 || guestmem.HostProt(mp.Prot) == 0 {
			continue
		}
		if err := writeNonZeroPages(fd, base+r.MemfdOffset, mp.Start, mp.End); err != nil {
			return 0, err
		}
	}
	if err := unix.Ftruncate(fd, int64(base+off)); err != nil {
		return 0, err
	}

	// Let every guest fd survive the exec in the child (fork keeps
	// FD_CLOEXEC fds open); the child sets the flag again.
	for _, g := range cloexec {
		unix.FcntlInt(uintptr(g), unix.F_SETFD, 0)
	}
	unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0)
	for _, f := range passFDs {
		unix.FcntlInt(uintptr(f), unix.F_SETFD, 0)
	}
	defer func() {
		for _, g := range cloexec {
			unix.FcntlInt(uintptr(g), unix.F_SETFD, unix.FD_CLOEXEC)
		}
	}()
	args := append([]string{p.Translator}, p.TranslatorArgs...)
	args = append(args, "-restore-fd="+strconv.Itoa(fd)+":"+strconv.FormatUint(base, 10))
	files := make([]uintptr, 3)
	for i := range files {
		files[i] = uintptr(i)
		if _, err := unix.FcntlInt(uintptr(i), unix.F_GETFD, 0); err != nil {
			files[i] = ^uintptr(0) // closed in the guest: closed in the child
		}
	}
	pid, err := syscall.ForkExec(p.Translator, args, &syscall.ProcAttr{Env: os.Environ(), Files: files})
	if err != nil {
		return 0, err
	}
	return pid, nil
}

// writeNonZeroPages copies guest memory [start, end) to fd at off, leaving
// all-zero pages as holes (reading untouched anonymous memory does not
// allocate it, and holes cost nothing in the memfd or the child).
func writeNonZeroPages(fd int, off, start, end uint64) error {
	const chunk = 64 * guestmem.PageSize
	var zero [guestmem.PageSize]byte
	for a := start; a < end; {
		n := min(uint64(chunk), end-a)
		b := guestBytes(a, n)
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
			i = j
		}
		a += n
	}
	return nil
}

// guestCloexecFDs lists the open fds with FD_CLOEXEC, except skip.
func guestCloexecFDs(skip int) []int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil || n == skip {
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
	for i, mp := range mappings {
		length := mp.End - mp.Start
		reg := img.Regions[i]
		var e unix.Errno
		if reg.FileFD >= 0 {
			// Shared anonymous memory comes back as its shmem file.
			e = p.Mem.MapNoReplace(mp.Start, length, mp.Prot, mp.Flags&^guestmem.MapAnonymous, reg.FileFD, mp.Offset, mp.Name)
			if e == 0 {
				p.Mem.Insert(mp) // record what the guest had
			}
		} else {
			// Copy-on-write view of the memfd: zero pages are holes.
			e = p.Mem.MapNoReplace(mp.Start, length, mp.Prot, guestmem.MapPrivate, fd, base+reg.MemfdOffset, mp.Name)
			if e == 0 {
				// Record what the guest had, not how ferry restored it.
				p.Mem.Insert(mp)
			}
		}
		if e != 0 {
			return nil, nil, fmt.Errorf("cannot restore guest memory at %#x-%#x: %v", mp.Start, mp.End, e)
		}
	}
	for _, reg := range img.Regions {
		if reg.FileFD >= 0 {
			unix.Close(reg.FileFD)
		}
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

// reopenMapped opens the file behind a shared mapping for the child, or
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
			return f
		}
	}
	return -1
}
