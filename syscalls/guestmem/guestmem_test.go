package guestmem

import (
	"reflect"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

const pg = PageSize

func anon(start, end uint64, prot int) Mapping {
	return Mapping{Start: start, End: end, Prot: prot, Flags: MapPrivate | MapAnonymous}
}

func TestMapRecordSplitAndMerge(t *testing.T) {
	var m Map
	m.Insert(anon(10*pg, 20*pg, ProtRead|ProtWrite))
	m.Insert(anon(30*pg, 40*pg, ProtRead))
	// Punch a hole in the first mapping: it splits in two.
	m.Remove(12*pg, 14*pg)
	want := []Mapping{
		anon(10*pg, 12*pg, ProtRead|ProtWrite),
		anon(14*pg, 20*pg, ProtRead|ProtWrite),
		anon(30*pg, 40*pg, ProtRead),
	}
	if !reflect.DeepEqual(m.Mappings, want) {
		t.Fatalf("after Remove: %+v\nwant %+v", m.Mappings, want)
	}
	// Filling the hole with a compatible mapping merges all three pieces.
	m.Insert(anon(12*pg, 14*pg, ProtRead|ProtWrite))
	if len(m.Mappings) != 2 || m.Mappings[0] != anon(10*pg, 20*pg, ProtRead|ProtWrite) {
		t.Fatalf("after refill: %+v", m.Mappings)
	}
	// Changing protection in the middle splits into three.
	m.SetProt(15*pg, 16*pg, ProtRead)
	want = []Mapping{
		anon(10*pg, 15*pg, ProtRead|ProtWrite),
		anon(15*pg, 16*pg, ProtRead),
		anon(16*pg, 20*pg, ProtRead|ProtWrite),
		anon(30*pg, 40*pg, ProtRead),
	}
	if !reflect.DeepEqual(m.Mappings, want) {
		t.Fatalf("after SetProt: %+v\nwant %+v", m.Mappings, want)
	}
	if !m.Covers(10*pg, 20*pg) || m.Covers(10*pg, 21*pg) || m.Covers(19*pg, 31*pg) {
		t.Error("Covers is wrong")
	}
	if !m.Overlaps(19*pg, 31*pg) || m.Overlaps(20*pg, 30*pg) {
		t.Error("Overlaps is wrong")
	}
	holes := m.Holes(5*pg, 35*pg)
	wantHoles := [][2]uint64{{5 * pg, 10 * pg}, {20 * pg, 30 * pg}}
	if !reflect.DeepEqual(holes, wantHoles) {
		t.Errorf("Holes = %x, want %x", holes, wantHoles)
	}
}

func TestFileMappingOffsetsFollowSplits(t *testing.T) {
	var m Map
	m.Insert(Mapping{Start: 10 * pg, End: 20 * pg, Prot: ProtRead, Flags: MapPrivate, Offset: 3 * pg, Name: "f"})
	m.Remove(10*pg, 12*pg)
	if got := m.Mappings[0]; got.Start != 12*pg || got.Offset != 5*pg {
		t.Fatalf("clipped file mapping = %+v, want start 12 pages at offset 5 pages", got)
	}
	// A file mapping merges only when the offsets are contiguous.
	m.Insert(Mapping{Start: 20 * pg, End: 21 * pg, Prot: ProtRead, Flags: MapPrivate, Offset: 99 * pg, Name: "f"})
	if len(m.Mappings) != 2 {
		t.Fatalf("non-contiguous file pieces merged: %+v", m.Mappings)
	}
	m.Insert(Mapping{Start: 21 * pg, End: 22 * pg, Prot: ProtRead, Flags: MapPrivate, Offset: 100 * pg, Name: "f"})
	if len(m.Mappings) != 2 || m.Mappings[1].End != 22*pg {
		t.Fatalf("contiguous file pieces not merged: %+v", m.Mappings)
	}
}

func TestGapBelow(t *testing.T) {
	var m Map
	m.Insert(anon(90*pg, 100*pg, ProtRead))
	m.Insert(anon(50*pg, 85*pg, ProtRead))
	cases := []struct {
		top, length uint64
		want        uint64
		ok          bool
	}{
		{200 * pg, 10 * pg, 190 * pg, true}, // above everything
		{100 * pg, 5 * pg, 85 * pg, true},   // the 5-page gap between the two
		{100 * pg, 6 * pg, 44 * pg, true},   // too big for it: below the lower one
		{95 * pg, 2 * pg, 88 * pg, true},    // top inside a mapping
		{100 * pg, 50 * pg, 0, false},       // nothing big enough above bottom (10 pages)
	}
	for _, c := range cases {
		got, ok := m.gapBelow(c.top, 10*pg, c.length)
		if ok != c.ok || ok && got != c.want {
			t.Errorf("gapBelow(top %#x, len %#x) = %#x %v, want %#x %v", c.top, c.length, got, ok, c.want, c.ok)
		}
	}
}

// hostPage returns the page of a live Go heap object: memory the guest
// must never be able to take over.
func hostPage(t *testing.T) (uint64, *[1 << 16]byte) {
	obj := new([1 << 16]byte)
	obj[0] = 42
	addr := uint64(uintptr(unsafe.Pointer(obj)))
	return PageAlignUp(addr), obj
}

func TestGuestCannotTakeHostMemory(t *testing.T) {
	var m Map
	page, obj := hostPage(t)
	if e := m.MapFixed(page, pg, ProtRead|ProtWrite, MapPrivate|MapAnonymous, -1, 0, ""); e != unix.ENOMEM {
		t.Errorf("MAP_FIXED over the Go heap: %v, want ENOMEM", e)
	}
	if e := m.MapNoReplace(page, pg, ProtRead, MapPrivate|MapAnonymous, -1, 0, ""); e != unix.EEXIST {
		t.Errorf("MAP_FIXED_NOREPLACE over the Go heap: %v, want EEXIST", e)
	}
	if e := m.Protect(page, pg, ProtNone); e != unix.ENOMEM {
		t.Errorf("mprotect of the Go heap: %v, want ENOMEM", e)
	}
	if e := m.Unmap(page, pg); e != 0 {
		t.Errorf("munmap of host memory: %v, want success without effect", e)
	}
	obj[len(obj)-1] = 7 // still mapped and writable
	if obj[0] != 42 || len(m.Mappings) != 0 {
		t.Fatalf("host memory changed or recorded: %+v", m.Mappings)
	}
}

func TestMapAnywhereFixedUnmapProtect(t *testing.T) {
	var m Map
	addr, e := m.MapAnywhere(0, 3*pg, ProtRead|ProtWrite, MapPrivate|MapAnonymous, -1, 0, "")
	if e != 0 {
		t.Fatal(e)
	}
	defer m.Unmap(addr, 3*pg)
	if addr >= MmapTop || addr+3*pg > MmapTop || addr%pg != 0 {
		t.Fatalf("MapAnywhere gave %#x, not page aligned below MmapTop", addr)
	}
	b := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), uintptr(addr))), 3*pg)
	b[0], b[3*pg-1] = 1, 2
	// A second request goes right below the first.
	addr2, e := m.MapAnywhere(0, pg, ProtRead, MapPrivate|MapAnonymous, -1, 0, "")
	if e != 0 || addr2 != addr-pg {
		t.Fatalf("second MapAnywhere = %#x %v, want %#x", addr2, e, addr-pg)
	}
	// MAP_FIXED across a guest mapping and free space works and replaces.
	if e := m.MapFixed(addr2, 2*pg, ProtRead|ProtWrite, MapPrivate|MapAnonymous, -1, 0, "x"); e != 0 {
		t.Fatal(e)
	}
	if b[0] != 0 {
		t.Error("MAP_FIXED did not replace the old page with zeroes")
	}
	if b[3*pg-1] != 2 {
		t.Error("MAP_FIXED touched a page outside its range")
	}
	if !m.Covers(addr2, addr+3*pg) || len(m.Mappings) != 2 {
		t.Fatalf("record after MAP_FIXED: %+v", m.Mappings)
	}
	if e := m.Protect(addr2, 2*pg, ProtRead|ProtExec); e != 0 {
		t.Fatal(e)
	}
	if !m.AnyExec(addr, addr+pg) || m.AnyExec(addr+pg, addr+3*pg) {
		t.Errorf("AnyExec after mprotect: %+v", m.Mappings)
	}
	if got := hostPerms(t, addr2); got != "r--p" {
		t.Errorf("host protection of guest PROT_READ|PROT_EXEC = %s, want r--p (guest code never runs natively)", got)
	}
	if e := m.Unmap(addr2, 4*pg); e != 0 {
		t.Fatal(e)
	}
	if len(m.Mappings) != 0 {
		t.Fatalf("record after munmap: %+v", m.Mappings)
	}
	if hostPerms(t, addr) != "" {
		t.Error("unmapped guest page still mapped on the host")
	}
}

func TestRemap(t *testing.T) {
	var m Map
	addr, e := m.MapAnywhere(0, 2*pg, ProtRead|ProtWrite, MapPrivate|MapAnonymous, -1, 0, "")
	if e != 0 {
		t.Fatal(e)
	}
	b := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), uintptr(addr))), 2*pg)
	b[5] = 99
	// Something right above blocks growth in place, so it must move.
	if e := m.MapNoReplace(addr+2*pg, pg, ProtRead, MapPrivate|MapAnonymous, -1, 0, ""); e != 0 {
		t.Fatal(e)
	}
	if _, e := m.Remap(addr, 2*pg, 4*pg, 0, 0); e != unix.ENOMEM {
		t.Errorf("growth without MREMAP_MAYMOVE into a used range: %v, want ENOMEM", e)
	}
	moved, e := m.Remap(addr, 2*pg, 4*pg, MremapMayMove, 0)
	if e != 0 {
		t.Fatal(e)
	}
	defer m.Unmap(moved, 4*pg)
	defer m.Unmap(addr+2*pg, pg)
	if moved == addr || moved >= MmapTop {
		t.Fatalf("moved to %#x", moved)
	}
	nb := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), uintptr(moved))), 4*pg)
	if nb[5] != 99 {
		t.Error("contents did not move")
	}
	nb[4*pg-1] = 1
	if m.Overlaps(addr, addr+2*pg) || !m.Covers(moved, moved+4*pg) {
		t.Errorf("record after move: %+v", m.Mappings)
	}
	// Shrinking happens in place.
	if got, e := m.Remap(moved, 4*pg, pg, 0, 0); e != 0 || got != moved {
		t.Fatalf("shrink = %#x %v", got, e)
	}
	if m.Covers(moved, moved+2*pg) {
		t.Error("shrunk tail still recorded")
	}
	if _, e := m.Remap(moved+100*pg, pg, 2*pg, MremapMayMove, 0); e != unix.EFAULT {
		t.Errorf("mremap of unmapped memory: %v, want EFAULT", e)
	}
}

func TestAccessible(t *testing.T) {
	var m Map
	m.Insert(anon(10*pg, 12*pg, ProtRead|ProtWrite))
	m.Insert(anon(12*pg, 13*pg, ProtRead))
	m.Insert(anon(13*pg, 14*pg, ProtExec))
	if !m.Accessible(10*pg, 3*pg, ProtRead) {
		t.Error("readable range reported inaccessible")
	}
	if m.Accessible(11*pg, 2*pg, ProtWrite) {
		t.Error("read-only page reported writable")
	}
	if !m.Accessible(13*pg, 10, ProtRead) {
		t.Error("execute-only page must be readable (the translator reads it)")
	}
	if m.Accessible(14*pg-1, 2, ProtRead) {
		t.Error("range running off the end reported accessible")
	}
}

// hostPerms returns the permission field of the host mapping at addr.
func hostPerms(t *testing.T, addr uint64) string {
	t.Helper()
	for _, r := range hostMappingsWithPerms(t) {
		if r.start <= addr && addr < r.end {
			return r.perms
		}
	}
	return ""
}

func TestMapAnywhereSkipsHostMappings(t *testing.T) {
	var m Map
	// The host (not the guest) owns the two pages right under MmapTop.
	hostAddr := uint64(MmapTop - 2*pg)
	if e := mmapNoReplace(hostAddr, 2*pg, unix.PROT_READ, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS, -1, 0); e != 0 {
		t.Fatalf("cannot set up the host mapping: %v", e)
	}
	defer sysMunmap(hostAddr, 2*pg)
	addr, e := m.MapAnywhere(0, 3*pg, ProtRead, MapPrivate|MapAnonymous, -1, 0, "")
	if e != 0 {
		t.Fatal(e)
	}
	defer m.Unmap(addr, 3*pg)
	if addr != hostAddr-3*pg {
		t.Errorf("MapAnywhere = %#x, want %#x (just below the host mapping)", addr, hostAddr-3*pg)
	}
	// A hint at a host-owned address is not honoured either.
	got, e := m.MapAnywhere(hostAddr, pg, ProtRead, MapPrivate|MapAnonymous, -1, 0, "")
	if e != 0 {
		t.Fatal(e)
	}
	defer m.Unmap(got, pg)
	if got >= hostAddr && got < hostAddr+2*pg {
		t.Errorf("hint over host memory was honoured: %#x", got)
	}
}

// TestMapAnywhereIgnoresTranslatorRegionHints: a hint above StackTop lies
// where the host kernel places ferry's own memory with fresh ASLR in every
// process, so even a hint that is free here is not honoured (a fork child
// could not restore the mapping: the goexec flake).
func TestMapAnywhereIgnoresTranslatorRegionHints(t *testing.T) {
	var m Map
	const size = 4 << 20
	var free uint64
	for a := uint64(StackTop + 1<<40); a < AddrLimit-size; a += 1 << 36 {
		if mmapNoReplace(a, size, unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS, -1, 0) == 0 {
			sysMunmap(a, size)
			free = a
			break
		}
	}
	if free == 0 {
		t.Fatal("no free range above StackTop to use as a hint")
	}
	got, e := m.MapAnywhere(free, size, ProtRead, MapPrivate|MapAnonymous, -1, 0, "")
	if e != 0 {
		t.Fatal(e)
	}
	defer m.Unmap(got, size)
	if got >= StackTop {
		t.Errorf("hint %#x in the translator's region was honoured: %#x", free, got)
	}
	// A hint below StackTop that is free is still honoured.
	low := uint64(MmapTop - 1<<36)
	got2, e := m.MapAnywhere(low, pg, ProtRead, MapPrivate|MapAnonymous, -1, 0, "")
	if e != 0 {
		t.Fatal(e)
	}
	defer m.Unmap(got2, pg)
	if got2 != low {
		t.Errorf("free hint %#x below StackTop not honoured: %#x", low, got2)
	}
}

// TestSharedObjectDescriptors follows the descriptor a MAP_SHARED mapping
// keeps for fork: one memfd per MAP_SHARED|MAP_ANONYMOUS mapping, shared
// by the pieces munmap and mremap make of it, never merged with another
// mapping's, and closed with the last piece.
func TestSharedObjectDescriptors(t *testing.T) {
	var m Map
	open := func(fd int) bool {
		_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		return err == nil
	}
	addr, e := m.MapAnywhere(0, 4*pg, ProtRead|ProtWrite, MapShared|MapAnonymous, -1, 0, "")
	if e != 0 {
		t.Fatalf("MapAnywhere: %v", e)
	}
	mp, _ := m.Lookup(addr)
	fd := mp.FD
	if fd < 3 || !open(fd) || mp.Ino == 0 {
		t.Fatalf("shared anonymous mapping has no object descriptor: %+v", mp)
	}
	if flags, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); flags&unix.FD_CLOEXEC == 0 {
		t.Errorf("descriptor %d is not FD_CLOEXEC", fd)
	}
	// Another shared mapping right below must not merge with it.
	if e := m.MapNoReplace(addr-pg, pg, ProtRead|ProtWrite, MapShared|MapAnonymous, -1, 0, ""); e != 0 {
		t.Fatalf("MapNoReplace below: %v", e)
	}
	below, _ := m.Lookup(addr - pg)
	if below.FD == fd || below.End != addr {
		t.Errorf("neighbour %+v merged with or shares descriptor %d", below, fd)
	}
	guest := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), uintptr(addr))), 4*pg)
	guest[3*pg] = 42
	if e := m.Unmap(addr+pg, pg); e != 0 {
		t.Fatalf("Unmap: %v", e)
	}
	hi, _ := m.Lookup(addr + 2*pg)
	if hi.FD != fd || hi.Offset != 2*pg {
		t.Errorf("piece above the hole: %+v, want FD %d offset %#x", hi, fd, 2*pg)
	}
	moved, e := m.Remap(addr+2*pg, 2*pg, 2*pg, MremapMayMove|MremapFixed, addr+64*pg)
	if e != 0 || !open(fd) {
		t.Fatalf("Remap = %#x %v, descriptor open %v", moved, e, open(fd))
	}
	if mp, _ := m.Lookup(moved + pg); mp.FD != fd || mp.Offset != 2*pg {
		t.Errorf("moved piece: %+v", mp)
	}
	var b [1]byte
	if _, err := unix.Pread(fd, b[:], 3*pg); err != nil || b[0] != 42 {
		t.Errorf("the object holds %d at 3 pages (%v), want 42", b[0], err)
	}
	m.Unmap(addr, pg)
	if !open(fd) {
		t.Fatalf("descriptor closed while a piece is still mapped")
	}
	m.Unmap(moved, 2*pg)
	if open(fd) {
		t.Errorf("descriptor %d still open after the last piece went", fd)
	}
	m.Unmap(addr-pg, pg)
	if open(below.FD) {
		t.Errorf("neighbour's descriptor %d still open", below.FD)
	}
}
