package lift

import (
	"encoding/binary"
	"testing"
	"unsafe"

	"ferry/ir"

	"golang.org/x/sys/unix"
)

// TestTranslateExec: code in a page executable refuses is not lifted; a
// block running into such a page stops before it, so the fault is raised
// by a block of its own, at the first instruction there.
func TestTranslateExec(t *testing.T) {
	mem, err := unix.Mmap(-1, 0, 2*execGranule, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(mem)
	for i := 0; i < len(mem); i += 4 {
		binary.LittleEndian.PutUint32(mem[i:], 0xd503201f) // NOP
	}
	base := uint64(uintptr(unsafe.Pointer(&mem[0])))
	second := base + execGranule
	calls := 0
	onlyFirst := func(addr uint64) bool {
		calls++
		return addr < second
	}
	b := TranslateExec(second-8, onlyFirst)
	if b.Term.Kind != ir.TermJump || b.Term.Target != second || b.End != second {
		t.Errorf("block before the boundary: term %+v end %#x, want a jump to %#x", b.Term, b.End, second)
	}
	if calls != 2 {
		t.Errorf("executable called %d times for two pages, want 2", calls)
	}
	b = TranslateExec(second, onlyFirst)
	if b.Term.Kind != ir.TermTrap || b.Term.Trap != ir.TrapFetchFault || b.Term.PC != second || b.Term.Info != second {
		t.Errorf("block in the refused page: term %+v, want a fetch fault at %#x", b.Term, second)
	}
	if b := TranslateExec(second, nil); b.Term.Kind == ir.TermTrap {
		t.Errorf("without a check the page is lifted: term %+v", b.Term)
	}
}
