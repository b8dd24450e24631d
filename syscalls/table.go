package syscalls

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// syscallDef describes one arm64 system call.
type syscallDef struct {
	name string
	// args gives one letter per argument for -strace: d (signed decimal),
	// i (32-bit int), f (fd or AT_FDCWD), s (C string), x (hex).
	args   string
	retHex bool // print the result in hex (addresses)
	fn     func(p *Process, a *[6]uint64) int64
}

// passthrough forwards a call whose arguments and structures are the same
// on arm64 and x86-64 to the host's number for it.
func passthrough(hostNr uintptr) func(*Process, *[6]uint64) int64 {
	return func(_ *Process, a *[6]uint64) int64 {
		return host(hostNr, a[0], a[1], a[2], a[3], a[4], a[5])
	}
}

// enosys is for calls ferry knows and deliberately refuses, so that the
// guest's libc takes its fallback (glibc tolerates ENOSYS from rseq and
// clone3, for instance).
func enosys(*Process, *[6]uint64) int64 { return errno(unix.ENOSYS) }

func lookup(nr uint64) syscallDef {
	if d, ok := table[nr]; ok {
		return d
	}
	name := arm64Names[nr]
	if name == "" {
		name = fmt.Sprintf("syscall_%d", nr)
	}
	return syscallDef{name: name}
}

var table = map[uint64]syscallDef{
	// Files and descriptors.
	nrOpenat:          {"openat", "fsxx", false, (*Process).sysOpenat},
	nrClose:           {"close", "f", false, passthrough(unix.SYS_CLOSE)},
	nrCloseRange:      {"close_range", "ddx", false, passthrough(unix.SYS_CLOSE_RANGE)},
	nrRead:            {"read", "fxd", false, passthrough(unix.SYS_READ)},
	nrWrite:           {"write", "fxd", false, passthrough(unix.SYS_WRITE)},
	nrReadv:           {"readv", "fxd", false, passthrough(unix.SYS_READV)},
	nrWritev:          {"writev", "fxd", false, passthrough(unix.SYS_WRITEV)},
	nrPread64:         {"pread64", "fxdd", false, passthrough(unix.SYS_PREAD64)},
	nrPwrite64:        {"pwrite64", "fxdd", false, passthrough(unix.SYS_PWRITE64)},
	nrPreadv:          {"preadv", "fxdd", false, passthrough(unix.SYS_PREADV)},
	nrPwritev:         {"pwritev", "fxdd", false, passthrough(unix.SYS_PWRITEV)},
	nrPreadv2:         {"preadv2", "fxddx", false, passthrough(unix.SYS_PREADV2)},
	nrPwritev2:        {"pwritev2", "fxddx", false, passthrough(unix.SYS_PWRITEV2)},
	nrLseek:           {"lseek", "fdd", false, passthrough(unix.SYS_LSEEK)},
	nrGetdents64:      {"getdents64", "fxd", false, passthrough(unix.SYS_GETDENTS64)},
	nrFstat:           {"fstat", "fx", false, (*Process).sysFstat},
	nrNewfstatat:      {"newfstatat", "fsxx", false, (*Process).sysNewfstatat},
	nrStatx:           {"statx", "fsxxx", false, (*Process).sysStatx},
	nrReadlinkat:      {"readlinkat", "fsxd", false, (*Process).sysReadlinkat},
	nrFaccessat:       {"faccessat", "fsx", false, (*Process).sysFaccessat},
	nrFaccessat2:      {"faccessat2", "fsxx", false, (*Process).sysFaccessat2},
	nrGetcwd:          {"getcwd", "xd", false, passthrough(unix.SYS_GETCWD)},
	nrChdir:           {"chdir", "s", false, passthrough(unix.SYS_CHDIR)},
	nrFchdir:          {"fchdir", "f", false, passthrough(unix.SYS_FCHDIR)},
	nrChroot:          {"chroot", "s", false, passthrough(unix.SYS_CHROOT)},
	nrMkdirat:         {"mkdirat", "fsx", false, passthrough(unix.SYS_MKDIRAT)},
	nrMknodat:         {"mknodat", "fsxx", false, passthrough(unix.SYS_MKNODAT)},
	nrUnlinkat:        {"unlinkat", "fsx", false, passthrough(unix.SYS_UNLINKAT)},
	nrSymlinkat:       {"symlinkat", "sfs", false, passthrough(unix.SYS_SYMLINKAT)},
	nrLinkat:          {"linkat", "fsfsx", false, passthrough(unix.SYS_LINKAT)},
	nrRenameat:        {"renameat", "fsfs", false, passthrough(unix.SYS_RENAMEAT)},
	nrRenameat2:       {"renameat2", "fsfsx", false, passthrough(unix.SYS_RENAMEAT2)},
	nrFchmod:          {"fchmod", "fx", false, passthrough(unix.SYS_FCHMOD)},
	nrFchmodat:        {"fchmodat", "fsx", false, passthrough(unix.SYS_FCHMODAT)},
	nrFchmodat2:       {"fchmodat2", "fsxx", false, passthrough(unix.SYS_FCHMODAT2)},
	nrFchown:          {"fchown", "fdd", false, passthrough(unix.SYS_FCHOWN)},
	nrFchownat:        {"fchownat", "fsddx", false, passthrough(unix.SYS_FCHOWNAT)},
	nrUtimensat:       {"utimensat", "fsxx", false, passthrough(unix.SYS_UTIMENSAT)},
	nrTruncate:        {"truncate", "sd", false, passthrough(unix.SYS_TRUNCATE)},
	nrFtruncate:       {"ftruncate", "fd", false, passthrough(unix.SYS_FTRUNCATE)},
	nrFallocate:       {"fallocate", "fxdd", false, passthrough(unix.SYS_FALLOCATE)},
	nrFsync:           {"fsync", "f", false, passthrough(unix.SYS_FSYNC)},
	nrFdatasync:       {"fdatasync", "f", false, passthrough(unix.SYS_FDATASYNC)},
	nrSync:            {"sync", "", false, passthrough(unix.SYS_SYNC)},
	nrSyncfs:          {"syncfs", "f", false, passthrough(unix.SYS_SYNCFS)},
	nrSyncFileRange:   {"sync_file_range", "fddx", false, passthrough(unix.SYS_SYNC_FILE_RANGE)},
	nrFadvise64:       {"fadvise64", "fddd", false, passthrough(unix.SYS_FADVISE64)},
	nrDup:             {"dup", "f", false, passthrough(unix.SYS_DUP)},
	nrDup3:            {"dup3", "ffx", false, passthrough(unix.SYS_DUP3)},
	nrFcntl:           {"fcntl", "fdx", false, (*Process).sysFcntl},
	nrFlock:           {"flock", "fx", false, passthrough(unix.SYS_FLOCK)},
	nrPipe2:           {"pipe2", "xx", false, passthrough(unix.SYS_PIPE2)},
	nrIoctl:           {"ioctl", "fxx", false, (*Process).sysIoctl},
	nrStatfs:          {"statfs", "sx", false, passthrough(unix.SYS_STATFS)},
	nrFstatfs:         {"fstatfs", "fx", false, passthrough(unix.SYS_FSTATFS)},
	nrSendfile:        {"sendfile", "ffxd", false, passthrough(unix.SYS_SENDFILE)},
	nrSplice:          {"splice", "fxfxdx", false, passthrough(unix.SYS_SPLICE)},
	nrTee:             {"tee", "ffdx", false, passthrough(unix.SYS_TEE)},
	nrVmsplice:        {"vmsplice", "fxdx", false, passthrough(unix.SYS_VMSPLICE)},
	nrCopyFileRange:   {"copy_file_range", "fxfxdx", false, passthrough(unix.SYS_COPY_FILE_RANGE)},
	nrMemfdCreate:     {"memfd_create", "sx", false, passthrough(unix.SYS_MEMFD_CREATE)},
	nrPpoll:           {"ppoll", "xdxxd", false, passthrough(unix.SYS_PPOLL)},
	nrPselect6:        {"pselect6", "dxxxxx", false, passthrough(unix.SYS_PSELECT6)},
	nrEpollCreate1:    {"epoll_create1", "x", false, passthrough(unix.SYS_EPOLL_CREATE1)},
	nrEpollCtl:        {"epoll_ctl", "fdfx", false, (*Process).sysEpollCtl},
	nrEpollPwait:      {"epoll_pwait", "fxddxd", false, (*Process).sysEpollPwait},
	nrEpollPwait2:     {"epoll_pwait2", "fxdxxd", false, (*Process).sysEpollPwait2},
	nrEventfd2:        {"eventfd2", "dx", false, passthrough(unix.SYS_EVENTFD2)},
	nrTimerfdCreate:   {"timerfd_create", "dx", false, passthrough(unix.SYS_TIMERFD_CREATE)},
	nrTimerfdSettime:  {"timerfd_settime", "fxxx", false, passthrough(unix.SYS_TIMERFD_SETTIME)},
	nrTimerfdGettime:  {"timerfd_gettime", "fx", false, passthrough(unix.SYS_TIMERFD_GETTIME)},
	nrInotifyInit1:    {"inotify_init1", "x", false, passthrough(unix.SYS_INOTIFY_INIT1)},
	nrInotifyAddWatch: {"inotify_add_watch", "fsx", false, passthrough(unix.SYS_INOTIFY_ADD_WATCH)},
	nrInotifyRmWatch:  {"inotify_rm_watch", "fd", false, passthrough(unix.SYS_INOTIFY_RM_WATCH)},

	// Sockets: the structures are the same on both architectures.
	nrSocket:      {"socket", "ddd", false, passthrough(unix.SYS_SOCKET)},
	nrSocketpair:  {"socketpair", "dddx", false, passthrough(unix.SYS_SOCKETPAIR)},
	nrBind:        {"bind", "fxd", false, passthrough(unix.SYS_BIND)},
	nrListen:      {"listen", "fd", false, passthrough(unix.SYS_LISTEN)},
	nrAccept:      {"accept", "fxx", false, passthrough(unix.SYS_ACCEPT)},
	nrAccept4:     {"accept4", "fxxx", false, passthrough(unix.SYS_ACCEPT4)},
	nrConnect:     {"connect", "fxd", false, passthrough(unix.SYS_CONNECT)},
	nrGetsockname: {"getsockname", "fxx", false, passthrough(unix.SYS_GETSOCKNAME)},
	nrGetpeername: {"getpeername", "fxx", false, passthrough(unix.SYS_GETPEERNAME)},
	nrSendto:      {"sendto", "fxdxxd", false, passthrough(unix.SYS_SENDTO)},
	nrRecvfrom:    {"recvfrom", "fxdxxx", false, passthrough(unix.SYS_RECVFROM)},
	nrSetsockopt:  {"setsockopt", "fddxd", false, passthrough(unix.SYS_SETSOCKOPT)},
	nrGetsockopt:  {"getsockopt", "fddxx", false, passthrough(unix.SYS_GETSOCKOPT)},
	nrShutdown:    {"shutdown", "fd", false, passthrough(unix.SYS_SHUTDOWN)},
	nrSendmsg:     {"sendmsg", "fxx", false, passthrough(unix.SYS_SENDMSG)},
	nrRecvmsg:     {"recvmsg", "fxx", false, passthrough(unix.SYS_RECVMSG)},

	// Memory.
	nrMmap:       {"mmap", "xxxxfx", true, (*Process).sysMmap},
	nrMunmap:     {"munmap", "xx", false, (*Process).sysMunmap},
	nrMprotect:   {"mprotect", "xxx", false, (*Process).sysMprotect},
	nrMremap:     {"mremap", "xxxxx", true, (*Process).sysMremap},
	nrMadvise:    {"madvise", "xxd", false, (*Process).sysMadvise},
	nrBrk:        {"brk", "x", true, (*Process).sysBrk},
	nrMsync:      {"msync", "xxx", false, guestRangeCall(unix.SYS_MSYNC)},
	nrMlock:      {"mlock", "xx", false, guestRangeCall(unix.SYS_MLOCK)},
	nrMunlock:    {"munlock", "xx", false, guestRangeCall(unix.SYS_MUNLOCK)},
	nrMincore:    {"mincore", "xxx", false, guestRangeCall(unix.SYS_MINCORE)},
	nrMembarrier: {"membarrier", "dxd", false, passthrough(unix.SYS_MEMBARRIER)},

	// Process, identity, limits.
	nrExit:             {"exit", "i", false, nil},
	nrExitGroup:        {"exit_group", "i", false, nil},
	nrGetpid:           {"getpid", "", false, passthrough(unix.SYS_GETPID)},
	nrGetppid:          {"getppid", "", false, passthrough(unix.SYS_GETPPID)},
	nrGettid:           {"gettid", "", false, (*Process).sysGettid},
	nrGetuid:           {"getuid", "", false, passthrough(unix.SYS_GETUID)},
	nrGeteuid:          {"geteuid", "", false, passthrough(unix.SYS_GETEUID)},
	nrGetgid:           {"getgid", "", false, passthrough(unix.SYS_GETGID)},
	nrGetegid:          {"getegid", "", false, passthrough(unix.SYS_GETEGID)},
	nrGetresuid:        {"getresuid", "xxx", false, passthrough(unix.SYS_GETRESUID)},
	nrGetresgid:        {"getresgid", "xxx", false, passthrough(unix.SYS_GETRESGID)},
	nrGetgroups:        {"getgroups", "dx", false, passthrough(unix.SYS_GETGROUPS)},
	nrSetgroups:        {"setgroups", "dx", false, passthrough(unix.SYS_SETGROUPS)},
	nrSetuid:           {"setuid", "d", false, passthrough(unix.SYS_SETUID)},
	nrSetgid:           {"setgid", "d", false, passthrough(unix.SYS_SETGID)},
	nrSetreuid:         {"setreuid", "dd", false, passthrough(unix.SYS_SETREUID)},
	nrSetregid:         {"setregid", "dd", false, passthrough(unix.SYS_SETREGID)},
	nrSetresuid:        {"setresuid", "ddd", false, passthrough(unix.SYS_SETRESUID)},
	nrSetresgid:        {"setresgid", "ddd", false, passthrough(unix.SYS_SETRESGID)},
	nrGetpgid:          {"getpgid", "d", false, passthrough(unix.SYS_GETPGID)},
	nrSetpgid:          {"setpgid", "dd", false, passthrough(unix.SYS_SETPGID)},
	nrGetsid:           {"getsid", "d", false, passthrough(unix.SYS_GETSID)},
	nrSetsid:           {"setsid", "", false, passthrough(unix.SYS_SETSID)},
	nrUmask:            {"umask", "x", false, passthrough(unix.SYS_UMASK)},
	nrUname:            {"uname", "x", false, (*Process).sysUname},
	nrSysinfo:          {"sysinfo", "x", false, passthrough(unix.SYS_SYSINFO)},
	nrTimes:            {"times", "x", false, passthrough(unix.SYS_TIMES)},
	nrGetrusage:        {"getrusage", "dx", false, passthrough(unix.SYS_GETRUSAGE)},
	nrGetrlimit:        {"getrlimit", "dx", false, (*Process).sysGetrlimit},
	nrSetrlimit:        {"setrlimit", "dx", false, (*Process).sysSetrlimit},
	nrPrlimit64:        {"prlimit64", "ddxx", false, (*Process).sysPrlimit64},
	nrGetpriority:      {"getpriority", "dd", false, passthrough(unix.SYS_GETPRIORITY)},
	nrSetpriority:      {"setpriority", "ddd", false, passthrough(unix.SYS_SETPRIORITY)},
	nrPrctl:            {"prctl", "dxxxx", false, (*Process).sysPrctl},
	nrPersonality:      {"personality", "x", false, (*Process).sysPersonality},
	nrCapget:           {"capget", "xx", false, passthrough(unix.SYS_CAPGET)},
	nrWait4:            {"wait4", "dxxx", false, passthrough(unix.SYS_WAIT4)},
	nrExecve:           {"execve", "sxx", false, (*Process).sysExecve},
	nrWaitid:           {"waitid", "ddxxx", false, passthrough(unix.SYS_WAITID)},
	nrSetTidAddress:    {"set_tid_address", "x", false, (*Process).sysSetTidAddress},
	nrSetRobustList:    {"set_robust_list", "xd", false, (*Process).sysSetRobustList},
	nrGetRobustList:    {"get_robust_list", "dxx", false, (*Process).sysGetRobustList},
	nrFutex:            {"futex", "xdxxxx", false, passthrough(unix.SYS_FUTEX)},
	nrRseq:             {"rseq", "xxxx", false, enosys},
	nrClone:            {"clone", "xxxxx", false, nil}, // handled in Handle
	nrClone3:           {"clone3", "xd", false, enosys},
	nrSchedYield:       {"sched_yield", "", false, passthrough(unix.SYS_SCHED_YIELD)},
	nrSchedGetaffinity: {"sched_getaffinity", "ddx", false, passthrough(unix.SYS_SCHED_GETAFFINITY)},
	nrSchedSetaffinity: {"sched_setaffinity", "ddx", false, passthrough(unix.SYS_SCHED_SETAFFINITY)},
	nrGetcpu:           {"getcpu", "xxx", false, passthrough(unix.SYS_GETCPU)},
	nrGetrandom:        {"getrandom", "xdx", false, passthrough(unix.SYS_GETRANDOM)},

	// Time.
	nrClockGettime:   {"clock_gettime", "dx", false, passthrough(unix.SYS_CLOCK_GETTIME)},
	nrClockGetres:    {"clock_getres", "dx", false, passthrough(unix.SYS_CLOCK_GETRES)},
	nrGettimeofday:   {"gettimeofday", "xx", false, passthrough(unix.SYS_GETTIMEOFDAY)},
	nrNanosleep:      {"nanosleep", "xx", false, (*Process).sysNanosleep},
	nrClockNanosleep: {"clock_nanosleep", "dxxx", false, (*Process).sysClockNanosleep},
	nrGetitimer:      {"getitimer", "dx", false, passthrough(unix.SYS_GETITIMER)},
	nrSetitimer:      {"setitimer", "dxx", false, passthrough(unix.SYS_SETITIMER)},

	// Signals.
	nrRtSigaction:    {"rt_sigaction", "dxxd", false, (*Process).sysRtSigaction},
	nrRtSigprocmask:  {"rt_sigprocmask", "dxxd", false, (*Process).sysRtSigprocmask},
	nrRtSigpending:   {"rt_sigpending", "xd", false, (*Process).sysRtSigpending},
	nrRtSigreturn:    {"rt_sigreturn", "", false, nil}, // handled in Handle
	nrRtSigsuspend:   {"rt_sigsuspend", "xd", false, (*Process).sysRtSigsuspend},
	nrRtSigtimedwait: {"rt_sigtimedwait", "xxxd", false, (*Process).sysRtSigtimedwait},
	nrSigaltstack:    {"sigaltstack", "xx", false, (*Process).sysSigaltstack},
	nrKill:           {"kill", "dd", false, (*Process).sysKill},
	nrTkill:          {"tkill", "dd", false, (*Process).sysTkill},
	nrTgkill:         {"tgkill", "ddd", false, (*Process).sysTgkill},
}
