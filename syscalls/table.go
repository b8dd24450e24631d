package syscalls

import "golang.org/x/sys/unix"

// syscallDef is one row of the table.
type syscallDef struct {
	name  string
	args  string
	fn    func(t *Thread, a *[6]uint64) int64
	flags defFlags
	level supportLevel
	note  string
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
	return &syscallDef{name: "syscall_" + itoa(int(nr))}
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
func init() { table = rows() }

func rows() []syscallDef {
	return []syscallDef{
		0:   {name: "io_setup"},
		1:   {name: "io_destroy"},
		2:   {name: "io_submit"},
		3:   {name: "io_cancel"},
		4:   {name: "io_getevents"},
		5:   {name: "setxattr"},
		6:   {name: "lsetxattr"},
		7:   {name: "fsetxattr"},
		8:   {name: "getxattr"},
		9:   {name: "lgetxattr"},
		10:  {name: "fgetxattr"},
		11:  {name: "listxattr"},
		12:  {name: "llistxattr"},
		13:  {name: "flistxattr"},
		14:  {name: "removexattr"},
		15:  {name: "lremovexattr"},
		16:  {name: "fremovexattr"},
		17:  {name: "getcwd", args: "xd", fn: passthrough(unix.SYS_GETCWD)},
		18:  {name: "lookup_dcookie"},
		19:  {name: "eventfd2", args: "dx", fn: passthrough(unix.SYS_EVENTFD2)},
		20:  {name: "epoll_create1", args: "x", fn: passthrough(unix.SYS_EPOLL_CREATE1)},
		21:  {name: "epoll_ctl", args: "fdfx", fn: proc((*Process).sysEpollCtl)},
		22:  {name: "epoll_pwait", args: "fxddxd", fn: (*Thread).sysEpollPwait, flags: intrNoHand},
		23:  {name: "dup", args: "f", fn: passthrough(unix.SYS_DUP)},
		24:  {name: "dup3", args: "ffx", fn: passthrough(unix.SYS_DUP3)},
		25:  {name: "fcntl", args: "fdx", fn: proc((*Process).sysFcntl)},
		26:  {name: "inotify_init1", args: "x", fn: passthrough(unix.SYS_INOTIFY_INIT1)},
		27:  {name: "inotify_add_watch", args: "fsx", fn: passthrough(unix.SYS_INOTIFY_ADD_WATCH)},
		28:  {name: "inotify_rm_watch", args: "fd", fn: passthrough(unix.SYS_INOTIFY_RM_WATCH)},
		29:  {name: "ioctl", args: "fxx", fn: proc((*Process).sysIoctl)},
		30:  {name: "ioprio_set"},
		31:  {name: "ioprio_get"},
		32:  {name: "flock", args: "fx", fn: passthrough(unix.SYS_FLOCK)},
		33:  {name: "mknodat", args: "fsxx", fn: passthrough(unix.SYS_MKNODAT)},
		34:  {name: "mkdirat", args: "fsx", fn: passthrough(unix.SYS_MKDIRAT)},
		35:  {name: "unlinkat", args: "fsx", fn: passthrough(unix.SYS_UNLINKAT)},
		36:  {name: "symlinkat", args: "sfs", fn: passthrough(unix.SYS_SYMLINKAT)},
		37:  {name: "linkat", args: "fsfsx", fn: passthrough(unix.SYS_LINKAT)},
		38:  {name: "renameat", args: "fsfs", fn: passthrough(unix.SYS_RENAMEAT)},
		39:  {name: "umount2"},
		40:  {name: "mount"},
		41:  {name: "pivot_root"},
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
		56:  {name: "openat", args: "fsxx", fn: proc((*Process).sysOpenat)},
		57:  {name: "close", args: "f", fn: passthrough(unix.SYS_CLOSE)},
		58:  {name: "vhangup"},
		59:  {name: "pipe2", args: "xx", fn: passthrough(unix.SYS_PIPE2)},
		60:  {name: "quotactl"},
		61:  {name: "getdents64", args: "fxd", fn: passthrough(unix.SYS_GETDENTS64)},
		62:  {name: "lseek", args: "fdd", fn: passthrough(unix.SYS_LSEEK)},
		63:  {name: "read", args: "fxd", fn: (*Thread).sysRead},
		64:  {name: "write", args: "fxd", fn: passthrough(unix.SYS_WRITE), flags: sigpipe},
		65:  {name: "readv", args: "fxd", fn: passthrough(unix.SYS_READV)},
		66:  {name: "writev", args: "fxd", fn: passthrough(unix.SYS_WRITEV), flags: sigpipe},
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
		85:  {name: "timerfd_create", args: "dx", fn: passthrough(unix.SYS_TIMERFD_CREATE)},
		86:  {name: "timerfd_settime", args: "fxxx", fn: passthrough(unix.SYS_TIMERFD_SETTIME)},
		87:  {name: "timerfd_gettime", args: "fx", fn: passthrough(unix.SYS_TIMERFD_GETTIME)},
		88:  {name: "utimensat", args: "fsxx", fn: passthrough(unix.SYS_UTIMENSAT)},
		89:  {name: "acct"},
		90:  {name: "capget", args: "xx", fn: passthrough(unix.SYS_CAPGET)},
		91:  {name: "capset"},
		92:  {name: "personality", args: "x", fn: proc((*Process).sysPersonality), level: partial, note: "only PER_LINUX"},
		93:  {name: "exit", args: "i", fn: (*Thread).sysExit, flags: threadEnded},
		94:  {name: "exit_group", args: "i", fn: (*Thread).sysExitGroup},
		95:  {name: "waitid", args: "ddxxx", fn: passthrough(unix.SYS_WAITID)},
		96:  {name: "set_tid_address", args: "x", fn: (*Thread).sysSetTidAddress},
		97:  {name: "unshare"},
		98:  {name: "futex", args: "xdxxxx", fn: (*Thread).sysFutex, level: supported, note: "acts on guest memory directly (identity mapping)"},
		99:  {name: "set_robust_list", args: "xd", fn: (*Thread).sysSetRobustList, level: supported, note: "registered with the host kernel for the thread, which cleans it up when the thread dies"},
		100: {name: "get_robust_list", args: "dxx", fn: (*Thread).sysGetRobustList},
		101: {name: "nanosleep", args: "xx", fn: (*Thread).sysNanosleep, flags: intrNoHand},
		102: {name: "getitimer", args: "dx", fn: passthrough(unix.SYS_GETITIMER)},
		103: {name: "setitimer", args: "dxx", fn: passthrough(unix.SYS_SETITIMER)},
		104: {name: "kexec_load"},
		105: {name: "init_module"},
		106: {name: "delete_module"},
		107: {name: "timer_create"},
		108: {name: "timer_gettime"},
		109: {name: "timer_getoverrun"},
		110: {name: "timer_settime"},
		111: {name: "timer_delete"},
		112: {name: "clock_settime"},
		113: {name: "clock_gettime", args: "dx", fn: passthrough(unix.SYS_CLOCK_GETTIME)},
		114: {name: "clock_getres", args: "dx", fn: passthrough(unix.SYS_CLOCK_GETRES)},
		115: {name: "clock_nanosleep", args: "dxxx", fn: (*Thread).sysClockNanosleep, flags: intrNoHand},
		116: {name: "syslog"},
		117: {name: "ptrace"},
		118: {name: "sched_setparam"},
		119: {name: "sched_setscheduler"},
		120: {name: "sched_getscheduler"},
		121: {name: "sched_getparam"},
		122: {name: "sched_setaffinity", args: "ddx", fn: passthrough(unix.SYS_SCHED_SETAFFINITY)},
		123: {name: "sched_getaffinity", args: "ddx", fn: passthrough(unix.SYS_SCHED_GETAFFINITY)},
		124: {name: "sched_yield", fn: passthrough(unix.SYS_SCHED_YIELD)},
		125: {name: "sched_get_priority_max"},
		126: {name: "sched_get_priority_min"},
		127: {name: "sched_rr_get_interval"},
		128: {name: "restart_syscall"},
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
		142: {name: "reboot"},
		143: {name: "setregid", args: "dd", fn: passthrough(unix.SYS_SETREGID)},
		144: {name: "setgid", args: "d", fn: passthrough(unix.SYS_SETGID)},
		145: {name: "setreuid", args: "dd", fn: passthrough(unix.SYS_SETREUID)},
		146: {name: "setuid", args: "d", fn: passthrough(unix.SYS_SETUID)},
		147: {name: "setresuid", args: "ddd", fn: passthrough(unix.SYS_SETRESUID)},
		148: {name: "getresuid", args: "xxx", fn: passthrough(unix.SYS_GETRESUID)},
		149: {name: "setresgid", args: "ddd", fn: passthrough(unix.SYS_SETRESGID)},
		150: {name: "getresgid", args: "xxx", fn: passthrough(unix.SYS_GETRESGID)},
		151: {name: "setfsuid"},
		152: {name: "setfsgid"},
		153: {name: "times", args: "x", fn: passthrough(unix.SYS_TIMES)},
		154: {name: "setpgid", args: "dd", fn: passthrough(unix.SYS_SETPGID)},
		155: {name: "getpgid", args: "d", fn: passthrough(unix.SYS_GETPGID)},
		156: {name: "getsid", args: "d", fn: passthrough(unix.SYS_GETSID)},
		157: {name: "setsid", fn: passthrough(unix.SYS_SETSID)},
		158: {name: "getgroups", args: "dx", fn: passthrough(unix.SYS_GETGROUPS)},
		159: {name: "setgroups", args: "dx", fn: passthrough(unix.SYS_SETGROUPS)},
		160: {name: "uname", args: "x", fn: proc((*Process).sysUname)},
		161: {name: "sethostname"},
		162: {name: "setdomainname"},
		163: {name: "getrlimit", args: "dx", fn: proc((*Process).sysGetrlimit)},
		164: {name: "setrlimit", args: "dx", fn: proc((*Process).sysSetrlimit)},
		165: {name: "getrusage", args: "dx", fn: passthrough(unix.SYS_GETRUSAGE)},
		166: {name: "umask", args: "x", fn: passthrough(unix.SYS_UMASK)},
		167: {name: "prctl", args: "dxxxx", fn: proc((*Process).sysPrctl), level: partial, note: "see sysPrctl: PR_SET_NAME and friends pass through, arm64-only controls (SVE, PAC, tagged addresses) are refused"},
		168: {name: "getcpu", args: "xxx", fn: passthrough(unix.SYS_GETCPU)},
		169: {name: "gettimeofday", args: "xx", fn: passthrough(unix.SYS_GETTIMEOFDAY)},
		170: {name: "settimeofday"},
		171: {name: "adjtimex"},
		172: {name: "getpid", fn: passthrough(unix.SYS_GETPID)},
		173: {name: "getppid", fn: passthrough(unix.SYS_GETPPID)},
		174: {name: "getuid", fn: passthrough(unix.SYS_GETUID)},
		175: {name: "geteuid", fn: passthrough(unix.SYS_GETEUID)},
		176: {name: "getgid", fn: passthrough(unix.SYS_GETGID)},
		177: {name: "getegid", fn: passthrough(unix.SYS_GETEGID)},
		178: {name: "gettid", fn: (*Thread).sysGettid},
		179: {name: "sysinfo", args: "x", fn: passthrough(unix.SYS_SYSINFO)},
		180: {name: "mq_open"},
		181: {name: "mq_unlink"},
		182: {name: "mq_timedsend"},
		183: {name: "mq_timedreceive"},
		184: {name: "mq_notify"},
		185: {name: "mq_getsetattr"},
		186: {name: "msgget"},
		187: {name: "msgctl"},
		188: {name: "msgrcv"},
		189: {name: "msgsnd"},
		190: {name: "semget"},
		191: {name: "semctl"},
		192: {name: "semtimedop"},
		193: {name: "semop"},
		194: {name: "shmget"},
		195: {name: "shmctl"},
		196: {name: "shmat"},
		197: {name: "shmdt"},
		198: {name: "socket", args: "ddd", fn: passthrough(unix.SYS_SOCKET)},
		199: {name: "socketpair", args: "dddx", fn: passthrough(unix.SYS_SOCKETPAIR)},
		200: {name: "bind", args: "fxd", fn: passthrough(unix.SYS_BIND)},
		201: {name: "listen", args: "fd", fn: passthrough(unix.SYS_LISTEN)},
		202: {name: "accept", args: "fxx", fn: passthrough(unix.SYS_ACCEPT)},
		203: {name: "connect", args: "fxd", fn: passthrough(unix.SYS_CONNECT)},
		204: {name: "getsockname", args: "fxx", fn: passthrough(unix.SYS_GETSOCKNAME)},
		205: {name: "getpeername", args: "fxx", fn: passthrough(unix.SYS_GETPEERNAME)},
		206: {name: "sendto", args: "fxdxxd", fn: passthrough(unix.SYS_SENDTO), flags: sigpipeMsg3},
		207: {name: "recvfrom", args: "fxdxxx", fn: passthrough(unix.SYS_RECVFROM)},
		208: {name: "setsockopt", args: "fddxd", fn: passthrough(unix.SYS_SETSOCKOPT)},
		209: {name: "getsockopt", args: "fddxx", fn: passthrough(unix.SYS_GETSOCKOPT)},
		210: {name: "shutdown", args: "fd", fn: passthrough(unix.SYS_SHUTDOWN)},
		211: {name: "sendmsg", args: "fxx", fn: passthrough(unix.SYS_SENDMSG), flags: sigpipeMsg2},
		212: {name: "recvmsg", args: "fxx", fn: passthrough(unix.SYS_RECVMSG)},
		213: {name: "readahead"},
		214: {name: "brk", args: "x", fn: proc((*Process).sysBrk), flags: memWrite | retHex},
		215: {name: "munmap", args: "xx", fn: proc((*Process).sysMunmap), flags: memWrite},
		216: {name: "mremap", args: "xxxxx", fn: proc((*Process).sysMremap), flags: memWrite | retHex},
		217: {name: "add_key"},
		218: {name: "request_key"},
		219: {name: "keyctl"},
		220: {name: "clone", args: "xxxxx", fn: (*Thread).sysClone, level: partial, note: "threads (CLONE_THREAD) run on their own host threads; processes are forked through a fresh ferry; CLONE_NEW* and processes sharing fd tables or handlers are refused"},
		221: {name: "execve", args: "sxx", fn: (*Thread).sysExecve, level: supported, note: "arm64 programs re-execute ferry, #! scripts run their interpreter, native programs run as they are"},
		222: {name: "mmap", args: "xxxxfx", fn: proc((*Process).sysMmap), flags: memWrite | retHex, level: supported, note: "never over translator memory"},
		223: {name: "fadvise64", args: "fddd", fn: passthrough(unix.SYS_FADVISE64)},
		224: {name: "swapon"},
		225: {name: "swapoff"},
		226: {name: "mprotect", args: "xxx", fn: proc((*Process).sysMprotect), flags: memWrite},
		227: {name: "msync", args: "xxx", fn: proc(guestRangeCall(unix.SYS_MSYNC))},
		228: {name: "mlock", args: "xx", fn: proc(guestRangeCall(unix.SYS_MLOCK))},
		229: {name: "munlock", args: "xx", fn: proc(guestRangeCall(unix.SYS_MUNLOCK))},
		230: {name: "mlockall"},
		231: {name: "munlockall"},
		232: {name: "mincore", args: "xxx", fn: proc(guestRangeCall(unix.SYS_MINCORE))},
		233: {name: "madvise", args: "xxd", fn: proc((*Process).sysMadvise), flags: memWrite},
		234: {name: "remap_file_pages"},
		235: {name: "mbind"},
		236: {name: "get_mempolicy"},
		237: {name: "set_mempolicy"},
		238: {name: "migrate_pages"},
		239: {name: "move_pages"},
		240: {name: "rt_tgsigqueueinfo", args: "dddx", fn: (*Thread).sysRtTgsigqueueinfo},
		241: {name: "perf_event_open"},
		242: {name: "accept4", args: "fxxx", fn: passthrough(unix.SYS_ACCEPT4)},
		243: {name: "recvmmsg"},
		244: {name: "arch_specific_syscall"},
		260: {name: "wait4", args: "dxxx", fn: passthrough(unix.SYS_WAIT4)},
		261: {name: "prlimit64", args: "ddxx", fn: proc((*Process).sysPrlimit64)},
		262: {name: "fanotify_init"},
		263: {name: "fanotify_mark"},
		264: {name: "name_to_handle_at"},
		265: {name: "open_by_handle_at"},
		266: {name: "clock_adjtime"},
		267: {name: "syncfs", args: "f", fn: passthrough(unix.SYS_SYNCFS)},
		268: {name: "setns"},
		269: {name: "sendmmsg"},
		270: {name: "process_vm_readv"},
		271: {name: "process_vm_writev"},
		272: {name: "kcmp"},
		273: {name: "finit_module"},
		274: {name: "sched_setattr"},
		275: {name: "sched_getattr"},
		276: {name: "renameat2", args: "fsfsx", fn: passthrough(unix.SYS_RENAMEAT2)},
		277: {name: "seccomp"},
		278: {name: "getrandom", args: "xdx", fn: passthrough(unix.SYS_GETRANDOM)},
		279: {name: "memfd_create", args: "sx", fn: passthrough(unix.SYS_MEMFD_CREATE)},
		280: {name: "bpf"},
		281: {name: "execveat"},
		282: {name: "userfaultfd"},
		283: {name: "membarrier", args: "dxd", fn: passthrough(unix.SYS_MEMBARRIER)},
		284: {name: "mlock2"},
		285: {name: "copy_file_range", args: "fxfxdx", fn: passthrough(unix.SYS_COPY_FILE_RANGE)},
		286: {name: "preadv2", args: "fxddx", fn: passthrough(unix.SYS_PREADV2)},
		287: {name: "pwritev2", args: "fxddx", fn: passthrough(unix.SYS_PWRITEV2), flags: sigpipe},
		288: {name: "pkey_mprotect"},
		289: {name: "pkey_alloc"},
		290: {name: "pkey_free"},
		291: {name: "statx", args: "fsxxx", fn: proc((*Process).sysStatx)},
		292: {name: "io_pgetevents"},
		293: {name: "rseq", args: "xxxx", fn: enosys, level: refused, note: "restartable sequences need the kernel to rewrite the guest PC on preemption; glibc falls back when it fails"},
		294: {name: "kexec_file_load"},
		424: {name: "pidfd_send_signal", args: "fdxx", fn: (*Thread).sysPidfdSendSignal},
		425: {name: "io_uring_setup"},
		426: {name: "io_uring_enter"},
		427: {name: "io_uring_register"},
		428: {name: "open_tree"},
		429: {name: "move_mount"},
		430: {name: "fsopen"},
		431: {name: "fsconfig"},
		432: {name: "fsmount"},
		433: {name: "fspick"},
		434: {name: "pidfd_open", args: "dx", fn: passthrough(unix.SYS_PIDFD_OPEN)},
		435: {name: "clone3", args: "xd", fn: (*Thread).sysClone3, level: partial, note: "as clone; set_tid and cgroup are refused"},
		436: {name: "close_range", args: "ddx", fn: passthrough(unix.SYS_CLOSE_RANGE)},
		437: {name: "openat2"},
		438: {name: "pidfd_getfd", args: "fdx", fn: passthrough(unix.SYS_PIDFD_GETFD)},
		439: {name: "faccessat2", args: "fsxx", fn: proc((*Process).sysFaccessat2)},
		440: {name: "process_madvise"},
		441: {name: "epoll_pwait2", args: "fxdxxd", fn: (*Thread).sysEpollPwait2, flags: intrNoHand},
		442: {name: "mount_setattr"},
		443: {name: "quotactl_fd"},
		444: {name: "landlock_create_ruleset"},
		445: {name: "landlock_add_rule"},
		446: {name: "landlock_restrict_self"},
		447: {name: "memfd_secret"},
		448: {name: "process_mrelease"},
		449: {name: "futex_waitv"},
		450: {name: "set_mempolicy_home_node"},
		451: {name: "cachestat"},
		452: {name: "fchmodat2", args: "fsxx", fn: passthrough(unix.SYS_FCHMODAT2)},
		453: {name: "map_shadow_stack"},
		454: {name: "futex_wake"},
		455: {name: "futex_wait"},
		456: {name: "futex_requeue"},
		457: {name: "statmount"},
		458: {name: "listmount"},
		459: {name: "lsm_get_self_attr"},
		460: {name: "lsm_set_self_attr"},
		461: {name: "lsm_list_modules"},
		462: {name: "mseal"},
		463: {name: "setxattrat"},
		464: {name: "getxattrat"},
		465: {name: "listxattrat"},
		466: {name: "removexattrat"},
		467: {name: "open_tree_attr"},
		468: {name: "file_getattr"},
		469: {name: "file_setattr"},
		470: {name: "listns"},
		471: {name: "rseq_slice_yield"},
	}
}
