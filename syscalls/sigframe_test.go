package syscalls

import (
	"encoding/binary"
	"testing"

	"ferry/ir"

	"golang.org/x/sys/unix"
)

func TestFrameLayoutMatchesKernel(t *testing.T) {
	// Offsets from arch/arm64/include/uapi/asm/{sigcontext,ucontext}.h.
	if mcontextOffset != 304 || scReservedOffset != 592 || rtSigframeSize != 4688 || ucSigmaskOffset != 168 {
		t.Fatalf("mcontext %d reserved %d frame %d sigmask %d", mcontextOffset, scReservedOffset, rtSigframeSize, ucSigmaskOffset)
	}
}

// TestDeliverAndReturn delivers a SA_SIGINFO handler for a signal the guest
// sent itself, checks the frame and registers the handler sees, then runs
// rt_sigreturn and checks the interrupted state comes back exactly.
func TestDeliverAndReturn(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	if _, err := p.SetupVDSO(); err != nil {
		t.Fatal(err)
	}
	stack := guestBuf(t, p, 64*1024)
	const handler = 0x401000
	le := binary.LittleEndian
	act := guestBuf(t, p, 64)
	le.PutUint64(guestBytes(act, 32)[0:], handler)
	le.PutUint64(guestBytes(act, 32)[8:], saSiginfo)
	le.PutUint64(guestBytes(act, 32)[24:], sigBit(int(unix.SIGUSR2)))
	if r := call(t, th, nrRtSigaction, uint64(unix.SIGUSR1), act, 0, 8); r != 0 {
		t.Fatal(r)
	}

	var cpu ir.CPU
	for i := range 31 {
		cpu.X[i] = 0x1000 + uint64(i)
	}
	cpu.X[31] = stack + 64*1024 - 8 // deliberately misaligned
	cpu.PC = 0x400500
	cpu.NZCV = 0x60000000
	cpu.FPCR, cpu.FPSR = 0x00400000, 0x10
	cpu.V[3] = [2]uint64{0x1111, 0x2222}
	saved := cpu

	// tgkill(self, SIGUSR1) as a syscall: the result lands in X0 first.
	cpu.X[0], cpu.X[1], cpu.X[2], cpu.X[8] = uint64(p.Pid), uint64(th.Tid), uint64(unix.SIGUSR1), nrTgkill
	syscallOn(th, &cpu)
	if cpu.X[0] != 0 || !th.hasDeliverable() {
		t.Fatalf("tgkill = %d, pending %#x", int64(cpu.X[0]), th.pending.pending())
	}
	cpu.X[0], cpu.X[1], cpu.X[2], cpu.X[8] = saved.X[0], saved.X[1], saved.X[2], saved.X[8]
	th.CPU = cpu
	th.deliverSignals(nil)
	cpu = th.CPU

	frame := cpu.X[31]
	if cpu.PC != handler || cpu.X[0] != uint64(unix.SIGUSR1) || frame%16 != 0 {
		t.Fatalf("handler entry: pc %#x x0 %d sp %#x", cpu.PC, cpu.X[0], frame)
	}
	if cpu.X[1] != frame || cpu.X[2] != frame+ucOffset || cpu.X[30] != p.SigreturnTrampoline {
		t.Errorf("x1 %#x x2 %#x x30 %#x; frame %#x trampoline %#x", cpu.X[1], cpu.X[2], cpu.X[30], frame, p.SigreturnTrampoline)
	}
	f := guestBytes(frame, rtSigframeSize)
	if int32(le.Uint32(f[0:])) != int32(unix.SIGUSR1) || int32(le.Uint32(f[8:])) != siTkill || le.Uint32(f[16:]) != uint32(p.Pid) {
		t.Errorf("siginfo signo %d code %d pid %d, want SIGUSR1 from tgkill by %d",
			le.Uint32(f[0:]), int32(le.Uint32(f[8:])), le.Uint32(f[16:]), p.Pid)
	}
	if le.Uint64(f[scPCOffset:]) != saved.PC || le.Uint64(f[scSPOffset:]) != saved.X[31] ||
		le.Uint64(f[scRegsOffset+8*5:]) != saved.X[5] || le.Uint64(f[scPstateOffset:]) != saved.NZCV {
		t.Error("sigcontext does not hold the interrupted state")
	}
	r := f[scReservedOffset:]
	if le.Uint32(r[0:]) != fpsimdMagic || le.Uint32(r[4:]) != fpsimdSize || le.Uint32(r[12:]) != 0x00400000 ||
		le.Uint64(r[16+16*3:]) != 0x1111 || le.Uint32(r[fpsimdSize:]) != 0 {
		t.Error("fpsimd_context record wrong or not terminated")
	}
	rec := guestBytes(cpu.X[29], 16)
	if cpu.X[29] <= frame || le.Uint64(rec[0:]) != saved.X[29] || le.Uint64(rec[8:]) != saved.X[30] {
		t.Error("frame record {fp, lr} wrong")
	}
	if want := sigBit(int(unix.SIGUSR1)) | sigBit(int(unix.SIGUSR2)); th.SigMask != want {
		t.Errorf("mask in handler %#x, want %#x", th.SigMask, want)
	}
	// The trampoline is the instruction pair unwinders look for.
	tramp := guestBytes(p.SigreturnTrampoline, 8)
	if le.Uint32(tramp[0:]) != 0xd2801168 || le.Uint32(tramp[4:]) != 0xd4000001 {
		t.Errorf("trampoline %x", tramp)
	}

	// The handler clobbers registers and writes all ones over the saved
	// FPSR/FPCR (sigreturn must keep only the bits MSR could set), then
	// returns through the trampoline.
	for i := range 31 {
		cpu.X[i] = 0xdead
	}
	le.PutUint32(r[8:], 0xffffffff)
	le.PutUint32(r[12:], 0xffffffff)
	saved.FPSR, saved.FPCR = ir.FPSRWritable, ir.FPCRWritable
	cpu.V[3] = [2]uint64{}
	cpu.X[8] = nrRtSigreturn
	syscallOn(th, &cpu)
	if cpu.X != saved.X || cpu.PC != saved.PC || cpu.NZCV != saved.NZCV || cpu.V != saved.V ||
		cpu.FPCR != saved.FPCR || cpu.FPSR != saved.FPSR {
		t.Errorf("state after rt_sigreturn differs:\n got %v pc %#x\nwant %v pc %#x", cpu.X, cpu.PC, saved.X, saved.PC)
	}
	if th.SigMask != 0 {
		t.Errorf("mask after return %#x", th.SigMask)
	}
}

func TestDeliverFaultOnAltStack(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	p.SetupVDSO()
	alt := guestBuf(t, p, 16384)
	th.AltStack = AltStack{SP: alt, Size: 16384}
	p.SigActions[unix.SIGSEGV] = SigAction{Handler: 0x402000, Flags: saSiginfo | saOnstack | saRestorer, Restorer: 0x403000}
	var cpu ir.CPU
	cpu.X[31] = 0x7000_0000 // the faulting stack itself is unusable
	cpu.PC = 0x400800
	info := SigInfo{Signo: int32(unix.SIGSEGV), Code: SEGV_MAPERR}.withAddr(0x10)
	if !deliverFault(th, &cpu, info) {
		t.Fatal("not delivered")
	}
	frame := cpu.X[31]
	if frame < alt || frame >= alt+16384 || cpu.X[30] != 0x403000 {
		t.Fatalf("frame %#x not on the alternate stack, lr %#x", frame, cpu.X[30])
	}
	le := binary.LittleEndian
	f := guestBytes(frame, rtSigframeSize)
	if le.Uint64(f[16:]) != 0x10 || le.Uint32(f[8:]) != SEGV_MAPERR || le.Uint64(f[scFaultAddrOffset:]) != 0x10 {
		t.Error("fault address or code missing")
	}
	if le.Uint32(f[scReservedOffset+fpsimdSize:]) != esrMagic {
		t.Error("no esr_context for a memory fault")
	}
	if le.Uint32(f[ucStackOffset+8:]) != ssOnStack {
		t.Errorf("uc_stack flags %#x, want SS_ONSTACK", le.Uint32(f[ucStackOffset+8:]))
	}
	// Without a handler, or while blocked, faults are fatal.
	th.SigMask = sigBit(int(unix.SIGSEGV))
	if deliverFault(th, &cpu, info) {
		t.Error("blocked SIGSEGV delivered")
	}
	if deliverFault(th, &cpu, SigInfo{Signo: int32(unix.SIGILL)}) {
		t.Error("SIGILL delivered without a handler")
	}
	if got := p.memoryFault(alt); got.Signo != int32(unix.SIGSEGV) || got.Code != SEGV_ACCERR {
		t.Errorf("memoryFault(mapped) = signal %d code %d", got.Signo, got.Code)
	}
}
