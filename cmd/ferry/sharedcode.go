package main

import (
	"fmt"
	"io"
	"os"

	"ferry/backend"
	"ferry/backend/amd64"
	"ferry/elfload"
	"ferry/syscalls"
	"ferry/syscalls/hostfd"

	"golang.org/x/sys/unix"
)

// codeCacheEnv selects where compiled code is shared (see
// amd64.SharedCode): unset, within the process tree (a memfd each ferry
// passes to the ferry of an exec'd or forked arm64 program); "off", not at
// all; an absolute path, a file every ferry using it shares, which keeps
// compiled code across runs.
const codeCacheEnv = "FERRY_CODE_CACHE"

// codeFDFlag passes the process tree's shared code region to a ferry that
// runs an exec'd or forked program (internal).
const codeFDFlag = "code-fd"

// setupSharedCode gives the JIT engine its shared code region: the one
// inherited through -code-fd, else the file FERRY_CODE_CACHE names, else a
// new memfd. Any failure only means translating from scratch.
func setupSharedCode(opts options, proc *syscalls.Process, eng backend.Engine, stderr io.Writer) *amd64.SharedCode {
	jit, ok := eng.(*amd64.Engine)
	setting := os.Getenv(codeCacheEnv)
	if !ok || setting == "off" {
		if opts.codeFD >= 0 {
			unix.Close(opts.codeFD)
		}
		return nil
	}
	// The CPU model is part of the key: MRS of the ID registers is
	// translated to the model's values.
	config, ok := jit.SharedConfig(fmt.Sprintf("%s|hwcap=%#x,%#x", opts.engine, elfload.HWCap, elfload.HWCap2))
	if !ok {
		return nil
	}
	var sh *amd64.SharedCode
	var err error
	switch {
	case opts.codeFD >= 0:
		hostfd.Adopt(opts.codeFD)
		unix.CloseOnExec(opts.codeFD)
		if sh, err = amd64.OpenSharedCode(opts.codeFD, config); err != nil {
			hostfd.Close(opts.codeFD) // another build's: start a region of our own
		}
	case setting != "":
		sh, err = openCodeCacheFile(setting, config)
		if err != nil && opts.debug {
			fmt.Fprintf(stderr, "ferry: %s=%s: %v (not sharing compiled code)\n", codeCacheEnv, setting, err)
		}
	}
	if sh == nil {
		if sh, err = amd64.CreateSharedCode(config); err != nil {
			return nil
		}
	}
	jit.UseShared(sh, proc.CanExecute)
	proc.CodeFD = sh.FD()
	proc.TranslatorArgs = append(proc.TranslatorArgs, fmt.Sprintf("-%s=%d", codeFDFlag, sh.FD()))
	return sh
}

// openCodeCacheFile maps the cache file at path, creating it (mode 0600:
// whoever can write it chooses host code ferry runs) if needed.
func openCodeCacheFile(path string, config uint64) (*amd64.SharedCode, error) {
	if len(path) == 0 || path[0] != '/' {
		return nil, fmt.Errorf("not an absolute path")
	}
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	fd = hostfd.Keep(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Uid != uint32(os.Geteuid()) || st.Mode&0o022 != 0 {
		hostfd.Close(fd)
		return nil, fmt.Errorf("not a private file of this user")
	}
	// One process at a time initializes a new file.
	if err := unix.Flock(fd, unix.LOCK_EX); err != nil {
		hostfd.Close(fd)
		return nil, err
	}
	defer unix.Flock(fd, unix.LOCK_UN)
	if sh, err := amd64.OpenSharedCode(fd, config); err == nil {
		return sh, nil
	}
	// Empty, or another build's: start it afresh.
	if err := amd64.InitSharedCode(fd, config); err != nil {
		hostfd.Close(fd)
		return nil, err
	}
	return amd64.OpenSharedCode(fd, config)
}
