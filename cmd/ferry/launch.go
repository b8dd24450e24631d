package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"ferry/elfload"
	"ferry/syscalls"
	"ferry/syscalls/hostfd"
)

// How ferry was started: by hand ("ferry [options] PROGRAM"), or by the
// kernel's binfmt_misc for an arm64 program, where argv is [interpreter,
// PROGRAM as the execve named it, (P flag: the original argv[0]),
// arguments...] and the auxiliary vector tells the flags apart.

const (
	atFlagsPreserveArgv0 = 1 // AT_FLAGS bit binfmt_misc's P flag sets (Linux ≥ 5.12)
	atExecFD             = 2 // AT_EXECFD: the program, opened by binfmt_misc's O flag
)

// kernelStart is what ferry's own auxiliary vector says about its start.
type kernelStart struct {
	preserveArgv0 bool   // P flag
	execFD        int    // O flag: the open program, or -1
	execFn        string // AT_EXECFN: the file the execve named
	secure        bool   // AT_SECURE: credentials changed (C flag, setuid program)
	binfmt        bool   // started by binfmt_misc for an arm64 program
}

// readKernelStart reads the auxiliary vector from the Go runtime (it works
// without /proc, in a chroot).
func readKernelStart() kernelStart {
	ks := kernelStart{execFD: -1}
	auxv, err := unix.Auxv()
	if err != nil {
		return ks
	}
	for _, e := range auxv {
		switch e[0] {
		case elfload.AT_FLAGS:
			ks.preserveArgv0 = e[1]&atFlagsPreserveArgv0 != 0
		case atExecFD:
			ks.execFD = int(e[1])
		case elfload.AT_SECURE:
			ks.secure = e[1] != 0
		case elfload.AT_EXECFN:
			if e[1] != 0 {
				ks.execFn = cString(e[1])
			}
		}
	}
	// binfmt_misc is the only way the kernel starts ferry on an arm64
	// file; AT_EXECFN names what the execve named (ferry itself, or a
	// link or script leading to it, when run by hand). P and O say so
	// by themselves; for F alone, the named file is looked at.
	ks.binfmt = ks.preserveArgv0 || ks.execFD >= 0 || (ks.execFn != "" && fileIsAArch64ELF(ks.execFn))
	return ks
}

// cString reads the NUL-terminated string at addr in ferry's initial
// stack, which stays mapped for the process's life.
func cString(addr uintptr) string {
	// The address is not Go memory: reinterpret the word, not convert it.
	p := *(**byte)(unsafe.Pointer(&addr))
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 && n < unix.PathMax {
		n++
	}
	return string(unsafe.Slice(p, n))
}

// fileIsAArch64ELF checks the header of the regular file at path, never
// blocking (a FIFO is not opened for reading).
func fileIsAArch64ELF(path string) bool {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return false
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	h := make([]byte, 64)
	n, _ := unix.Pread(fd, h, 0)
	return n > 0 && syscalls.IsAArch64ELF(h[:n])
}

// launchError is a program ferry run by hand cannot start, reported like
// a shell: "ferry: PATH: reason", 127 if missing, 126 otherwise.
type launchError struct {
	path, msg string
	status    int
}

func (e *launchError) Error() string { return e.path + ": " + e.msg }

func errnoLaunch(path string, err error) *launchError {
	status := exitCannotExecute
	var en syscall.Errno
	if errors.As(err, &en) {
		if en == unix.ENOENT {
			status = 127
		}
		return &launchError{path, en.Error(), status}
	}
	return &launchError{path, err.Error(), status}
}

// maxScriptDepth bounds "#!" interpreters of interpreters (the kernel's
// BINPRM_MAX_RECURSION).
const maxScriptDepth = 4

// resolveProgram does for a program named on ferry's command line what
// the kernel's execve would: it refuses what the kernel refuses (missing
// files, no execute permission, directories, FIFOs and devices — checked
// with stat, so nothing blocks), and follows "#!" lines to their
// interpreter, rewriting argv as the kernel does. It returns the file to
// run and its argv; native is set when that file is not an arm64 program
// but a script's host interpreter, for the host kernel to run.
//
// Paths are looked up in sysroot first, as the loader and the syscall
// layer look them up (elfload.Redirect); the returned path and argv keep
// the guest's names, except that a host interpreter is returned as the
// host file to execute.
func resolveProgram(argv []string, sysroot string) (path string, args []string, native bool, err error) {
	path, args = argv[0], argv
	for depth := 0; ; depth++ {
		host := elfload.Redirect(sysroot, path)
		var st unix.Stat_t
		if err := unix.Stat(host, &st); err != nil {
			return "", nil, false, errnoLaunch(path, err)
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
		case unix.S_IFDIR:
			return "", nil, false, &launchError{path, "is a directory", exitCannotExecute}
		default:
			return "", nil, false, &launchError{path, "not a regular file: " + unix.EACCES.Error(), exitCannotExecute}
		}
		if err := unix.Access(host, unix.X_OK); err != nil {
			return "", nil, false, errnoLaunch(path, err)
		}
		fd, err := unix.Open(host, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			return "", nil, false, errnoLaunch(path, err)
		}
		hdr := make([]byte, 256)
		n, _ := unix.Pread(fd, hdr, 0)
		unix.Close(fd)
		if n < 0 {
			n = 0
		}
		hdr = hdr[:n]
		switch {
		case bytes.HasPrefix(hdr, []byte("#!")):
			if depth >= maxScriptDepth {
				return "", nil, false, errnoLaunch(path, unix.ELOOP)
			}
			interp, arg, ok := syscalls.ParseShebang(hdr)
			if !ok {
				return "", nil, false, errnoLaunch(path, unix.ENOEXEC)
			}
			next := []string{interp}
			if arg != "" {
				next = append(next, arg)
			}
			next = append(next, path)
			args = append(next, args[1:]...)
			path = interp
		case depth > 0 && !syscalls.IsAArch64ELF(hdr):
			return host, args, true, nil // a host interpreter
		default:
			return path, args, false, nil // arm64, or the loader explains why not
		}
	}
}

// execNative runs a script's host interpreter in ferry's place.
func execNative(path string, argv, env []string, stderr io.Writer) int {
	err := syscall.Exec(path, argv, env)
	le := errnoLaunch(path, err)
	fmt.Fprintf(stderr, "ferry: %v\n", le)
	return le.status
}

// openSelfExe returns an O_PATH descriptor of ferry's own executable for
// re-executing it (execveat works on it inside any chroot): the one a
// previous ferry passed (-self-fd), else /proc/self/exe opened now; 0 if
// neither is available (a chroot without /proc). The descriptor is
// FD_CLOEXEC and placed high (hostfd.Keep), out of the way of the
// guest's numbers.
func openSelfExe(inherited int) int {
	fd := -1
	if inherited > 2 {
		var st unix.Stat_t
		if unix.Fstat(inherited, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFREG {
			fd = inherited
		}
	}
	if fd < 0 {
		var err error
		if fd, err = unix.Open("/proc/self/exe", unix.O_PATH|unix.O_CLOEXEC, 0); err != nil {
			return 0
		}
	}
	if fd < hostfd.Base {
		fd = hostfd.Keep(fd)
	} else {
		hostfd.Adopt(fd)
	}
	unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
	return fd
}
