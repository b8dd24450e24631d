package guestmem

import (
	"bufio"
	"bytes"
	"os"
	"strconv"

	"ferry/syscalls/hostfd"

	"golang.org/x/sys/unix"
)

// HostProt converts guest protection bits to the host's. Guest code is
// never executed natively (engines translate it), so PROT_EXEC is dropped;
// translators read the code, so an executable mapping must stay readable
// even if the guest asked for execute-only. PROT_BTI only tags pages for
// arm64 branch-target checks and has no host meaning.
func HostProt(prot int) int {
	h := prot & (ProtRead | ProtWrite)
	if prot&ProtExec != 0 {
		h |= ProtRead
	}
	return h
}

// ValidProt reports whether a guest prot value is acceptable. PROT_MTE
// needs memory tagging, which ferry does not emulate, so arm64 kernels
// without MTE refuse it with EINVAL just the same.
func ValidProt(prot int) bool {
	return prot&^(ProtRead|ProtWrite|ProtExec|ProtBTI) == 0
}

// recordFlags keeps the MAP_* bits worth remembering about a mapping.
func recordFlags(flags int) int {
	return flags & (MapTypeMask | MapAnonymous | MapGrowsDown | MapNoReserve | MapStack | MapHugeTLB)
}

func sysMmap(addr, length uint64, prot, flags int, fd int, off uint64) (uint64, unix.Errno) {
	r, _, e := unix.Syscall6(unix.SYS_MMAP, uintptr(addr), uintptr(length), uintptr(prot),
		uintptr(flags), uintptr(fd), uintptr(off))
	if e != 0 {
		return 0, e
	}
	return uint64(r), 0
}

func sysMunmap(addr, length uint64) unix.Errno {
	_, _, e := unix.Syscall(unix.SYS_MUNMAP, uintptr(addr), uintptr(length), 0)
	return e
}

// mmapNoReplace maps exactly at addr or fails with EEXIST without
// touching whatever lives there. Kernels before 4.17 treat the unknown
// MAP_FIXED_NOREPLACE bit as a hint; a mapping elsewhere is undone and
// reported as EEXIST too.
func mmapNoReplace(addr, length uint64, prot, flags int, fd int, off uint64) unix.Errno {
	flags = flags&^MapFixed | MapFixedNoReplace
	got, e := sysMmap(addr, length, prot, flags, fd, off)
	if e != 0 {
		return e
	}
	if got != addr {
		sysMunmap(got, length)
		return unix.EEXIST
	}
	return 0
}

// claimHoles reserves, with inaccessible placeholders, every part of
// [start, end) that the guest does not own. It fails with ENOMEM, leaving
// nothing claimed, if one of them is in use by the host (the Go runtime,
// ferry's binary, the code cache, the host stack…).
func (m *Map) claimHoles(start, end uint64) ([][2]uint64, unix.Errno) {
	holes := m.Holes(start, end)
	for k, h := range holes {
		e := mmapNoReplace(h[0], h[1]-h[0], unix.PROT_NONE,
			unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE, -1, 0)
		if e != 0 {
			for _, done := range holes[:k] {
				sysMunmap(done[0], done[1]-done[0])
			}
			return nil, unix.ENOMEM
		}
	}
	return holes, 0
}

func releaseHoles(holes [][2]uint64) {
	for _, h := range holes {
		sysMunmap(h[0], h[1]-h[0])
	}
}

// checkRange validates a page-aligned range for the guest.
func checkRange(addr, length uint64) unix.Errno {
	if addr%PageSize != 0 || length == 0 {
		return unix.EINVAL
	}
	if addr >= AddrLimit || length > AddrLimit-addr {
		return unix.ENOMEM
	}
	return 0
}

// MapFixed maps [addr, addr+length) for the guest, replacing the guest's
// own mappings there (MAP_FIXED semantics). It refuses with ENOMEM if any
// part of the range belongs to the host. length must be page aligned.
func (m *Map) MapFixed(addr, length uint64, prot, flags int, fd int, off uint64, name string) unix.Errno {
	if e := checkRange(addr, length); e != 0 {
		return e
	}
	holes, e := m.claimHoles(addr, addr+length)
	if e != 0 {
		return e
	}
	rec, hflags, hfd, e := sharedObject(Mapping{Start: addr, End: addr + length, Prot: prot,
		Flags: recordFlags(flags), Offset: off, Name: name}, flags, fd)
	if e != 0 {
		releaseHoles(holes)
		return e
	}
	hflags = hflags&^(MapFixedNoReplace|MapX8632Bit|MapX86Above4G) | MapFixed
	if _, e := sysMmap(addr, length, HostProt(prot), hflags, hfd, rec.Offset); e != 0 {
		releaseHoles(holes)
		closeFD(rec.FD)
		return e
	}
	m.Insert(rec)
	return 0
}

// MapNoReplace maps [addr, addr+length) only if nothing, guest or host,
// is there (MAP_FIXED_NOREPLACE semantics), else fails with EEXIST.
func (m *Map) MapNoReplace(addr, length uint64, prot, flags int, fd int, off uint64, name string) unix.Errno {
	if e := checkRange(addr, length); e != 0 {
		return e
	}
	if m.Overlaps(addr, addr+length) {
		return unix.EEXIST
	}
	rec, hflags, hfd, e := sharedObject(Mapping{Start: addr, End: addr + length, Prot: prot,
		Flags: recordFlags(flags), Offset: off, Name: name}, flags, fd)
	if e != 0 {
		return e
	}
	hflags &^= MapFixed | MapX8632Bit | MapX86Above4G
	if e := mmapNoReplace(addr, length, HostProt(prot), hflags, hfd, rec.Offset); e != 0 {
		closeFD(rec.FD)
		return e
	}
	m.Insert(rec)
	return 0
}

// MapObject maps fd at [mp.Start, mp.End) (nothing may be there, as for
// MapNoReplace) with the host's MAP_* type hostType at offset off, and
// records mp as it is, FD included (the Map takes it over). A restored
// fork child uses it to map its memory image or a shared object the
// parent passed on, while keeping the guest's own view of the mapping.
func (m *Map) MapObject(mp Mapping, hostType, fd int, off uint64) unix.Errno {
	if e := checkRange(mp.Start, mp.End-mp.Start); e != 0 {
		return e
	}
	if m.Overlaps(mp.Start, mp.End) {
		return unix.EEXIST
	}
	hflags := hostType | mp.Flags&MapNoReserve
	if e := mmapNoReplace(mp.Start, mp.End-mp.Start, HostProt(mp.Prot), hflags, fd, off); e != 0 {
		return e
	}
	m.Insert(mp)
	return 0
}

// closeObjectFD closes a shared object's descriptor. It is ferry's own
// (hostfd), out of the guest's reach, but checked all the same: a
// descriptor ferry could not place out of the guest's numbers may have
// been closed by the guest and reused for a file of its own.
func closeObjectFD(d droppedFD) {
	var st unix.Stat_t
	if unix.Fstat(d.fd, &st) == nil && st.Dev == d.dev && st.Ino == d.ino {
		hostfd.Close(d.fd)
	}
}

func closeFD(fd int) {
	if fd > 0 {
		hostfd.Close(fd)
	}
}

// sharedObject prepares the host side of a new mapping rec (flags are the
// guest's, fd its descriptor). A MAP_SHARED mapping gets an object a
// forked child can map again (see Mapping.FD): MAP_SHARED|MAP_ANONYMOUS
// memory becomes a memfd of the mapping's size, which is what the kernel
// makes of it too (a shmem file), and a shared file mapping keeps a
// duplicate of the guest's descriptor. It returns the record and the host
// flags and descriptor to map; on failure nothing is left open.
func sharedObject(rec Mapping, flags, fd int) (Mapping, int, int, unix.Errno) {
	t := flags & MapTypeMask
	if t != MapShared && t != MapSharedValidate || flags&MapHugeTLB != 0 {
		return rec, flags, fd, 0
	}
	var own int
	if flags&MapAnonymous != 0 {
		mfd, err := unix.MemfdCreate("ferry-shared-anon", unix.MFD_CLOEXEC)
		if err != nil {
			return rec, 0, 0, err.(unix.Errno)
		}
		if err := unix.Ftruncate(mfd, int64(rec.End-rec.Start)); err != nil {
			unix.Close(mfd)
			return rec, 0, 0, unix.ENOMEM
		}
		own = hostfd.Keep(mfd)
		flags &^= MapAnonymous
		fd = own
		rec.Offset = 0
	} else {
		dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 3)
		if err == unix.EBADF {
			return rec, 0, 0, unix.EBADF
		}
		if err != nil {
			// Out of descriptors: the mapping works, but a fork can
			// only share it if the file can be reopened.
			return rec, flags, fd, 0
		}
		own = hostfd.Keep(dup)
	}
	var st unix.Stat_t
	if unix.Fstat(own, &st) == nil {
		rec.Dev, rec.Ino = st.Dev, st.Ino
	}
	rec.FD = own
	return rec, flags, fd, 0
}

// MapAnywhere maps length bytes where the guest has room, trying hint
// first like Linux does for a non-fixed mmap, then searching top-down from
// MmapTop. Placing guest mappings ourselves (instead of letting the host
// kernel pick) keeps them out of the region where the kernel puts ferry's
// own mmaps, so a restored guest (after fork/exec) finds its addresses free.
//
// For the same reason a hint at or above StackTop is not honoured even when
// the range is free here: that is where the host kernel puts ferry's
// binary, its stacks and its own mmaps, at addresses ASLR draws anew in
// every process, so a mapping there could not be restored in a forked or
// re-executed ferry. Go's arm64 runtime, for one, draws random heap hints
// across the whole address space. Linux too may ignore a hint.
func (m *Map) MapAnywhere(hint, length uint64, prot, flags int, fd int, off uint64, name string) (uint64, unix.Errno) {
	if length == 0 || length > AddrLimit {
		return 0, unix.ENOMEM
	}
	hint = PageAlignDown(hint)
	if hint >= MmapBottom && hint < StackTop && length <= StackTop-hint {
		e := m.MapNoReplace(hint, length, prot, flags, fd, off, name)
		if e == 0 {
			return hint, 0
		}
		if e != unix.EEXIST {
			return 0, e
		}
	}
	top := uint64(MmapTop)
	var host []hostRange
	for {
		addr, ok := m.gapBelow(top, MmapBottom, length)
		if !ok {
			return 0, unix.ENOMEM
		}
		e := m.MapNoReplace(addr, length, prot, flags, fd, off, name)
		if e == 0 {
			return addr, 0
		}
		if e != unix.EEXIST {
			return 0, e
		}
		// The host has something there: learn the host's layout (once,
		// or again if the obstacle is newer than the snapshot) and go on
		// below the lowest host mapping in the way. Every step lowers the
		// candidate, so the search ends.
		if host == nil {
			host = hostMappings()
		}
		next, found := lowestOverlap(host, addr, addr+length)
		if !found {
			host = hostMappings()
			next, found = lowestOverlap(host, addr, addr+length)
		}
		if !found {
			next = addr
		}
		top = PageAlignDown(next)
	}
}

// Unmap removes the guest's mappings in [addr, addr+length). Parts of the
// range the guest does not own are left alone (the host's memory is not
// the guest's to unmap); like munmap, an unmapped range is not an error.
func (m *Map) Unmap(addr, length uint64) unix.Errno {
	if addr%PageSize != 0 || length == 0 {
		return unix.EINVAL
	}
	length = PageAlignUp(length)
	if addr >= AddrLimit || length > AddrLimit-addr {
		return unix.EINVAL
	}
	end := addr + length
	for i := m.first(addr); i < len(m.Mappings) && m.Mappings[i].Start < end; i++ {
		mp := clip(m.Mappings[i], addr, end)
		if e := sysMunmap(mp.Start, mp.End-mp.Start); e != 0 {
			return e
		}
	}
	m.Remove(addr, end)
	return 0
}

// Protect changes the protection of [addr, addr+length), which the guest
// must own entirely (ENOMEM otherwise, as Linux answers for holes).
func (m *Map) Protect(addr, length uint64, prot int) unix.Errno {
	if addr%PageSize != 0 || !ValidProt(prot) {
		return unix.EINVAL
	}
	if length == 0 {
		return 0
	}
	length = PageAlignUp(length)
	if addr >= AddrLimit || length > AddrLimit-addr {
		return unix.ENOMEM
	}
	if !m.Covers(addr, addr+length) {
		return unix.ENOMEM
	}
	if _, _, e := unix.Syscall(unix.SYS_MPROTECT, uintptr(addr), uintptr(length), uintptr(HostProt(prot))); e != 0 {
		return e
	}
	m.SetProt(addr, addr+length, prot&^ProtBTI)
	return 0
}

// mremap flags (same on arm64 and x86-64).
const (
	MremapMayMove   = 1
	MremapFixed     = 2
	MremapDontUnmap = 4
)

func sysMremap(old, oldLen, newLen uint64, flags int, newAddr uint64) (uint64, unix.Errno) {
	r, _, e := unix.Syscall6(unix.SYS_MREMAP, uintptr(old), uintptr(oldLen), uintptr(newLen),
		uintptr(flags), uintptr(newAddr), 0)
	if e != 0 {
		return 0, e
	}
	return uint64(r), 0
}

// Remap implements mremap for guest mappings. The old range must lie in
// one guest mapping (EFAULT otherwise, as Linux). Moves go to addresses
// ferry chooses (or to a MREMAP_FIXED target that is guest-owned or free),
// never where the host kernel would put them.
func (m *Map) Remap(old, oldLen, newLen uint64, flags int, newAddr uint64) (uint64, unix.Errno) {
	if old%PageSize != 0 || flags&^(MremapMayMove|MremapFixed|MremapDontUnmap) != 0 {
		return 0, unix.EINVAL
	}
	if flags&MremapFixed != 0 && flags&MremapMayMove == 0 {
		return 0, unix.EINVAL
	}
	oldLen, newLen = PageAlignUp(oldLen), PageAlignUp(newLen)
	if newLen == 0 || oldLen == 0 {
		// oldLen == 0 duplicates a shared mapping; ferry does not offer it.
		return 0, unix.EINVAL
	}
	if old >= AddrLimit || oldLen > AddrLimit-old {
		return 0, unix.EFAULT
	}
	src, ok := m.Lookup(old)
	if !ok || src.End < old+oldLen {
		return 0, unix.EFAULT
	}
	moved := func(to uint64) Mapping {
		mp := clip(src, old, old+oldLen)
		mp.Start, mp.End = to, to+newLen
		return mp
	}
	if flags&MremapFixed != 0 {
		if e := checkRange(newAddr, newLen); e != 0 {
			return 0, unix.EINVAL
		}
		if newAddr < old+oldLen && old < newAddr+newLen {
			return 0, unix.EINVAL
		}
		holes, e := m.claimHoles(newAddr, newAddr+newLen)
		if e != 0 {
			return 0, e
		}
		if _, e := sysMremap(old, oldLen, newLen, flags, newAddr); e != 0 {
			releaseHoles(holes)
			return 0, e
		}
		mp := moved(newAddr)
		if flags&MremapDontUnmap == 0 {
			m.remove(old, old+oldLen)
		}
		m.insert(mp)
		m.closeDropped()
		return newAddr, 0
	}
	if newLen <= oldLen && flags&MremapDontUnmap == 0 {
		if _, e := sysMremap(old, oldLen, newLen, 0, 0); e != 0 {
			return 0, e
		}
		m.Remove(old+newLen, old+oldLen)
		return old, 0
	}
	// Grow in place if the guest has nothing above; the host kernel checks
	// that the host has nothing there either.
	if flags&MremapDontUnmap == 0 && newLen <= AddrLimit-old && !m.Overlaps(old+oldLen, old+newLen) {
		if _, e := sysMremap(old, oldLen, newLen, 0, 0); e == 0 {
			m.Insert(moved(old))
			return old, 0
		}
	}
	if flags&MremapMayMove == 0 {
		return 0, unix.ENOMEM
	}
	// Move: claim a destination with a placeholder, then move onto it.
	dest, e := m.MapAnywhere(0, newLen, ProtNone, MapPrivate|MapAnonymous|MapNoReserve, -1, 0, "")
	if e != 0 {
		return 0, e
	}
	if _, e := sysMremap(old, oldLen, newLen, flags|MremapFixed, dest); e != 0 {
		sysMunmap(dest, newLen)
		m.Remove(dest, dest+newLen)
		return 0, e
	}
	mp := moved(dest)
	if flags&MremapDontUnmap == 0 {
		m.remove(old, old+oldLen)
	}
	m.insert(mp)
	m.closeDropped()
	return dest, 0
}

// Advise forwards madvise for a guest-owned range (ENOMEM for ranges the
// guest does not own, as Linux answers for unmapped ones).
func (m *Map) Advise(addr, length uint64, advice int) unix.Errno {
	if addr%PageSize != 0 {
		return unix.EINVAL
	}
	if length == 0 {
		return 0
	}
	length = PageAlignUp(length)
	if addr >= AddrLimit || length > AddrLimit-addr || !m.Covers(addr, addr+length) {
		return unix.ENOMEM
	}
	_, _, e := unix.Syscall(unix.SYS_MADVISE, uintptr(addr), uintptr(length), uintptr(advice))
	return e
}

type hostRange struct{ start, end uint64 }

// lowestOverlap returns the lowest start of a host range meeting [start, end).
func lowestOverlap(host []hostRange, start, end uint64) (uint64, bool) {
	low, found := end, false
	for _, r := range host {
		if r.start < end && r.end > start && r.start < low {
			low, found = r.start, true
		}
	}
	return low, found
}

// hostMappings reads the process's current mappings from /proc/self/maps.
func hostMappings() []hostRange {
	data, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return nil
	}
	var out []hostRange
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Bytes()
		dash := bytes.IndexByte(line, '-')
		sp := bytes.IndexByte(line, ' ')
		if dash < 0 || sp < dash {
			continue
		}
		s, err1 := strconv.ParseUint(string(line[:dash]), 16, 64)
		e, err2 := strconv.ParseUint(string(line[dash+1:sp]), 16, 64)
		if err1 == nil && err2 == nil {
			out = append(out, hostRange{s, e})
		}
	}
	return out
}
