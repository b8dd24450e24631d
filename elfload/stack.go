package elfload

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"os"

	"ferry/syscalls/guestmem"

	"golang.org/x/sys/unix"
)

// Auxiliary vector types (include/uapi/linux/auxvec.h and arm64's
// asm/auxvec.h).
const (
	AT_NULL         = 0
	AT_PHDR         = 3
	AT_PHENT        = 4
	AT_PHNUM        = 5
	AT_PAGESZ       = 6
	AT_BASE         = 7
	AT_FLAGS        = 8
	AT_ENTRY        = 9
	AT_UID          = 11
	AT_EUID         = 12
	AT_GID          = 13
	AT_EGID         = 14
	AT_PLATFORM     = 15
	AT_HWCAP        = 16
	AT_CLKTCK       = 17
	AT_SECURE       = 23
	AT_RANDOM       = 25
	AT_HWCAP2       = 26
	AT_EXECFN       = 31
	AT_MINSIGSTKSZ  = 51
	AT_SYSINFO_EHDR = 33
)

// arm64 AT_HWCAP bits (arch/arm64/include/uapi/asm/hwcap.h). Only the
// features ferry implements completely may be advertised: libc and
// libraries pick code paths from these bits.
const (
	HWCAP_FP       = 1 << 0
	HWCAP_ASIMD    = 1 << 1
	HWCAP_EVTSTRM  = 1 << 2
	HWCAP_AES      = 1 << 3
	HWCAP_PMULL    = 1 << 4
	HWCAP_SHA1     = 1 << 5
	HWCAP_SHA2     = 1 << 6
	HWCAP_CRC32    = 1 << 7
	HWCAP_ATOMICS  = 1 << 8
	HWCAP_FPHP     = 1 << 9
	HWCAP_ASIMDHP  = 1 << 10
	HWCAP_CPUID    = 1 << 11
	HWCAP_ASIMDRDM = 1 << 12
	HWCAP_JSCVT    = 1 << 13
	HWCAP_FCMA     = 1 << 14
	HWCAP_LRCPC    = 1 << 15
	HWCAP_DCPOP    = 1 << 16
	HWCAP_SHA3     = 1 << 17
	HWCAP_SM3      = 1 << 18
	HWCAP_SM4      = 1 << 19
	HWCAP_ASIMDDP  = 1 << 20
	HWCAP_SHA512   = 1 << 21
	HWCAP_SVE      = 1 << 22
)

// hwcapNames and hwcap2Names are the names arm64 Linux gives the AT_HWCAP
// and AT_HWCAP2 bits in /proc/cpuinfo's Features line (hwcap_str in
// arch/arm64/kernel/cpuinfo.c), indexed by bit.
var (
	hwcapNames = [...]string{
		"fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32",
		"atomics", "fphp", "asimdhp", "cpuid", "asimdrdm", "jscvt", "fcma", "lrcpc",
		"dcpop", "sha3", "sm3", "sm4", "asimddp", "sha512", "sve", "asimdfhm",
		"dit", "uscat", "ilrcpc", "flagm", "ssbs", "sb", "paca", "pacg",
	}
	hwcap2Names = [...]string{
		"dcpodp", "sve2", "sveaes", "svepmull", "svebitperm", "svesha3", "svesm4", "flagm2",
		"frint", "svei8mm", "svef32mm", "svef64mm", "svebf16", "i8mm", "bf16", "dgh",
		"rng", "bti", "mte", "ecv", "afp", "rpres",
	}
)

// FeatureNames lists the /proc/cpuinfo names of the bits set in hwcap and
// hwcap2, in the kernel's order (AT_HWCAP bits, then AT_HWCAP2 bits). It
// panics on a bit it has no name for: advertising a feature means naming it.
func FeatureNames(hwcap, hwcap2 uint64) []string {
	var names []string
	for i := 0; i < 64; i++ {
		if hwcap&(1<<i) != 0 {
			if i >= len(hwcapNames) {
				panic(fmt.Sprintf("elfload: no name for AT_HWCAP bit %d", i))
			}
			names = append(names, hwcapNames[i])
		}
	}
	for i := 0; i < 64; i++ {
		if hwcap2&(1<<i) != 0 {
			if i >= len(hwcap2Names) {
				panic(fmt.Sprintf("elfload: no name for AT_HWCAP2 bit %d", i))
			}
			names = append(names, hwcap2Names[i])
		}
	}
	return names
}

// ImplementedHWCap and ImplementedHWCap2 are the features ferry implements
// completely (decoder, lifter and the interpreter; docs/ISA.md): every
// instruction of each, and the ID register fields elfload.IDRegisters
// derives from them. Add a bit only with all of its instructions.
const (
	ImplementedHWCap = HWCAP_FP | HWCAP_ASIMD | HWCAP_AES | HWCAP_PMULL | HWCAP_SHA1 | HWCAP_SHA2 |
		HWCAP_CRC32 | HWCAP_ATOMICS | HWCAP_CPUID | HWCAP_ASIMDRDM | HWCAP_JSCVT | HWCAP_FCMA |
		HWCAP_LRCPC | HWCAP_DCPOP | HWCAP_SHA3 | HWCAP_SM3 | HWCAP_SM4 | HWCAP_ASIMDDP | HWCAP_SHA512 |
		HWCAP_DIT | HWCAP_ILRCPC | HWCAP_FLAGM | HWCAP_SSBS | HWCAP_SB
	ImplementedHWCap2 = HWCAP2_DCPODP | HWCAP2_FLAGM2 | HWCAP2_FRINT | HWCAP2_I8MM | HWCAP2_DGH
)

// HWCap and HWCap2 are what ferry advertises: the implemented features,
// or those of the -cpu model among them (cmd/ferry sets them at start).
var (
	HWCap  uint64 = ImplementedHWCap
	HWCap2 uint64 = ImplementedHWCap2
)

// Platform is AT_PLATFORM on arm64 (ELF_PLATFORM "aarch64").
const Platform = "aarch64"

// MinSigStkSz is AT_MINSIGSTKSZ: arm64 kernels without SVE/SME report
// 5120, which is also MINSIGSTKSZ in arm64 glibc.
const MinSigStkSz = 5120

// ClockTicks is AT_CLKTCK (USER_HZ).
const ClockTicks = 100

// AuxEntry is one auxiliary vector entry.
type AuxEntry struct{ Type, Val uint64 }

// StackSize is the size of the guest's main stack: RLIMIT_STACK when it is
// reasonable (Linux lets the stack grow up to it), else bounded. The region
// is MAP_NORESERVE; untouched pages cost nothing.
func StackSize() uint64 {
	const min, def = 128 << 10, 8 << 20
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_STACK, &rl) != nil {
		return def
	}
	cur := rl.Cur
	switch {
	case cur == unix.RLIM_INFINITY || cur > guestmem.StackMaxSize:
		return guestmem.StackMaxSize
	case cur < min:
		return min
	}
	return guestmem.PageAlignUp(cur)
}

// Stack is the guest's initial stack as built by SetupStack.
type Stack struct {
	Bottom, Top uint64 // the mapped stack region
	SP          uint64 // initial SP: points at argc, 16-byte aligned
	ArgvAddrs   []uint64
	EnvpAddrs   []uint64
	ExecFn      uint64 // address of the AT_EXECFN string
	Platform    uint64 // address of the AT_PLATFORM string
	Random      uint64 // address of the 16 AT_RANDOM bytes
	Auxv        []AuxEntry
	// The argument and environment strings' bounds, [ArgStart, ArgEnd)
	// and [EnvStart, EnvEnd), as the kernel records them (arg_start…
	// env_end): /proc/PID/cmdline and environ read that memory.
	ArgStart, ArgEnd, EnvStart, EnvEnd uint64
}

// SetupStack maps the main stack just below guestmem.StackTop and fills
// it like the arm64 kernel: from the top down, an 8-byte zero word, the
// AT_EXECFN string, the environment strings, the argument strings (each
// group in ascending order), then at a 16-byte aligned boundary the
// platform string and the 16 random bytes, and at the 16-byte aligned SP:
// argc, argv[], NULL, envp[], NULL, auxv pairs ending in AT_NULL.
func SetupStack(img *Image, mem *guestmem.Map, argv, envp []string) (*Stack, error) {
	size := StackSize()
	st := &Stack{Top: guestmem.StackTop, Bottom: guestmem.StackTop - size}
	prot := guestmem.ProtRead | guestmem.ProtWrite
	if img.ExecStack {
		prot |= guestmem.ProtExec
	}
	// Like Linux, strings may take at most a quarter of the stack.
	strBytes := uint64(len(img.Path) + 1 + len(Platform) + 1)
	for _, s := range append(append([]string(nil), argv...), envp...) {
		strBytes += uint64(len(s) + 1)
	}
	pointers := uint64(len(argv)+len(envp)+2+1+64) * 8
	if strBytes+pointers > size/4 {
		return nil, fail(img.Path, "argument list too long")
	}
	if e := mem.MapNoReplace(st.Bottom, size, prot,
		guestmem.MapPrivate|guestmem.MapAnonymous|guestmem.MapNoReserve|guestmem.MapGrowsDown, -1, 0, "[stack]"); e != 0 {
		return nil, fail(img.Path, "cannot map the stack at %#x-%#x: %v", st.Bottom, st.Top, e)
	}

	p := st.Top - 8 // the kernel leaves one zero word at the very top
	putString := func(s string) uint64 {
		p -= uint64(len(s) + 1)
		b := GuestBytes(p, uint64(len(s)+1))
		copy(b, s)
		b[len(s)] = 0
		return p
	}
	st.ExecFn = putString(img.Path)
	st.EnvpAddrs = make([]uint64, len(envp))
	for i := len(envp) - 1; i >= 0; i-- {
		st.EnvpAddrs[i] = putString(envp[i])
	}
	st.EnvStart, st.EnvEnd = p, st.ExecFn
	st.ArgvAddrs = make([]uint64, len(argv))
	for i := len(argv) - 1; i >= 0; i-- {
		st.ArgvAddrs[i] = putString(argv[i])
	}
	st.ArgStart, st.ArgEnd = p, st.EnvStart
	p &^= 15 // arch_align_stack, without the randomization
	st.Platform = putString(Platform)
	p -= 16
	st.Random = p
	if _, err := rand.Read(GuestBytes(st.Random, 16)); err != nil {
		return nil, fail(img.Path, "cannot get random bytes: %v", err)
	}

	st.Auxv = []AuxEntry{
		{AT_SYSINFO_EHDR, img.VDSO},
		{AT_MINSIGSTKSZ, MinSigStkSz},
		{AT_HWCAP, HWCap},
		{AT_PAGESZ, guestmem.PageSize},
		{AT_CLKTCK, ClockTicks},
		{AT_PHDR, img.Phdr},
		{AT_PHENT, img.Phent},
		{AT_PHNUM, img.Phnum},
		{AT_BASE, img.InterpBase}, // 0 without a dynamic loader
		{AT_FLAGS, 0},
		{AT_ENTRY, img.ProgramEntry},
		{AT_UID, uint64(os.Getuid())},
		{AT_EUID, uint64(os.Geteuid())},
		{AT_GID, uint64(os.Getgid())},
		{AT_EGID, uint64(os.Getegid())},
		{AT_SECURE, 0},
		{AT_RANDOM, st.Random},
		{AT_HWCAP2, HWCap2},
		{AT_EXECFN, st.ExecFn},
		{AT_PLATFORM, st.Platform},
		{AT_NULL, 0},
	}
	if img.VDSO == 0 {
		st.Auxv = st.Auxv[1:]
	}
	words := 1 + len(argv) + 1 + len(envp) + 1 + 2*len(st.Auxv)
	sp := (p - uint64(words)*8) &^ 15
	st.SP = sp
	out := GuestBytes(sp, uint64(words)*8)
	w := 0
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(out[w*8:], v)
		w++
	}
	put(uint64(len(argv)))
	for _, a := range st.ArgvAddrs {
		put(a)
	}
	put(0)
	for _, a := range st.EnvpAddrs {
		put(a)
	}
	put(0)
	for _, a := range st.Auxv {
		put(a.Type)
		put(a.Val)
	}
	if w != words {
		panic(fmt.Sprintf("elfload: wrote %d stack words, planned %d", w, words))
	}
	return st, nil
}
