package elfload

import (
	"os"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// DefaultSysroot is where Debian's cross libc for arm64 (libc6-arm64-cross,
// pulled in by gcc-aarch64-linux-gnu) installs the arm64 dynamic loader and
// libraries, laid out as a root: lib/ld-linux-aarch64.so.1, lib/libc.so.6.
const DefaultSysroot = "/usr/aarch64-linux-gnu"

// Redirect is the host path for an absolute guest path under sysroot root,
// by qemu-user's rule (util/path.c): root+name if that exists, else name
// itself. Relative paths, the root directory itself and the kernel's
// pseudo file systems (/proc, /sys, /dev) are never redirected: they
// describe this machine, not the sysroot's files, and a sysroot that is a
// whole root file system holds empty directories of those names. Unlike
// qemu, nothing is cached: files created in the sysroot after the lookup
// are found.
func Redirect(root, name string) string {
	if root == "" || len(name) < 2 || name[0] != '/' || !redirectable(name) {
		return name
	}
	full := root + name
	if unix.Faccessat(unix.AT_FDCWD, full, unix.F_OK, unix.AT_SYMLINK_NOFOLLOW) == nil {
		return full
	}
	return name
}

// redirectable reports whether name (absolute) may be looked up in a
// sysroot.
func redirectable(name string) bool {
	clean := path.Clean(name)
	if clean == "/" {
		return false
	}
	for _, pseudo := range [...]string{"/proc", "/sys", "/dev"} {
		if clean == pseudo || strings.HasPrefix(clean, pseudo+"/") {
			return false
		}
	}
	return true
}

// FindInterp locates the dynamic loader a program names in PT_INTERP and
// decides the sysroot its run uses. With an explicit sysroot (-L,
// QEMU_LD_PREFIX) the loader is looked up there first, then on the host.
// Without one, a loader that exists where the program says and is an
// arm64 ELF file means this root is an arm64 root (a chroot or container
// entered through binfmt_misc, or a host with arm64 multiarch libraries):
// nothing is redirected. Otherwise DefaultSysroot is used if it holds the
// loader. The error is what the kernel's open_exec of a missing loader
// gives (ENOENT, exit status 127), with a hint.
func FindInterp(prog, interp, sysroot string) (hostPath, root string, err error) {
	if sysroot != "" {
		return Redirect(sysroot, interp), sysroot, nil
	}
	if isAArch64File(interp) {
		return interp, "", nil
	}
	if cand := DefaultSysroot + interp; interp != "" && interp[0] == '/' && isAArch64File(cand) {
		return cand, DefaultSysroot, nil
	}
	if _, statErr := os.Stat(interp); statErr != nil {
		return "", "", &Error{Path: prog, NotFound: true, Msg: "cannot find its dynamic loader " + interp +
			" (install the arm64 C library, e.g. Debian's libc6-arm64-cross, or name a sysroot with -L DIR or QEMU_LD_PREFIX)"}
	}
	// It exists but is not for arm64 (say, another architecture's file of
	// that name): the kernel would try to load it and fail with ELIBBAD.
	return interp, "", nil
}

// isAArch64File reports whether path is a regular file starting with an
// AArch64 ELF header.
func isAArch64File(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var raw [ehdrSize]byte
	if n, _ := f.ReadAt(raw[:], 0); n < ehdrSize || string(raw[:4]) != "\x7fELF" {
		return false
	}
	return decodeHeader(&raw).machine == emAArch64
}
