// Package guestmem models the guest's address space.
//
// ferry maps guest memory at the guest's own addresses inside the
// translator's process (identity mapping), so the guest shares one address
// space with the Go runtime, ferry's binary and the JIT code cache. This
// package keeps the record of which ranges belong to the guest (Map, plain
// data so that a guest fork can serialize it) and performs every host
// mmap/munmap/mprotect/mremap on the guest's behalf so that the guest can
// never replace or remove memory the translator owns.
//
// The rule: a range the guest asks for with MAP_FIXED must be guest-owned
// or free on the host. Free host ranges are claimed with MAP_FIXED_NOREPLACE
// first, so a race with the Go runtime's own mmap calls cannot clobber it
// either. Anything else is refused with ENOMEM, as a kernel refuses a range
// it cannot give.
package guestmem

import (
	"sort"
)

// PageSize is the guest page size (AT_PAGESZ). arm64 kernels also come
// with 16K and 64K pages; 4K is the common configuration and the host's.
const PageSize = 4096

// AddrLimit bounds every guest address: x86-64 user space ends at 1<<47,
// while arm64 offers 48 bits. Guests rarely notice the missing bit.
const AddrLimit = 1 << 47

// Guest protection bits. PROT_READ/WRITE/EXEC have the same values on
// arm64 and x86-64; PROT_BTI and PROT_MTE exist only on arm64.
const (
	ProtNone  = 0x0
	ProtRead  = 0x1
	ProtWrite = 0x2
	ProtExec  = 0x4
	ProtBTI   = 0x10
	ProtMTE   = 0x20
)

// MAP_* flags. They have the same values on arm64 (asm-generic) and x86-64
// except that x86-64 adds MAP_32BIT (0x40) and MAP_ABOVE4G (0x80), which
// arm64 kernels do not define.
const (
	MapShared         = 0x01
	MapPrivate        = 0x02
	MapSharedValidate = 0x03
	MapTypeMask       = 0x0f
	MapFixed          = 0x10
	MapAnonymous      = 0x20
	MapX8632Bit       = 0x40
	MapX86Above4G     = 0x80
	MapGrowsDown      = 0x100
	MapNoReserve      = 0x4000
	MapPopulate       = 0x8000
	MapStack          = 0x20000
	MapHugeTLB        = 0x40000
	MapFixedNoReplace = 0x100000
)

// Guest address-space layout. These addresses are chosen around where the
// translator itself lives: ferry is linked at 0x7e0000000000
// (-ldflags=-T=0x7e0000001000), the Go heap starts at 0xc000000000 (built
// with GOEXPERIMENT=norandomizedheapbase64) and the kernel places ferry's
// stack and its other mmaps just below 0x800000000000.
const (
	// PIEBase is where a static-pie (ET_DYN) program is loaded. arm64
	// Linux uses 2/3 of TASK_SIZE (0xaaaaaaaa0000 with 48-bit VAs), which
	// lies in the middle of the x86-64 region where the host kernel puts
	// ferry's own mmaps. 0x5500000000 is what an arm64 kernel with 39-bit
	// VAs uses (and what qemu-user picks): far above ET_EXEC programs
	// (0x400000), below the Go heap at 0xc000000000, and with hundreds of
	// GiB for brk to grow into.
	PIEBase = 0x55_0000_0000

	// StackTop is the (exclusive) top of the guest's main stack: 1 TiB
	// below ferry's binary and far below the host stack, which the kernel
	// puts near 0x7fffffffffff.
	StackTop = 0x7d00_0000_0000

	// StackMaxSize bounds the guest stack reservation when RLIMIT_STACK is
	// unlimited or huge. The region is mapped MAP_NORESERVE, so only pages
	// the guest touches cost memory.
	StackMaxSize = 1 << 30

	// MmapTop is where searches for guest mmap(NULL, …) start; they go
	// top-down like Linux's default layout, leaving a 1 GiB gap under the
	// largest possible stack.
	MmapTop = StackTop - StackMaxSize - 1<<30

	// MmapBottom is the lowest address handed out for mmap(NULL, …).
	// 64 KiB matches the usual vm.mmap_min_addr.
	MmapBottom = 0x10000
)

// Mapping is one guest mapping, [Start, End), page aligned.
type Mapping struct {
	Start, End uint64
	Prot       int    // guest PROT_* bits as the guest asked for them
	Flags      int    // guest MAP_* type and attribute bits
	Offset     uint64 // file offset of Start (file mappings and FD's object)
	Name       string // file path, "[heap]", "[stack]" or "" (anonymous)

	// FD is ferry's own descriptor (FD_CLOEXEC, high-numbered) of the
	// object a MAP_SHARED mapping maps, so that a forked child can map
	// the very same object again however the guest named, renamed,
	// unlinked or closed it: a memfd for MAP_SHARED|MAP_ANONYMOUS memory
	// (created at mmap time; Offset is then the offset in it), a
	// duplicate of the guest's fd for a shared file mapping. 0 for
	// private mappings (and shared ones whose descriptor could not be
	// kept). The Map owns it: it is closed when the last record naming
	// it goes. Dev and Ino identify the object, so a descriptor that is
	// no longer the mapped object is not used.
	FD       int
	Dev, Ino uint64
}

// Map is the guest's memory map: sorted, non-overlapping mappings. It is
// plain data.
type Map struct {
	Mappings []Mapping

	// dropped are FDs of records removed since the last closeDropped;
	// the operation that removed them closes those no record still
	// names once it is done (a record may go and come back within one
	// operation, as Remap and SetProt do).
	dropped []droppedFD
}

type droppedFD struct {
	fd       int
	dev, ino uint64
}

// PageAlignUp rounds x up to a page boundary (x must be < 2^64-PageSize).
func PageAlignUp(x uint64) uint64 { return (x + PageSize - 1) &^ (PageSize - 1) }

// PageAlignDown rounds x down to a page boundary.
func PageAlignDown(x uint64) uint64 { return x &^ (PageSize - 1) }

// first returns the index of the first mapping whose End is above addr.
func (m *Map) first(addr uint64) int {
	return sort.Search(len(m.Mappings), func(i int) bool { return m.Mappings[i].End > addr })
}

// Lookup returns the mapping containing addr.
func (m *Map) Lookup(addr uint64) (Mapping, bool) {
	i := m.first(addr)
	if i < len(m.Mappings) && m.Mappings[i].Start <= addr {
		return m.Mappings[i], true
	}
	return Mapping{}, false
}

// Overlaps reports whether any guest mapping intersects [start, end).
func (m *Map) Overlaps(start, end uint64) bool {
	i := m.first(start)
	return i < len(m.Mappings) && m.Mappings[i].Start < end
}

// Covers reports whether [start, end) is entirely guest-owned.
func (m *Map) Covers(start, end uint64) bool {
	pos := start
	for i := m.first(start); i < len(m.Mappings) && pos < end; i++ {
		if m.Mappings[i].Start > pos {
			return false
		}
		pos = m.Mappings[i].End
	}
	return pos >= end
}

// AnyExec reports whether some guest mapping in [start, end) is
// executable, i.e. whether translations of that range may exist.
func (m *Map) AnyExec(start, end uint64) bool {
	for i := m.first(start); i < len(m.Mappings) && m.Mappings[i].Start < end; i++ {
		if m.Mappings[i].Prot&ProtExec != 0 {
			return true
		}
	}
	return false
}

// Holes returns the sub-ranges of [start, end) that no guest mapping covers.
func (m *Map) Holes(start, end uint64) [][2]uint64 {
	var holes [][2]uint64
	pos := start
	for i := m.first(start); i < len(m.Mappings) && m.Mappings[i].Start < end; i++ {
		if m.Mappings[i].Start > pos {
			holes = append(holes, [2]uint64{pos, m.Mappings[i].Start})
		}
		pos = m.Mappings[i].End
	}
	if pos < end {
		holes = append(holes, [2]uint64{pos, end})
	}
	return holes
}

// hasOffset reports whether mp's Offset locates its pages in an object.
func hasOffset(mp Mapping) bool { return mp.Flags&MapAnonymous == 0 || mp.FD != 0 }

// clip returns mp restricted to [start, end), keeping Offset consistent.
func clip(mp Mapping, start, end uint64) Mapping {
	if mp.Start < start {
		if hasOffset(mp) {
			mp.Offset += start - mp.Start
		}
		mp.Start = start
	}
	if mp.End > end {
		mp.End = end
	}
	return mp
}

// Remove forgets [start, end), splitting mappings that straddle its edges.
func (m *Map) Remove(start, end uint64) {
	m.remove(start, end)
	m.closeDropped()
}

func (m *Map) remove(start, end uint64) {
	if start >= end {
		return
	}
	i := m.first(start)
	j := i
	var keep []Mapping
	for ; j < len(m.Mappings) && m.Mappings[j].Start < end; j++ {
		mp := m.Mappings[j]
		if mp.FD != 0 {
			m.dropped = append(m.dropped, droppedFD{mp.FD, mp.Dev, mp.Ino})
		}
		if mp.Start < start {
			keep = append(keep, clip(mp, mp.Start, start))
		}
		if mp.End > end {
			keep = append(keep, clip(mp, end, mp.End))
		}
	}
	m.Mappings = append(m.Mappings[:i], append(keep, m.Mappings[j:]...)...)
}

// Insert records mp, replacing whatever the guest had in its range, and
// merges it with compatible neighbours so that growing brk or stack does not
// fragment the record. The Map takes ownership of mp.FD.
func (m *Map) Insert(mp Mapping) {
	m.insert(mp)
	m.closeDropped()
}

// closeDropped closes the descriptors of shared objects no record maps
// any more.
func (m *Map) closeDropped() {
	for len(m.dropped) > 0 {
		d := m.dropped[len(m.dropped)-1]
		m.dropped = m.dropped[:len(m.dropped)-1]
		used := false
		for _, mp := range m.Mappings {
			if mp.FD == d.fd {
				used = true
				break
			}
		}
		for _, o := range m.dropped {
			used = used || o.fd == d.fd // closed when its last entry is popped
		}
		if !used {
			closeObjectFD(d)
		}
	}
}

func (m *Map) insert(mp Mapping) {
	if mp.Start >= mp.End {
		return
	}
	m.remove(mp.Start, mp.End)
	i := m.first(mp.Start)
	m.Mappings = append(m.Mappings, Mapping{})
	copy(m.Mappings[i+1:], m.Mappings[i:])
	m.Mappings[i] = mp
	m.mergeAround(i)
}

// SetProt changes the recorded protection of [start, end), which must be
// covered.
func (m *Map) SetProt(start, end uint64, prot int) {
	var changed []Mapping
	for i := m.first(start); i < len(m.Mappings) && m.Mappings[i].Start < end; i++ {
		mp := clip(m.Mappings[i], start, end)
		mp.Prot = prot
		changed = append(changed, mp)
	}
	for _, mp := range changed {
		m.insert(mp)
	}
	m.closeDropped()
}

// compatible reports whether a (just below) and b can be one mapping.
func compatible(a, b Mapping) bool {
	if a.End != b.Start || a.Prot != b.Prot || a.Flags != b.Flags || a.Name != b.Name ||
		a.FD != b.FD || a.Dev != b.Dev || a.Ino != b.Ino {
		return false
	}
	return !hasOffset(a) || a.Offset+(a.End-a.Start) == b.Offset
}

func (m *Map) mergeAround(i int) {
	if i+1 < len(m.Mappings) && compatible(m.Mappings[i], m.Mappings[i+1]) {
		m.Mappings[i].End = m.Mappings[i+1].End
		m.Mappings = append(m.Mappings[:i+1], m.Mappings[i+2:]...)
	}
	if i > 0 && compatible(m.Mappings[i-1], m.Mappings[i]) {
		m.Mappings[i-1].End = m.Mappings[i].End
		m.Mappings = append(m.Mappings[:i], m.Mappings[i+1:]...)
	}
}

// gapBelow finds the highest page-aligned start s with s+length <= top,
// s >= bottom, and [s, s+length) free of guest mappings. top and bottom are
// page aligned.
func (m *Map) gapBelow(top, bottom, length uint64) (uint64, bool) {
	if length == 0 || top < length {
		return 0, false
	}
	end := top
	i := m.first(top) // Mappings[:i] all end at or below top
	if i < len(m.Mappings) && m.Mappings[i].Start < end {
		end = m.Mappings[i].Start
	}
	for {
		floor := uint64(bottom)
		if i > 0 && m.Mappings[i-1].End > floor {
			floor = m.Mappings[i-1].End
		}
		if end > floor && end-floor >= length {
			return end - length, true
		}
		if i == 0 || m.Mappings[i-1].End <= bottom {
			return 0, false
		}
		end = m.Mappings[i-1].Start
		i--
	}
}

// AccessiblePrefix returns how many bytes from addr (at most n) the guest
// may access with prot, contiguously: what a host system call can copy
// before it would reach memory that is not the guest's.
func (m *Map) AccessiblePrefix(addr, n uint64, prot int) uint64 {
	end := addr + n
	if end < addr || end > AddrLimit {
		end = AddrLimit
	}
	pos := addr
	for i := m.first(addr); i < len(m.Mappings) && pos < end; i++ {
		mp := m.Mappings[i]
		if mp.Start > pos || HostProt(mp.Prot)&prot != prot {
			break
		}
		pos = mp.End
	}
	if pos <= addr {
		return 0
	}
	return min(pos, end) - addr
}

// Accessible reports whether the guest may access [addr, addr+n) with
// every bit of prot (ProtRead and/or ProtWrite) under its own mappings.
// The syscall layer checks this before Go code touches guest memory, so a
// bad guest pointer becomes EFAULT instead of a crash of the translator.
func (m *Map) Accessible(addr, n uint64, prot int) bool {
	return n == 0 || m.AccessiblePrefix(addr, n, prot) == n
}
