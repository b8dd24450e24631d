package syscalls

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// syscallDef is one row of the table.
type syscallDef struct {
	name  string
	args  string
	fn    func(t *Thread, a *[6]uint64) int64
	flags defFlags
	level supportLevel
	note  string
	// fdArgs has a bit per descriptor argument (an f in args): one that
	// names a descriptor of ferry's own fails with EBADF (fdlimit.go).
	fdArgs uint8
	// buf is a buffer argument checked against guest memory (guestbuf.go).
	buf    bufArg
	hasBuf bool
}

type defFlags uint16

const (
	retHex   defFlags = 1 << iota // -strace prints the result in hex (addresses)
	memWrite                      // changes the memory map: runs under Process.memMu
	// intrNoHand: EINTR means ERESTARTNOHAND (the call is not restarted
	// after a handler runs, whatever SA_RESTART says: poll, sleeps, waits
	// for signals). Otherwise a blocking call interrupted by a signal is
	// ERESTARTSYS: restarted after handlers with SA_RESTART.
	intrNoHand
	intrPassEINTR // EINTR from the call is the guest's result as it is
	noResult      // the call sets every register itself (rt_sigreturn)
	threadEnded   // a zero result means the calling thread has ended (tests)
	sigpipe       // EPIPE comes with SIGPIPE
	sigpipeMsg2   // ... unless argument 2 has MSG_NOSIGNAL (sendmsg)
	sigpipeMsg3   // ... unless argument 3 has MSG_NOSIGNAL (sendto)
	// intrRcvTimeo/intrSndTimeo: on a socket (argument 0) with
	// SO_RCVTIMEO/SO_SNDTIMEO set, an interrupted call ends with EINTR
	// even under SA_RESTART, as the kernel's sock_intr_errno decides.
	intrRcvTimeo
	intrSndTimeo
	newFD     // the result is a new descriptor: the guest's RLIMIT_NOFILE applies
	newFDPair // ... two of them, in guest memory at the address in argument 0 (pipe2) or 3 (socketpair)
)

type supportLevel uint8

const (
	supported supportLevel = iota // when fn is set; ENOSYS (not implemented yet) when not
	partial                       // works for what the note does not list as missing
	refused                       // deliberately fails (the note says why); the guest's libc copes
)

// proc adapts a call that needs only the process's shared state.
func proc(f func(p *Process, a *[6]uint64) int64) func(*Thread, *[6]uint64) int64 {
	return func(t *Thread, a *[6]uint64) int64 { return f(t.P, a) }
}

// passthrough forwards a call whose arguments and structures are the same
// on arm64 and x86-64 to the host's number for it. It may block: a signal
// for the guest interrupts it.
func passthrough(hostNr uintptr) func(*Thread, *[6]uint64) int64 {
	return func(t *Thread, a *[6]uint64) int64 {
		return t.hostBlocking(hostNr, a[0], a[1], a[2], a[3], a[4], a[5])
	}
}

// enosys is for calls ferry knows and deliberately refuses, so that the
// guest's libc takes its fallback (glibc tolerates ENOSYS from rseq, for
// instance).
func enosys(*Thread, *[6]uint64) int64 { return errno(unix.ENOSYS) }

// lookup returns the row of syscall nr (numbers beyond the table get a
// row of their own with no implementation).
func lookup(nr uint64) *syscallDef {
	if nr < uint64(len(table)) && table[nr].name != "" {
		return &table[nr]
	}
	return &syscallDef{name: "syscall_" + strconv.Itoa(int(nr))}
}

// sysNumber returns the arm64 number of the call named name.
func sysNumber(name string) (uint64, bool) {
	for nr := range table {
		if table[nr].name == name {
			return uint64(nr), true
		}
	}
	return 0, false
}

// nrRtSigreturn is needed as a constant: the signal trampoline encodes it.
const nrRtSigreturn = 139

// The arm64 system call table, in number order (asm-generic numbers,
// include/uapi/asm-generic/unistd.h). Each row names the call, gives its
// argument kinds for -strace, its implementation and flags, and states
// ferry's support (the zero level means: supported when fn is set, not
// implemented (ENOSYS) when it is not), with a note where support is
// partial or the call is refused on purpose. docs/SYSCALLS.md is generated
// from this table (go test ./syscalls -run TestSyscallDoc -update).
//
// args has one letter per argument: d (signed decimal), i (32-bit int),
// f (fd or AT_FDCWD), s (C string), x (hex).
var table []syscallDef

// The table is filled in init: its rows refer to functions (the dispatcher
// among them) that refer back to it.
func init() {
	table = rows()
	for i := range table {
		table[i].fdArgs = fdArgMask(table[i].args)
		table[i].buf, table[i].hasBuf = guestBuffers[table[i].name]
	}
}

func rows() []syscallDef {
	return []syscallDef{
		0:   {name: "io_setup", fn: passthrough(unix.SYS_IO_SETUP)},
		1:   {name: "io_destroy", fn: passthrough(unix.SYS_IO_DESTROY)},
		2:   {name: "io_submit", fn: passthrough(unix.SYS_IO_SUBMIT)},
		3:   {name: "io_cancel", fn: passthrough(unix.SYS_IO_CANCEL)},
		4:   {name: "io_getevents", fn: passthrough(unix.SYS_IO_GETEVENTS)},
		5:   {name: "setxattr", fn: passthrough(unix.SYS_SETXATTR)},
		6:   {name: "lsetxattr", fn: passthrough(unix.SYS_LSETXATTR)},
		7:   {name: "fsetxattr", fn: passthrough(unix.SYS_FSETXATTR)},
		8:   {name: "getxattr", fn: passthrough(unix.SYS_GETXATTR)},
		9:   {name: "lgetxattr", fn: passthrough(unix.SYS_LGETXATTR)},
		10:  {name: "fgetxattr", fn: passthrough(unix.SYS_FGETXATTR)},
		11:  {name: "listxattr", fn: passthrough(unix.SYS_LISTXATTR)},
		12:  {name: "llistxattr", fn: passthrough(unix.SYS_LLISTXATTR)},
		13:  {name: "flistxattr", fn: passthrough(unix.SYS_FLISTXATTR)},
		14:  {name: "removexattr", fn: passthrough(unix.SYS_REMOVEXATTR)},
		15:  {name: "lremovexattr", fn: passthrough(unix.SYS_LREMOVEXATTR)},
		16:  {name: "fremovexattr", fn: passthrough(unix.SYS_FREMOVEXATTR)},
		17:  {name: "getcwd", args: "xd", fn: passthrough(unix.SYS_GETCWD)},
		18:  {name: "lookup_dcookie"},
		19:  {name: "eventfd2", args: "dx", fn: passthrough(unix.SYS_EVENTFD2), flags: newFD},
		20:  {name: "epoll_create1", args: "x", fn: passthrough(unix.SYS_EPOLL_CREATE1), flags: newFD},
		21:  {name: "epoll_ctl", args: "fdfx", fn: proc((*Process).sysEpollCtl)},
		22:  {name: "epoll_pwait", args: "fxddxd", fn: (*Thread).sysEpollPwait, flags: intrNoHand},
		23:  {name: "dup", args: "f", fn: passthrough(unix.SYS_DUP), flags: newFD},
		24:  {name: "dup3", args: "ffx", fn: (*Thread).sysDup3},
		25:  {name: "fcntl", args: "fdx", fn: proc((*Process).sysFcntl)},
		26:  {name: "inotify_init1", args: "x", fn: passthrough(unix.SYS_INOTIFY_INIT1), flags: newFD},
		27:  {name: "inotify_add_watch", args: "fsx", fn: passthrough(unix.SYS_INOTIFY_ADD_WATCH)},
		28:  {name: "inotify_rm_watch", args: "fd", fn: passthrough(unix.SYS_INOTIFY_RM_WATCH)},
		29:  {name: "ioctl", args: "fxx", fn: proc((*Process).sysIoctl)},
		30:  {name: "ioprio_set", fn: passthrough(unix.SYS_IOPRIO_SET)},
		31:  {name: "ioprio_get", fn: passthrough(unix.SYS_IOPRIO_GET)},
		32:  {name: "flock", args: "fx", fn: passthrough(unix.SYS_FLOCK)},
		33:  {name: "mknodat", args: "fsxx", fn: passthrough(unix.SYS_MKNODAT)},
		34:  {name: "mkdirat", args: "fsx", fn: passthrough(unix.SYS_MKDIRAT)},
		35:  {name: "unlinkat", args: "fsx", fn: passthrough(unix.SYS_UNLINKAT)},
		36:  {name: "symlinkat", args: "sfs", fn: passthrough(unix.SYS_SYMLINKAT)},
		37:  {name: "linkat", args: "fsfsx", fn: passthrough(unix.SYS_LINKAT)},
		38:  {name: "renameat", args: "fsfs", fn: passthrough(unix.SYS_RENAMEAT)},
		39:  {name: "umount2", fn: passthrough(unix.SYS_UMOUNT2)},
		40:  {name: "mount", fn: passthrough(unix.SYS_MOUNT)},
		41:  {name: "pivot_root", fn: passthrough(unix.SYS_PIVOT_ROOT)},
		42:  {name: "nfsservctl"},
		43:  {name: "statfs", args: "sx", fn: passthrough(unix.SYS_STATFS)},
		44:  {name: "fstatfs", args: "fx", fn: passthrough(unix.SYS_FSTATFS)},
		45:  {name: "truncate", args: "sd", fn: passthrough(unix.SYS_TRUNCATE)},
		46:  {name: "ftruncate", args: "fd", fn: passthrough(unix.SYS_FTRUNCATE)},
		47:  {name: "fallocate", args: "fxdd", fn: passthrough(unix.SYS_FALLOCATE)},
		48:  {name: "faccessat", args: "fsx", fn: proc((*Process).sysFaccessat)},
		49:  {name: "chdir", args: "s", fn: passthrough(unix.SYS_CHDIR)},
		50:  {name: "fchdir", args: "f", fn: passthrough(unix.SYS_FCHDIR)},
		51:  {name: "chroot", args: "s", fn: passthrough(unix.SYS_CHROOT)},
		52:  {name: "fchmod", args: "fx", fn: passthrough(unix.SYS_FCHMOD)},
		53:  {name: "fchmodat", args: "fsx", fn: passthrough(unix.SYS_FCHMODAT)},
		54:  {name: "fchownat", args: "fsddx", fn: passthrough(unix.SYS_FCHOWNAT)},
		55:  {name: "fchown", args: "fdd", fn: passthrough(unix.SYS_FCHOWN)},
		56:  {name: "openat", args: "fsxx", fn: proc((*Process).sysOpenat), flags: newFD},
		57:  {name: "close", args: "f", fn: passthrough(unix.SYS_CLOSE)},
		58:  {name: "vhangup", fn: passthrough(unix.SYS_VHANGUP)},
		59:  {name: "pipe2", args: "xx", fn: passthrough(unix.SYS_PIPE2), flags: newFDPair},
		60:  {name: "quotactl", fn: passthrough(unix.SYS_QUOTACTL)},
		61:  {name: "getdents64", args: "fxd", fn: (*Thread).sysGetdents64},
		62:  {name: "lseek", args: "fdd", fn: passthrough(unix.SYS_LSEEK)},
		63:  {name: "read", args: "fxd", fn: (*Thread).sysRead, flags: intrRcvTimeo},
		64:  {name: "write", args: "fxd", fn: passthrough(unix.SYS_WRITE), flags: intrSndTimeo | sigpipe},
		65:  {name: "readv", args: "fxd", fn: passthrough(unix.SYS_READV), flags: intrRcvTimeo},
		66:  {name: "writev", args: "fxd", fn: passthrough(unix.SYS_WRITEV), flags: intrSndTimeo | sigpipe},
		67:  {name: "pread64", args: "fxdd", fn: passthrough(unix.SYS_PREAD64)},
		68:  {name: "pwrite64", args: "fxdd", fn: passthrough(unix.SYS_PWRITE64), flags: sigpipe},
		69:  {name: "preadv", args: "fxdd", fn: passthrough(unix.SYS_PREADV)},
		70:  {name: "pwritev", args: "fxdd", fn: passthrough(unix.SYS_PWRITEV), flags: sigpipe},
		71:  {name: "sendfile", args: "ffxd", fn: passthrough(unix.SYS_SENDFILE), flags: sigpipe},
		72:  {name: "pselect6", args: "dxxxxx", fn: (*Thread).sysPselect6, flags: intrNoHand},
		73:  {name: "ppoll", args: "xdxxd", fn: (*Thread).sysPpoll, flags: intrNoHand},
		74:  {name: "signalfd4", args: "fxdx", fn: (*Thread).sysSignalfd4, level: partial, note: "served by ferry over a pipe (pending signals live in ferry); a dup of the fd is not recognized by read"},
		75:  {name: "vmsplice", args: "fxdx", fn: passthrough(unix.SYS_VMSPLICE), flags: sigpipe},
		76:  {name: "splice", args: "fxfxdx", fn: passthrough(unix.SYS_SPLICE), flags: sigpipe},
		77:  {name: "tee", args: "ffdx", fn: passthrough(unix.SYS_TEE), flags: sigpipe},
		78:  {name: "readlinkat", args: "fsxd", fn: proc((*Process).sysReadlinkat)},
		79:  {name: "newfstatat", args: "fsxx", fn: proc((*Process).sysNewfstatat)},
		80:  {name: "fstat", args: "fx", fn: proc((*Process).sysFstat)},
		81:  {name: "sync", fn: passthrough(unix.SYS_SYNC)},
		82:  {name: "fsync", args: "f", fn: passthrough(unix.SYS_FSYNC)},
		83:  {name: "fdatasync", args: "f", fn: passthrough(unix.SYS_FDATASYNC)},
		84:  {name: "sync_file_range", args: "fddx", fn: passthrough(unix.SYS_SYNC_FILE_RANGE)},
		85:  {name: "timerfd_create", args: "dx", fn: passthrough(unix.SYS_TIMERFD_CREATE), flags: newFD},
		86:  {name: "timerfd_settime", args: "fxxx", fn: passthrough(unix.SYS_TIMERFD_SETTIME)},
		87:  {name: "timerfd_gettime", args: "fx", fn: passthrough(unix.SYS_TIMERFD_GETTIME)},
		88:  {name: "utimensat", args: "fsxx", fn: passthrough(unix.SYS_UTIMENSAT)},
		89:  {name: "acct", fn: passthrough(unix.SYS_ACCT)},
		90:  {name: "capget", args: "xx", fn: passthrough(unix.SYS_CAPGET)},
		91:  {name: "capset", fn: passthrough(unix.SYS_CAPSET)},
		92:  {name: "personality", args: "x", fn: proc((*Process).sysPersonality), level: partial, note: "only PER_LINUX"},
		93:  {name: "exit", args: "i", fn: (*Thread).sysExit, flags: threadEnded},
		94:  {name: "exit_group", args: "i", fn: (*Thread).sysExitGroup},
		95:  {name: "waitid", args: "ddxxx", fn: passthrough(unix.SYS_WAITID)},
		96:  {name: "set_tid_address", args: "x", fn: (*Thread).sysSetTidAddress},
		97:  {name: "unshare", args: "x", fn: (*Thread).sysUnshare, level: partial, note: "passed to the host for the calling thread; CLONE_NEWUSER needs a single-threaded process, which ferry (a Go program) never is, so it fails with EINVAL (clone with CLONE_NEWUSER works)"},
		98:  {name: "futex", args: "xdxxxx", fn: (*Thread).sysFutex, level: supported, note: "acts on guest memory directly (identity mapping)"},
		99:  {name: "set_robust_list", args: "xd", fn: (*Thread).sysSetRobustList, level: supported, note: "registered with the host kernel for the thread, which cleans it up when the thread dies"},
		100: {name: "get_robust_list", args: "dxx", fn: (*Thread).sysGetRobustList},
		101: {name: "nanosleep", args: "xx", fn: (*Thread).sysNanosleep, flags: intrNoHand},
		102: {name: "getitimer", args: "dx", fn: passthrough(unix.SYS_GETITIMER)},
		103: {name: "setitimer", args: "dxx", fn: passthrough(unix.SYS_SETITIMER)},
		104: {name: "kexec_load", fn: passthrough(unix.SYS_KEXEC_LOAD)},
		105: {name: "init_module", fn: passthrough(unix.SYS_INIT_MODULE)},
		106: {name: "delete_module", fn: passthrough(unix.SYS_DELETE_MODULE)},
		107: {name: "timer_create", fn: passthrough(unix.SYS_TIMER_CREATE)},
		108: {name: "timer_gettime", fn: passthrough(unix.SYS_TIMER_GETTIME)},
		109: {name: "timer_getoverrun", fn: passthrough(unix.SYS_TIMER_GETOVERRUN)},
		110: {name: "timer_settime", fn: passthrough(unix.SYS_TIMER_SETTIME)},
		111: {name: "timer_delete", fn: passthrough(unix.SYS_TIMER_DELETE)},
		112: {name: "clock_settime", fn: passthrough(unix.SYS_CLOCK_SETTIME)},
		113: {name: "clock_gettime", args: "dx", fn: passthrough(unix.SYS_CLOCK_GETTIME)},
		114: {name: "clock_getres", args: "dx", fn: passthrough(unix.SYS_CLOCK_GETRES)},
		115: {name: "clock_nanosleep", args: "dxxx", fn: (*Thread).sysClockNanosleep, flags: intrNoHand},
		116: {name: "syslog", fn: passthrough(unix.SYS_SYSLOG)},
		117: {name: "ptrace", fn: enosys, level: refused, note: "debugging a translated process would need ferry to present arm64 registers and memory to the tracer"},
		118: {name: "sched_setparam", fn: passthrough(unix.SYS_SCHED_SETPARAM)},
		119: {name: "sched_setscheduler", fn: passthrough(unix.SYS_SCHED_SETSCHEDULER)},
		120: {name: "sched_getscheduler", fn: passthrough(unix.SYS_SCHED_GETSCHEDULER)},
		121: {name: "sched_getparam", fn: passthrough(unix.SYS_SCHED_GETPARAM)},
		122: {name: "sched_setaffinity", args: "ddx", fn: passthrough(unix.SYS_SCHED_SETAFFINITY)},
		123: {name: "sched_getaffinity", args: "ddx", fn: passthrough(unix.SYS_SCHED_GETAFFINITY)},
		124: {name: "sched_yield", fn: passthrough(unix.SYS_SCHED_YIELD)},
		125: {name: "sched_get_priority_max", fn: passthrough(unix.SYS_SCHED_GET_PRIORITY_MAX)},
		126: {name: "sched_get_priority_min", fn: passthrough(unix.SYS_SCHED_GET_PRIORITY_MIN)},
		127: {name: "sched_rr_get_interval", fn: passthrough(unix.SYS_SCHED_RR_GET_INTERVAL)},
		128: {name: "restart_syscall", fn: enosys, level: refused, note: "ferry restarts interrupted calls itself; it is never the guest's to call"},
		129: {name: "kill", args: "dd", fn: (*Thread).sysKill},
		130: {name: "tkill", args: "dd", fn: (*Thread).sysTkill},
		131: {name: "tgkill", args: "ddd", fn: (*Thread).sysTgkill},
		132: {name: "sigaltstack", args: "xx", fn: (*Thread).sysSigaltstack},
		133: {name: "rt_sigsuspend", args: "xd", fn: (*Thread).sysRtSigsuspend, flags: intrNoHand},
		134: {name: "rt_sigaction", args: "dxxd", fn: (*Thread).sysRtSigaction},
		135: {name: "rt_sigprocmask", args: "dxxd", fn: (*Thread).sysRtSigprocmask},
		136: {name: "rt_sigpending", args: "xd", fn: (*Thread).sysRtSigpending},
		137: {name: "rt_sigtimedwait", args: "xxxd", fn: (*Thread).sysRtSigtimedwait, flags: intrNoHand},
		138: {name: "rt_sigqueueinfo", args: "ddx", fn: (*Thread).sysRtSigqueueinfo},
		139: {name: "rt_sigreturn", fn: (*Thread).sysRtSigreturn, flags: noResult},
		140: {name: "setpriority", args: "ddd", fn: passthrough(unix.SYS_SETPRIORITY)},
		141: {name: "getpriority", args: "dd", fn: passthrough(unix.SYS_GETPRIORITY)},
		142: {name: "reboot", fn: passthrough(unix.SYS_REBOOT)},
		143: {name: "setregid", args: "dd", fn: passthrough(unix.SYS_SETREGID)},
		144: {name: "setgid", args: "d", fn: passthrough(unix.SYS_SETGID)},
		145: {name: "setreuid", args: "dd", fn: passthrough(unix.SYS_SETREUID)},
		146: {name: "setuid", args: "d", fn: passthrough(unix.SYS_SETUID)},
		147: {name: "setresuid", args: "ddd", fn: passthrough(unix.SYS_SETRESUID)},
		148: {name: "getresuid", args: "xxx", fn: passthrough(unix.SYS_GETRESUID)},
		149: {name: "setresgid", args: "ddd", fn: passthrough(unix.SYS_SETRESGID)},
		150: {name: "getresgid", args: "xxx", fn: passthrough(unix.SYS_GETRESGID)},
		151: {name: "setfsuid", fn: passthrough(unix.SYS_SETFSUID)},
		152: {name: "setfsgid", fn: passthrough(unix.SYS_SETFSGID)},
		153: {name: "times", args: "x", fn: passthrough(unix.SYS_TIMES)},
		154: {name: "setpgid", args: "dd", fn: passthrough(unix.SYS_SETPGID)},
		155: {name: "getpgid", args: "d", fn: passthrough(unix.SYS_GETPGID)},
		156: {name: "getsid", args: "d", fn: passthrough(unix.SYS_GETSID)},
		157: {name: "setsid", fn: passthrough(unix.SYS_SETSID)},
		158: {name: "getgroups", args: "dx", fn: passthrough(unix.SYS_GETGROUPS)},
		159: {name: "setgroups", args: "dx", fn: passthrough(unix.SYS_SETGROUPS)},
		160: {name: "uname", args: "x", fn: proc((*Process).sysUname)},
		161: {name: "sethostname", fn: passthrough(unix.SYS_SETHOSTNAME)},
		162: {name: "setdomainname", fn: passthrough(unix.SYS_SETDOMAINNAME)},
		163: {name: "getrlimit", args: "dx", fn: proc((*Process).sysGetrlimit)},
		164: {name: "setrlimit", args: "dx", fn: proc((*Process).sysSetrlimit)},
		165: {name: "getrusage", args: "dx", fn: passthrough(unix.SYS_GETRUSAGE)},
		166: {name: "umask", args: "x", fn: passthrough(unix.SYS_UMASK)},
		167: {name: "prctl", args: "dxxxx", fn: proc((*Process).sysPrctl), level: partial, note: "see sysPrctl: PR_SET_NAME and friends pass through, arm64-only controls (SVE, PAC, tagged addresses) are refused"},
		168: {name: "getcpu", args: "xxx", fn: passthrough(unix.SYS_GETCPU)},
		169: {name: "gettimeofday", args: "xx", fn: passthrough(unix.SYS_GETTIMEOFDAY)},
		170: {name: "settimeofday", fn: passthrough(unix.SYS_SETTIMEOFDAY)},
		171: {name: "adjtimex", fn: passthrough(unix.SYS_ADJTIMEX)},
		172: {name: "getpid", fn: passthrough(unix.SYS_GETPID)},
		173: {name: "getppid", fn: passthrough(unix.SYS_GETPPID)},
		174: {name: "getuid", fn: passthrough(unix.SYS_GETUID)},
		175: {name: "geteuid", fn: passthrough(unix.SYS_GETEUID)},
		176: {name: "getgid", fn: passthrough(unix.SYS_GETGID)},
		177: {name: "getegid", fn: passthrough(unix.SYS_GETEGID)},
		178: {name: "gettid", fn: (*Thread).sysGettid},
		179: {name: "sysinfo", args: "x", fn: passthrough(unix.SYS_SYSINFO)},
		180: {name: "mq_open", fn: passthrough(unix.SYS_MQ_OPEN)},
		181: {name: "mq_unlink", fn: passthrough(unix.SYS_MQ_UNLINK)},
		182: {name: "mq_timedsend", fn: passthrough(unix.SYS_MQ_TIMEDSEND)},
		183: {name: "mq_timedreceive", fn: passthrough(unix.SYS_MQ_TIMEDRECEIVE)},
		184: {name: "mq_notify", fn: passthrough(unix.SYS_MQ_NOTIFY)},
		185: {name: "mq_getsetattr", fn: passthrough(unix.SYS_MQ_GETSETATTR)},
		186: {name: "msgget", fn: passthrough(unix.SYS_MSGGET)},
		187: {name: "msgctl", fn: passthrough(unix.SYS_MSGCTL)},
		188: {name: "msgrcv", fn: passthrough(unix.SYS_MSGRCV)},
		189: {name: "msgsnd", fn: passthrough(unix.SYS_MSGSND)},
		190: {name: "semget", fn: passthrough(unix.SYS_SEMGET)},
		191: {name: "semctl", fn: passthrough(unix.SYS_SEMCTL)},
		192: {name: "semtimedop", fn: passthrough(unix.SYS_SEMTIMEDOP)},
		193: {name: "semop", fn: passthrough(unix.SYS_SEMOP)},
		194: {name: "shmget", note: "not implemented yet: attached segments must enter the guest memory map"},
		195: {name: "shmctl", note: "see shmget"},
		196: {name: "shmat", note: "see shmget"},
		197: {name: "shmdt", note: "see shmget"},
		198: {name: "socket", args: "ddd", fn: passthrough(unix.SYS_SOCKET), flags: newFD},
		199: {name: "socketpair", args: "dddx", fn: passthrough(unix.SYS_SOCKETPAIR), flags: newFDPair},
		200: {name: "bind", args: "fxd", fn: passthrough(unix.SYS_BIND)},
		201: {name: "listen", args: "fd", fn: passthrough(unix.SYS_LISTEN)},
		202: {name: "accept", args: "fxx", fn: passthrough(unix.SYS_ACCEPT), flags: intrRcvTimeo | newFD},
		203: {name: "connect", args: "fxd", fn: passthrough(unix.SYS_CONNECT), flags: intrSndTimeo},
		204: {name: "getsockname", args: "fxx", fn: passthrough(unix.SYS_GETSOCKNAME)},
		205: {name: "getpeername", args: "fxx", fn: passthrough(unix.SYS_GETPEERNAME)},
		206: {name: "sendto", args: "fxdxxd", fn: passthrough(unix.SYS_SENDTO), flags: intrSndTimeo | sigpipeMsg3},
		207: {name: "recvfrom", args: "fxdxxx", fn: passthrough(unix.SYS_RECVFROM), flags: intrRcvTimeo},
		208: {name: "setsockopt", args: "fddxd", fn: passthrough(unix.SYS_SETSOCKOPT)},
		209: {name: "getsockopt", args: "fddxx", fn: passthrough(unix.SYS_GETSOCKOPT)},
		210: {name: "shutdown", args: "fd", fn: passthrough(unix.SYS_SHUTDOWN)},
		211: {name: "sendmsg", args: "fxx", fn: passthrough(unix.SYS_SENDMSG), flags: intrSndTimeo | sigpipeMsg2},
		212: {name: "recvmsg", args: "fxx", fn: passthrough(unix.SYS_RECVMSG), flags: intrRcvTimeo},
		213: {name: "readahead", fn: passthrough(unix.SYS_READAHEAD)},
		214: {name: "brk", args: "x", fn: proc((*Process).sysBrk), flags: memWrite | retHex},
		215: {name: "munmap", args: "xx", fn: proc((*Process).sysMunmap), flags: memWrite},
		216: {name: "mremap", args: "xxxxx", fn: proc((*Process).sysMremap), flags: memWrite | retHex},
		217: {name: "add_key", fn: passthrough(unix.SYS_ADD_KEY)},
		218: {name: "request_key", fn: passthrough(unix.SYS_REQUEST_KEY)},
		219: {name: "keyctl", fn: passthrough(unix.SYS_KEYCTL)},
		220: {name: "clone", args: "xxxxx", fn: (*Thread).sysClone, level: partial, note: "threads (CLONE_THREAD) run on their own host threads; processes are forked through a fresh ferry; CLONE_NEW* and processes sharing fd tables or handlers are refused"},
		221: {name: "execve", args: "sxx", fn: (*Thread).sysExecve, level: supported, note: "arm64 programs re-execute ferry, #! scripts run their interpreter, native programs run as they are"},
		222: {name: "mmap", args: "xxxxfx", fn: proc((*Process).sysMmap), flags: memWrite | retHex, level: supported, note: "never over translator memory"},
		223: {name: "fadvise64", args: "fddd", fn: passthrough(unix.SYS_FADVISE64)},
		224: {name: "swapon", fn: passthrough(unix.SYS_SWAPON)},
		225: {name: "swapoff", fn: passthrough(unix.SYS_SWAPOFF)},
		226: {name: "mprotect", args: "xxx", fn: proc((*Process).sysMprotect), flags: memWrite},
		227: {name: "msync", args: "xxx", fn: proc(guestRangeCall(unix.SYS_MSYNC))},
		228: {name: "mlock", args: "xx", fn: proc(guestRangeCall(unix.SYS_MLOCK))},
		229: {name: "munlock", args: "xx", fn: proc(guestRangeCall(unix.SYS_MUNLOCK))},
		230: {name: "mlockall", fn: passthrough(unix.SYS_MLOCKALL)},
		231: {name: "munlockall", fn: passthrough(unix.SYS_MUNLOCKALL)},
		232: {name: "mincore", args: "xxx", fn: proc(guestRangeCall(unix.SYS_MINCORE))},
		233: {name: "madvise", args: "xxd", fn: proc((*Process).sysMadvise), flags: memWrite},
		234: {name: "remap_file_pages"},
		235: {name: "mbind"},
		236: {name: "get_mempolicy", fn: passthrough(unix.SYS_GET_MEMPOLICY)},
		237: {name: "set_mempolicy", fn: passthrough(unix.SYS_SET_MEMPOLICY)},
		238: {name: "migrate_pages", fn: passthrough(unix.SYS_MIGRATE_PAGES)},
		239: {name: "move_pages"},
		240: {name: "rt_tgsigqueueinfo", args: "dddx", fn: (*Thread).sysRtTgsigqueueinfo},
		241: {name: "perf_event_open", note: "not implemented yet"},
		242: {name: "accept4", args: "fxxx", fn: passthrough(unix.SYS_ACCEPT4), flags: intrRcvTimeo | newFD},
		243: {name: "recvmmsg", fn: passthrough(unix.SYS_RECVMMSG), flags: intrRcvTimeo},
		244: {name: "arch_specific_syscall"},
		260: {name: "wait4", args: "dxxx", fn: passthrough(unix.SYS_WAIT4)},
		261: {name: "prlimit64", args: "ddxx", fn: proc((*Process).sysPrlimit64)},
		262: {name: "fanotify_init", fn: passthrough(unix.SYS_FANOTIFY_INIT), flags: newFD},
		263: {name: "fanotify_mark", fn: passthrough(unix.SYS_FANOTIFY_MARK)},
		264: {name: "name_to_handle_at", fn: passthrough(unix.SYS_NAME_TO_HANDLE_AT)},
		265: {name: "open_by_handle_at", fn: passthrough(unix.SYS_OPEN_BY_HANDLE_AT), flags: newFD},
		266: {name: "clock_adjtime", fn: passthrough(unix.SYS_CLOCK_ADJTIME)},
		267: {name: "syncfs", args: "f", fn: passthrough(unix.SYS_SYNCFS)},
		268: {name: "setns", args: "fx", fn: passthrough(unix.SYS_SETNS), level: partial, note: "for the calling thread, like unshare"},
		269: {name: "sendmmsg", fn: passthrough(unix.SYS_SENDMMSG), flags: intrSndTimeo | sigpipeMsg3},
		270: {name: "process_vm_readv", fn: passthrough(unix.SYS_PROCESS_VM_READV)},
		271: {name: "process_vm_writev", fn: passthrough(unix.SYS_PROCESS_VM_WRITEV)},
		272: {name: "kcmp", fn: passthrough(unix.SYS_KCMP)},
		273: {name: "finit_module", fn: passthrough(unix.SYS_FINIT_MODULE)},
		274: {name: "sched_setattr", fn: passthrough(unix.SYS_SCHED_SETATTR)},
		275: {name: "sched_getattr", fn: passthrough(unix.SYS_SCHED_GETATTR)},
		276: {name: "renameat2", args: "fsfsx", fn: passthrough(unix.SYS_RENAMEAT2)},
		277: {name: "seccomp", fn: enosys, level: refused, note: "a guest filter would judge ferry's own x86-64 system calls"},
		278: {name: "getrandom", args: "xdx", fn: passthrough(unix.SYS_GETRANDOM)},
		279: {name: "memfd_create", args: "sx", fn: passthrough(unix.SYS_MEMFD_CREATE), flags: newFD},
		280: {name: "bpf", note: "not implemented yet"},
		281: {name: "execveat", args: "fsxxx", fn: (*Thread).sysExecveat},
		282: {name: "userfaultfd", note: "not implemented yet"},
		283: {name: "membarrier", args: "dxd", fn: passthrough(unix.SYS_MEMBARRIER)},
		284: {name: "mlock2"},
		285: {name: "copy_file_range", args: "fxfxdx", fn: passthrough(unix.SYS_COPY_FILE_RANGE)},
		286: {name: "preadv2", args: "fxddx", fn: passthrough(unix.SYS_PREADV2)},
		287: {name: "pwritev2", args: "fxddx", fn: passthrough(unix.SYS_PWRITEV2), flags: sigpipe},
		288: {name: "pkey_mprotect", fn: enosys, level: refused, note: "x86-64 protection keys are not arm64's: refused so no guest relies on them"},
		289: {name: "pkey_alloc", fn: enosys, level: refused, note: "see pkey_mprotect"},
		290: {name: "pkey_free", fn: enosys, level: refused, note: "see pkey_mprotect"},
		291: {name: "statx", args: "fsxxx", fn: proc((*Process).sysStatx)},
		292: {name: "io_pgetevents", fn: passthrough(unix.SYS_IO_PGETEVENTS)},
		293: {name: "rseq", args: "xxxx", fn: enosys, level: refused, note: "restartable sequences need the kernel to rewrite the guest PC on preemption; glibc falls back when it fails"},
		294: {name: "kexec_file_load", fn: passthrough(unix.SYS_KEXEC_FILE_LOAD)},
		424: {name: "pidfd_send_signal", args: "fdxx", fn: (*Thread).sysPidfdSendSignal},
		425: {name: "io_uring_setup", note: "not implemented yet: its rings are shared memory mapped by the kernel"},
		426: {name: "io_uring_enter", note: "see io_uring_setup"},
		427: {name: "io_uring_register", note: "see io_uring_setup"},
		428: {name: "open_tree", fn: passthrough(unix.SYS_OPEN_TREE), flags: newFD},
		429: {name: "move_mount", fn: passthrough(unix.SYS_MOVE_MOUNT)},
		430: {name: "fsopen", fn: passthrough(unix.SYS_FSOPEN), flags: newFD},
		431: {name: "fsconfig", fn: passthrough(unix.SYS_FSCONFIG)},
		432: {name: "fsmount", fn: passthrough(unix.SYS_FSMOUNT), flags: newFD},
		433: {name: "fspick", fn: passthrough(unix.SYS_FSPICK), flags: newFD},
		434: {name: "pidfd_open", args: "dx", fn: passthrough(unix.SYS_PIDFD_OPEN), flags: newFD},
		435: {name: "clone3", args: "xd", fn: (*Thread).sysClone3, level: partial, note: "as clone; set_tid and cgroup are refused"},
		436: {name: "close_range", args: "ddx", fn: (*Thread).sysCloseRange},
		437: {name: "openat2", note: "not implemented yet (glibc falls back to openat)"},
		438: {name: "pidfd_getfd", args: "fdx", fn: passthrough(unix.SYS_PIDFD_GETFD), flags: newFD},
		439: {name: "faccessat2", args: "fsxx", fn: proc((*Process).sysFaccessat2)},
		440: {name: "process_madvise", fn: passthrough(unix.SYS_PROCESS_MADVISE)},
		441: {name: "epoll_pwait2", args: "fxdxxd", fn: (*Thread).sysEpollPwait2, flags: intrNoHand},
		442: {name: "mount_setattr", fn: passthrough(unix.SYS_MOUNT_SETATTR)},
		443: {name: "quotactl_fd", fn: passthrough(unix.SYS_QUOTACTL_FD)},
		444: {name: "landlock_create_ruleset", fn: passthrough(unix.SYS_LANDLOCK_CREATE_RULESET)},
		445: {name: "landlock_add_rule", fn: passthrough(unix.SYS_LANDLOCK_ADD_RULE)},
		446: {name: "landlock_restrict_self", fn: passthrough(unix.SYS_LANDLOCK_RESTRICT_SELF)},
		447: {name: "memfd_secret", fn: enosys, level: refused, note: "secret memory would be invisible to the translator that must read guest memory"},
		448: {name: "process_mrelease", fn: passthrough(unix.SYS_PROCESS_MRELEASE)},
		449: {name: "futex_waitv", fn: passthrough(unix.SYS_FUTEX_WAITV)},
		450: {name: "set_mempolicy_home_node", fn: passthrough(unix.SYS_SET_MEMPOLICY_HOME_NODE)},
		451: {name: "cachestat", fn: passthrough(unix.SYS_CACHESTAT)},
		452: {name: "fchmodat2", args: "fsxx", fn: passthrough(unix.SYS_FCHMODAT2)},
		453: {name: "map_shadow_stack", fn: enosys, level: refused, note: "an x86 control-flow feature with no arm64 meaning"},
		454: {name: "futex_wake", fn: passthrough(unix.SYS_FUTEX_WAKE)},
		455: {name: "futex_wait", fn: passthrough(unix.SYS_FUTEX_WAIT)},
		456: {name: "futex_requeue", fn: passthrough(unix.SYS_FUTEX_REQUEUE)},
		457: {name: "statmount", fn: passthrough(unix.SYS_STATMOUNT)},
		458: {name: "listmount", fn: passthrough(unix.SYS_LISTMOUNT)},
		459: {name: "lsm_get_self_attr", fn: passthrough(unix.SYS_LSM_GET_SELF_ATTR)},
		460: {name: "lsm_set_self_attr", fn: passthrough(unix.SYS_LSM_SET_SELF_ATTR)},
		461: {name: "lsm_list_modules", fn: passthrough(unix.SYS_LSM_LIST_MODULES)},
		462: {name: "mseal"},
		463: {name: "setxattrat", fn: passthrough(unix.SYS_SETXATTRAT)},
		464: {name: "getxattrat", fn: passthrough(unix.SYS_GETXATTRAT)},
		465: {name: "listxattrat", fn: passthrough(unix.SYS_LISTXATTRAT)},
		466: {name: "removexattrat", fn: passthrough(unix.SYS_REMOVEXATTRAT)},
		467: {name: "open_tree_attr", fn: passthrough(unix.SYS_OPEN_TREE_ATTR)},
		468: {name: "file_getattr", fn: passthrough(unix.SYS_FILE_GETATTR)},
		469: {name: "file_setattr", fn: passthrough(unix.SYS_FILE_SETATTR)},
		470: {name: "listns", fn: passthrough(unix.SYS_LISTNS)},
		471: {name: "rseq_slice_yield"},
	}
}
