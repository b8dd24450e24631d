package amd64

import (
	"runtime/debug"
	"testing"
	"unsafe"

	"ferry/ir"
	"ferry/ir/interp"
)

// TestGuestFault: a guest access to unmapped memory in compiled code ends
// Run with ExitFault at the faulting guest instruction, exactly like the
// interpreter, and leaves Go's own fault handling intact.
func TestGuestFault(t *testing.T) {
	blk := build(0x1000, 3, func(b *ir.Builder) {
		b.SetReg(1, b.Const(ir.I64, 5))
		b.InsnStart(0x1004)
		b.SetReg(2, b.Load(b.GetReg(0), 8, false))
		b.InsnStart(0x1008)
		b.SetReg(3, b.Const(ir.I64, 6))
		b.Jump(0x2000)
	})
	bs := blockSet{0x1000: blk}
	e, err := newSolo(bs.translate, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range []uint64{8, 0xdead0000} {
		c := ir.CPU{PC: 0x1000}
		c.X[0] = addr
		ref := c
		if r := e.Run(&c); r != ir.ExitFault || c.PC != 0x1004 || c.ExitInfo != addr || c.X[1] != 5 || c.X[3] != 0 {
			t.Fatalf("exit %d pc %#x info %#x x1 %d x3 %d", r, c.PC, c.ExitInfo, c.X[1], c.X[3])
		}
		if addr < 4096 {
			// Go reports faults in the first page as plain nil
			// dereferences without an address, which the interpreter
			// cannot turn into ExitFault.
			continue
		}
		if interp.Exec(&ref, blk) != ir.ExitFault || ref.PC != c.PC || ref.ExitInfo != c.ExitInfo {
			t.Fatalf("interpreter disagrees: pc %#x info %#x", ref.PC, ref.ExitInfo)
		}
	}
	// A fault in Go code still reaches Go's handler.
	func() {
		defer func() {
			if recover() == nil {
				t.Error("nil dereference did not panic")
			}
		}()
		var p *int
		_ = *p
	}()
	func() {
		old := debug.SetPanicOnFault(true)
		defer debug.SetPanicOnFault(old)
		defer func() {
			if r := recover(); r == nil {
				t.Error("fault with SetPanicOnFault did not panic")
			}
		}()
		sink = *(*int)(unsafeAddr(0xdead0010))
	}()
}

var sink int

func unsafeAddr(a uintptr) unsafe.Pointer { return unsafe.Add(nil, a) }
