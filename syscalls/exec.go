package syscalls

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"os"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"ferry/elfload"

	"golang.org/x/sys/unix"
)

// execve. The new program replaces the guest in the same host process
// (same pid, fds without FD_CLOEXEC, cwd, rlimits): an arm64 program is
// started by exec'ing ferry itself on it, a "#!" script through its
// interpreter (itself arm64 or not), any other program the host kernel
// accepts (an x86-64 binary, say) directly.

const (
	maxExecStrings  = 1 << 17 // argv+envp entries
	maxExecBytes    = 8 << 20 // their total size
	maxScriptNest   = 4       // BINPRM_MAX_RECURSION
	execHeaderBytes = 256     // BINPRM_BUF_SIZE
)

// ExecState is what a guest keeps across execve beyond what the host kernel
// keeps for ferry: its ignored signals and its signal mask (ferry applies
// the mask itself, so the host thread's mask does not carry it).
type ExecState struct {
	IgnoredSignals uint64
	SigMask        uint64
	// Pending are the signals pending (and blocked) at execve: they stay
	// pending in the new image, as the kernel keeps them.
	Pending uint64
	// FileLimit is the guest's RLIMIT_NOFILE (Process.FileLimit), which
	// the host limit of the new ferry does not show; zero: not passed.
	FileLimit unix.Rlimit
}

// readStringArray reads a NULL-terminated guest array of string pointers.
func (p *Process) readStringArray(addr uint64, total *int) ([]string, unix.Errno) {
	var out []string
	if addr == 0 {
		return nil, 0
	}
	for i := 0; ; i++ {
		if i >= maxExecStrings {
			return nil, unix.E2BIG
		}
		b, ok := p.copyIn(addr+uint64(i)*8, 8)
		if !ok {
			return nil, unix.EFAULT
		}
		ptr := binary.LittleEndian.Uint64(b)
		if ptr == 0 {
			return out, 0
		}
		s, ok := p.cString(ptr, maxExecBytes-*total+1)
		if !ok {
			return nil, unix.EFAULT
		}
		*total += len(s) + 1
		if *total > maxExecBytes {
			return nil, unix.E2BIG
		}
		out = append(out, s)
	}
}

func (t *Thread) sysExecve(a *[6]uint64) int64 {
	p := t.P
	path, ok := p.cString(a[0], unix.PathMax+1)
	if !ok {
		return errno(unix.EFAULT)
	}
	return t.execve(path, a[1], a[2])
}

// sysExecveat resolves (dirfd, path, flags) to a path the exec machinery
// can open, the way the kernel names the file (/proc/self/fd/N/…):
// AT_EMPTY_PATH executes dirfd itself (fexecve), AT_SYMLINK_NOFOLLOW refuses
// a symbolic link.
func (t *Thread) sysExecveat(a *[6]uint64) int64 {
	const atEmptyPath, atSymlinkNofollow = 0x1000, 0x100
	p := t.P
	dirfd, flags := int(int32(a[0])), a[4]
	if flags&^(atEmptyPath|atSymlinkNofollow) != 0 {
		return errno(unix.EINVAL)
	}
	path, ok := p.cString(a[1], unix.PathMax+1)
	if !ok {
		return errno(unix.EFAULT)
	}
	switch {
	case path == "" && flags&atEmptyPath != 0:
		path = "/proc/self/fd/" + strconv.Itoa(dirfd)
	case path == "":
		return errno(unix.ENOENT)
	case !strings.HasPrefix(path, "/") && dirfd != unix.AT_FDCWD:
		path = "/proc/self/fd/" + strconv.Itoa(dirfd) + "/" + path
	}
	if flags&atSymlinkNofollow != 0 && path != "" {
		var st unix.Stat_t
		if unix.Lstat(path, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK && !strings.HasPrefix(path, "/proc/self/fd/") {
			return errno(unix.ELOOP)
		}
	}
	return t.execve(path, a[2], a[3])
}

// execve runs the program at path with the guest's argv and envp arrays.
func (t *Thread) execve(path string, argvPtr, envpPtr uint64) int64 {
	p := t.P
	if len(path) > unix.PathMax {
		return errno(unix.ENAMETOOLONG)
	}
	total := 0
	argv, e := p.readStringArray(argvPtr, &total)
	if e != 0 {
		return errno(e)
	}
	envp, e := p.readStringArray(envpPtr, &total)
	if e != 0 {
		return errno(e)
	}
	t.execName = CommName(path)
	if p.isSelfExe(path) && p.ExePath != "" {
		// The guest's own program, not ferry (busybox re-executes
		// itself this way to run its applets).
		path = p.ExePath
	}
	if p.Strace {
		fmt.Fprintf(p.log(), "[ferry] execve(%q, %q, [%d vars]) ...\n", path, argv, len(envp))
	}
	// A signal that reached ferry before the call is the guest's before
	// the call: deliver it first (the call then starts again).
	p.drainHostSignals()
	if t.hasDeliverable() {
		return -errRestartNoIntr
	}
	return errno(t.exec(path, argv, envp, 0))
}

// exec replaces the process image; it returns only on failure.
func (t *Thread) exec(path string, argv, envp []string, depth int) unix.Errno {
	p := t.P
	if path == "" {
		return unix.ENOENT
	}
	// The file the host opens: the sysroot's copy of an absolute path if
	// it has one. An arm64 program is passed on by its guest path (the new
	// ferry redirects it the same way, and AT_EXECFN stays the guest's).
	hostPath := elfload.Redirect(p.Sysroot, path)
	if err := unix.Access(hostPath, unix.X_OK); err != nil {
		return err.(unix.Errno)
	}
	var st unix.Stat_t
	if err := unix.Stat(hostPath, &st); err != nil {
		return err.(unix.Errno)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return unix.EACCES
	}
	f, err := os.Open(hostPath)
	if err != nil {
		return unix.EACCES
	}
	hdr := make([]byte, execHeaderBytes)
	n, _ := f.ReadAt(hdr, 0)
	f.Close()
	hdr = hdr[:n]

	switch {
	case bytes.HasPrefix(hdr, []byte("#!")):
		if depth >= maxScriptNest {
			return unix.ELOOP
		}
		interp, arg, ok := parseShebang(hdr)
		if !ok {
			return unix.ENOEXEC
		}
		next := []string{interp}
		if arg != "" {
			next = append(next, arg)
		}
		next = append(next, path)
		if len(argv) > 1 {
			next = append(next, argv[1:]...)
		}
		return t.exec(interp, next, envp, depth+1)
	case isAArch64ELF(hdr):
		// What the arm64 kernel refuses fails here, in the caller: once
		// ferry re-executes itself the old image is gone.
		if e := elfload.ExecErrno(hostPath, p.Sysroot); e != 0 {
			return e
		}
		self, fd := p.translatorExec()
		// The new ferry inherits the descriptor of its executable, and
		// the tree's compiled code (only this exec passes them on).
		for _, own := range []int{p.TranslatorFD, p.CodeFD} {
			if own > 0 {
				unix.FcntlInt(uintptr(own), unix.F_SETFD, 0)
				defer unix.FcntlInt(uintptr(own), unix.F_SETFD, unix.FD_CLOEXEC)
			}
		}
		if self == "" && fd == 0 {
			// Neither ferry's path nor a descriptor of it (a chroot
			// without /proc that ferry entered through binfmt_misc):
			// the kernel runs the program, binfmt_misc brings ferry
			// back (or the kernel refuses it, as it would).
			opts := append(append([]string(nil), p.TranslatorArgs...),
				"-exec-state="+t.execState().String(), "-comm="+t.execName)
			return t.hostExecNative(hostPath, argv, MaskRuntimeEnv(binfmtOptionsEnv(envp, opts)))
		}
		args := append([]string{p.translatorArgv0()}, p.TranslatorArgs...)
		args = append(args, "-exec-state="+t.execState().String(), "-comm="+t.execName)
		if p.TranslatorFD > 0 {
			args = append(args, "-self-fd="+strconv.Itoa(p.TranslatorFD))
		}
		if len(argv) > 0 {
			args = append(args, "-argv0="+argv[0])
		}
		args = append(args, "--", path)
		if len(argv) > 1 {
			args = append(args, argv[1:]...)
		}
		if self == "" {
			return t.hostExecFD(fd, args, MaskRuntimeEnv(envp))
		}
		return t.hostExec(self, args, MaskRuntimeEnv(envp))
	}
	return t.hostExecNative(hostPath, argv, envp)
}

// BinfmtOptionsEnv carries ferry's options to a ferry that binfmt_misc
// starts for a guest's execve or fork when ferry cannot execute itself
// (argv is then the program's): \x1f-separated. ferry honours it only when
// binfmt_misc started it without a change of credentials (AT_SECURE), and
// removes it from the guest's environment.
const BinfmtOptionsEnv = "FERRY_BINFMT_OPTIONS"

// binfmtOptionsEnv returns env with BinfmtOptionsEnv set to opts.
func binfmtOptionsEnv(env, opts []string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, BinfmtOptionsEnv+"=") {
			out = append(out, kv)
		}
	}
	return append(out, BinfmtOptionsEnv+"="+strings.Join(opts, "\x1f"))
}

// SetTranslatorFD records fd, an O_PATH descriptor of ferry's executable,
// as TranslatorFD.
func (p *Process) SetTranslatorFD(fd int) {
	var st unix.Stat_t
	if fd <= 0 || unix.Fstat(fd, &st) != nil {
		p.TranslatorFD = 0
		return
	}
	p.TranslatorFD = fd
	p.translatorID = [2]uint64{st.Dev, st.Ino}
}

// translatorFD returns TranslatorFD if it still is ferry's executable (the
// guest may have closed the number and opened something else), or 0.
func (p *Process) translatorFD() int {
	var st unix.Stat_t
	if p.TranslatorFD <= 0 || unix.Fstat(p.TranslatorFD, &st) != nil ||
		[2]uint64{st.Dev, st.Ino} != p.translatorID {
		return 0
	}
	return p.TranslatorFD
}

// translatorExec says how to execute ferry again: a path (Translator if it
// still names ferry's executable, else /proc/self/fd/N of TranslatorFD
// where /proc is mounted), or, with path "", the descriptor fd for
// execveat (a chroot holding neither). Both are empty if ferry cannot be
// found at all.
func (p *Process) translatorExec() (path string, fd int) {
	fd = p.translatorFD()
	if p.Translator != "" {
		var st unix.Stat_t
		if unix.Stat(p.Translator, &st) == nil && (fd == 0 || [2]uint64{st.Dev, st.Ino} == p.translatorID) {
			return p.Translator, fd
		}
	}
	if fd == 0 {
		return "", 0
	}
	viaProc := "/proc/self/fd/" + strconv.Itoa(fd)
	if unix.Access(viaProc, unix.X_OK) == nil {
		return viaProc, fd
	}
	return "", fd
}

// translatorArgv0 is argv[0] for a re-executed ferry.
func (p *Process) translatorArgv0() string {
	if p.Translator != "" {
		return p.Translator
	}
	return "ferry"
}

func isAArch64ELF(h []byte) bool {
	return len(h) >= 20 && string(h[:4]) == "\x7fELF" && binary.LittleEndian.Uint16(h[18:]) == 183
}

// parseShebang splits a "#!interpreter [arg]" line like Linux: the
// interpreter ends at the first blank, the rest (trimmed) is one argument.
func parseShebang(h []byte) (interp, arg string, ok bool) {
	line := h[2:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	} else if len(h) == execHeaderBytes {
		return "", "", false // too long to be a complete line
	}
	s := strings.Trim(string(line), " \t")
	if s == "" {
		return "", "", false
	}
	interp, arg, _ = strings.Cut(strings.ReplaceAll(s, "\t", " "), " ")
	return interp, strings.Trim(arg, " \t"), true
}

func (t *Thread) execState() ExecState {
	var st ExecState
	for sig := 1; sig <= NSig; sig++ {
		if t.P.handlerOf(sig) == sigIgn {
			st.IgnoredSignals |= sigBit(sig)
		}
	}
	st.SigMask = t.mask()
	st.Pending = t.pending.pending() | t.P.sig.pending.pending()
	st.FileLimit = t.P.fileLimit()
	return st
}

// String encodes the state for ferry's -exec-state option.
func (s ExecState) String() string {
	return "ign:" + hex(s.IgnoredSignals) + ",mask:" + hex(s.SigMask) + ",pend:" + hex(s.Pending) +
		",nofile:" + hex(s.FileLimit.Cur) + ",nofilemax:" + hex(s.FileLimit.Max)
}

func hex(v uint64) string { return "0x" + strconv.FormatUint(v, 16) }

// ParseExecState decodes an -exec-state option value.
func ParseExecState(s string) (ExecState, bool) {
	var st ExecState
	for _, part := range strings.Split(s, ",") {
		key, val, ok := strings.Cut(part, ":")
		if !ok {
			return st, false
		}
		v, err := strconv.ParseUint(strings.TrimPrefix(val, "0x"), 16, 64)
		if err != nil {
			return st, false
		}
		switch key {
		case "ign":
			st.IgnoredSignals = v
		case "mask":
			st.SigMask = v
		case "pend":
			st.Pending = v
		case "nofile":
			st.FileLimit.Cur = v
		case "nofilemax":
			st.FileLimit.Max = v
		default:
			return st, false
		}
	}
	return st, true
}

// Inherit applies the state a previous image passed through execve to
// the new image's main thread t.
func (t *Thread) Inherit(st ExecState) {
	for sig := 1; sig <= NSig; sig++ {
		if st.IgnoredSignals&sigBit(sig) != 0 && sig != int(unix.SIGKILL) && sig != int(unix.SIGSTOP) {
			t.P.SigActions[sig].Handler = sigIgn
		}
	}
	t.SigMask = st.SigMask &^ unblockable
	if st.FileLimit.Max != 0 {
		t.P.setFileLimit(st.FileLimit)
	}
	for set := st.Pending &^ unblockable; set != 0; set &= set - 1 {
		sig := bits.TrailingZeros64(set) + 1
		t.P.sig.pending.add(killInfo(sig, siUser, 0))
	}
}

// hostExec makes the host kernel run path. Signals the guest ignores are
// ignored on the host too, so that a native program inherits them (the
// kernel keeps SIG_IGN across exec and resets handlers).
// The guest's signal mask becomes the host thread's, which exec keeps.
func (t *Thread) hostExec(path string, argv, envp []string) unix.Errno {
	return t.hostExecWith(func() error { return syscall.Exec(path, argv, envp) })
}

// hostExecFD is hostExec of the file open at fd (execveat AT_EMPTY_PATH,
// which works on an O_PATH descriptor). Unlike syscall.Exec, it leaves
// RLIMIT_NOFILE as Go raised it at start-up.
func (t *Thread) hostExecFD(fd int, argv, envp []string) unix.Errno {
	return t.hostExecWith(func() error {
		argvp, err := syscall.SlicePtrFromStrings(argv)
		if err != nil {
			return err
		}
		envvp, err := syscall.SlicePtrFromStrings(envp)
		if err != nil {
			return err
		}
		empty := [1]byte{}
		_, _, e := unix.RawSyscall6(unix.SYS_EXECVEAT, uintptr(fd), uintptr(unsafe.Pointer(&empty[0])),
			uintptr(unsafe.Pointer(&argvp[0])), uintptr(unsafe.Pointer(&envvp[0])), unix.AT_EMPTY_PATH, 0)
		return e
	})
}

// hostExecWith runs execve with the host's signal state set up for the
// new program (see hostExec).
func (t *Thread) hostExecWith(execve func() error) unix.Errno {
	p := t.P
	var saved []struct {
		sig unix.Signal
		old rawSigaction
	}
	for sig := 1; sig <= NSig; sig++ {
		s := unix.Signal(sig)
		if p.handlerOf(sig) != sigIgn || s == unix.SIGKILL || s == unix.SIGSTOP {
			continue
		}
		var old rawSigaction
		setHostAction(s, &rawSigaction{handler: sigIgn}, &old)
		saved = append(saved, struct {
			sig unix.Signal
			old rawSigaction
		}{s, old})
	}
	mask := t.mask()
	var hostMask uint64
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, sigSetmask, uintptr(unsafe.Pointer(&mask)),
		uintptr(unsafe.Pointer(&hostMask)), 8, 0, 0)
	// Signals pending for the guest become pending on the host (they are
	// blocked now), so the new program finds them as the kernel would
	// leave them.
	for set := (t.pending.pending() | p.sig.pending.pending()) & mask; set != 0; set &= set - 1 {
		unix.Tgkill(p.Pid, unix.Gettid(), unix.Signal(bits.TrailingZeros64(set)+1))
	}
	err := execve()
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, sigSetmask, uintptr(unsafe.Pointer(&hostMask)), 0, 8, 0, 0)
	for _, s := range saved {
		setHostAction(s.sig, &s.old, nil)
	}
	if e, ok := err.(syscall.Errno); ok {
		return unix.Errno(e)
	}
	return unix.ENOEXEC
}

// ParseShebang splits a "#!" line as the kernel does (for ferry running a
// script named on its command line); h starts with "#!" and holds at most
// the kernel's 256 header bytes.
func ParseShebang(h []byte) (interp, arg string, ok bool) { return parseShebang(h) }

// IsAArch64ELF reports whether a file's first bytes h are an AArch64 ELF
// header.
func IsAArch64ELF(h []byte) bool { return isAArch64ELF(h) }
