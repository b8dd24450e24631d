package syscalls

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// open(2) flag bits whose values differ between arm64 (asm-generic) and
// x86-64. Every other O_* bit has the same value on both.
const (
	arm64ODirectory = 0o40000
	arm64ONoFollow  = 0o100000
	arm64ODirect    = 0o200000
	arm64OLargeFile = 0o400000

	x86ODirectory = 0o200000
	x86ONoFollow  = 0o400000
	x86ODirect    = 0o40000
	x86OLargeFile = 0o100000

	oDiffering = arm64ODirectory | arm64ONoFollow | arm64ODirect | arm64OLargeFile
)

// openFlagPairs lists the O_* bits whose values differ, as {arm64, x86-64}.
// The two sets of bits are the same four values, only assigned differently.
var openFlagPairs = [...][2]uint64{
	{arm64ODirectory, x86ODirectory},
	{arm64ONoFollow, x86ONoFollow},
	{arm64ODirect, x86ODirect},
	{arm64OLargeFile, x86OLargeFile},
}

// remapOpenFlags keeps the bits both ABIs share and moves each differing
// bit from column from of openFlagPairs to the other column.
func remapOpenFlags(f uint64, from int) uint64 {
	out := f &^ oDiffering
	for _, p := range openFlagPairs {
		if f&p[from] != 0 {
			out |= p[1-from]
		}
	}
	return out
}

// OpenFlagsToHost converts arm64 O_* flags to x86-64 ones.
func OpenFlagsToHost(f uint64) uint64 { return remapOpenFlags(f, 0) }

// OpenFlagsToGuest converts x86-64 O_* flags (as F_GETFL returns them) to
// arm64 ones.
func OpenFlagsToGuest(h uint64) uint64 { return remapOpenFlags(h, 1) }

// GuestStatSize is sizeof(struct stat) on arm64 (asm-generic layout).
const GuestStatSize = 128

// EncodeStat writes the host's struct stat in the arm64 asm-generic layout:
//
//	0 dev  8 ino  16 mode(u32)  20 nlink(u32)  24 uid  28 gid  32 rdev
//	40 pad  48 size  56 blksize(i32)  60 pad  64 blocks
//	72 atime  80 atime_nsec  88 mtime  96 mtime_nsec  104 ctime  112 ctime_nsec
//	120 unused[2](u32)
//
// x86-64 puts a 64-bit nlink before mode and has a 64-bit blksize.
func EncodeStat(st *unix.Stat_t, out []byte) {
	le := binary.LittleEndian
	clear(out[:GuestStatSize])
	le.PutUint64(out[0:], st.Dev)
	le.PutUint64(out[8:], st.Ino)
	le.PutUint32(out[16:], st.Mode)
	le.PutUint32(out[20:], uint32(st.Nlink))
	le.PutUint32(out[24:], st.Uid)
	le.PutUint32(out[28:], st.Gid)
	le.PutUint64(out[32:], st.Rdev)
	le.PutUint64(out[48:], uint64(st.Size))
	le.PutUint32(out[56:], uint32(st.Blksize))
	le.PutUint64(out[64:], uint64(st.Blocks))
	le.PutUint64(out[72:], uint64(st.Atim.Sec))
	le.PutUint64(out[80:], uint64(st.Atim.Nsec))
	le.PutUint64(out[88:], uint64(st.Mtim.Sec))
	le.PutUint64(out[96:], uint64(st.Mtim.Nsec))
	le.PutUint64(out[104:], uint64(st.Ctim.Sec))
	le.PutUint64(out[112:], uint64(st.Ctim.Nsec))
}
