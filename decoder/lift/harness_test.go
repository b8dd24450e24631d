package lift

import (
	"encoding/binary"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"ferry/ir"
	"ferry/ir/interp"
)

// guest is a small identity-mapped guest: code at Code, scratch data at Data.
type guest struct {
	mem  []byte
	Code uint64
	Data uint64
}

const (
	guestPages = 4
	pageSize   = 4096
	dataOffset = 2 * pageSize
	// stopWord is BRK #0x7777, appended after every test sequence.
	stopImm  = 0x7777
	stopWord = 0xD4200000 | stopImm<<5
)

func newGuest(t testing.TB) *guest {
	t.Helper()
	mem, err := unix.Mmap(-1, 0, guestPages*pageSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	t.Cleanup(func() { unix.Munmap(mem) })
	base := uint64(uintptr(unsafe.Pointer(&mem[0])))
	return &guest{mem: mem, Code: base, Data: base + dataOffset}
}

// load places code words (followed by the stop BRK) at g.Code.
func (g *guest) load(words []uint32) {
	for i := range g.mem[:dataOffset] {
		g.mem[i] = 0
	}
	for i, w := range append(append([]uint32{}, words...), stopWord) {
		binary.LittleEndian.PutUint32(g.mem[4*i:], w)
	}
}

func (g *guest) data() []byte { return g.mem[dataOffset:] }

// run executes words from g.Code until the stop BRK (or another exit) and
// returns the exit reason.
func (g *guest) run(t testing.TB, cpu *ir.CPU, words []uint32) ir.ExitReason {
	t.Helper()
	g.load(words)
	cpu.PC = g.Code
	e := interp.New(Translate).NewRunner()
	defer e.Close()
	for i := 0; i < 1000; i++ {
		if r := e.Run(cpu); r != ir.ExitBudget {
			return r
		}
	}
	t.Fatalf("guest did not stop")
	return 0
}

// runToStop runs words and fails unless they reach the stop BRK.
func (g *guest) runToStop(t testing.TB, cpu *ir.CPU, words []uint32) {
	t.Helper()
	r := g.run(t, cpu, words)
	if r != ir.ExitBreakpoint || cpu.ExitInfo != stopImm || cpu.PC != g.Code+4*uint64(len(words)) {
		t.Fatalf("exit %d info %#x at pc %#x (code at %#x)", r, cpu.ExitInfo, cpu.PC, g.Code)
	}
}

// execBlock runs one block on cpu.
func execBlock(cpu *ir.CPU, blk *ir.Block) ir.ExitReason { return interp.Exec(cpu, blk) }

// unmapLastPage removes the guest's last page so fetches from it fault.
func unmapLastPage(g *guest) error {
	last := g.Code + (guestPages-1)*pageSize
	_, _, errno := unix.Syscall(unix.SYS_MUNMAP, uintptr(last), pageSize, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
