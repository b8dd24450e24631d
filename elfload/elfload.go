// Package elfload maps an AArch64 Linux ELF program into the translator's
// address space at its own addresses (identity mapping: guest address ==
// host address) and builds the initial stack the way the arm64 kernel's
// load_elf_binary/create_elf_tables does.
//
// Supported: ELF64 little-endian EM_AARCH64 programs of type ET_EXEC and
// static-pie ET_DYN. Programs with PT_INTERP (dynamically linked) are
// refused for now. PT_TLS is left to the guest's libc, as the kernel does.
package elfload

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"

	"ferry/syscalls/guestmem"

	"golang.org/x/sys/unix"
)

// ELF constants used by the loader.
const (
	etExec = 2
	etDyn  = 3

	emAArch64 = 183

	ptLoad     = 1
	ptInterp   = 3
	ptPhdr     = 6
	ptGNUStack = 0x6474e551

	pfX = 1
	pfW = 2
	pfR = 4

	ehdrSize = 64
	phdrSize = 56
)

// Image describes a loaded program.
type Image struct {
	Path      string // path as given; the guest sees it as AT_EXECFN
	ExePath   string // absolute path with symlinks resolved (/proc/self/exe)
	Entry     uint64 // entry point, load bias applied
	LoadBias  uint64 // 0 for ET_EXEC; where a static-pie was moved to
	Phdr      uint64 // guest address of the program headers (AT_PHDR)
	Phent     uint64 // AT_PHENT
	Phnum     uint64 // AT_PHNUM
	BrkStart  uint64 // first byte of the heap: page after the highest segment
	ExecStack bool   // PT_GNU_STACK asked for an executable stack
	// The code and data bounds the kernel records for /proc/PID/stat
	// (start_code, end_code, start_data, end_data), by its rules: code is
	// the executable segments' file contents; data runs from the highest
	// segment start to the highest end of file contents.
	StartCode, EndCode, StartData, EndData uint64
}

// Error is a loader failure. Its message names the program; ExitStatus is
// what a shell would report for it (127: not found, 126: cannot execute).
type Error struct {
	Path     string
	Msg      string
	NotFound bool
}

func (e *Error) Error() string { return e.Path + ": " + e.Msg }

// ExitStatus is the shell-style status for this failure.
func (e *Error) ExitStatus() int {
	if e.NotFound {
		return 127
	}
	return 126
}

func fail(path, format string, args ...any) *Error {
	return &Error{Path: path, Msg: fmt.Sprintf(format, args...)}
}

type elfHeader struct {
	typ       uint16
	machine   uint16
	entry     uint64
	phoff     uint64
	phentsize uint16
	phnum     uint16
}

type progHeader struct {
	typ    uint32
	flags  uint32
	offset uint64
	vaddr  uint64
	filesz uint64
	memsz  uint64
	align  uint64
}

func machineName(m uint16) string {
	switch m {
	case 3:
		return "i386"
	case 40:
		return "ARM (32-bit)"
	case 62:
		return "x86-64"
	case 183:
		return "AArch64"
	case 243:
		return "RISC-V"
	}
	return fmt.Sprintf("machine %d", m)
}

func parseHeader(path string, f *os.File) (elfHeader, []progHeader, error) {
	var h elfHeader
	var raw [ehdrSize]byte
	n, err := f.ReadAt(raw[:], 0)
	if n < 4 || string(raw[:4]) != "\x7fELF" {
		if err != nil && !errors.Is(err, io.EOF) {
			return h, nil, fail(path, "%v", unwrapErrno(err))
		}
		return h, nil, fail(path, "not an ELF program")
	}
	if n < ehdrSize {
		return h, nil, fail(path, "truncated ELF header")
	}
	if raw[4] != 2 {
		return h, nil, fail(path, "32-bit ELF programs are not supported (ferry runs 64-bit AArch64 programs)")
	}
	if raw[5] != 1 {
		return h, nil, fail(path, "big-endian ELF programs are not supported")
	}
	if raw[6] != 1 {
		return h, nil, fail(path, "unknown ELF version %d", raw[6])
	}
	h = decodeHeader(&raw)
	if h.machine != emAArch64 {
		return h, nil, fail(path, "not an AArch64 program (it is for %s)", machineName(h.machine))
	}
	switch h.typ {
	case etExec, etDyn:
	case 1:
		return h, nil, fail(path, "is an object file, not a program")
	case 4:
		return h, nil, fail(path, "is a core dump, not a program")
	default:
		return h, nil, fail(path, "unsupported ELF type %d", h.typ)
	}
	if h.phentsize != phdrSize || h.phnum == 0 || uint64(h.phnum)*phdrSize > 65536 {
		return h, nil, fail(path, "invalid program header table")
	}
	buf := make([]byte, int(h.phnum)*phdrSize)
	if _, err := f.ReadAt(buf, int64(h.phoff)); err != nil || h.phoff > 1<<62 {
		return h, nil, fail(path, "truncated program header table")
	}
	return h, decodeProgHeaders(buf), nil
}

// decodeHeader reads the fields of an ELF64 little-endian header.
func decodeHeader(raw *[ehdrSize]byte) elfHeader {
	le := binary.LittleEndian
	return elfHeader{
		typ: le.Uint16(raw[16:]), machine: le.Uint16(raw[18:]), entry: le.Uint64(raw[24:]),
		phoff: le.Uint64(raw[32:]), phentsize: le.Uint16(raw[54:]), phnum: le.Uint16(raw[56:]),
	}
}

// decodeProgHeaders reads a table of ELF64 program headers.
func decodeProgHeaders(buf []byte) []progHeader {
	le := binary.LittleEndian
	phs := make([]progHeader, len(buf)/phdrSize)
	for i := range phs {
		b := buf[i*phdrSize:]
		phs[i] = progHeader{
			typ: le.Uint32(b[0:]), flags: le.Uint32(b[4:]), offset: le.Uint64(b[8:]),
			vaddr: le.Uint64(b[16:]), filesz: le.Uint64(b[32:]), memsz: le.Uint64(b[40:]),
			align: le.Uint64(b[48:]),
		}
	}
	return phs
}

func unwrapErrno(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return err
}

// openError turns an open failure into a shell-like message and status.
func openError(path string, err error) *Error {
	e := &Error{Path: path, Msg: unwrapErrno(err).Error()}
	if errors.Is(err, fs.ErrNotExist) {
		e.NotFound = true
		e.Msg = "no such file or directory"
	}
	return e
}

func guestProt(flags uint32) int {
	p := 0
	if flags&pfR != 0 {
		p |= guestmem.ProtRead
	}
	if flags&pfW != 0 {
		p |= guestmem.ProtWrite
	}
	if flags&pfX != 0 {
		p |= guestmem.ProtExec
	}
	return p
}

// Load maps the program at path into guest memory and records its
// mappings in mem. It refuses, without touching memory, anything that is
// not a supported AArch64 program, and it never replaces host memory: a
// program whose segments overlap ferry's own mappings is an error.
func Load(path string, mem *guestmem.Map) (*Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, openError(path, err)
	}
	if st.IsDir() {
		return nil, fail(path, "is a directory")
	}
	if !st.Mode().IsRegular() {
		return nil, fail(path, "not a regular file")
	}
	h, phs, err := parseHeader(path, f)
	if err != nil {
		return nil, err
	}

	img := &Image{Path: path, Phent: phdrSize, Phnum: uint64(h.phnum)}
	if abs, err := filepath.Abs(path); err == nil {
		img.ExePath = abs
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			img.ExePath = real
		}
	}

	// Validate every loadable segment before mapping anything.
	lo, hi := uint64(1<<64-1), uint64(0)
	startCode, endCode, startData, endData := uint64(1<<64-1), uint64(0), uint64(0), uint64(0)
	maxAlign := uint64(guestmem.PageSize)
	loads := 0
	for _, ph := range phs {
		switch ph.typ {
		case ptInterp:
			interp := make([]byte, min(ph.filesz, 4096))
			n, _ := f.ReadAt(interp, int64(ph.offset))
			interp = interp[:n]
			for len(interp) > 0 && interp[len(interp)-1] == 0 {
				interp = interp[:len(interp)-1]
			}
			return nil, fail(path, "dynamically linked programs are not supported yet (interpreter %s); link it with -static", interp)
		case ptGNUStack:
			img.ExecStack = ph.flags&pfX != 0
		case ptLoad:
			if ph.memsz == 0 {
				continue
			}
			loads++
			if ph.filesz > ph.memsz {
				return nil, fail(path, "invalid segment: file size larger than memory size")
			}
			if ph.vaddr%guestmem.PageSize != ph.offset%guestmem.PageSize {
				return nil, fail(path, "invalid segment at %#x: address and file offset disagree modulo the page size", ph.vaddr)
			}
			if ph.vaddr >= guestmem.AddrLimit || ph.memsz > guestmem.AddrLimit-ph.vaddr {
				return nil, fail(path, "segment at %#x lies beyond the 47-bit address space of x86-64 hosts", ph.vaddr)
			}
			if ph.offset > uint64(st.Size()) || ph.filesz > uint64(st.Size())-ph.offset {
				return nil, fail(path, "truncated file: segment at %#x reaches past its end", ph.vaddr)
			}
			lo = min(lo, guestmem.PageAlignDown(ph.vaddr))
			hi = max(hi, guestmem.PageAlignUp(ph.vaddr+ph.memsz))
			if ph.flags&pfX != 0 {
				startCode = min(startCode, ph.vaddr)
				endCode = max(endCode, ph.vaddr+ph.filesz)
			}
			startData = max(startData, ph.vaddr)
			endData = max(endData, ph.vaddr+ph.filesz)
			if ph.align > maxAlign && ph.align&(ph.align-1) == 0 && ph.align <= 1<<30 {
				maxAlign = ph.align
			}
		}
	}
	if loads == 0 {
		return nil, fail(path, "no loadable segments")
	}
	if h.typ == etDyn {
		base := (uint64(guestmem.PIEBase) + maxAlign - 1) &^ (maxAlign - 1)
		img.LoadBias = base - lo
		if hi-lo > guestmem.AddrLimit-base {
			return nil, fail(path, "program too large")
		}
	}
	bias := img.LoadBias
	img.Entry = h.entry + bias
	img.BrkStart = hi + bias
	if endCode == 0 { // no executable segment: an empty code range
		startCode = 0
	}
	img.StartCode, img.EndCode = startCode+bias, endCode+bias
	img.StartData, img.EndData = startData+bias, endData+bias

	// Claim the whole span first: this is where an overlap with ferry's
	// own memory shows up, before anything is mapped. The segments then
	// replace the placeholder and the gaps between them are given back, as
	// Linux does for ET_DYN.
	spanLo, spanHi := lo+bias, hi+bias
	if e := mem.MapNoReplace(spanLo, spanHi-spanLo, guestmem.ProtNone,
		guestmem.MapPrivate|guestmem.MapAnonymous|guestmem.MapNoReserve, -1, 0, ""); e != 0 {
		if e == unix.EEXIST {
			return nil, fail(path, "cannot map %#x-%#x: ferry itself uses part of that range (ferry must be linked with -ldflags=-T=0x7e0000001000)", spanLo, spanHi)
		}
		return nil, fail(path, "cannot map %#x-%#x: %v", spanLo, spanHi, e)
	}
	loaded := false
	defer func() {
		if !loaded {
			mem.Unmap(spanLo, spanHi-spanLo)
		}
	}()

	// The mappings carry the file's absolute path, as the kernel's
	// /proc/PID/maps names them.
	mapName := img.ExePath
	if mapName == "" {
		mapName = path
	}
	var used [][2]uint64
	for _, ph := range phs {
		if ph.typ != ptLoad || ph.memsz == 0 {
			continue
		}
		if err := mapSegment(path, mapName, f, mem, ph, bias); err != nil {
			return nil, err
		}
		used = append(used, [2]uint64{guestmem.PageAlignDown(ph.vaddr + bias), guestmem.PageAlignUp(ph.vaddr + bias + ph.memsz)})
	}
	for _, gap := range gaps(spanLo, spanHi, used) {
		mem.Unmap(gap[0], gap[1]-gap[0])
	}

	// AT_PHDR: PT_PHDR if present, else the loaded bytes at e_phoff.
	for _, ph := range phs {
		if ph.typ == ptPhdr {
			img.Phdr = ph.vaddr + bias
		}
	}
	if img.Phdr == 0 {
		for _, ph := range phs {
			if ph.typ == ptLoad && h.phoff >= ph.offset && h.phoff-ph.offset < ph.filesz {
				img.Phdr = ph.vaddr + (h.phoff - ph.offset) + bias
				break
			}
		}
	}
	loaded = true
	return img, nil
}

// gaps returns the parts of [lo, hi) not covered by any range in used.
func gaps(lo, hi uint64, used [][2]uint64) [][2]uint64 {
	var m guestmem.Map
	for _, u := range used {
		m.Insert(guestmem.Mapping{Start: u[0], End: u[1], Flags: guestmem.MapAnonymous})
	}
	return m.Holes(lo, hi)
}

// mapSegment maps one PT_LOAD segment: the file-backed pages, then zeroes
// the tail of the last file page beyond p_filesz (the file's next bytes
// would show through otherwise) and maps anonymous zero pages for the rest
// of the bss.
func mapSegment(path, name string, f *os.File, mem *guestmem.Map, ph progHeader, bias uint64) error {
	prot := guestProt(ph.flags)
	start := ph.vaddr + bias
	pageStart := guestmem.PageAlignDown(start)
	fileEnd := start + ph.filesz
	memEnd := start + ph.memsz
	fileMapEnd := guestmem.PageAlignUp(fileEnd)
	if ph.filesz == 0 {
		fileMapEnd = pageStart
	}
	if ph.filesz > 0 {
		off := guestmem.PageAlignDown(ph.offset)
		if e := mem.MapFixed(pageStart, fileMapEnd-pageStart, prot, guestmem.MapPrivate, int(f.Fd()), off, name); e != 0 {
			return fail(path, "cannot map segment at %#x: %v", start, e)
		}
		if ph.memsz > ph.filesz && fileEnd < fileMapEnd {
			if err := zeroTail(mem, fileEnd, fileMapEnd, prot); err != nil {
				return fail(path, "cannot clear bss at %#x: %v", fileEnd, err)
			}
		}
	}
	bssEnd := guestmem.PageAlignUp(memEnd)
	if bssEnd > fileMapEnd {
		if e := mem.MapFixed(fileMapEnd, bssEnd-fileMapEnd, prot, guestmem.MapPrivate|guestmem.MapAnonymous, -1, 0, ""); e != 0 {
			return fail(path, "cannot map bss at %#x: %v", fileMapEnd, e)
		}
	}
	return nil
}

// zeroTail zeroes [from, to) inside a just-mapped private segment, lifting
// write protection for the moment if the segment is read-only.
func zeroTail(mem *guestmem.Map, from, to uint64, prot int) error {
	page := guestmem.PageAlignDown(from)
	if prot&guestmem.ProtWrite == 0 {
		if e := mem.Protect(page, to-page, prot|guestmem.ProtWrite); e != 0 {
			return e
		}
		defer mem.Protect(page, to-page, prot)
	}
	clear(GuestBytes(from, to-from))
	return nil
}

// GuestBytes views guest memory [addr, addr+n) as a byte slice. The guest
// is identity mapped, so this is host memory at the same address.
func GuestBytes(addr, n uint64) []byte {
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), uintptr(addr))), n)
}
