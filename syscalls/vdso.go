package syscalls

import (
	"encoding/binary"
	"sync"

	"ferry/syscalls/guestmem"
)

// The arm64 kernel maps a vDSO into every process and names it in
// AT_SYSINFO_EHDR: a small shared object (soname linux-vdso.so.1, symbol
// version LINUX_2.6.39) exporting __kernel_rt_sigreturn, the signal return
// trampoline handlers without SA_RESTORER return to, and the time calls
// __kernel_clock_gettime, __kernel_gettimeofday and __kernel_clock_getres.
// glibc's loader adds it to the link map (ldd lists it), glibc and Go's
// runtime call its time functions, and unwinders recognize signal frames
// by the sigreturn trampoline's two instructions.
//
// ferry's vDSO is a real ELF image with the same dynamic symbols, version
// definitions and sysv hash table, built here. Its time functions make the
// system call (what the kernel's do when the clock cannot be read in user
// space), so a guest sees the same results either way.

// vdsoFunc is one exported function: its name and arm64 code.
type vdsoFunc struct {
	name string
	code []uint32
}

// movX8 is `mov x8, #nr` (MOVZ), svc0 `svc #0`, ret `ret`.
func movX8(nr uint32) uint32 { return 0xd2800000 | nr<<5 | 8 }

const (
	svc0    = 0xd4000001
	retX30  = 0xd65f03c0
	nopInsn = 0xd503201f
)

// vdsoFuncs are in the kernel's order. The kernel's __kernel_rt_sigreturn
// is preceded by a nop, so that an unwinder looking one instruction before
// the return address (pc-1) still finds the trampoline; the same here.
var vdsoFuncs = []vdsoFunc{
	{"__kernel_rt_sigreturn", sigreturnCode},
	{"__kernel_gettimeofday", []uint32{movX8(169), svc0, retX30}},
	{"__kernel_clock_gettime", []uint32{movX8(113), svc0, retX30}},
	{"__kernel_clock_getres", []uint32{movX8(114), svc0, retX30}},
}

const (
	vdsoSoname  = "linux-vdso.so.1"
	vdsoVersion = "LINUX_2.6.39"
)

// vdsoImage is the built image and the offsets of its functions.
type vdsoImage struct {
	bytes []byte
	funcs map[string]uint64
}

var (
	vdsoOnce  sync.Once
	vdsoBuilt vdsoImage
)

// elfHash is the System V ABI hash of DT_HASH and of version names.
func elfHash(name string) uint32 {
	var h uint32
	for i := 0; i < len(name); i++ {
		h = h<<4 + uint32(name[i])
		g := h & 0xf0000000
		if g != 0 {
			h ^= g >> 24
		}
		h &^= g
	}
	return h
}

// buildVDSO lays out the image in one page: ELF header, program headers
// (PT_LOAD of the page, PT_DYNAMIC), .hash, .dynsym, .dynstr,
// .gnu.version, .gnu.version_d, .text, .dynamic, then section headers
// (for tools such as gdb and perf that read sections). Addresses are
// offsets: the image is linked at 0, as the kernel's is.
func buildVDSO() vdsoImage {
	le := binary.LittleEndian
	img := make([]byte, guestmem.PageSize)
	off := 0
	alloc := func(n, align int) int {
		off = (off + align - 1) &^ (align - 1)
		at := off
		off += n
		return at
	}
	const ehdr, phent, shent, symSize = 64, 56, 64, 24
	alloc(ehdr, 8)
	const nph = 2
	phoff := alloc(nph*phent, 8)

	// String table: names of symbols, the version and the soname.
	strtab := []byte{0}
	str := func(s string) uint32 {
		at := uint32(len(strtab))
		strtab = append(append(strtab, s...), 0)
		return at
	}
	sonameOff := str(vdsoSoname)
	versionOff := str(vdsoVersion)
	nameOff := make([]uint32, len(vdsoFuncs))
	for i, f := range vdsoFuncs {
		nameOff[i] = str(f.name)
	}
	// Symbols: the null symbol, the version's own absolute symbol (as
	// the kernel's linker script emits), then the functions.
	nsym := 2 + len(vdsoFuncs)

	hashOff := alloc(4*(2+1+nsym), 8) // nbucket=1: every symbol in one chain
	symOff := alloc(nsym*symSize, 8)
	strOff := alloc(len(strtab), 1)
	versymOff := alloc(2*nsym, 2)
	const verdefSize, verdauxSize = 20, 8
	verdefOff := alloc(2*(verdefSize+verdauxSize), 4)
	textOff := alloc(0, 16)
	funcs := map[string]uint64{}
	funcAt := make([]int, len(vdsoFuncs))
	for i, f := range vdsoFuncs {
		if i == 0 {
			alloc(4, 4) // the nop before __kernel_rt_sigreturn
			le.PutUint32(img[off-4:], nopInsn)
		}
		at := alloc(4*len(f.code), 4)
		for j, w := range f.code {
			le.PutUint32(img[at+4*j:], w)
		}
		funcAt[i] = at
		funcs[f.name] = uint64(at)
	}
	textEnd := off
	dyn := [][2]uint64{
		{4, uint64(hashOff)},            // DT_HASH
		{5, uint64(strOff)},             // DT_STRTAB
		{6, uint64(symOff)},             // DT_SYMTAB
		{10, uint64(len(strtab))},       // DT_STRSZ
		{11, symSize},                   // DT_SYMENT
		{14, uint64(sonameOff)},         // DT_SONAME
		{0x6ffffff0, uint64(versymOff)}, // DT_VERSYM
		{0x6ffffffc, uint64(verdefOff)}, // DT_VERDEF
		{0x6ffffffd, 2},                 // DT_VERDEFNUM
		{0, 0},                          // DT_NULL
	}
	dynOff := alloc(16*len(dyn), 8)
	for i, d := range dyn {
		le.PutUint64(img[dynOff+16*i:], d[0])
		le.PutUint64(img[dynOff+16*i+8:], d[1])
	}
	dynEnd := off

	copy(img[strOff:], strtab)
	// .hash: one bucket holding the chain 1 → 2 → … → nsym-1.
	le.PutUint32(img[hashOff:], 1)
	le.PutUint32(img[hashOff+4:], uint32(nsym))
	le.PutUint32(img[hashOff+8:], 1)
	for i := 1; i < nsym; i++ {
		next := uint32(i + 1)
		if i == nsym-1 {
			next = 0
		}
		le.PutUint32(img[hashOff+12+4*i:], next)
	}
	// .dynsym. Section indexes refer to the section table below:
	// .text is section 6.
	const textShndx, shnAbs = 6, 0xfff1
	putSym := func(i int, name uint32, info byte, shndx uint16, value, size uint64) {
		b := img[symOff+symSize*i:]
		le.PutUint32(b, name)
		b[4] = info
		le.PutUint16(b[6:], shndx)
		le.PutUint64(b[8:], value)
		le.PutUint64(b[16:], size)
	}
	const stbGlobal, sttObject, sttFunc = 1, 1, 2
	putSym(1, versionOff, stbGlobal<<4|sttObject, shnAbs, 0, 0)
	for i, f := range vdsoFuncs {
		putSym(2+i, nameOff[i], stbGlobal<<4|sttFunc, textShndx, uint64(funcAt[i]), uint64(4*len(f.code)))
	}
	// .gnu.version: every defined symbol belongs to version 2.
	for i := 1; i < nsym; i++ {
		le.PutUint16(img[versymOff+2*i:], 2)
	}
	// .gnu.version_d: the base version (the soname), then LINUX_2.6.39.
	putVerdef := func(at int, flags, ndx uint16, name string, nameOff uint32, last bool) {
		le.PutUint16(img[at:], 1) // vd_version
		le.PutUint16(img[at+2:], flags)
		le.PutUint16(img[at+4:], ndx)
		le.PutUint16(img[at+6:], 1) // vd_cnt
		le.PutUint32(img[at+8:], elfHash(name))
		le.PutUint32(img[at+12:], verdefSize) // vd_aux
		next := uint32(verdefSize + verdauxSize)
		if last {
			next = 0
		}
		le.PutUint32(img[at+16:], next)
		le.PutUint32(img[at+verdefSize:], nameOff) // vda_name
		le.PutUint32(img[at+verdefSize+4:], 0)     // vda_next
	}
	putVerdef(verdefOff, 1 /* VER_FLG_BASE */, 1, vdsoSoname, sonameOff, false)
	putVerdef(verdefOff+verdefSize+verdauxSize, 0, 2, vdsoVersion, versionOff, true)

	// Section headers and their names.
	shstr := []byte{0}
	shname := func(s string) uint32 {
		at := uint32(len(shstr))
		shstr = append(append(shstr, s...), 0)
		return at
	}
	type section struct {
		name           string
		typ            uint32
		flags          uint64
		off, size      int
		link, info     uint32
		align, entsize uint64
	}
	const shfAlloc, shfExec, shfWrite = 2, 4, 1
	sections := []section{
		{},
		{".hash", 5, shfAlloc, hashOff, symOff - hashOff, 2, 0, 8, 4},
		{".dynsym", 11, shfAlloc, symOff, nsym * symSize, 3, 2, 8, symSize},
		{".dynstr", 3, shfAlloc, strOff, len(strtab), 0, 0, 1, 0},
		{".gnu.version", 0x6fffffff, shfAlloc, versymOff, 2 * nsym, 2, 0, 2, 2},
		{".gnu.version_d", 0x6ffffffd, shfAlloc, verdefOff, 2 * (verdefSize + verdauxSize), 3, 2, 4, 0},
		{".text", 1, shfAlloc | shfExec, textOff, textEnd - textOff, 0, 0, 16, 0},
		{".dynamic", 6, shfAlloc | shfWrite, dynOff, dynEnd - dynOff, 3, 0, 8, 16},
		{".shstrtab", 3, 0, 0, 0, 0, 0, 1, 0},
	}
	names := make([]uint32, len(sections))
	for i := 1; i < len(sections); i++ {
		names[i] = shname(sections[i].name)
	}
	shstrOff := alloc(len(shstr), 1)
	copy(img[shstrOff:], shstr)
	sections[len(sections)-1].off, sections[len(sections)-1].size = shstrOff, len(shstr)
	shoff := alloc(len(sections)*shent, 8)
	for i, s := range sections {
		b := img[shoff+shent*i:]
		le.PutUint32(b, names[i])
		le.PutUint32(b[4:], s.typ)
		le.PutUint64(b[8:], s.flags)
		if s.flags&shfAlloc != 0 {
			le.PutUint64(b[16:], uint64(s.off)) // sh_addr
		}
		le.PutUint64(b[24:], uint64(s.off))
		le.PutUint64(b[32:], uint64(s.size))
		le.PutUint32(b[40:], s.link)
		le.PutUint32(b[44:], s.info)
		le.PutUint64(b[48:], s.align)
		le.PutUint64(b[56:], s.entsize)
	}
	if off > len(img) {
		panic("syscalls: the vDSO does not fit in a page")
	}

	// ELF header.
	copy(img, "\x7fELF\x02\x01\x01")
	le.PutUint16(img[16:], 3)   // ET_DYN
	le.PutUint16(img[18:], 183) // EM_AARCH64
	le.PutUint32(img[20:], 1)   // EV_CURRENT
	le.PutUint64(img[32:], uint64(phoff))
	le.PutUint64(img[40:], uint64(shoff))
	le.PutUint16(img[52:], ehdr)
	le.PutUint16(img[54:], phent)
	le.PutUint16(img[56:], nph)
	le.PutUint16(img[58:], shent)
	le.PutUint16(img[60:], uint16(len(sections)))
	le.PutUint16(img[62:], uint16(len(sections)-1)) // e_shstrndx
	putPhdr := func(i int, typ, flags uint32, o, size, align uint64) {
		b := img[phoff+phent*i:]
		le.PutUint32(b, typ)
		le.PutUint32(b[4:], flags)
		le.PutUint64(b[8:], o)
		le.PutUint64(b[16:], o) // p_vaddr
		le.PutUint64(b[24:], o) // p_paddr
		le.PutUint64(b[32:], size)
		le.PutUint64(b[40:], size)
		le.PutUint64(b[48:], align)
	}
	putPhdr(0, 1 /* PT_LOAD */, 5 /* R+X */, 0, guestmem.PageSize, guestmem.PageSize)
	putPhdr(1, 2 /* PT_DYNAMIC */, 4, uint64(dynOff), uint64(dynEnd-dynOff), 8)
	return vdsoImage{bytes: img, funcs: funcs}
}

// SetupVDSO maps the vDSO where the guest's mmap finds room and returns
// its address (AT_SYSINFO_EHDR). Handlers without SA_RESTORER return to
// its __kernel_rt_sigreturn.
func (p *Process) SetupVDSO() (uint64, error) {
	vdsoOnce.Do(func() { vdsoBuilt = buildVDSO() })
	addr, e := p.Mem.MapAnywhere(0, guestmem.PageSize, guestmem.ProtRead|guestmem.ProtWrite,
		guestmem.MapPrivate|guestmem.MapAnonymous, -1, 0, "[vdso]")
	if e != 0 {
		return 0, e
	}
	copy(guestBytes(addr, guestmem.PageSize), vdsoBuilt.bytes)
	if e := p.Mem.Protect(addr, guestmem.PageSize, guestmem.ProtRead|guestmem.ProtExec); e != 0 {
		return 0, e
	}
	p.SigreturnTrampoline = addr + vdsoBuilt.funcs["__kernel_rt_sigreturn"]
	return addr, nil
}
