package elfload

import (
	"errors"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// ExecErrno says how an arm64 kernel's execve would fail on the AArch64
// ELF file at path before its point of no return, or 0 if the kernel
// would go ahead. It maps nothing. execve calls it before ferry re-executes
// itself on the program, so that a file the kernel would refuse fails in
// the caller with the kernel's errno (as posix_spawn and a shell's
// "command not found" logic expect), not in a new image that can only exit.
//
// It follows fs/binfmt_elf.c's load_elf_binary in order: the header
// (e_type, e_machine), the program header table (load_elf_phdrs), then the
// first PT_INTERP: its size and terminating NUL, opening the interpreter
// as an executable (open_exec), and the interpreter's own header and
// program headers. Problems the kernel only meets after the point of no
// return (segments it cannot map) kill the new image there; ferry's loader
// reports them the same way, from the new image. Permission checks on path
// itself are the caller's (they come first in the kernel).
//
// The interpreter is looked up as LoadWith will look it up, in sysroot
// first (FindInterp).
func ExecErrno(path, sysroot string) unix.Errno {
	f, err := os.Open(path)
	if err != nil {
		return errnoOf(err)
	}
	defer f.Close()
	h, e := execHeader(f, unix.ENOEXEC)
	if e != 0 {
		return e
	}
	if h.typ != etExec && h.typ != etDyn || h.machine != emAArch64 {
		return unix.ENOEXEC
	}
	phs, e := execProgHeaders(f, h)
	if e != 0 {
		return unix.ENOEXEC
	}
	for _, ph := range phs {
		if ph.typ != ptInterp {
			continue
		}
		if ph.filesz > unix.PathMax || ph.filesz < 2 {
			return unix.ENOEXEC
		}
		name := make([]byte, ph.filesz)
		if e := readFull(f, name, ph.offset); e != 0 {
			return e
		}
		if name[len(name)-1] != 0 {
			return unix.ENOEXEC
		}
		interp := string(name[:len(name)-1])
		found, _, err := FindInterp(path, interp, sysroot)
		if err != nil {
			return unix.ENOENT
		}
		return interpErrno(found)
	}
	return 0
}

// interpErrno checks the interpreter the way load_elf_binary does.
func interpErrno(path string) unix.Errno {
	// open_exec: found, executable, a regular file.
	if err := unix.Access(path, unix.X_OK); err != nil {
		return errnoOf(err)
	}
	f, err := os.Open(path)
	if err != nil {
		return errnoOf(err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return unix.EACCES
	}
	// Its header must be readable in full, then it must be an ELF
	// program for this machine with a valid program header table: the
	// kernel answers ELIBBAD for all of those ("not an ELF interpreter").
	h, e := execHeader(f, unix.ELIBBAD)
	if e != 0 {
		return e
	}
	if h.machine != emAArch64 {
		return unix.ELIBBAD
	}
	if _, e := execProgHeaders(f, h); e != 0 {
		return unix.ELIBBAD
	}
	return 0
}

// execHeader reads an ELF header as the kernel does: a short read is EIO,
// a wrong magic number notELF.
func execHeader(f *os.File, notELF unix.Errno) (elfHeader, unix.Errno) {
	var raw [ehdrSize]byte
	if e := readFull(f, raw[:], 0); e != 0 {
		if e == unix.EIO && notELF == unix.ENOEXEC {
			// The kernel reads the main file's first bytes into a
			// zero-filled buffer: a short file is judged on those.
			n, _ := f.ReadAt(raw[:], 0)
			clear(raw[n:])
		} else {
			return elfHeader{}, e
		}
	}
	if string(raw[:4]) != "\x7fELF" {
		return elfHeader{}, notELF
	}
	return decodeHeader(&raw), 0
}

// execProgHeaders is load_elf_phdrs: a table of the right entry size, not
// empty, at most 64 KiB, readable in full.
func execProgHeaders(f *os.File, h elfHeader) ([]progHeader, unix.Errno) {
	size := uint64(h.phnum) * phdrSize
	if h.phentsize != phdrSize || size == 0 || size > 65536 {
		return nil, unix.ENOEXEC
	}
	buf := make([]byte, size)
	if e := readFull(f, buf, h.phoff); e != 0 {
		return nil, e
	}
	return decodeProgHeaders(buf), 0
}

// readFull is the kernel's elf_read: all of b from off, or EIO.
func readFull(f *os.File, b []byte, off uint64) unix.Errno {
	if off > 1<<62 {
		return unix.EIO
	}
	n, err := f.ReadAt(b, int64(off))
	if n == len(b) {
		return 0
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return errnoOf(err)
	}
	return unix.EIO
}

func errnoOf(err error) unix.Errno {
	var e syscall.Errno
	if errors.As(err, &e) {
		return unix.Errno(e)
	}
	return unix.EIO
}
