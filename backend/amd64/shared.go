package amd64

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"runtime/debug"
	"sync/atomic"
	"unsafe"

	"ferry/ir"
	"ferry/syscalls/hostfd"

	"golang.org/x/sys/unix"
)

// Shared code: compiled blocks saved in memory that every ferry process of
// a process tree maps (or, given a file, every process on the machine), so
// a new process — an exec'd program, a forked child — reuses what another
// already compiled instead of translating it again. Process start-up is
// mostly translation (for `busybox true`, about two thirds of ferry's CPU
// time is lifting and compiling the ~700 blocks glibc's start-up runs), and
// build steps start thousands of processes running the same code.
//
// A saved block is valid wherever guest memory holds exactly the
// instruction words it was compiled from at the same address (compiled
// code embeds guest addresses), with the same engine configuration: a
// lookup compares the words themselves, not a hash, so reuse is exact.
// Chain exits embed a per-process site id, which is patched on reuse.
//
// The region is a MAP_SHARED file (a memfd by default, inherited across
// execve and fork). It is append-only: a writer reserves space with an
// atomic add on the header, writes the record, then publishes its offset
// in an open-addressing table with a compare-and-swap, so readers never
// see a partial record and no lock is needed across processes. When it is
// full, processes simply stop saving. Records are checked against the
// region's bounds when read, so a damaged region costs reuse, never a
// crash. Whoever can write the region chooses host code that ferry runs:
// a cache file must be as private as the ferry binary itself.

const (
	sharedMagic   = 0x31435446_59525245 // "ERRYFTC1", little endian
	sharedSize    = 256 << 20           // sparse: pages cost only when written
	sharedSlots   = 1 << 18
	sharedProbes  = 32
	sharedHdrSize = 64
	recMagic      = 0x4b4c4246 // "FBLK"
	recHdrSize    = 40
	siteRecSize   = 24
	insnRecSize   = 16
)

// sharedHeader is the region's first 64 bytes.
type sharedHeader struct {
	magic  uint64
	config uint64 // what compiled code depends on besides guest code
	size   uint64
	slots  uint64
	alloc  atomic.Uint64 // next free byte
	_      [3]uint64
}

// SharedCode is one process's view of a shared code region.
type SharedCode struct {
	fd                  int
	mem                 []byte
	hdr                 *sharedHeader
	slots               []atomic.Uint64 // record offsets; 0 is an empty slot
	saved, reused, full atomic.Int64
}

// ErrSharedMismatch: the region was made by another ferry build or
// configuration (or is not a region at all).
var ErrSharedMismatch = errors.New("shared code region made by another ferry build or configuration")

// CreateSharedCode makes a fresh region in a memfd (FD_CLOEXEC: whoever
// passes it on clears the flag for that exec) for engines of this
// configuration (Engine.SharedConfig).
func CreateSharedCode(config uint64) (*SharedCode, error) {
	fd, err := unix.MemfdCreate("ferry-code", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	fd = hostfd.Keep(fd) // out of the guest's low fd numbers
	if err := InitSharedCode(fd, config); err != nil {
		hostfd.Close(fd)
		return nil, err
	}
	s, err := OpenSharedCode(fd, config)
	if err != nil {
		hostfd.Close(fd)
	}
	return s, err
}

// InitSharedCode makes the file fd an empty region for config, discarding
// what it held. The caller must keep others from using it meanwhile.
func InitSharedCode(fd int, config uint64) error {
	if err := unix.Ftruncate(fd, 0); err != nil {
		return err
	}
	if err := unix.Ftruncate(fd, sharedSize); err != nil {
		return err
	}
	s, err := mapShared(fd)
	if err != nil {
		return err
	}
	defer unix.Munmap(s.mem)
	s.hdr.config = config
	s.hdr.size = sharedSize
	s.hdr.slots = sharedSlots
	s.hdr.alloc.Store(uint64(sharedHdrSize + 8*sharedSlots))
	atomic.StoreUint64(&s.hdr.magic, sharedMagic)
	return nil
}

// OpenSharedCode maps the region another ferry made in fd (the fd is the
// caller's; Close closes it).
func OpenSharedCode(fd int, config uint64) (*SharedCode, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, err
	}
	if st.Size != sharedSize {
		return nil, ErrSharedMismatch
	}
	s, err := mapShared(fd)
	if err != nil {
		return nil, err
	}
	if atomic.LoadUint64(&s.hdr.magic) != sharedMagic || s.hdr.config != config ||
		s.hdr.size != sharedSize || s.hdr.slots != sharedSlots {
		unix.Munmap(s.mem)
		return nil, ErrSharedMismatch
	}
	return s, nil
}

func mapShared(fd int) (*SharedCode, error) {
	mem, err := unix.Mmap(fd, 0, sharedSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_NORESERVE)
	if err != nil {
		return nil, err
	}
	s := &SharedCode{fd: fd, mem: mem, hdr: (*sharedHeader)(unsafe.Pointer(&mem[0]))}
	s.slots = unsafe.Slice((*atomic.Uint64)(unsafe.Pointer(&mem[sharedHdrSize])), sharedSlots)
	return s, nil
}

// FD is the region's descriptor, to pass to another ferry.
func (s *SharedCode) FD() int { return s.fd }

// Close unmaps the region and closes its descriptor.
func (s *SharedCode) Close() {
	unix.Munmap(s.mem)
	hostfd.Close(s.fd)
}

// SharedStats counts a process's use of the region.
type SharedStats struct{ Saved, Reused, Full int }

func (s *SharedCode) Stats() SharedStats {
	return SharedStats{int(s.saved.Load()), int(s.reused.Load()), int(s.full.Load())}
}

// slot is where pc's chain of records starts.
func slotOf(pc uint64) uint64 { return (pc >> 2) * 0x9E3779B97F4A7C15 >> (64 - 18) }

// savedBlock is a record read back from the region; its slices alias the
// region (which stays mapped for the life of the process).
type savedBlock struct {
	pc, end uint64
	words   []byte // the guest instruction words, as bytes
	sites   []byte // siteRecSize each: target u64, jmp u32, stub u32, idImm u32, pad
	insns   []hostPC
	code    []byte
}

// recLayout places a record's parts: the header and guest words, then
// (8-byte aligned) the sites, the fault map and the code; end is where the
// code ends. save and record share it, so they cannot disagree.
func recLayout(nWords, nSites, nInsns, codeLen uint64) (sitesAt, insnsAt, codeAt, end uint64) {
	sitesAt = (recHdrSize + 4*nWords + 7) &^ 7
	insnsAt = sitesAt + siteRecSize*nSites
	codeAt = insnsAt + insnRecSize*nInsns
	return sitesAt, insnsAt, codeAt, codeAt + codeLen
}

// record reads the record at off, checking that it lies in the region.
func (s *SharedCode) record(off uint64) (savedBlock, bool) {
	var b savedBlock
	limit := s.hdr.alloc.Load()
	if off < sharedHdrSize+8*sharedSlots || off+recHdrSize > limit || limit > sharedSize || off%8 != 0 {
		return b, false
	}
	le := binary.LittleEndian
	h := s.mem[off : off+recHdrSize]
	if le.Uint32(h) != recMagic {
		return b, false
	}
	total := uint64(le.Uint32(h[4:]))
	b.pc, b.end = le.Uint64(h[8:]), le.Uint64(h[16:])
	nWords, nSites, nInsns, codeLen := uint64(le.Uint32(h[24:])), uint64(le.Uint32(h[28:])), uint64(le.Uint32(h[32:])), uint64(le.Uint32(h[36:]))
	sitesAt, insnsAt, codeAt, need := recLayout(nWords, nSites, nInsns, codeLen)
	if total < need || off+total > limit || b.end <= b.pc || b.end-b.pc != 4*nWords || nInsns == 0 {
		return b, false
	}
	r := s.mem[off : off+total]
	b.words = r[recHdrSize : recHdrSize+4*nWords]
	b.sites = r[sitesAt:insnsAt]
	b.insns = unsafe.Slice((*hostPC)(unsafe.Pointer(&r[insnsAt])), nInsns)
	b.code = r[codeAt : codeAt+codeLen]
	for i := range nSites {
		site := b.sites[i*siteRecSize:]
		if uint64(le.Uint32(site[8:]))+5 > codeLen || uint64(le.Uint32(site[12:])) >= codeLen ||
			uint64(le.Uint32(site[16:]))+4 > codeLen {
			return b, false
		}
	}
	for _, in := range b.insns {
		if uint64(in.off) >= codeLen {
			return b, false
		}
	}
	return b, true
}

// lookup returns a saved block at pc that match accepts.
func (s *SharedCode) lookup(pc uint64, match func(savedBlock) bool) (savedBlock, bool) {
	i := slotOf(pc)
	for range sharedProbes {
		off := s.slots[i].Load()
		if off == 0 {
			break
		}
		if b, ok := s.record(off); ok && b.pc == pc && match(b) {
			return b, true
		}
		i = (i + 1) % sharedSlots
	}
	return savedBlock{}, false
}

// save appends a compiled block to the region. words are the guest
// instruction words of [pc, end).
func (s *SharedCode) save(pc, end uint64, words []uint32, res compiled) {
	if uint64(len(words))*4 != end-pc || len(res.insns) == 0 || res.fpGuard {
		return
	}
	for _, st := range res.sites {
		if st.idImm < 0 {
			return
		}
	}
	sitesAt, insnsAt, codeAt, n := recLayout(uint64(len(words)), uint64(len(res.sites)), uint64(len(res.insns)), uint64(len(res.code)))
	n = (n + 7) &^ 7 // the next record stays 8-byte aligned
	off := s.hdr.alloc.Add(n) - n
	if off+n > sharedSize {
		s.full.Add(1)
		return
	}
	le := binary.LittleEndian
	r := s.mem[off : off+n]
	le.PutUint32(r[4:], uint32(n))
	le.PutUint64(r[8:], pc)
	le.PutUint64(r[16:], end)
	le.PutUint32(r[24:], uint32(len(words)))
	le.PutUint32(r[28:], uint32(len(res.sites)))
	le.PutUint32(r[32:], uint32(len(res.insns)))
	le.PutUint32(r[36:], uint32(len(res.code)))
	for i, w := range words {
		le.PutUint32(r[recHdrSize+4*i:], w)
	}
	for i, st := range res.sites {
		site := r[sitesAt+uint64(i*siteRecSize):]
		le.PutUint64(site, st.target)
		le.PutUint32(site[8:], uint32(st.offset))
		le.PutUint32(site[12:], uint32(st.stub))
		le.PutUint32(site[16:], uint32(st.idImm))
	}
	copy(unsafe.Slice((*hostPC)(unsafe.Pointer(&r[insnsAt])), len(res.insns)), res.insns)
	copy(r[codeAt:], res.code)
	// The magic last: a record is complete before anything points at it.
	atomic.StoreUint32((*uint32)(unsafe.Pointer(&r[0])), recMagic)
	i := slotOf(pc)
	for range sharedProbes {
		if s.slots[i].CompareAndSwap(0, off) {
			s.saved.Add(1)
			return
		}
		i = (i + 1) % sharedSlots
	}
	s.full.Add(1) // the chain is too long: the space stays unused
}

// wordsMatch reports whether guest memory at pc holds words; a fault
// while reading (the page went away) is a mismatch.
func wordsMatch(pc uint64, words []byte) (ok bool) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if recover() != nil {
			ok = false
		}
	}()
	guest := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), uintptr(pc))), len(words))
	return string(guest) == string(words)
}

// reuse turns a saved block into a translation for this runner: the code
// copied into the runner's buffer with fresh chain site ids.
func (r *runner) reuse(b savedBlock) *translation {
	le := binary.LittleEndian
	code := append(r.reuseBuf[:0], b.code...)
	r.reuseBuf = code
	n := len(b.sites) / siteRecSize
	sites := make([]chainSite, n)
	for i := range sites {
		site := b.sites[i*siteRecSize:]
		id := r.e.cache.NewSiteID()
		if id > 1<<31-1 {
			return nil
		}
		imm := int(le.Uint32(site[16:]))
		le.PutUint32(code[imm:], uint32(id))
		sites[i] = chainSite{id: id, target: le.Uint64(site), offset: int(le.Uint32(site[8:])),
			stub: int(le.Uint32(site[12:])), idImm: imm}
	}
	blk := &ir.Block{PC: b.pc, End: b.end}
	return &translation{e: r.e, blk: blk, res: compiled{code: code, sites: sites, insns: b.insns}}
}

// SharedConfig identifies what compiled code depends on besides the guest
// code: the ferry binary (helper addresses and code generation), the host
// features it uses, and options that change emitted code; extra is the
// caller's part (the CPU feature set the guest sees, say). ok is false if
// the binary cannot be identified, and then code must not be shared.
func (e *Engine) SharedConfig(extra string) (config uint64, ok bool) {
	id, ok := selfIdentity()
	if !ok {
		return 0, false
	}
	return fnv64(fmt.Sprintf("%s|%+v|%v|%s", id, e.caps, e.countRetired.Load(), extra)), true
}

func fnv64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// selfIdentity names this ferry binary by its file: device, inode, size
// and modification and change times, so a rebuilt or replaced ferry never
// reuses another build's code.
func selfIdentity() (string, bool) {
	var st unix.Stat_t
	if unix.Stat("/proc/self/exe", &st) != nil {
		return "", false
	}
	return fmt.Sprintf("%d:%d:%d:%d.%d:%d.%d", st.Dev, st.Ino, st.Size,
		st.Mtim.Sec, st.Mtim.Nsec, st.Ctim.Sec, st.Ctim.Nsec), true
}
