package syscalls

// Syscall numbers the tests use, looked up by name in the table.
var (
	nrBrk           = mustNr("brk")
	nrClockGettime  = mustNr("clock_gettime")
	nrEpollCreate1  = mustNr("epoll_create1")
	nrEpollCtl      = mustNr("epoll_ctl")
	nrEpollPwait    = mustNr("epoll_pwait")
	nrExitGroup     = mustNr("exit_group")
	nrFcntl         = mustNr("fcntl")
	nrFstat         = mustNr("fstat")
	nrGetpid        = mustNr("getpid")
	nrGettid        = mustNr("gettid")
	nrIoctl         = mustNr("ioctl")
	nrKill          = mustNr("kill")
	nrMmap          = mustNr("mmap")
	nrMprotect      = mustNr("mprotect")
	nrMremap        = mustNr("mremap")
	nrMunmap        = mustNr("munmap")
	nrNanosleep     = mustNr("nanosleep")
	nrNewfstatat    = mustNr("newfstatat")
	nrOpenat        = mustNr("openat")
	nrPrctl         = mustNr("prctl")
	nrPrlimit64     = mustNr("prlimit64")
	nrRead          = mustNr("read")
	nrReadlinkat    = mustNr("readlinkat")
	nrRseq          = mustNr("rseq")
	nrRtSigaction   = mustNr("rt_sigaction")
	nrRtSigprocmask = mustNr("rt_sigprocmask")
	nrSetRobustList = mustNr("set_robust_list")
	nrSetTidAddress = mustNr("set_tid_address")
	nrSetitimer     = mustNr("setitimer")
	nrSetrlimit     = mustNr("setrlimit")
	nrSigaltstack   = mustNr("sigaltstack")
	nrTgkill        = mustNr("tgkill")
	nrUname         = mustNr("uname")
	nrWrite         = mustNr("write")
)

func mustNr(name string) uint64 {
	if table == nil { // package variables are initialized before init runs
		table = rows()
	}
	nr, ok := sysNumber(name)
	if !ok {
		panic("no syscall " + name)
	}
	return nr
}
