package amd64

import (
	"encoding/binary"
	"testing"
	"unsafe"

	"ferry/decoder/lift"
	"ferry/ir"

	"golang.org/x/sys/unix"
)

// TestSharedCodeReuse: blocks one engine compiled are reused by another
// engine on the same region (no lifting, no compiling) with the same
// results; a changed instruction word, or code the guest may not execute,
// is not reused; a region of another configuration is refused.
func TestSharedCodeReuse(t *testing.T) {
	mem, err := unix.Mmap(-1, 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(mem)
	base := uint64(uintptr(unsafe.Pointer(&mem[0])))
	put := func(off int, w uint32) { binary.LittleEndian.PutUint32(mem[off:], w) }
	put(0, 0xF1000400) // loop: subs x0, x0, #1
	put(4, 0x54FFFFE1) //       b.ne loop
	put(8, 0xD4000001) //       svc #0

	sh, err := CreateSharedCode(42)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	executable := true
	codeOK := func(pc, end uint64) bool { return executable && pc >= base && end <= base+4096 }
	lifted := 0
	translate := func(pc uint64) *ir.Block { lifted++; return lift.Translate(pc) }
	run := func(x0 uint64) (ir.CPU, Stats) {
		t.Helper()
		lifted = 0
		e, err := newSolo(translate, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		e.UseShared(sh, codeOK)
		defer e.runner.Close()
		c := ir.CPU{PC: base}
		c.X[0] = x0
		if r, _ := runToExit(e.runner, &c); r != ir.ExitSyscall {
			t.Fatalf("exit %d at %#x", r, c.PC)
		}
		return c, e.Stats()
	}

	c, st := run(1000)
	if c.X[0] != 0 || c.PC != base+12 || lifted != 2 || sh.Stats().Saved != 2 {
		t.Fatalf("first engine: x0 %d pc %#x, %d lifted, %d saved", c.X[0], c.PC-base, lifted, sh.Stats().Saved)
	}
	c, st = run(777)
	if c.X[0] != 0 || c.PC != base+12 || lifted != 0 || st.Compiled != 2 || sh.Stats().Reused != 2 {
		t.Fatalf("second engine: x0 %d pc %#x, %d lifted, %d placed, %d reused", c.X[0], c.PC-base, lifted, st.Compiled, sh.Stats().Reused)
	}
	if st.Chained == 0 {
		t.Error("reused blocks were not chained")
	}

	put(0, 0xF1000800) // subs x0, x0, #2: the saved loop must not run
	c, _ = run(1000)
	if c.X[0] != 0 || lifted != 1 {
		t.Fatalf("changed word: x0 %d, %d lifted (want the loop block lifted again)", c.X[0], lifted)
	}

	executable = false
	reusedBefore := sh.Stats().Reused
	e, _ := newSolo(func(pc uint64) *ir.Block { return trapBlock(pc) }, 1<<20)
	e.UseShared(sh, codeOK)
	if _, _, ok := e.runner.Reuse(base); ok || sh.Stats().Reused != reusedBefore {
		t.Error("reused code the guest may not execute")
	}
	e.runner.Close()

	if _, err := OpenSharedCode(sh.FD(), 43); err != ErrSharedMismatch {
		t.Errorf("another configuration's region: %v", err)
	}
	other, err := OpenSharedCode(sh.FD(), 42)
	if err != nil {
		t.Fatal(err)
	}
	if other.hdr.alloc.Load() != sh.hdr.alloc.Load() {
		t.Error("a second mapping sees another region")
	}
	unix.Munmap(other.mem)
}

// TestSharedCodeDamaged: records that do not fit the region are ignored.
func TestSharedCodeDamaged(t *testing.T) {
	sh, err := CreateSharedCode(1)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	res := compiled{code: make([]byte, 64), insns: []hostPC{{0, 0x1000}},
		sites: []chainSite{{id: 1, target: 0x2000, offset: 10, stub: 20, idImm: 30}}}
	sh.save(0x1000, 0x1008, []uint32{1, 2}, res)
	off := sh.slots[slotOf(0x1000)].Load()
	if _, ok := sh.record(off); !ok {
		t.Fatal("a good record is refused")
	}
	le := binary.LittleEndian
	rec := sh.mem[off:]
	le.PutUint32(rec[36:], 1<<30) // code length beyond the region
	if _, ok := sh.record(off); ok {
		t.Error("a record reaching past the region is accepted")
	}
	le.PutUint32(rec[36:], 64)
	le.PutUint32(rec[recHdrSize+8+16:], 1000) // a site's idImm beyond the code
	if _, ok := sh.record(off); ok {
		t.Error("a site outside the code is accepted")
	}
	if _, ok := sh.record(12345); ok {
		t.Error("a misaligned offset is accepted")
	}
}
