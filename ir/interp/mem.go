package interp

import (
	"sync/atomic"
	"unsafe"

	"ferry/ir"
)

// Guest memory is identity-mapped: a guest address is a host address.
// Accesses use the host's little-endian unaligned loads, as AArch64 allows
// unaligned normal accesses.

func load(addr uint64, size int, signed bool) uint64 {
	p := ptr(addr)
	switch size {
	case 1:
		v := *(*uint8)(p)
		if signed {
			return uint64(int64(int8(v)))
		}
		return uint64(v)
	case 2:
		v := *(*uint16)(p)
		if signed {
			return uint64(int64(int16(v)))
		}
		return uint64(v)
	case 4:
		v := *(*uint32)(p)
		if signed {
			return uint64(int64(int32(v)))
		}
		return uint64(v)
	case 8:
		return *(*uint64)(p)
	}
	panic("interp: bad load size")
}

func store(addr, v uint64, size int) {
	p := ptr(addr)
	switch size {
	case 1:
		*(*uint8)(p) = uint8(v)
	case 2:
		*(*uint16)(p) = uint16(v)
	case 4:
		*(*uint32)(p) = uint32(v)
	case 8:
		*(*uint64)(p) = v
	default:
		panic("interp: bad store size")
	}
}

func loadV(addr uint64, size int) [2]uint64 {
	switch size {
	case 16:
		p := ptr(addr)
		return [2]uint64{*(*uint64)(p), *(*uint64)(unsafe.Add(p, 8))}
	default:
		return [2]uint64{load(addr, size, false), 0}
	}
}

func storeV(addr uint64, v [2]uint64, size int) {
	if size == 16 {
		p := ptr(addr)
		*(*uint64)(p) = v[0]
		*(*uint64)(unsafe.Add(p, 8)) = v[1]
		return
	}
	store(addr, v[0], size)
}

// word32 returns the naturally aligned 32-bit word holding a 1- or 2-byte
// location and the bit shift of that location inside it. Exclusive and
// atomic accesses must be aligned, so a halfword never straddles words.
func word32(addr uint64) (*uint32, uint) {
	return (*uint32)(ptr(addr &^ 3)), uint(addr&3) * 8
}

func atomicLoad(addr uint64, size int) uint64 {
	switch size {
	case 1, 2:
		w, sh := word32(addr)
		return uint64(atomic.LoadUint32(w)>>sh) & (1<<(8*uint(size)) - 1)
	case 4:
		return uint64(atomic.LoadUint32((*uint32)(ptr(addr))))
	case 8:
		return atomic.LoadUint64((*uint64)(ptr(addr)))
	}
	panic("interp: bad atomic size")
}

// cas atomically replaces old with new at addr; it reports success.
// cas128 is a 16-byte compare-and-swap at a 16-byte aligned address.
//
//go:noescape
func cas128(addr uintptr, old0, old1, new0, new1 uint64) bool

func cas(addr uint64, size int, old, new uint64) bool {
	switch size {
	case 1, 2:
		w, sh := word32(addr)
		m := uint32(1<<(8*uint(size))-1) << sh
		for {
			cur := atomic.LoadUint32(w)
			if uint64((cur&m)>>sh) != old {
				return false
			}
			if atomic.CompareAndSwapUint32(w, cur, cur&^m|uint32(new)<<sh&m) {
				return true
			}
		}
	case 4:
		return atomic.CompareAndSwapUint32((*uint32)(ptr(addr)), uint32(old), uint32(new))
	case 8:
		return atomic.CompareAndSwapUint64((*uint64)(ptr(addr)), old, new)
	}
	panic("interp: bad atomic size")
}

// atomicRMW performs an LSE-style read-modify-write and returns the old value.
func atomicRMW(addr uint64, size int, op ir.AtomicOp, x, newVal uint64) uint64 {
	m := widthMask(uint(size) * 8)
	x &= m
	sx := func(v uint64) int64 { s := 64 - uint(size)*8; return int64(v<<s) >> s }
	for {
		old := atomicLoad(addr, size)
		var nv uint64
		switch op {
		case ir.AtomicAdd:
			nv = old + x
		case ir.AtomicClr:
			nv = old &^ x
		case ir.AtomicEor:
			nv = old ^ x
		case ir.AtomicSet:
			nv = old | x
		case ir.AtomicSMax:
			nv = old
			if sx(x) > sx(old) {
				nv = x
			}
		case ir.AtomicSMin:
			nv = old
			if sx(x) < sx(old) {
				nv = x
			}
		case ir.AtomicUMax:
			nv = max(old, x)
		case ir.AtomicUMin:
			nv = min(old, x)
		case ir.AtomicSwp:
			nv = x
		case ir.AtomicCAS:
			if old != x {
				return old
			}
			nv = newVal
		default:
			panic("interp: bad atomic op")
		}
		if cas(addr, size, old, nv&m) {
			return old
		}
	}
}
