package amd64

import "unsafe"

// codeCache is one engine's part of the code arena (see fault.go), holding
// generated code, filled by a bump
// allocator and emptied all at once.
//
// The region is mapped read-write-execute for its whole life. Direct block
// chaining patches jumps inside code that has already run, and does so
// every time a new edge is taken; toggling protections with mprotect for
// each patch would cost a syscall (and a TLB shootdown on every core
// running the process) per link. The price is that a stray guest write
// into the cache is not caught, but guest code cannot address it by
// accident: the cache lies outside every guest mapping.
type codeCache struct {
	mem  []byte
	used int
}

func newCodeCache(size int) (*codeCache, error) {
	m, err := arenaAlloc(size)
	if err != nil {
		return nil, err
	}
	return &codeCache{mem: m}, nil
}

// base is the host address of the region.
func (cc *codeCache) base() uintptr { return uintptr(unsafe.Pointer(&cc.mem[0])) }

// add copies code into the cache and returns its host address, or false
// if the cache is full.
func (cc *codeCache) add(code []byte) (uintptr, bool) {
	start := (cc.used + 15) &^ 15 // 16-byte aligned entries help the decoder
	if start+len(code) > len(cc.mem) {
		return 0, false
	}
	copy(cc.mem[start:], code)
	cc.used = start + len(code)
	return cc.base() + uintptr(start), true
}

// reset forgets all code. Callers must make sure no code in the cache is
// running or referenced any more.
func (cc *codeCache) reset() { cc.used = 0 }

// patchRel32 makes the 5-byte JMP at host address jmp go to target.
func patchRel32(jmp, target uintptr) {
	rel := int64(target) - int64(jmp+5)
	*(*int32)(unsafe.Add(unsafe.Pointer(nil), jmp+1)) = int32(rel)
}
