package main

// Random A64 test programs for the differential fuzzer (difffuzz_test.go).
//
// A program is a static arm64 ELF built in memory (buildELF in demo.go)
// with two segments: code, and data holding the initial register values,
// a register dump, a scratch area and a stack area. The code is
//
//	prologue: load NZCV, FPCR, FPSR, V0–V31, SP and X0–X30 from the data
//	body:     the random instructions, each a "unit" (see fuzzUnit)
//	epilogue: store X0–X30, SP, NZCV, FPCR, FPSR and V0–V31 to the dump,
//	          write(1, dump, dump+scratch+stack), exit_group(0)
//
// so the program's stdout is its entire final architectural state plus
// every byte its loads and stores could reach. Nothing in it depends on the
// host, the time or the environment: any difference between two runs is a
// difference between the implementations.
//
// Memory instructions keep their random base register. Each is preceded by
// instructions that point the base at the middle of the scratch area (ADR,
// which is PC-relative and therefore the same everywhere) or, for SP, at
// the middle of the stack area; a register offset is set to a small value
// the same way. Any instruction may therefore write any register, SP
// included, and memory accesses still stay inside the dumped areas.

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"ferry/decoder"

	"golang.org/x/arch/arm64/arm64asm"
)

// Guest addresses of an image's two segments. Several programs may share
// an image (a batch, see fuzzImage): their code follows one another and
// each has its own data block of fuzzDataSize bytes. All data must be
// within ±1 MiB of every instruction so one ADR reaches it.
const (
	fuzzCodeBase = 0x400000
	fuzzTextBase = fuzzCodeBase + 64 + 3*56 // after the ELF and program headers (elfHeadersLen(2))
	fuzzDataBase = 0x440000
	fuzzCodeMax  = fuzzDataBase - fuzzTextBase
	fuzzMaxBatch = 32
)

// Layout of a program's data block.
const (
	fuzzInitOff = 0x0000 // initial state, in the dump's layout (fuzzState*)
	fuzzDumpOff = 0x1000 // final state, written to stdout with the areas below

	fuzzScratchOff  = 0x1400 // memory reached through a general register base
	fuzzScratchSize = 0x2000
	fuzzStackOff    = fuzzScratchOff + fuzzScratchSize // memory reached through SP
	fuzzStackSize   = 0x2000
	fuzzDataSize    = fuzzStackOff + fuzzStackSize

	// Bases sit in the middle of their areas: loads and stores reach
	// base-1024 (LDP Q, imm7) to base+4096 (LDR Q, clamped imm12, see
	// clampUImm), and the areas extend 2 KiB below and 6 KiB above.
	fuzzBaseInArea     = 0x800
	fuzzScratchBaseOff = fuzzScratchOff + fuzzBaseInArea
	fuzzStackBaseOff   = fuzzStackOff + fuzzBaseInArea

	// fuzzOutputLen is what the epilogue writes: dump, scratch and stack.
	fuzzOutputLen = fuzzDataSize - fuzzDumpOff
)

// Layout of a register state record (initial values and dump alike).
const (
	fuzzStateX    = 0x000 // X0..X30, 8 bytes each
	fuzzStateSP   = 0x0f8
	fuzzStateNZCV = 0x100
	fuzzStateFPCR = 0x108
	fuzzStateFPSR = 0x110
	// PSTATE.SSBS and PSTATE.DIT, each as MRS reads it (bit 12, bit 24):
	// the prologue sets both from here, so the programs do not depend on
	// the state a runner starts in (qemu-aarch64 starts with SSBS clear,
	// arm64 Linux, and ferry, with it set).
	fuzzStateSSBS = 0x118
	fuzzStateDIT  = 0x120
	fuzzStateV    = 0x200 // V0..V31, 16 bytes each
	fuzzStateLen  = 0x400
)

// fuzzStateSysRegs are the system registers the prologue loads from the
// initial state (and the epilogue dumps, in this order).
var fuzzStateSysRegs = []struct{ sys, off uint32 }{
	{sysNZCV, fuzzStateNZCV}, {sysFPCR, fuzzStateFPCR}, {sysFPSR, fuzzStateFPSR},
	{sysSSBS, fuzzStateSSBS}, {sysDIT, fuzzStateDIT},
}

// fuzzTempReg is the register the SP and FZ fixups go through.
const fuzzTempReg = 17

// A64 encoders used by the prologue, epilogue and fixups (Arm ARM C6/C7);
// TestFuzzProgramEncoding checks them against arm64asm.

// adr is ADR Xd, pc+off.
func adr(rd uint32, off int64) uint32 {
	imm := uint32(off) & (1<<21 - 1)
	return 0x10000000 | (imm&3)<<29 | (imm>>2)<<5 | rd
}

// ldrX64/strX64 are LDR/STR Xt, [Xn|SP, #off] (off a multiple of 8).
func ldrX64(rt, rn, off uint32) uint32 { return 0xf9400000 | (off/8)<<10 | rn<<5 | rt }
func strX64(rt, rn, off uint32) uint32 { return 0xf9000000 | (off/8)<<10 | rn<<5 | rt }

// ldrQ/strQ are LDR/STR Qt, [Xn|SP, #off] (off a multiple of 16).
func ldrQ(rt, rn, off uint32) uint32 { return 0x3dc00000 | (off/16)<<10 | rn<<5 | rt }
func strQ(rt, rn, off uint32) uint32 { return 0x3d800000 | (off/16)<<10 | rn<<5 | rt }

// System register encodings for MSR/MRS (op0:op1:CRn:CRm:op2 in bits 19:5).
const (
	sysNZCV  = 0x3<<14 | 0x3<<11 | 0x4<<7 | 0x2<<3 | 0
	sysFPCR  = 0x3<<14 | 0x3<<11 | 0x4<<7 | 0x4<<3 | 0
	sysFPSR  = 0x3<<14 | 0x3<<11 | 0x4<<7 | 0x4<<3 | 1
	sysTPIDR = 0x3<<14 | 0x3<<11 | 0xd<<7 | 0x0<<3 | 2
	sysDIT   = 0x3<<14 | 0x3<<11 | 0x4<<7 | 0x2<<3 | 5
	sysSSBS  = 0x3<<14 | 0x3<<11 | 0x4<<7 | 0x2<<3 | 6
)

// andNotFZ is AND Xd, Xn, #~(1 << 24) (FPCR.FZ): N = 1, the 63 ones of
// imms = 62 rotated right by immr = 39 put the zero at bit 24.
func andNotFZ(rd, rn uint32) uint32 { return 0x92000000 | 1<<22 | 39<<16 | 62<<10 | rn<<5 | rd }

// msr is MSR <sysreg>, Xt; mrs is MRS Xt, <sysreg>.
func msr(sysreg, rt uint32) uint32 { return 0xd5100000 | (sysreg&0x7fff)<<5 | rt }
func mrs(sysreg, rt uint32) uint32 { return 0xd5300000 | (sysreg&0x7fff)<<5 | rt }

// Architectural FPCR fields a program may set.
const (
	fpcrFZ16  = 1 << 19
	fpcrRMode = 3 << 22
	fpcrFZ    = 1 << 24
	fpcrDN    = 1 << 25
	fpcrAHP   = 1 << 26
)

// FPSR cumulative flags: IOC, DZC, OFC, UFC, IXC, IDC, QC.
const fpsrFlags = 1<<0 | 1<<1 | 1<<2 | 1<<3 | 1<<4 | 1<<7 | 1<<27

// fuzzUnit is one random instruction with the fixups that make it safe to
// run: minimisation removes or keeps a unit as a whole.
type fuzzUnit struct {
	fixups []fuzzFixup // make the instruction's memory access safe
	word   uint32      // the instruction under test
	// endBlock follows the instruction with B .+4, which ends the
	// translated block there. The JIT runs a block that holds any op it
	// cannot compile in the interpreter, so only short blocks put most
	// instructions through the JIT.
	endBlock bool
}

// branchNext is B .+4.
const branchNext = 0x14000001

// fuzzFixup is an instruction inserted before a memory access. Its ADR
// displacement depends on where it lands, so it is encoded only when the
// program is laid out.
type fuzzFixup struct {
	kind fixupKind
	reg  uint32 // the register set
	imm  uint32 // fixOffset: the value
}

type fixupKind uint8

const (
	fixScratchBase fixupKind = iota // ADR Xreg, scratch base
	fixStackBase                    // ADR X17, stack base; MOV SP, X17
	fixOffset                       // MOVZ Xreg, #imm
	// fixClearFZ clears FPCR.FZ through X17 (MRS, AND, MSR) before
	// FJCVTZS: with FZ set and a denormal operand, qemu-aarch64 7.2 sets
	// the Z flag, but the Arm ARM's FPToFixedJS clears it (the flushed
	// operand is a zero that is not the value 0; QEMU issue 2375). ferry
	// follows the Arm ARM; ir/interp's TestFJCVTZS covers the FZ cases.
	fixClearFZ
)

// encode appends the unit's words to c, the code so far; pc(c) is the
// address the next word of c will have, data the program's data block.
func (u fuzzUnit) encode(c []uint32, pc func([]uint32) int64, data int64) []uint32 {
	for _, f := range u.fixups {
		switch f.kind {
		case fixScratchBase:
			c = append(c, adr(f.reg, data+fuzzScratchBaseOff-pc(c)))
		case fixStackBase:
			c = append(c, adr(fuzzTempReg, data+fuzzStackBaseOff-pc(c)), addImm64(sp, fuzzTempReg, 0))
		case fixOffset:
			c = append(c, movz64(f.reg, f.imm))
		case fixClearFZ:
			c = append(c, mrs(sysFPCR, fuzzTempReg), andNotFZ(fuzzTempReg, fuzzTempReg), msr(sysFPCR, fuzzTempReg))
		}
	}
	c = append(c, u.word)
	if u.endBlock {
		c = append(c, branchNext)
	}
	return c
}

// fuzzProgram is one generated test: initial state and instructions.
type fuzzProgram struct {
	seed, index uint64
	init        [fuzzStateLen]byte // initial registers, fuzzState* layout
	scratch     [fuzzScratchSize]byte
	stack       [fuzzStackSize]byte
	units       []fuzzUnit
}

// code returns the instructions of p alone in an image.
func (p *fuzzProgram) code() (c []uint32, unitAt []int) {
	return p.emit(nil, fuzzDataBase, true)
}

// emit appends the program's instructions to c, the image's code so far:
// prologue, units, epilogue. data is the address of its data block; the
// last program of an image exits, the others fall through to the next.
// unitAt[i] is the index in c of unit i's first word; unitAt[len(units)]
// is where the epilogue starts.
func (p *fuzzProgram) emit(c []uint32, data int64, last bool) (_ []uint32, unitAt []int) {
	pc := func(c []uint32) int64 { return fuzzTextBase + 4*int64(len(c)) }
	// dataRel is the displacement from the next instruction to data offset
	// d; it must be evaluated in an append of that instruction alone.
	dataRel := func(d int) int64 { return data + int64(d) - pc(c) }

	c = append(c, adr(0, dataRel(fuzzInitOff)))
	for _, sr := range fuzzStateSysRegs {
		c = append(c, ldrX64(1, 0, sr.off), msr(sr.sys, 1))
	}
	for v := uint32(0); v < 32; v++ {
		c = append(c, ldrQ(v, 0, fuzzStateV+16*v))
	}
	c = append(c, adr(1, dataRel(fuzzStackBaseOff)), addImm64(sp, 1, 0))
	for x := uint32(30); x >= 1; x-- {
		c = append(c, ldrX64(x, 0, fuzzStateX+8*x))
	}
	c = append(c, ldrX64(0, 0, fuzzStateX))

	for _, u := range p.units {
		unitAt = append(unitAt, len(c))
		c = u.encode(c, pc, data)
	}
	unitAt = append(unitAt, len(c))

	// Epilogue. Every general register is live, so X0 is parked in
	// TPIDR_EL0 (writable at EL0, untouched by the body) to free a base.
	c = append(c, msr(sysTPIDR, 0))
	c = append(c, adr(0, dataRel(fuzzDumpOff)))
	for x := uint32(1); x <= 30; x++ {
		c = append(c, strX64(x, 0, fuzzStateX+8*x))
	}
	c = append(c,
		mrs(sysTPIDR, 1), strX64(1, 0, fuzzStateX),
		addImm64(1, sp, 0), strX64(1, 0, fuzzStateSP),
		mrs(sysNZCV, 1), strX64(1, 0, fuzzStateNZCV),
		mrs(sysFPCR, 1), strX64(1, 0, fuzzStateFPCR),
		mrs(sysFPSR, 1), strX64(1, 0, fuzzStateFPSR),
		mrs(sysSSBS, 1), strX64(1, 0, fuzzStateSSBS),
		mrs(sysDIT, 1), strX64(1, 0, fuzzStateDIT))
	for v := uint32(0); v < 32; v++ {
		c = append(c, strQ(v, 0, fuzzStateV+16*v))
	}
	c = append(c, movz64(x0, 1)) // stdout
	c = append(c, adr(1, dataRel(fuzzDumpOff)),
		movz64(x2, fuzzOutputLen),
		movz64(x8, sysWrite),
		svc0)
	if last {
		c = append(c, movz64(x0, 0), movz64(x8, sysExitGroup), svc0)
	}
	return c, unitAt
}

// elf returns the program as an executable image.
func (p *fuzzProgram) elf() ([]byte, error) { return fuzzImage([]*fuzzProgram{p}) }

// fuzzImage returns an executable running progs one after the other: its
// output is their outputs concatenated. Batching saves a process start per
// program; the programs share nothing (each prologue sets every register
// and each has its own memory).
func fuzzImage(progs []*fuzzProgram) ([]byte, error) {
	if len(progs) == 0 || len(progs) > fuzzMaxBatch {
		return nil, fmt.Errorf("%d programs in one image (1..%d)", len(progs), fuzzMaxBatch)
	}
	var code []uint32
	data := make([]byte, fuzzDataSize*len(progs))
	for i, p := range progs {
		code, _ = p.emit(code, fuzzDataBase+int64(i*fuzzDataSize), i == len(progs)-1)
		block := data[i*fuzzDataSize:]
		copy(block[fuzzInitOff:], p.init[:])
		copy(block[fuzzScratchOff:], p.scratch[:])
		copy(block[fuzzStackOff:], p.stack[:])
	}
	if 4*len(code) > fuzzCodeMax {
		return nil, fmt.Errorf("programs too long: %d instructions", len(code))
	}
	text := make([]byte, 4*len(code))
	for i, w := range code {
		binary.LittleEndian.PutUint32(text[4*i:], w)
	}
	segs := []elfSegment{
		{vaddr: fuzzCodeBase, flags: pfR | pfX, data: text},
		{vaddr: fuzzDataBase, flags: pfR | pfW, data: data},
	}
	if fuzzTextBase != fuzzCodeBase+elfHeadersLen(len(segs)) {
		panic("fuzzTextBase does not match the ELF layout")
	}
	return buildELF(fuzzTextBase, segs), nil
}

// withUnits returns a copy of p running only units.
func (p *fuzzProgram) withUnits(units []fuzzUnit) *fuzzProgram {
	q := *p
	q.units = units
	return &q
}

// Instruction classes the generator draws from. A class is a set of
// regions of the A64 encoding table (Arm ARM C4.1), each a mask/value pair
// for one encoding group: a draw picks a region at random, forces a random
// word into it and keeps it only if both decoders accept it. Regions are
// the groups, not the top-level classes, so that small groups (one-source
// data processing, FP-integer conversions, across-lanes…) are drawn as
// often as the large ones. gen, when set, draws the words instead.
type fuzzClass struct {
	name    string
	weight  int
	regions []fuzzRegion
	gen     func(*rand.Rand) uint32
}

type fuzzRegion struct{ mask, value uint32 }

var fuzzClasses = []fuzzClass{
	{name: "dp-imm", weight: 15, regions: []fuzzRegion{
		{0x1f000000, 0x10000000}, // PC-relative addressing
		{0x1f800000, 0x11000000}, // add/subtract (immediate)
		{0x1f800000, 0x12000000}, // logical (immediate)
		{0x1f800000, 0x12800000}, // move wide
		{0x1f800000, 0x13000000}, // bitfield
		{0x1f800000, 0x13800000}, // extract
	}},
	{name: "dp-reg", weight: 20, regions: []fuzzRegion{
		{0x1f000000, 0x0a000000}, // logical (shifted register)
		{0x1f200000, 0x0b000000}, // add/subtract (shifted register)
		{0x1f200000, 0x0b200000}, // add/subtract (extended register)
		{0x1fe0fc00, 0x1a000000}, // add/subtract with carry
		{0x1fe00410, 0x1a400000}, // conditional compare
		{0x1fe00800, 0x1a800000}, // conditional select
		{0x7fe00000, 0x1ac00000}, // data processing (2 source)
		{0x7fff0000, 0x5ac00000}, // data processing (1 source)
		{0x1f000000, 0x1b000000}, // data processing (3 source)
	}},
	{name: "load-store", weight: 20, regions: []fuzzRegion{
		{0x0a000000, 0x08000000}, // the whole class
		{0x3a000000, 0x28000000}, // pairs
		{0x3b000000, 0x39000000}, // unsigned offset
		{0x3b200000, 0x38000000}, // unscaled, unprivileged, pre/post-index
		{0x3b200c00, 0x38200800}, // register offset
		{0x3b200c00, 0x38200000}, // atomic memory operations
		{0x3ffffc00, 0x38bfc000}, // LDAPR (RCpc)
		{0x3f000000, 0x08000000}, // exclusive and ordered
		{0xbfbf0000, 0x0c000000}, // SIMD multiple structures
		{0xbfa00000, 0x0c800000}, // SIMD multiple structures, post-index
		{0xbf9f0000, 0x0d000000}, // SIMD single structure
		{0xbf800000, 0x0d800000}, // SIMD single structure, post-index
	}},
	{name: "simd-fp", weight: 45, regions: []fuzzRegion{
		{0x0e000000, 0x0e000000}, // the whole class
		{0x9f200400, 0x0e200400}, // three same
		{0xdf200400, 0x5e200400}, // scalar three same
		{0x9f200c00, 0x0e200000}, // three different
		{0xdf200c00, 0x5e200000}, // scalar three different
		{0x9f3e0c00, 0x0e200800}, // two-register miscellaneous
		{0xdf3e0c00, 0x5e200800}, // scalar two-register miscellaneous
		{0x9f3e0c00, 0x0e300800}, // across lanes
		{0xdf3e0c00, 0x5e300800}, // scalar pairwise
		{0x9fe08400, 0x0e000400}, // copy
		{0xdfe08400, 0x5e000400}, // scalar copy
		{0x9ff80400, 0x0f000400}, // modified immediate
		{0x9f800400, 0x0f000400}, // shift by immediate
		{0xdf800400, 0x5f000400}, // scalar shift by immediate
		{0x9f000400, 0x0f000000}, // vector x indexed element
		{0xdf000400, 0x5f000000}, // scalar x indexed element
		{0xbf208c00, 0x0e000800}, // permute
		{0xbf208400, 0x2e000000}, // extract
		{0xbf208c00, 0x0e000000}, // table lookup
		{0xff3e0c00, 0x4e280800}, // AES
		{0x5f20fc00, 0x1e200000}, // FP <-> integer conversions
		{0x7f200000, 0x1e000000}, // FP <-> fixed-point conversions
		{0x5f207c00, 0x1e204000}, // FP data processing (1 source)
		{0xff200c00, 0x1e200800}, // FP data processing (2 source)
		{0xff000000, 0x1f000000}, // FP data processing (3 source)
		{0xff203c07, 0x1e202000}, // FP compare
		{0xff200c00, 0x1e200400}, // FP conditional compare
		{0xff200c00, 0x1e200c00}, // FP conditional select
		{0x5f201fe0, 0x1e201000}, // FP immediate
	}},
	{name: "sysreg", weight: 3, gen: randSysRegAccess},
	// ARMv8.1–8.6 extensions: the cryptographic groups and the "extra"
	// three-register groups (the by-element forms are in simd-fp's
	// indexed-element regions, the LRCPC2 forms here).
	{name: "extensions", weight: 12, regions: []fuzzRegion{
		{0xff208c00, 0x5e000000}, // SHA three-register
		{0xff3e0c00, 0x5e280800}, // SHA two-register
		{0xff808000, 0xce000000}, // EOR3, BCAX, SM3SS1
		{0xffe00000, 0xce800000}, // XAR
		{0xffe0c000, 0xce408000}, // SM3TT*
		{0xffe0b000, 0xce608000}, // SHA512 three-register, RAX1, SM3PARTW*, SM4EKEY
		{0xfffff000, 0xcec08000}, // SHA512SU0, SM4E
		{0x9f208400, 0x0e008400}, // three same (extra): RDM, dot product, MMLA, FCMLA, FCADD
		{0xdf208400, 0x5e008400}, // scalar three same (extra): RDM
		{0x9f000400, 0x0f000000}, // indexed element: RDM, dot product, FCMLA
		{0xdf000400, 0x5f000000}, // scalar indexed element: RDM
		{0xfffffc00, 0x1e7e0000}, // FJCVTZS
		{0xff3e7c00, 0x1e284000}, // FRINT32Z, FRINT32X, FRINT64Z, FRINT64X (scalar)
		{0x9fbfec00, 0x0e21e800}, // FRINT32/64 (vector)
		{0x3f200c00, 0x19000000}, // LDAPUR, STLUR
	}},
	{name: "pstate", weight: 3, gen: randPSTATEAccess},
}

// randPSTATEAccess draws the flag-manipulation instructions (FEAT_FlagM,
// FEAT_FlagM2), SB, and reads and writes of PSTATE.SSBS and PSTATE.DIT.
func randPSTATEAccess(rng *rand.Rand) uint32 {
	rt := uint32(rng.IntN(32))
	switch rng.IntN(9) {
	case 0:
		return 0xd500401f | uint32(rng.IntN(3))<<5 // CFINV, XAFLAG, AXFLAG
	case 1: // RMIF Xn, #imm6, #mask
		return 0xba000400 | uint32(rng.IntN(64))<<15 | rt<<5 | uint32(rng.IntN(16))
	case 2: // SETF8, SETF16
		return 0x3a00080d | uint32(rng.IntN(2))<<14 | rt<<5
	case 3:
		return 0xd50330ff // SB
	case 4: // MSR SSBS/DIT, #imm
		return 0xd503401f | uint32(1+rng.IntN(2))<<5 | uint32(rng.IntN(16))<<8
	case 5, 6:
		return mrs([]uint32{sysSSBS, sysDIT}[rng.IntN(2)], rt)
	}
	return msr([]uint32{sysSSBS, sysDIT}[rng.IntN(2)], rt)
}

// randSysRegAccess is MRS or MSR of NZCV, FPCR or FPSR with a random
// register: the flags and FP modes change mid-program, and MSR writes
// arbitrary values into the RES0 bits.
func randSysRegAccess(rng *rand.Rand) uint32 {
	reg := []uint32{sysNZCV, sysFPCR, sysFPSR}[rng.IntN(3)]
	if rng.IntN(2) == 0 {
		return mrs(reg, uint32(rng.IntN(32)))
	}
	return msr(reg, uint32(rng.IntN(32)))
}

// fuzzPool holds valid instruction words bucketed by class and decoded
// form, so that programs sample forms uniformly within a class instead of
// in proportion to the size of their encoding space.
type fuzzPool struct {
	forms [][]decoder.Op          // per class, sorted
	words map[decoder.Op][]uint32 // per form
	// decoderGaps are words arm64asm decodes but ferry's decoder rejects.
	decoderGaps map[uint32]bool
}

// newFuzzPool draws perClass valid words for every class.
func newFuzzPool(seed uint64, perClass int) *fuzzPool {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	pool := &fuzzPool{words: map[decoder.Op][]uint32{}, decoderGaps: map[uint32]bool{}}
	for _, cl := range fuzzClasses {
		seen := map[decoder.Op]bool{}
		for n, tries := 0, 0; n < perClass && tries < 200*perClass; tries++ {
			var w uint32
			if cl.gen != nil {
				w = cl.gen(rng)
			} else {
				r := cl.regions[rng.IntN(len(cl.regions))]
				w = rng.Uint32()&^r.mask | r.value
			}
			w = clampUImm(w)
			in, ok := fuzzAccept(w, pool.decoderGaps)
			if !ok {
				continue
			}
			pool.words[in.Op] = append(pool.words[in.Op], w)
			seen[in.Op] = true
			n++
		}
		var forms []decoder.Op
		for op := range seen {
			forms = append(forms, op)
		}
		sort.Slice(forms, func(i, j int) bool { return forms[i] < forms[j] })
		pool.forms = append(pool.forms, forms)
	}
	return pool
}

// clampUImm limits the scaled 12-bit offset of the unsigned-offset loads
// and stores (bits 29:24 = 111x01) to 0..255 elements, so they stay inside
// the scratch area; other forms' offsets are small already. It also
// aligns the offsets of LDAPUR/STLUR (bits 29:24 = 011001) to their access
// size: an unaligned load-acquire or store-release is an Alignment fault
// on a core without FEAT_LSE2, as under qemu-aarch64 7.2, but ferry does
// not check the alignment of ordered accesses (docs/ISA.md, FEAT_LSE2).
func clampUImm(w uint32) uint32 {
	switch {
	case w&0x3b000000 == 0x39000000:
		w &^= 0xf << 18
	case w&0x3f200c00 == 0x19000000:
		size := w >> 30
		w &^= (1<<size - 1) << 12
	}
	return w
}

// fuzzAccept decides whether w may appear in a program and returns its
// decoding. gaps collects words only arm64asm knows.
//
// A word is defined if arm64asm decodes it, except for the instructions of
// the optional features arm64asm does not know (LSE, LOR, RCpc, RDM, dot
// product, SHA3…: decoder.Inst.Feature): for those ferry's decoder
// decides, and qemu -cpu max (which implements them all) must agree, or
// the program fails as undefined under the oracle.
func fuzzAccept(w uint32, gaps map[uint32]bool) (decoder.Inst, bool) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], w)
	_, asmErr := arm64asm.Decode(b[:])
	in := decoder.Decode(w)
	switch {
	case asmErr != nil && in.Feature() == "":
		return in, false
	case in.Op == decoder.Undefined:
		if gaps != nil {
			gaps[w] = true
		}
		return in, false
	case qemuErratum(w) != nil:
		return in, false
	}
	if !in.Op.IsMemory() && !decoder.IsSIMDLoadStore(w) {
		return in, true
	}
	switch in.Op {
	case decoder.LDR_lit, decoder.PRFM_lit:
		return in, false // PC-relative: would read the code
	case decoder.LDXR, decoder.LDAXR, decoder.STXR, decoder.STLXR,
		decoder.LDXP, decoder.LDAXP, decoder.STXP, decoder.STLXP:
		return in, false // exclusive monitor: outside this test's scope
	}
	// Atomics, LDAPR, LDAR and friends must be aligned: they have no
	// offset and the bases are 16-byte aligned.
	if decoder.IsSIMDLoadStore(w) {
		return in, true
	}
	rn := decoder.Reg(w >> 5 & 31)
	if !in.FP && in.Wback && rn != decoder.SP && (in.Rt == rn || isPair(in.Op) && in.Rt2 == rn) {
		return in, false // CONSTRAINED UNPREDICTABLE: writeback into the transfer register
	}
	if isPair(in.Op) && isLoad(in.Op) && in.Rt == in.Rt2 {
		return in, false // CONSTRAINED UNPREDICTABLE: LDP to one register twice
	}
	if (in.Op == decoder.LDR_reg || in.Op == decoder.STR_reg || in.Op == decoder.PRFM_reg) && in.Rm == rn {
		return in, false // the fixup could not make both base and offset safe
	}
	return in, true
}

func isPair(op decoder.Op) bool {
	switch op {
	case decoder.LDP_off, decoder.LDP_pre, decoder.LDP_post, decoder.LDNP,
		decoder.STP_off, decoder.STP_pre, decoder.STP_post, decoder.STNP:
		return true
	}
	return false
}

func isLoad(op decoder.Op) bool {
	switch op {
	case decoder.LDP_off, decoder.LDP_pre, decoder.LDP_post, decoder.LDNP:
		return true
	}
	return false
}

// unitFor wraps w, an accepted word, with the fixups its memory access
// needs.
func unitFor(w uint32, rng *rand.Rand) fuzzUnit {
	in := decoder.Decode(w)
	u := fuzzUnit{word: w}
	if in.Op == decoder.FJCVTZS {
		u.fixups = append(u.fixups, fuzzFixup{kind: fixClearFZ})
	}
	if !in.Op.IsMemory() && !decoder.IsSIMDLoadStore(w) {
		return u
	}
	if rn := w >> 5 & 31; rn == 31 {
		u.fixups = append(u.fixups, fuzzFixup{kind: fixStackBase})
	} else {
		u.fixups = append(u.fixups, fuzzFixup{kind: fixScratchBase, reg: rn})
	}
	if (in.Op == decoder.LDR_reg || in.Op == decoder.STR_reg || in.Op == decoder.PRFM_reg) && in.Rm != decoder.ZR {
		u.fixups = append(u.fixups, fuzzFixup{kind: fixOffset, reg: uint32(in.Rm), imm: uint32(rng.IntN(256))})
	}
	return u
}

// newFuzzProgram generates program index of a campaign.
func newFuzzProgram(pool *fuzzPool, seed, index uint64, length int) *fuzzProgram {
	rng := rand.New(rand.NewPCG(seed, index))
	p := &fuzzProgram{seed: seed, index: index}
	le := binary.LittleEndian
	for x := 0; x < 31; x++ {
		le.PutUint64(p.init[fuzzStateX+8*x:], randInt64(rng))
	}
	le.PutUint64(p.init[fuzzStateNZCV:], uint64(rng.IntN(16))<<28)
	var fpcr, fpsr uint64
	if rng.IntN(3) == 0 { // a third of the programs run in a non-default FP mode
		fpcr = rng.Uint64() & (fpcrRMode | fpcrFZ | fpcrDN | fpcrAHP | fpcrFZ16)
	}
	if rng.IntN(4) == 0 {
		fpsr = rng.Uint64() & fpsrFlags
	}
	le.PutUint64(p.init[fuzzStateFPCR:], fpcr)
	le.PutUint64(p.init[fuzzStateFPSR:], fpsr)
	le.PutUint64(p.init[fuzzStateSSBS:], uint64(rng.IntN(2))<<12)
	le.PutUint64(p.init[fuzzStateDIT:], uint64(rng.IntN(2))<<24)
	for v := 0; v < 32; v++ {
		fillVector(p.init[fuzzStateV+16*v:fuzzStateV+16*v+16], rng)
	}
	for i := 0; i < len(p.scratch); i += 16 {
		fillVector(p.scratch[i:i+16], rng)
	}
	for i := 0; i < len(p.stack); i += 16 {
		fillVector(p.stack[i:i+16], rng)
	}

	total := 0
	for _, cl := range fuzzClasses {
		total += cl.weight
	}
	for len(p.units) < length {
		pick := rng.IntN(total)
		ci := 0
		for ; pick >= fuzzClasses[ci].weight; ci++ {
			pick -= fuzzClasses[ci].weight
		}
		forms := pool.forms[ci]
		if len(forms) == 0 {
			continue
		}
		words := pool.words[forms[rng.IntN(len(forms))]]
		p.units = append(p.units, unitFor(words[rng.IntN(len(words))], rng))
	}
	// Block shape: one long block (instructions interact within a
	// translation), one block per instruction (the JIT compiles every
	// instruction it supports), or random lengths.
	switch rng.IntN(3) {
	case 1:
		for i := range p.units {
			p.units[i].endBlock = true
		}
	case 2:
		for i := range p.units {
			p.units[i].endBlock = rng.IntN(4) == 0
		}
	}
	return p
}

// randInt64 draws a general register value: boundary values are much more
// likely than in a uniform draw, since most bugs live there.
func randInt64(rng *rand.Rand) uint64 {
	switch rng.IntN(10) {
	case 0:
		return []uint64{0, 1, 2, 0xffffffffffffffff, 0x7fffffffffffffff, 0x8000000000000000,
			0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0xffffffff80000000}[rng.IntN(11)]
	case 1:
		return uint64(rng.IntN(64)) // shift amounts, small counts
	case 2:
		return uint64(int64(int32(rng.Uint32()))) // sign-extended 32-bit
	case 3:
		return uint64(rng.Uint32())
	case 4:
		return 1 << rng.IntN(64)
	}
	return rng.Uint64()
}

// fillVector fills 16 bytes with lanes chosen to exercise FP and integer
// SIMD edge cases: special floats of each width, boundary integers, or
// random bits.
func fillVector(b []byte, rng *rand.Rand) {
	le := binary.LittleEndian
	switch rng.IntN(5) {
	case 0:
		for i := 0; i < 16; i += 8 {
			le.PutUint64(b[i:], special64(rng))
		}
	case 1:
		for i := 0; i < 16; i += 4 {
			le.PutUint32(b[i:], special32(rng))
		}
	case 2:
		for i := 0; i < 16; i += 2 {
			le.PutUint16(b[i:], special16(rng))
		}
	case 3:
		for i := 0; i < 16; i += 8 {
			le.PutUint64(b[i:], randInt64(rng))
		}
	default:
		for i := 0; i < 16; i += 8 {
			le.PutUint64(b[i:], rng.Uint64())
		}
	}
}

// special64 is a double that is often a special value: zeros, infinities,
// NaNs (quiet and signalling, with payloads), denormals, the largest and
// smallest normals, values near integer bounds, halves, or random bits.
func special64(rng *rand.Rand) uint64 {
	sign := uint64(rng.IntN(2)) << 63
	switch rng.IntN(13) {
	case 0:
		return sign
	case 1:
		return sign | 0x7ff0000000000000
	case 2:
		return sign | 0x7ff8000000000000 | rng.Uint64()&(1<<51-1) // quiet NaN
	case 3:
		return sign | 0x7ff0000000000000 | (rng.Uint64()&(1<<51-1) | 1) // signalling NaN
	case 4:
		return sign | rng.Uint64()&(1<<52-1) // denormal
	case 5:
		return sign | []uint64{0x0010000000000000, 0x7fefffffffffffff, 0x3ff0000000000000,
			0x3fe0000000000000, 0x43e0000000000000, 0x41e0000000000000, 0x41f0000000000000,
			0x43f0000000000000, 0x3ff8000000000000, 0x4004000000000000}[rng.IntN(10)]
	case 6, 7:
		return sign | math.Float64bits(float64(rng.IntN(2001)-1000)/float64(1+rng.IntN(8)))
	case 8:
		return math.Float64bits(math.Ldexp(rng.Float64(), rng.IntN(140)-70)) | sign
	case 9: // near the underflow threshold or the top of the range
		return math.Float64bits(math.Ldexp(1+rng.Float64(), []int{-1022, 1023}[rng.IntN(2)]-rng.IntN(60)+30)) | sign
	}
	return rng.Uint64()
}

// special32 is special64's single-precision counterpart.
func special32(rng *rand.Rand) uint32 {
	sign := uint32(rng.IntN(2)) << 31
	switch rng.IntN(13) {
	case 0:
		return sign
	case 1:
		return sign | 0x7f800000
	case 2:
		return sign | 0x7fc00000 | rng.Uint32()&(1<<22-1)
	case 3:
		return sign | 0x7f800000 | (rng.Uint32()&(1<<22-1) | 1)
	case 4:
		return sign | rng.Uint32()&(1<<23-1)
	case 5:
		return sign | []uint32{0x00800000, 0x7f7fffff, 0x3f800000, 0x3f000000, 0x4f000000,
			0x5f000000, 0x4f800000, 0x5f800000, 0x3fc00000, 0x47000000}[rng.IntN(10)]
	case 6, 7:
		return sign | math.Float32bits(float32(rng.IntN(2001)-1000)/float32(1+rng.IntN(8)))
	case 8:
		return math.Float32bits(float32(math.Ldexp(rng.Float64(), rng.IntN(60)-30))) | sign
	case 9:
		return math.Float32bits(float32(math.Ldexp(1+rng.Float64(), []int{-126, 127}[rng.IntN(2)]-rng.IntN(30)+15))) | sign
	}
	return rng.Uint32()
}

// special16 is special64's half-precision counterpart.
func special16(rng *rand.Rand) uint16 {
	sign := uint16(rng.IntN(2)) << 15
	switch rng.IntN(10) {
	case 0:
		return sign
	case 1:
		return sign | 0x7c00
	case 2:
		return sign | 0x7e00 | uint16(rng.IntN(1<<9))
	case 3:
		return sign | 0x7c00 | uint16(rng.IntN(1<<9)) | 1
	case 4:
		return sign | uint16(rng.IntN(1<<10))
	case 5:
		return sign | []uint16{0x0400, 0x7bff, 0x3c00, 0x3800, 0x7800}[rng.IntN(5)]
	}
	return uint16(rng.Uint32())
}

// disasm renders w for reports: arm64asm's GNU syntax and ferry's decoding.
func disasm(w uint32) string {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], w)
	gnu := "?"
	if inst, err := arm64asm.Decode(b[:]); err == nil {
		gnu = arm64asm.GNUSyntax(inst)
	}
	return fmt.Sprintf("%08x  %-40s ; ferry: %s", w, gnu, decoder.Decode(w))
}

// listing renders a program's units for reports.
func (p *fuzzProgram) listing() string {
	var sb strings.Builder
	code, unitAt := p.code()
	for i, u := range p.units {
		words := code[unitAt[i]:unitAt[i+1]]
		if u.endBlock {
			words = words[:len(words)-1]
		}
		for _, f := range words[:len(words)-1] {
			fmt.Fprintf(&sb, "    (fixup) %s\n", disasm(f))
		}
		fmt.Fprintf(&sb, "    %s\n", disasm(words[len(words)-1]))
		if u.endBlock {
			sb.WriteString("    (end of block)\n")
		}
	}
	return sb.String()
}
