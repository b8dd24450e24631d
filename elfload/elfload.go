// Package elfload maps an AArch64 Linux ELF program into the translator's
// address space at its own addresses (identity mapping: guest address ==
// host address) and builds the initial stack the way the arm64 kernel's
// load_elf_binary/create_elf_tables does.
//
// Supported: ELF64 little-endian EM_AARCH64 programs of type ET_EXEC and
// ET_DYN (static-pie, shared objects run as programs). A program with
// PT_INTERP gets its dynamic loader mapped beside it, looked up in a
// sysroot first (see FindInterp and Redirect); the loader, running as a
// guest, does the rest. PT_TLS is left to the guest's libc, as the kernel
// does.
package elfload

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
	Path    string // path as given; the guest sees it as AT_EXECFN
	ExePath string // absolute path with symlinks resolved (/proc/self/exe)
	Entry   uint64 // where execution starts: the loader's entry point if there is one
	// ProgramEntry is the program's own entry point (AT_ENTRY), load
	// bias applied; Entry too when there is no dynamic loader.
	ProgramEntry uint64
	LoadBias     uint64 // 0 for ET_EXEC; where a static-pie was moved to
	Phdr         uint64 // guest address of the program headers (AT_PHDR)
	Phent        uint64 // AT_PHENT
	Phnum        uint64 // AT_PHNUM
	BrkStart     uint64 // first byte of the heap: page after the highest segment
	ExecStack    bool   // PT_GNU_STACK asked for an executable stack
	// Interp is the dynamic loader the program names (PT_INTERP), or "";
	// InterpPath is the host file that was mapped for it, and InterpBase
	// its load address (AT_BASE). Entry is then the loader's entry point.
	Interp, InterpPath string
	InterpBase         uint64
	// VDSO is where the caller mapped the vDSO (AT_SYSINFO_EHDR), or 0.
	VDSO uint64
	// Sysroot is the sysroot this run uses: the one given, or the one
	// FindInterp chose for the dynamic loader ("" for none).
	Sysroot string
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

// Options shape a load.
type Options struct {
	// Sysroot is where the dynamic loader (and, by the syscall layer, the
	// guest's absolute paths) are looked up first: -L DIR or
	// QEMU_LD_PREFIX. Empty: FindInterp decides (Image.Sysroot says what
	// it chose).
	Sysroot string
	// File, if not nil, is the program already opened by the caller
	// (binfmt_misc's O flag hands it over as AT_EXECFD, so programs
	// without read permission run); path is then only its name. Load does
	// not close it.
	File *os.File
}

// Load maps the program at path into guest memory and records its
// mappings in mem, with no sysroot given (see LoadWith).
func Load(path string, mem *guestmem.Map) (*Image, error) {
	return LoadWith(path, mem, Options{})
}

// LoadWith maps the program at path into guest memory, and its dynamic
// loader if it names one (PT_INTERP), as the arm64 kernel's
// load_elf_binary does: an ET_EXEC program at its own addresses, an ET_DYN
// program at PIEBase, the loader wherever mmap finds room (top-down); the
// entry point is then the loader's and AT_BASE its load address, while
// AT_PHDR and AT_ENTRY still describe the program. It refuses, without
// leaving anything mapped, whatever is not a supported AArch64 program, and
// it never replaces host memory: a program whose segments overlap ferry's
// own mappings is an error.
func LoadWith(path string, mem *guestmem.Map, opts Options) (*Image, error) {
	f := opts.File
	if f == nil {
		var err error
		if f, err = openRegular(path); err != nil {
			return nil, err
		}
		defer f.Close()
	}
	h, phs, size, err := readProgram(path, f)
	if err != nil {
		return nil, err
	}
	img := &Image{Path: path, Phent: phdrSize, Phnum: uint64(h.phnum), Sysroot: opts.Sysroot}
	if abs, err := filepath.Abs(path); err == nil {
		img.ExePath = abs
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			img.ExePath = real
		}
	}
	for _, ph := range phs {
		switch ph.typ {
		case ptInterp:
			if img.Interp == "" {
				if img.Interp, err = interpName(path, f, ph); err != nil {
					return nil, err
				}
			}
		case ptGNUStack:
			img.ExecStack = ph.flags&pfX != 0
		}
	}
	// The mappings carry the file's absolute path, as the kernel's
	// /proc/PID/maps names them.
	mapName := img.ExePath
	if mapName == "" {
		mapName = path
	}
	prog, err := mapELF(path, mapName, f, size, h, phs, mem, false)
	if err != nil {
		return nil, err
	}
	img.Entry, img.ProgramEntry = prog.entry, prog.entry
	img.LoadBias = prog.bias
	img.Phdr = prog.phdr
	img.BrkStart = prog.hi
	img.StartCode, img.EndCode, img.StartData, img.EndData = prog.startCode, prog.endCode, prog.startData, prog.endData
	if img.Interp == "" {
		// A program run from inside the cross sysroot (its loader run
		// directly, as ldd does: ld-linux-aarch64.so.1 --list PROG) sees
		// that sysroot's files.
		if img.Sysroot == "" && strings.HasPrefix(img.ExePath, DefaultSysroot+"/") {
			img.Sysroot = DefaultSysroot
		}
		return img, nil
	}

	interpPath, root, err := FindInterp(path, img.Interp, opts.Sysroot)
	if err == nil {
		img.Sysroot = root
		var ld *loaded
		if ld, err = loadInterp(interpPath, mem); err == nil {
			img.InterpPath = interpPath
			img.InterpBase = ld.bias
			img.Entry = ld.entry
			return img, nil
		}
	}
	mem.Unmap(prog.lo, prog.hi-prog.lo)
	return nil, err
}

// openRegular opens path for loading; directories and other non-regular
// files are refused as execve refuses them.
func openRegular(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, openError(path, err)
	}
	if st.IsDir() {
		return nil, fail(path, "is a directory")
	}
	if !st.Mode().IsRegular() {
		// Checked before opening: opening a FIFO would wait for a writer.
		return nil, fail(path, "not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	return f, nil
}

// readProgram checks that f holds a regular file with an AArch64 ELF
// header and returns its headers and size.
func readProgram(path string, f *os.File) (elfHeader, []progHeader, int64, error) {
	st, err := f.Stat()
	if err != nil {
		return elfHeader{}, nil, 0, openError(path, err)
	}
	if st.IsDir() {
		return elfHeader{}, nil, 0, fail(path, "is a directory")
	}
	if !st.Mode().IsRegular() {
		return elfHeader{}, nil, 0, fail(path, "not a regular file")
	}
	h, phs, err := parseHeader(path, f)
	return h, phs, st.Size(), err
}

// interpName reads the PT_INTERP string as load_elf_binary checks it: at
// most PATH_MAX bytes, NUL-terminated.
func interpName(path string, f *os.File, ph progHeader) (string, error) {
	if ph.filesz < 2 || ph.filesz > unix.PathMax {
		return "", fail(path, "invalid interpreter name (PT_INTERP of %d bytes)", ph.filesz)
	}
	name := make([]byte, ph.filesz)
	if n, _ := f.ReadAt(name, int64(ph.offset)); n != len(name) || ph.offset > 1<<62 {
		return "", fail(path, "truncated file: the interpreter name reaches past its end")
	}
	if name[len(name)-1] != 0 {
		return "", fail(path, "invalid interpreter name (not NUL-terminated)")
	}
	s := string(name[:len(name)-1])
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s, nil
}

// loadInterp maps the dynamic loader at path wherever there is room.
func loadInterp(path string, mem *guestmem.Map) (*loaded, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h, phs, size, err := readProgram(path, f)
	if err != nil {
		var le *Error
		if errors.As(err, &le) {
			le.Msg = "not a usable AArch64 dynamic loader: " + le.Msg
		}
		return nil, err
	}
	mapName := path
	if real, err := filepath.EvalSymlinks(path); err == nil {
		if abs, err := filepath.Abs(real); err == nil {
			mapName = abs
		}
	}
	return mapELF(path, mapName, f, size, h, phs, mem, true)
}

// loaded describes one ELF file mapped into guest memory, load bias
// applied to every address.
type loaded struct {
	bias, entry, phdr                      uint64
	lo, hi                                 uint64 // the whole span, page aligned
	startCode, endCode, startData, endData uint64
}

// mapELF validates every PT_LOAD segment of an ELF file, then maps them:
// an ET_EXEC file at its own addresses, an ET_DYN file at PIEBase or, if
// anywhere, where mmap finds room. Nothing stays mapped on failure.
func mapELF(path, mapName string, f *os.File, size int64, h elfHeader, phs []progHeader, mem *guestmem.Map, anywhere bool) (*loaded, error) {
	// Validate every loadable segment before mapping anything.
	lo, hi := uint64(1<<64-1), uint64(0)
	startCode, endCode, startData, endData := uint64(1<<64-1), uint64(0), uint64(0), uint64(0)
	maxAlign := uint64(guestmem.PageSize)
	loads := 0
	for _, ph := range phs {
		if ph.typ != ptLoad || ph.memsz == 0 {
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
		if ph.offset > uint64(size) || ph.filesz > uint64(size)-ph.offset {
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
	if loads == 0 {
		return nil, fail(path, "no loadable segments")
	}
	span := hi - lo
	var bias uint64
	claimed := false
	switch {
	case h.typ == etDyn && anywhere:
		// Room for the span at maxAlign alignment, then the excess on
		// either side is given back.
		addr, e := mem.MapAnywhere(0, span+maxAlign-guestmem.PageSize, guestmem.ProtNone,
			guestmem.MapPrivate|guestmem.MapAnonymous|guestmem.MapNoReserve, -1, 0, "")
		if e != 0 {
			return nil, fail(path, "no room for %d bytes: %v", span, e)
		}
		base := (addr + maxAlign - 1) &^ (maxAlign - 1)
		if base > addr {
			mem.Unmap(addr, base-addr)
		}
		if end := addr + span + maxAlign - guestmem.PageSize; end > base+span {
			mem.Unmap(base+span, end-(base+span))
		}
		bias = base - lo
		claimed = true
	case h.typ == etDyn:
		base := (uint64(guestmem.PIEBase) + maxAlign - 1) &^ (maxAlign - 1)
		if span > guestmem.AddrLimit-base {
			return nil, fail(path, "program too large")
		}
		bias = base - lo
	}
	ld := &loaded{bias: bias, entry: h.entry + bias, lo: lo + bias, hi: hi + bias}
	if endCode == 0 { // no executable segment: an empty code range
		startCode = 0
	}
	ld.startCode, ld.endCode = startCode+bias, endCode+bias
	ld.startData, ld.endData = startData+bias, endData+bias

	// Claim the whole span first: this is where an overlap with ferry's
	// own memory shows up, before anything is mapped. The segments then
	// replace the placeholder and the gaps between them are given back, as
	// Linux does for ET_DYN.
	if !claimed {
		if e := mem.MapNoReplace(ld.lo, span, guestmem.ProtNone,
			guestmem.MapPrivate|guestmem.MapAnonymous|guestmem.MapNoReserve, -1, 0, ""); e != 0 {
			if e == unix.EEXIST {
				return nil, fail(path, "cannot map %#x-%#x: ferry itself uses part of that range (ferry must be linked with -ldflags=-T=0x7e0000001000)", ld.lo, ld.hi)
			}
			return nil, fail(path, "cannot map %#x-%#x: %v", ld.lo, ld.hi, e)
		}
	}
	done := false
	defer func() {
		if !done {
			mem.Unmap(ld.lo, span)
		}
	}()
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
	for _, gap := range gaps(ld.lo, ld.hi, used) {
		mem.Unmap(gap[0], gap[1]-gap[0])
	}

	// AT_PHDR: PT_PHDR if present, else the loaded bytes at e_phoff.
	for _, ph := range phs {
		if ph.typ == ptPhdr {
			ld.phdr = ph.vaddr + bias
		}
	}
	if ld.phdr == 0 {
		for _, ph := range phs {
			if ph.typ == ptLoad && h.phoff >= ph.offset && h.phoff-ph.offset < ph.filesz {
				ld.phdr = ph.vaddr + (h.phoff - ph.offset) + bias
				break
			}
		}
	}
	done = true
	return ld, nil
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
