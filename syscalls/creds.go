package syscalls

import (
	"slices"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Credentials are per thread in Linux: setuid(2) and friends change only
// the calling thread (glibc's setxid broadcast makes them process-wide for
// its own threads), and a new thread starts with its creator's. A guest's
// calls pass through on its own host thread, which is exact for that
// thread; but a new guest thread runs on a host thread the Go runtime
// made from any of its threads, which still hold the credentials ferry
// started with. A guest that dropped root and then started a thread would
// get a thread running as root. So a new thread takes its creator's
// credentials before it runs any guest code.

// threadCreds is a host thread's credentials.
type threadCreds struct {
	ruid, euid, suid int
	rgid, egid, sgid int
	groups           []int
	caps             [2]unix.CapUserData // effective, permitted, inheritable (64 bits in two halves)
	keepCaps         bool
	noNewPrivs       bool
}

// currentCreds reads the calling host thread's credentials.
func currentCreds() (threadCreds, error) {
	var c threadCreds
	c.ruid, c.euid, c.suid = unix.Getresuid()
	c.rgid, c.egid, c.sgid = unix.Getresgid()
	var err error
	if c.groups, err = unix.Getgroups(); err != nil {
		return c, err
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	if err := unix.Capget(&hdr, &c.caps[0]); err != nil {
		return c, err
	}
	kc, _ := unix.PrctlRetInt(unix.PR_GET_KEEPCAPS, 0, 0, 0, 0)
	nnp, _ := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	c.keepCaps, c.noNewPrivs = kc == 1, nnp == 1
	return c, nil
}

func (c threadCreds) equal(o threadCreds) bool {
	return c.ruid == o.ruid && c.euid == o.euid && c.suid == o.suid &&
		c.rgid == o.rgid && c.egid == o.egid && c.sgid == o.sgid &&
		slices.Equal(c.groups, o.groups) && c.caps == o.caps &&
		c.keepCaps == o.keepCaps && c.noNewPrivs == o.noNewPrivs
}

// adoptCreds gives the calling host thread the credentials want, in the
// order the kernel's rules allow: groups and gids while it may still set
// them, uids with capabilities kept across the change, then the
// capability sets (which can only shrink from what it holds). These are
// raw per-thread system calls: the x/sys wrappers for set*id would change
// every Go thread.
func adoptCreds(want threadCreds) error {
	have, err := currentCreds()
	if err != nil {
		return err
	}
	if have.equal(want) {
		return nil
	}
	raw := func(nr uintptr, a ...uintptr) error {
		var args [3]uintptr
		copy(args[:], a)
		if _, _, e := unix.RawSyscall(nr, args[0], args[1], args[2]); e != 0 {
			return e
		}
		return nil
	}
	if !slices.Equal(have.groups, want.groups) {
		gids := make([]uint32, len(want.groups))
		for i, g := range want.groups {
			gids[i] = uint32(g)
		}
		var p uintptr
		if len(gids) > 0 {
			p = uintptr(unsafe.Pointer(&gids[0]))
		}
		if err := raw(unix.SYS_SETGROUPS, uintptr(len(gids)), p); err != nil {
			return err
		}
	}
	if err := raw(unix.SYS_SETRESGID, uintptr(want.rgid), uintptr(want.egid), uintptr(want.sgid)); err != nil {
		return err
	}
	if err := raw(unix.SYS_PRCTL, unix.PR_SET_KEEPCAPS, 1); err != nil {
		return err
	}
	if err := raw(unix.SYS_SETRESUID, uintptr(want.ruid), uintptr(want.euid), uintptr(want.suid)); err != nil {
		return err
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	caps := want.caps
	if err := raw(unix.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&caps[0]))); err != nil {
		return err
	}
	keep := uintptr(0)
	if want.keepCaps {
		keep = 1
	}
	if err := raw(unix.SYS_PRCTL, unix.PR_SET_KEEPCAPS, keep); err != nil {
		return err
	}
	if want.noNewPrivs && !have.noNewPrivs {
		if err := raw(unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1); err != nil {
			return err
		}
	}
	return nil
}
