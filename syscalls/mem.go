package syscalls

import (
	"os"
	"strconv"

	"ferry/syscalls/guestmem"

	"golang.org/x/sys/unix"
)

// fileName names the file behind fd for the memory map record.
func fileName(fd int) string {
	name, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return ""
	}
	return name
}

func (p *Process) sysMmap(a *[6]uint64) int64 {
	addr, length := a[0], a[1]
	prot, flags := int(a[2]), int(a[3])
	fd, off := int(int32(a[4])), a[5]
	if length == 0 || off%guestmem.PageSize != 0 || !guestmem.ValidProt(prot) {
		return errno(unix.EINVAL)
	}
	switch flags & guestmem.MapTypeMask {
	case guestmem.MapShared, guestmem.MapPrivate, guestmem.MapSharedValidate:
	default:
		return errno(unix.EINVAL)
	}
	if length > guestmem.AddrLimit {
		return errno(unix.ENOMEM)
	}
	length = guestmem.PageAlignUp(length)
	// MAP_32BIT and MAP_ABOVE4G exist only on x86-64; arm64 ignores those
	// bits, and so must ferry.
	flags &^= guestmem.MapX8632Bit | guestmem.MapX86Above4G
	prot &^= guestmem.ProtBTI
	name := ""
	if flags&guestmem.MapAnonymous != 0 {
		fd = -1
	} else {
		name = fileName(fd)
	}
	switch {
	case flags&guestmem.MapFixed != 0:
		if addr%guestmem.PageSize != 0 {
			return errno(unix.EINVAL)
		}
		hadCode := p.Mem.AnyExec(addr, addr+length)
		if e := p.Mem.MapFixed(addr, length, prot, flags, fd, off, name); e != 0 {
			return errno(e)
		}
		if hadCode {
			p.codeChanged(addr, addr+length)
		}
		return int64(addr)
	case flags&guestmem.MapFixedNoReplace != 0:
		if addr%guestmem.PageSize != 0 {
			return errno(unix.EINVAL)
		}
		if e := p.Mem.MapNoReplace(addr, length, prot, flags, fd, off, name); e != 0 {
			return errno(e)
		}
		return int64(addr)
	}
	got, e := p.Mem.MapAnywhere(addr, length, prot, flags, fd, off, name)
	if e != 0 {
		return errno(e)
	}
	return int64(got)
}

func (p *Process) sysMunmap(a *[6]uint64) int64 {
	addr, length := a[0], a[1]
	hadCode := length <= guestmem.AddrLimit && p.Mem.AnyExec(addr, addr+guestmem.PageAlignUp(length))
	if e := p.Mem.Unmap(addr, length); e != 0 {
		return errno(e)
	}
	if hadCode {
		p.codeChanged(addr, addr+guestmem.PageAlignUp(length))
	}
	return 0
}

func (p *Process) sysMprotect(a *[6]uint64) int64 {
	addr, length, prot := a[0], a[1], int(a[2])
	// Translations are stale if the range held code (it may be removed or
	// made writable) or becomes code (it may have been rewritten, as a
	// guest JIT does: write, then mprotect to executable).
	code := length <= guestmem.AddrLimit &&
		(prot&guestmem.ProtExec != 0 || p.Mem.AnyExec(addr, addr+guestmem.PageAlignUp(length)))
	if e := p.Mem.Protect(addr, length, prot); e != 0 {
		return errno(e)
	}
	if code {
		p.codeChanged(addr, addr+guestmem.PageAlignUp(length))
	}
	return 0
}

func (p *Process) sysMremap(a *[6]uint64) int64 {
	old, oldLen := a[0], a[1]
	hadCode := oldLen <= guestmem.AddrLimit && p.Mem.AnyExec(old, old+guestmem.PageAlignUp(oldLen))
	got, e := p.Mem.Remap(old, oldLen, a[2], int(a[3]), a[4])
	if e != 0 {
		return errno(e)
	}
	if hadCode {
		p.codeChanged(old, old+guestmem.PageAlignUp(oldLen))
	}
	return int64(got)
}

func (p *Process) sysMadvise(a *[6]uint64) int64 {
	return errno(p.Mem.Advise(a[0], a[1], int(a[2])))
}

// guestRangeCall forwards a call whose first two arguments are a memory
// range (msync, mlock, munlock, mincore), after checking the guest owns it.
func guestRangeCall(hostNr uintptr) func(*Process, *[6]uint64) int64 {
	return func(p *Process, a *[6]uint64) int64 {
		start := guestmem.PageAlignDown(a[0])
		if a[1] > guestmem.AddrLimit {
			return errno(unix.ENOMEM)
		}
		end := guestmem.PageAlignUp(a[0] + a[1])
		if a[1] != 0 && !p.Mem.Covers(start, end) {
			return errno(unix.ENOMEM)
		}
		return host(hostNr, a[0], a[1], a[2])
	}
}

// sysBrk implements brk like Linux: brk(0) or an invalid request returns
// the current break; growing maps zeroed pages after the program image
// (only where nothing else lives); shrinking unmaps them.
func (p *Process) sysBrk(a *[6]uint64) int64 {
	want := a[0]
	if want < p.BrkStart || want >= guestmem.AddrLimit {
		return int64(p.Brk)
	}
	oldEnd := guestmem.PageAlignUp(p.Brk)
	newEnd := guestmem.PageAlignUp(want)
	switch {
	case newEnd > oldEnd:
		if e := p.Mem.MapNoReplace(oldEnd, newEnd-oldEnd, guestmem.ProtRead|guestmem.ProtWrite,
			guestmem.MapPrivate|guestmem.MapAnonymous, -1, 0, "[heap]"); e != 0 {
			return int64(p.Brk)
		}
	case newEnd < oldEnd:
		if e := p.Mem.Unmap(newEnd, oldEnd-newEnd); e != 0 {
			return int64(p.Brk)
		}
	}
	p.Brk = want
	return int64(want)
}
