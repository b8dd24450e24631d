package syscalls

// Guest buffers the host kernel reads or writes for a passed-through call.
//
// The guest shares ferry's address space, so a pointer the guest passes
// to read or write can name ferry's own memory: its text, Go heap or code
// cache, which the host kernel would copy from or into as if they were
// the guest's. Before such a call the buffer is checked against the
// guest's memory map: a buffer that starts outside guest memory (or
// without the needed permission) is EFAULT, as on arm64 Linux where
// nothing is mapped there, and one that runs out of it is cut where it
// does, which is where the kernel's copy would stop (its result is then
// the bytes before the fault).

import (
	"encoding/binary"

	"ferry/syscalls/guestmem"

	"golang.org/x/sys/unix"
)

// bufArg is a buffer argument: its address in argument ptr and its length
// in argument len, or, with iov, an array of len struct iovec at ptr (any
// of them outside guest memory is EFAULT).
// write: the kernel stores into it.
type bufArg struct {
	ptr, len   int8
	write, iov bool
}

// guestBuffers are the calls whose buffers are checked, by name.
var guestBuffers = map[string]bufArg{
	"read": {ptr: 1, len: 2, write: true}, "write": {ptr: 1, len: 2},
	"pread64": {ptr: 1, len: 2, write: true}, "pwrite64": {ptr: 1, len: 2},
	"readv": {ptr: 1, len: 2, write: true, iov: true}, "writev": {ptr: 1, len: 2, iov: true},
	"preadv": {ptr: 1, len: 2, write: true, iov: true}, "pwritev": {ptr: 1, len: 2, iov: true},
	"preadv2": {ptr: 1, len: 2, write: true, iov: true}, "pwritev2": {ptr: 1, len: 2, iov: true},
	"sendto": {ptr: 1, len: 2}, "recvfrom": {ptr: 1, len: 2, write: true},
	"getrandom": {ptr: 0, len: 1, write: true}, "getdents64": {ptr: 1, len: 2, write: true},
	"getcwd": {ptr: 0, len: 1, write: true},
}

// uioMaxIOV is the kernel's limit on an iovec array (UIO_MAXIOV).
const uioMaxIOV = 1024

// checkGuestBuf applies b to the arguments a: it returns EFAULT for a
// buffer outside guest memory, or 0 after cutting the length (or the
// iovec count) to what lies inside it.
func (p *Process) checkGuestBuf(b bufArg, a *[6]uint64) int64 {
	prot := guestmem.ProtRead
	if b.write {
		prot = guestmem.ProtWrite
	}
	addr, n := a[b.ptr], a[b.len]
	if n == 0 {
		return 0
	}
	p.memMu.RLock()
	defer p.memMu.RUnlock()
	if !b.iov {
		ok := p.Mem.AccessiblePrefix(addr, n, prot)
		if ok == 0 {
			return errno(unix.EFAULT)
		}
		a[b.len] = ok
		return 0
	}
	if n > uioMaxIOV {
		return 0 // the kernel's EINVAL
	}
	if !p.Mem.Accessible(addr, n*16, guestmem.ProtRead) {
		return errno(unix.EFAULT)
	}
	vec := guestBytes(addr, n*16)
	for i := uint64(0); i < n; i++ {
		base, l := binary.LittleEndian.Uint64(vec[16*i:]), binary.LittleEndian.Uint64(vec[16*i+8:])
		if l != 0 && !p.Mem.Accessible(base, l, prot) {
			// What the kernel returns then depends on the file (a
			// pipe: EFAULT, even after copying earlier buffers).
			return errno(unix.EFAULT)
		}
	}
	return 0
}
