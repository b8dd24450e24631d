package amd64

import (
	"sync/atomic"
	"unsafe"
)

// codeCache is one engine's part of the code arena (see fault.go), holding
// generated code, filled by a bump allocator and emptied all at once (a
// flush, which backend's handshake runs only when no thread is in
// generated code). Guarded by Engine.codeMu.
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

// patchRel32 makes the 5-byte JMP at host address jmp go to target, while
// other threads may be executing it.
//
// The compiler pads every patchable JMP so that its displacement is 4-byte
// aligned (chainJump), and code is placed 16-byte aligned, so the
// displacement is one aligned 4-byte store that never straddles a cache
// line. x86 keeps instruction fetch coherent with stores from any core
// (the SDM's cross-modifying-code rules are about which version a core
// executes, not about tearing): a thread running the JMP concurrently
// executes either the old or the new displacement, never a mix, and both
// lead to valid code — the site's exit stub, which returns to the
// dispatcher (which then finds the link made or makes it), or the block
// being linked or unlinked, whose code stays valid until a flush, which
// waits for all threads to leave generated code. A core may keep
// executing the old target for a short while after the store; nothing
// depends on when it switches. QEMU patches its x86 TB links the same
// way. The Intel SDM's fully general protocol would also have the
// executing core run a serializing instruction (CPUID), which under
// virtualization costs a VM exit per block entry; no JIT pays that.
func patchRel32(jmp, target uintptr) {
	rel := int64(target) - int64(jmp+5)
	atomic.StoreInt32((*int32)(unsafe.Add(unsafe.Pointer(nil), jmp+1)), int32(rel))
}
