package main

import (
	"encoding/binary"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// The demo is a complete static arm64 Linux program built in memory from
// instruction words encoded here, so `ferry -demo` needs no toolchain, no
// files and no committed binaries. It calls uname(2), writes the machine
// field and a newline to stdout, and exits with exit_group(0): under ferry it
// prints "aarch64", because ferry presents the guest with an arm64 kernel.

const (
	demoBase  = 0x400000 // where static arm64 executables conventionally load
	elfHdrLen = 64
	phdrLen   = 56

	// arm64 (asm-generic) system call numbers.
	sysUname     = 160
	sysWrite     = 64
	sysExitGroup = 94

	utsnameField   = 65 // bytes per struct utsname field
	utsnameMachine = 4 * utsnameField
	utsnameSize    = 6 * utsnameField
)

// A64 registers as encoded in instructions. Register 31 is SP in the
// add/sub-immediate forms and XZR/WZR elsewhere.
const (
	x0, x1, x2, x3, x8 = 0, 1, 2, 3, 8
	sp                 = 31
)

// A64 instruction encoders for the handful of forms the demo needs. Each
// returns one instruction word; field layouts are from the Arm ARM (C4).

// movz64 is MOVZ Xd, #imm16.
func movz64(rd uint32, imm16 uint32) uint32 { return 0xd2800000 | imm16<<5 | rd }

// movz32 is MOVZ Wd, #imm16.
func movz32(rd uint32, imm16 uint32) uint32 { return 0x52800000 | imm16<<5 | rd }

// addImm64 is ADD Xd|SP, Xn|SP, #imm12.
func addImm64(rd, rn, imm12 uint32) uint32 { return 0x91000000 | imm12<<10 | rn<<5 | rd }

// subImm64 is SUB Xd|SP, Xn|SP, #imm12.
func subImm64(rd, rn, imm12 uint32) uint32 { return 0xd1000000 | imm12<<10 | rn<<5 | rd }

// ldrbReg is LDRB Wt, [Xn, Xm] (register offset, LSL #0).
func ldrbReg(rt, rn, rm uint32) uint32 { return 0x38606800 | rm<<16 | rn<<5 | rt }

// strbReg is STRB Wt, [Xn, Xm] (register offset, LSL #0).
func strbReg(rt, rn, rm uint32) uint32 { return 0x38206800 | rm<<16 | rn<<5 | rt }

// branchOffset encodes the word distance from instruction at to target in
// a signed field of the given width.
func branchOffset(at, target int, bits uint) uint32 {
	return uint32(target-at) & (1<<bits - 1)
}

// cbz32 is CBZ Wt, target; cbnz64 is CBNZ Xt, target (indices in words).
func cbz32(rt uint32, at, target int) uint32 {
	return 0x34000000 | branchOffset(at, target, 19)<<5 | rt
}
func cbnz64(rt uint32, at, target int) uint32 {
	return 0xb5000000 | branchOffset(at, target, 19)<<5 | rt
}

// b is B target.
func b(at, target int) uint32 { return 0x14000000 | branchOffset(at, target, 26) }

// svc0 is SVC #0, the Linux system call trap.
const svc0 = 0xd4000001

// demoCode returns the demo's instructions. Branch targets are word
// indices in this list.
func demoCode() []uint32 {
	const (
		loop = 7  // strlen loop over utsname.machine
		done = 11 // newline append and write
		fail = 20 // uname failed
	)
	code := []uint32{
		0:    movz64(x8, sysUname),
		1:    subImm64(sp, sp, (utsnameSize+15)&^15), // keep sp 16-byte aligned
		2:    addImm64(x0, sp, 0),                    // x0 = &utsname
		3:    svc0,
		4:    cbnz64(x0, 4, fail),
		5:    addImm64(x1, sp, utsnameMachine), // x1 = machine
		6:    movz64(x2, 0),                    // x2 = length
		loop: ldrbReg(x3, x1, x2),
		8:    cbz32(x3, 8, done),
		9:    addImm64(x2, x2, 1),
		10:   b(10, loop),
		done: movz32(x3, '\n'),
		12:   strbReg(x3, x1, x2), // the NUL becomes a newline
		13:   addImm64(x2, x2, 1),
		14:   movz64(x0, 1), // stdout
		15:   movz64(x8, sysWrite),
		16:   svc0,
		17:   movz64(x0, 0),
		18:   movz64(x8, sysExitGroup),
		19:   svc0,
		fail: movz64(x0, 1),
		21:   movz64(x8, sysExitGroup),
		22:   svc0,
	}
	return code
}

// demoELF returns the demo as a static ELF64 little-endian AArch64
// executable: ELF header, two program headers, then the code, all in one
// read+execute PT_LOAD segment at demoBase.
func demoELF() []byte {
	code := demoCode()
	text := make([]byte, 4*len(code))
	for i, w := range code {
		binary.LittleEndian.PutUint32(text[4*i:], w)
	}
	segs := []elfSegment{{vaddr: demoBase, flags: pfR | pfX, data: text}}
	return buildELF(demoBase+uint64(elfHeadersLen(len(segs))), segs)
}

// Program header flags.
const (
	pfX = 1
	pfW = 2
	pfR = 4
)

// elfSegmentAlign is the alignment of every PT_LOAD segment: 64 KiB is
// valid for every arm64 page size.
const elfSegmentAlign = 0x10000

// elfSegment is one PT_LOAD segment of an in-memory executable.
type elfSegment struct {
	vaddr uint64 // elfSegmentAlign-aligned; for the first segment, the address of the ELF header
	flags uint32 // pfR | pfW | pfX
	data  []byte
}

// elfHeadersLen is the size of the ELF header and program headers of an
// image with nseg PT_LOAD segments (plus PT_GNU_STACK).
func elfHeadersLen(nseg int) int { return elfHdrLen + (nseg+1)*phdrLen }

// buildELF lays out a static ELF64 little-endian AArch64 executable. The
// first segment maps the file from offset 0, headers included, so its data
// starts at segs[0].vaddr+elfHeadersLen(len(segs)); each later segment's
// data starts at the next elfSegmentAlign-aligned file offset, which keeps
// file offset and address congruent as the loader requires. The stack is
// not executable (PT_GNU_STACK).
func buildELF(entry uint64, segs []elfSegment) []byte {
	le := binary.LittleEndian
	hdrs := elfHeadersLen(len(segs))
	offsets := make([]int, len(segs))
	size := hdrs + len(segs[0].data)
	for i := 1; i < len(segs); i++ {
		offsets[i] = (size + elfSegmentAlign - 1) &^ (elfSegmentAlign - 1)
		size = offsets[i] + len(segs[i].data)
	}
	img := make([]byte, size)

	copy(img, []byte{0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LE */, 1 /* version */, 0 /* SysV */})
	le.PutUint16(img[16:], 2)   // e_type: ET_EXEC
	le.PutUint16(img[18:], 183) // e_machine: EM_AARCH64
	le.PutUint32(img[20:], 1)   // e_version
	le.PutUint64(img[24:], entry)
	le.PutUint64(img[32:], elfHdrLen) // e_phoff
	le.PutUint64(img[40:], 0)         // e_shoff: no sections
	le.PutUint32(img[48:], 0)         // e_flags
	le.PutUint16(img[52:], elfHdrLen)
	le.PutUint16(img[54:], phdrLen)
	le.PutUint16(img[56:], uint16(len(segs)+1))
	le.PutUint16(img[58:], 64) // e_shentsize
	le.PutUint16(img[60:], 0)  // e_shnum
	le.PutUint16(img[62:], 0)  // e_shstrndx

	for i, s := range segs {
		ph := img[elfHdrLen+i*phdrLen:]
		filesz := uint64(len(s.data))
		dataOff := offsets[i]
		if i == 0 {
			filesz += uint64(hdrs)
			dataOff = hdrs
		}
		le.PutUint32(ph[0:], 1) // PT_LOAD
		le.PutUint32(ph[4:], s.flags)
		le.PutUint64(ph[8:], uint64(offsets[i]))
		le.PutUint64(ph[16:], s.vaddr) // p_vaddr
		le.PutUint64(ph[24:], s.vaddr) // p_paddr
		le.PutUint64(ph[32:], filesz)
		le.PutUint64(ph[40:], filesz)
		le.PutUint64(ph[48:], elfSegmentAlign)
		copy(img[dataOff:], s.data)
	}

	stack := img[elfHdrLen+len(segs)*phdrLen:]
	le.PutUint32(stack[0:], 0x6474e551) // PT_GNU_STACK
	le.PutUint32(stack[4:], pfR|pfW)    // not executable
	le.PutUint64(stack[48:], 16)
	return img
}

// runDemo runs the embedded demo through the normal program path. run is
// the function that runs a guest given its argv (argv[0] is the program
// path) and returns its exit status; runDemo hands it the demo as an
// in-memory file, /proc/self/fd/N, so nothing is left behind however the
// guest exits. Setup errors are reported as one "ferry:" line and status 1.
func runDemo(run func(argv []string) int) int {
	path, err := writeDemo()
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferry: demo: %v\n", err)
		return 1
	}
	return run([]string{path})
}

// writeDemo stores the demo ELF in a sealed memfd and returns a path that
// opens it.
func writeDemo() (string, error) {
	fd, err := unix.MemfdCreate("ferry-demo", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return "", fmt.Errorf("memfd_create: %w", err)
	}
	img := demoELF()
	for off := 0; off < len(img); {
		n, err := unix.Write(fd, img[off:])
		if err != nil {
			unix.Close(fd)
			return "", fmt.Errorf("writing the demo image: %w", err)
		}
		off += n
	}
	// Sealed: the image cannot change under the loader.
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS,
		unix.F_SEAL_WRITE|unix.F_SEAL_GROW|unix.F_SEAL_SHRINK|unix.F_SEAL_SEAL); err != nil {
		unix.Close(fd)
		return "", fmt.Errorf("sealing the demo image: %w", err)
	}
	return fmt.Sprintf("/proc/self/fd/%d", fd), nil
}
