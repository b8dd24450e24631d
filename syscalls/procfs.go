package syscalls

// /proc as the guest sees it. The guest shares its host process with the
// translator, so the host kernel's /proc/self describes ferry: its binary,
// Go heap and code cache in maps, x86-64 auxv, ferry's threads, an x86-64
// cpuinfo. Opens of the files that would give the translator away are
// served from contents generated for the guest (a read-only memfd, made
// at open time); the others go to the host kernel, which shows the guest
// where ferry has told it to (the thread names, and the command line,
// environment, auxv and code/stack bounds through PR_SET_MM_MAP: see
// ShowToHost). What other processes read about a ferry process comes from
// the host kernel alone, so that is where the guest's identity must be.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"ferry/elfload"
	"ferry/ir"
	"ferry/syscalls/guestmem"

	"golang.org/x/sys/unix"
)

// ProcImage is what the kernel records about a program image when it
// execs it (mm->start_code… and saved_auxv) and shows in /proc/PID/stat,
// cmdline, environ and auxv: here for the guest's image, as plain data.
type ProcImage struct {
	StartCode, EndCode, StartData, EndData uint64
	StartStack                             uint64   // the initial SP (argc)
	ArgStart, ArgEnd, EnvStart, EnvEnd     uint64   // argv and envp strings in guest memory
	Auxv                                   []uint64 // type, value pairs ending with AT_NULL
}

// procKind is a file ferry generates for the guest.
type procKind uint8

const (
	procNone procKind = iota
	procMaps
	procAuxv
	procCmdline
	procEnviron
	procStat
	procStatus
	procExe
	procCPUInfo
)

// procFiles are the per-process (and per-task) files ferry serves.
var procFiles = map[string]procKind{
	"maps": procMaps, "auxv": procAuxv, "cmdline": procCmdline, "environ": procEnviron,
	"stat": procStat, "status": procStatus, "exe": procExe,
}

// procRef is one resolved guest /proc path.
type procRef struct {
	kind procKind
	tid  int    // the task of a task-level path, 0 for the process's own directory
	host string // the canonical host path (/proc/PID/..., /proc/PID/task/TID/...)
}

// classifyProc resolves an absolute path to a file ferry serves for this
// process, with the calling thread's tid for /proc/thread-self. It walks
// the components like the kernel: "self" is /proc/PID, "thread-self"
// /proc/PID/task/TID, "." and ".." work on that. A path that leaves the
// few directories involved (through a symlink such as cwd or fd, for
// instance) is not ferry's and goes to the host unchanged.
func (p *Process) classifyProc(path string, selfTid int) (procRef, bool) {
	if !strings.HasPrefix(path, "/") {
		return procRef{}, false
	}
	pid := strconv.Itoa(p.Pid)
	var c []string
	for _, part := range strings.Split(path, "/") {
		switch part {
		case "", ".":
			continue
		case "..":
			if len(c) > 0 {
				c = c[:len(c)-1]
			}
			continue
		}
		if len(c) == 1 && c[0] == "proc" {
			switch part {
			case "self":
				c = append(c, pid)
				continue
			case "thread-self":
				c = append(c, pid, "task", strconv.Itoa(selfTid))
				continue
			}
		}
		c = append(c, part)
		if !p.procPrefix(c, pid) {
			return procRef{}, false
		}
	}
	switch {
	case len(c) == 2 && c[1] == "cpuinfo":
		return procRef{kind: procCPUInfo, host: "/proc/cpuinfo"}, true
	case len(c) == 3 && procFiles[c[2]] != procNone:
		ref := procRef{kind: procFiles[c[2]], host: "/" + strings.Join(c, "/")}
		if c[1] != pid {
			ref.tid, _ = strconv.Atoi(c[1]) // /proc/TID of a guest thread
		}
		return ref, true
	case len(c) == 5 && procFiles[c[4]] != procNone:
		tid, _ := strconv.Atoi(c[3])
		return procRef{kind: procFiles[c[4]], tid: tid, host: "/" + strings.Join(c, "/")}, true
	}
	return procRef{}, false
}

// procPrefix reports whether c can still lead to a file ferry serves:
// /proc, /proc/cpuinfo, /proc/PID or /proc/TID of one of its guest
// threads, /proc/PID/task, /proc/PID/task/TID, and the files in those.
func (p *Process) procPrefix(c []string, pid string) bool {
	switch len(c) {
	case 1:
		return c[0] == "proc"
	case 2:
		return c[1] == "cpuinfo" || c[1] == pid || p.guestTid(c[1])
	case 3:
		return procFiles[c[2]] != procNone || (c[2] == "task" && c[1] == pid)
	case 4:
		return c[2] == "task" && p.guestTid(c[3])
	case 5:
		return procFiles[c[4]] != procNone
	}
	return false
}

// guestTid reports whether s is the decimal tid (as the kernel spells it)
// of a live guest thread.
func (p *Process) guestTid(s string) bool {
	tid, err := strconv.Atoi(s)
	return err == nil && strconv.Itoa(tid) == s && p.thread(tid) != nil
}

// resolveProcPath turns a guest path argument relative to dirfd into the
// absolute path the kernel would resolve it from, when it can name a file
// ferry serves; it reports false for every other path without a system
// call (the last component is checked first).
func resolveProcPath(dirfd int32, path string) (string, bool) {
	if path == "" {
		return "", false
	}
	if path[0] == '/' {
		return path, true
	}
	last := strings.TrimRight(path, "/")
	if i := strings.LastIndexByte(last, '/'); i >= 0 {
		last = last[i+1:]
	}
	if procFiles[last] == procNone && last != "cpuinfo" {
		return "", false
	}
	var base string
	if dirfd == unix.AT_FDCWD {
		wd, err := unix.Getwd()
		if err != nil {
			return "", false
		}
		base = wd
	} else {
		b, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(dirfd)))
		if err != nil {
			return "", false
		}
		base = b
	}
	if base != "/proc" && !strings.HasPrefix(base, "/proc/") {
		return "", false
	}
	return base + "/" + path, true
}

// Guest open flags (arm64 values) that make an open of a /proc file
// something other than reading it: those opens go to the host.
const (
	guestOAccMode   = 0x3
	guestOCreat     = 0x40
	guestOTrunc     = 0x200
	guestODirectory = 0x4000
	guestOPath      = 0x200000
	guestOCloexec   = 0x80000
	guestOTmpfile   = 0x400000
)

// openProc opens a generated file: its contents in a memfd, reopened
// read-only (so writes fail with EBADF as on a read-only open) at the
// lowest free descriptor, with FD_CLOEXEC if the guest asked.
func (p *Process) openProc(ref procRef, flags uint64) int64 {
	content, e := p.procContent(ref)
	if e != 0 {
		return errno(e)
	}
	mfd, err := unix.MemfdCreate(ref.host, unix.MFD_CLOEXEC)
	if err != nil {
		return errno(err.(unix.Errno))
	}
	for b := content; len(b) > 0; {
		n, err := unix.Write(mfd, b)
		if err != nil {
			unix.Close(mfd)
			return errno(err.(unix.Errno))
		}
		b = b[n:]
	}
	ro, err := unix.Open("/proc/self/fd/"+strconv.Itoa(mfd), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	// The memfd's descriptor is closed before the final one is chosen,
	// so the guest gets the lowest free descriptor, as for any open.
	unix.Close(mfd)
	if err != nil {
		return errno(err.(unix.Errno))
	}
	defer unix.Close(ro)
	dup := unix.F_DUPFD
	if flags&guestOCloexec != 0 {
		dup = unix.F_DUPFD_CLOEXEC
	}
	return host(unix.SYS_FCNTL, uint64(ro), uint64(dup), 0)
}

// procContent generates the contents of a served file.
func (p *Process) procContent(ref procRef) ([]byte, unix.Errno) {
	switch ref.kind {
	case procMaps:
		return p.mapsText(), 0
	case procAuxv:
		b := make([]byte, 8*len(p.Image.Auxv))
		for i, v := range p.Image.Auxv {
			binary.LittleEndian.PutUint64(b[8*i:], v)
		}
		return b, 0
	case procCmdline:
		return p.cmdline(), 0
	case procEnviron:
		return p.readGuest(p.Image.EnvStart, p.Image.EnvEnd-p.Image.EnvStart), 0
	case procStat:
		b, err := os.ReadFile(ref.host)
		if err != nil {
			return nil, unix.ENOENT
		}
		return p.patchStat(b, ref.tid), 0
	case procStatus:
		b, err := os.ReadFile(ref.host)
		if err != nil {
			return nil, unix.ENOENT
		}
		return p.patchStatus(b, ref.tid), 0
	case procCPUInfo:
		return cpuinfoText(hostCPUs()), 0
	}
	return nil, unix.ENOENT
}

// readGuest copies what is readable of guest memory [addr, addr+n): the
// prefix up to the first inaccessible byte, as the kernel's
// access_remote_vm reads it.
func (p *Process) readGuest(addr, n uint64) []byte {
	p.memMu.RLock()
	defer p.memMu.RUnlock()
	var out []byte
	for n > 0 {
		mp, ok := p.Mem.Lookup(addr)
		if !ok || guestmem.HostProt(mp.Prot)&guestmem.ProtRead == 0 {
			break
		}
		k := min(n, mp.End-addr)
		out = append(out, guestBytes(addr, k)...)
		addr, n = addr+k, n-k
	}
	return out
}

// cmdline is /proc/self/cmdline by the kernel's rules (get_mm_cmdline):
// the argument strings as they are in memory now; if the guest overwrote
// the NUL ending them (setproctitle), the title runs on into the
// environment area up to its first NUL, within one page.
func (p *Process) cmdline() []byte {
	im := &p.Image
	if im.ArgStart >= im.ArgEnd {
		return nil
	}
	last := p.readGuest(im.ArgEnd-1, 1)
	if len(last) == 1 && last[0] != 0 {
		end := im.ArgEnd
		if im.EnvStart == im.ArgEnd && im.EnvEnd >= im.EnvStart {
			end = im.EnvEnd
		}
		b := p.readGuest(im.ArgStart, min(end-im.ArgStart, guestmem.PageSize))
		if i := bytes.IndexByte(b, 0); i >= 0 {
			b = b[:i+1]
		}
		return b
	}
	return p.readGuest(im.ArgStart, im.ArgEnd-im.ArgStart)
}

// hostMapping is one line of the host's /proc/self/maps.
type hostMapping struct {
	start, end uint64
	dev        string // "MM:mm", hex
	inode      uint64
	path       string
}

func readHostMaps() []hostMapping {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []hostMapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		lo, hi, _ := strings.Cut(fields[0], "-")
		var m hostMapping
		m.start, _ = strconv.ParseUint(lo, 16, 64)
		m.end, _ = strconv.ParseUint(hi, 16, 64)
		m.dev = fields[3]
		m.inode, _ = strconv.ParseUint(fields[4], 10, 64)
		if len(fields) > 5 {
			m.path = strings.Join(fields[5:], " ")
		}
		out = append(out, m)
	}
	return out
}

// mapsLine formats one mapping exactly like the kernel's show_map_vma:
// the header padded to 73 columns before a name, a trailing blank when
// there is none.
func mapsLine(sb *strings.Builder, start, end uint64, perms string, off uint64, dev string, inode uint64, name string) {
	n := sb.Len()
	fmt.Fprintf(sb, "%08x-%08x %s %08x %s %d ", start, end, perms, off, dev, inode)
	if name != "" {
		if w := sb.Len() - n; w < 72 {
			sb.WriteString(strings.Repeat(" ", 72-w))
		}
		sb.WriteByte(' ')
		sb.WriteString(name)
	}
	sb.WriteByte('\n')
}

// mapsText is the guest's /proc/self/maps: its own mappings with the
// protections it asked for, and nothing of the translator. Device and
// inode of file mappings come from the host's record of the same pages
// (or from the file, for a forked guest whose pages ferry copied).
func (p *Process) mapsText() []byte {
	p.memMu.RLock()
	mappings := append([]guestmem.Mapping(nil), p.Mem.Mappings...)
	p.memMu.RUnlock()
	hostMaps := readHostMaps()
	var sb strings.Builder
	for _, mp := range mappings {
		perms := []byte("---p")
		if mp.Prot&guestmem.ProtRead != 0 {
			perms[0] = 'r'
		}
		if mp.Prot&guestmem.ProtWrite != 0 {
			perms[1] = 'w'
		}
		if mp.Prot&guestmem.ProtExec != 0 {
			perms[2] = 'x'
		}
		if t := mp.Flags & guestmem.MapTypeMask; t == guestmem.MapShared || t == guestmem.MapSharedValidate {
			perms[3] = 's'
		}
		dev, inode, off := "00:00", uint64(0), uint64(0)
		if strings.HasPrefix(mp.Name, "/") {
			off = mp.Offset
			dev, inode = fileIdentity(hostMaps, mp)
		}
		mapsLine(&sb, mp.Start, mp.End, string(perms), off, dev, inode, mp.Name)
	}
	return []byte(sb.String())
}

// fileIdentity finds the device and inode of a guest file mapping.
func fileIdentity(hostMaps []hostMapping, mp guestmem.Mapping) (string, uint64) {
	for _, h := range hostMaps {
		if h.start <= mp.Start && mp.Start < h.end && h.path == mp.Name {
			return h.dev, h.inode
		}
	}
	var st unix.Stat_t
	if unix.Stat(strings.TrimSuffix(mp.Name, " (deleted)"), &st) == nil {
		return fmt.Sprintf("%02x:%02x", unix.Major(st.Dev), unix.Minor(st.Dev)), st.Ino
	}
	return "00:00", 0
}

// guestSigSets are the guest's blocked, ignored and caught signals for
// task tid (0: the main thread), as /proc shows them.
func (p *Process) guestSigSets(tid int) (blocked, ignored, caught uint64, ok bool) {
	if tid == 0 {
		tid = p.Pid
	}
	t := p.thread(tid)
	if t == nil {
		return 0, 0, 0, false
	}
	blocked = t.mask()
	for sig := 1; sig <= NSig; sig++ {
		switch p.handlerOf(sig) {
		case sigIgn:
			ignored |= sigBit(sig)
		case sigDfl:
		default:
			caught |= sigBit(sig)
		}
	}
	return blocked, ignored, caught, true
}

// patchStat rewrites the host's /proc/PID/stat line for the guest: the
// thread count, the code, stack, data, brk and argument bounds of the
// guest's image, its signal sets. The name (field 2) is the host
// thread's, which ferry keeps equal to the guest's (ShowToHost, prctl).
func (p *Process) patchStat(b []byte, tid int) []byte {
	s := strings.TrimSuffix(string(b), "\n")
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return b
	}
	// fields[0] is field 3 (state).
	fields := strings.Fields(s[i+1:])
	set := func(n int, v uint64) {
		if n-3 < len(fields) {
			fields[n-3] = strconv.FormatUint(v, 10)
		}
	}
	im := &p.Image
	set(20, uint64(p.Threads()))
	set(26, im.StartCode)
	set(27, im.EndCode)
	set(28, im.StartStack)
	if blocked, ignored, caught, ok := p.guestSigSets(tid); ok {
		set(32, blocked)
		set(33, ignored)
		set(34, caught)
	}
	set(45, im.StartData)
	set(46, im.EndData)
	set(47, p.BrkStart)
	set(48, im.ArgStart)
	set(49, im.ArgEnd)
	set(50, im.EnvStart)
	set(51, im.EnvEnd)
	return []byte(s[:i+1] + " " + strings.Join(fields, " ") + "\n")
}

// patchStatus rewrites the host's /proc/PID/status for the guest: its
// thread count and signal sets (Name: is the host thread's, kept equal
// to the guest's).
func (p *Process) patchStatus(b []byte, tid int) []byte {
	blocked, ignored, caught, haveSigs := p.guestSigSets(tid)
	lines := strings.SplitAfter(string(b), "\n")
	for i, l := range lines {
		key, _, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		switch {
		case key == "Threads":
			lines[i] = fmt.Sprintf("Threads:\t%d\n", p.Threads())
		case key == "SigBlk" && haveSigs:
			lines[i] = fmt.Sprintf("SigBlk:\t%016x\n", blocked)
		case key == "SigIgn" && haveSigs:
			lines[i] = fmt.Sprintf("SigIgn:\t%016x\n", ignored)
		case key == "SigCgt" && haveSigs:
			lines[i] = fmt.Sprintf("SigCgt:\t%016x\n", caught)
		}
	}
	return []byte(strings.Join(lines, ""))
}

// hostCPUs lists the host's online CPUs as /proc/cpuinfo numbers them.
func hostCPUs() []int {
	b, err := os.ReadFile("/proc/cpuinfo")
	var cpus []int
	if err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			key, val, ok := strings.Cut(l, ":")
			if ok && strings.TrimSpace(key) == "processor" {
				if n, err := strconv.Atoi(strings.TrimSpace(val)); err == nil {
					cpus = append(cpus, n)
				}
			}
		}
	}
	if len(cpus) == 0 {
		cpus = []int{0}
	}
	return cpus
}

// cpuinfoText is an arm64 /proc/cpuinfo (arch/arm64/kernel/cpuinfo.c's
// format) for the CPU ferry presents: MIDR_EL1 ir.MIDR, the features it
// advertises in AT_HWCAP/AT_HWCAP2, BogoMIPS from the counter frequency
// (arm64 derives loops_per_jiffy from the architected timer).
func cpuinfoText(cpus []int) []byte {
	features := elfload.FeatureNames(elfload.HWCap, elfload.HWCap2)
	var sb strings.Builder
	for _, n := range cpus {
		fmt.Fprintf(&sb, "processor\t: %d\n", n)
		fmt.Fprintf(&sb, "BogoMIPS\t: %d.%02d\n", ir.CounterHz/500000, ir.CounterHz/5000%100)
		sb.WriteString("Features\t:")
		for _, f := range features {
			sb.WriteString(" " + f)
		}
		sb.WriteString("\n")
		fmt.Fprintf(&sb, "CPU implementer\t: 0x%02x\n", ir.MIDR>>24&0xff)
		sb.WriteString("CPU architecture: 8\n")
		fmt.Fprintf(&sb, "CPU variant\t: 0x%x\n", ir.MIDR>>20&0xf)
		fmt.Fprintf(&sb, "CPU part\t: 0x%03x\n", ir.MIDR>>4&0xfff)
		fmt.Fprintf(&sb, "CPU revision\t: %d\n\n", ir.MIDR&0xf)
	}
	return []byte(sb.String())
}

// prctlMMMap is struct prctl_mm_map (include/uapi/linux/prctl.h).
type prctlMMMap struct {
	StartCode, EndCode, StartData, EndData uint64
	StartBrk, Brk, StartStack              uint64
	ArgStart, ArgEnd, EnvStart, EnvEnd     uint64
	Auxv                                   uint64
	AuxvSize                               uint32
	ExeFD                                  uint32
}

const (
	prSetName   = 15
	prGetName   = 16
	prSetMM     = 35
	prSetMMMap  = 14
	hostAuxvMax = 2 * (3 + 22 + 1) // x86-64 AT_VECTOR_SIZE: sizeof(mm->saved_auxv) in words
)

// hostThreadName is the calling host thread's name (comm).
func hostThreadName() string {
	var b [16]byte
	unix.RawSyscall(unix.SYS_PRCTL, prGetName, uintptr(unsafe.Pointer(&b[0])), 0)
	if i := bytes.IndexByte(b[:], 0); i >= 0 {
		return string(b[:i])
	}
	return string(b[:])
}

// setHostThreadName names the calling host thread (the kernel keeps 15
// bytes).
func setHostThreadName(name string) {
	b := make([]byte, 16)
	copy(b[:15], name)
	unix.RawSyscall(unix.SYS_PRCTL, prSetName, uintptr(unsafe.Pointer(&b[0])), 0)
}

// CommName is the name the kernel gives a process that execs path: the
// basename, cut to 15 bytes (TASK_COMM_LEN).
func CommName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	if len(path) > 15 {
		path = path[:15]
	}
	return path
}

// ShowToHost makes the host kernel describe the guest wherever other
// processes look (ps, pidof, pgrep, killall read /proc/PID/stat, status,
// comm, cmdline): it names the calling (main) host thread t.Comm and
// points the kernel's record of the process image at the guest's argv,
// environment, auxv, code and stack (PR_SET_MM_MAP, allowed without
// privileges unless the executable link changes, which ferry leaves
// alone: the kernel refuses it while ferry's binary is mapped). Call it on
// the main thread before the guest runs; an error means the kernel still
// shows ferry's command line.
func (p *Process) ShowToHost(t *Thread) error {
	if t.Comm != "" {
		setHostThreadName(t.Comm)
	}
	im := &p.Image
	if im.StartCode >= im.EndCode || im.ArgStart == 0 {
		return fmt.Errorf("no guest image bounds")
	}
	auxv := append([]uint64(nil), im.Auxv...)
	if len(auxv) > hostAuxvMax {
		auxv = append(auxv[:hostAuxvMax-2], 0, 0) // keep the AT_NULL end
	}
	m := prctlMMMap{
		StartCode: im.StartCode, EndCode: im.EndCode, StartData: im.StartData, EndData: im.EndData,
		StartBrk: p.BrkStart, Brk: p.BrkStart, StartStack: im.StartStack,
		ArgStart: im.ArgStart, ArgEnd: im.ArgEnd, EnvStart: im.EnvStart, EnvEnd: im.EnvEnd,
		ExeFD: ^uint32(0),
	}
	if len(auxv) > 0 {
		m.Auxv, m.AuxvSize = uint64(uintptr(unsafe.Pointer(&auxv[0]))), uint32(8*len(auxv))
	}
	_, _, e := unix.RawSyscall6(unix.SYS_PRCTL, prSetMM, prSetMMMap, uintptr(unsafe.Pointer(&m)), unsafe.Sizeof(m), 0, 0)
	if e != 0 {
		return fmt.Errorf("prctl(PR_SET_MM_MAP): %v", e)
	}
	return nil
}

// GuestCmdline is the guest's /proc/self/cmdline (for a host that refuses
// PR_SET_MM_MAP, ferry copies it over its own argument strings).
func (p *Process) GuestCmdline() []byte { return p.cmdline() }

// otherGuestExe finds the guest program of another ferry process pid
// whose /proc/PID/exe (hostTarget) is ferry itself: the file mapped at the
// start of its code, which ShowToHost made the kernel record.
func (p *Process) otherGuestExe(pid int, hostTarget string) (string, bool) {
	if p.Translator == "" || hostTarget != p.Translator {
		return "", false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return "", false
	}
	fields := strings.Fields(s[i+1:])
	if len(fields) < 26-2 {
		return "", false
	}
	startCode, err := strconv.ParseUint(fields[26-3], 10, 64)
	if err != nil || startCode == 0 {
		return "", false
	}
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/maps")
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 {
			continue
		}
		lo, hi, _ := strings.Cut(fields[0], "-")
		start, _ := strconv.ParseUint(lo, 16, 64)
		end, _ := strconv.ParseUint(hi, 16, 64)
		if start <= startCode && startCode < end && strings.HasPrefix(fields[5], "/") {
			return strings.Join(fields[5:], " "), true
		}
	}
	return "", false
}
