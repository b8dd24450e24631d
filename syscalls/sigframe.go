package syscalls

import (
	"encoding/binary"
	"fmt"
	"strings"
	"sync/atomic"

	"ferry/ir"
	"ferry/syscalls/guestmem"

	"golang.org/x/sys/unix"
)

// Signal delivery to guest handlers, building the frame exactly as the
// arm64 kernel does (arch/arm64/kernel/signal.c), so that handlers using
// SA_SIGINFO, ucontext, unwinders and longjmp out of handlers all work.
//
// struct rt_sigframe { siginfo (128 bytes); struct ucontext uc; }, with
// ucontext = { uc_flags, uc_link, stack_t uc_stack, sigset_t uc_sigmask,
// padding to 128 bytes of sigset, struct sigcontext uc_mcontext (aligned
// 16) }, sigcontext = { fault_address, regs[31], sp, pc, pstate,
// __reserved[4096] (aligned 16) }. __reserved holds records: fpsimd_context
// (magic 0x46508001, 528 bytes), esr_context for faults (0x45535201, 16
// bytes), then a null record. Above the frame sits a frame record {fp, lr}
// that x29 points at.
const (
	siginfoSize       = 128
	ucOffset          = siginfoSize
	ucStackOffset     = ucOffset + 16
	ucSigmaskOffset   = ucOffset + 40
	mcontextOffset    = ucOffset + 176
	scFaultAddrOffset = mcontextOffset
	scRegsOffset      = mcontextOffset + 8
	scSPOffset        = scRegsOffset + 31*8
	scPCOffset        = scSPOffset + 8
	scPstateOffset    = scPCOffset + 8
	scReservedOffset  = scPstateOffset + 8 + 8 // aligned to 16
	reservedSize      = 4096
	rtSigframeSize    = scReservedOffset + reservedSize // 4688
	frameRecordSize   = 16

	fpsimdMagic = 0x46508001
	fpsimdSize  = 528
	esrMagic    = 0x45535201
	esrSize     = 16

	saSiginfo   = 0x00000004
	saOnstack   = 0x08000000
	saRestorer  = 0x04000000
	saNodefer   = 0x40000000
	saResethand = 0x80000000
	saRestart   = 0x10000000

	// si_code values.
	siUser     = 0
	siTkill    = -6
	segvMaperr = 1
	segvAccerr = 2
	illIllopc  = 1
	trapBrkpt  = 1

	// ESR_EL1 exception classes reported in esr_context.
	esrDataAbortLowerEL = 0x24 << 26
	esrWnR              = 1 << 6
)

// si_code values for synchronous faults (include/uapi/asm-generic/siginfo.h).
const (
	SEGV_MAPERR = 1 // address not mapped
	SEGV_ACCERR = 2 // mapped, but the access is not permitted
	ILL_ILLOPC  = 1 // illegal opcode
	TRAP_BRKPT  = 1 // breakpoint
)

// busCode is BUS_ADRERR.
const busAdrerr = 2

// memoryFault is the signal a guest memory fault at addr raises: SIGBUS
// (BUS_ADRERR) for a page of a file mapping that lies wholly beyond the
// end of the file, as the kernel raises it; otherwise SIGSEGV. The engines
// report only the address, so the file's size decides.
func (p *Process) memoryFault(addr uint64) SigInfo {
	p.memMu.RLock()
	mp, ok := p.Mem.Lookup(addr)
	p.memMu.RUnlock()
	if ok && mp.Flags&guestmem.MapAnonymous == 0 && mp.Name != "" && !strings.HasPrefix(mp.Name, "[") {
		var st unix.Stat_t
		err := unix.Stat(fmt.Sprintf("/proc/self/map_files/%x-%x", mp.Start, mp.End), &st)
		if err != nil {
			err = unix.Stat(mp.Name, &st)
		}
		pageOff := mp.Offset + guestmem.PageAlignDown(addr-mp.Start)
		if err == nil && st.Mode&unix.S_IFMT == unix.S_IFREG && uint64(st.Size) <= pageOff {
			return SigInfo{Signo: int32(unix.SIGBUS), Code: busAdrerr}.withAddr(addr)
		}
	}
	code := int32(SEGV_MAPERR)
	if ok {
		code = SEGV_ACCERR
	}
	return SigInfo{Signo: int32(unix.SIGSEGV), Code: code}.withAddr(addr)
}

// sigreturnCode is the trampoline every handler without SA_RESTORER
// returns to, the vDSO's __kernel_rt_sigreturn: mov x8, #139; svc #0.
// Unwinders (libgcc, gdb) recognize a signal frame by exactly these words.
var sigreturnCode = []uint32{0xd2800000 | nrRtSigreturn<<5 | 8, 0xd4000001}

// DeliverFault hands a synchronous fault (SIGSEGV, SIGBUS, SIGILL,
// SIGTRAP, SIGFPE) raised by the instruction at t.CPU.PC to the guest's
// handler. It returns false when the guest has no handler for it or
// blocks it, in which case the kernel's behaviour is to kill the process.
func (t *Thread) DeliverFault(info SigInfo) bool {
	sig := int(info.Signo)
	h := t.P.handlerOf(sig)
	if h == sigDfl || h == sigIgn || t.mask()&sigBit(sig) != 0 {
		return false
	}
	return t.deliver(sig, info, sig == int(unix.SIGSEGV) || sig == int(unix.SIGBUS))
}

// onAltStack reports whether sp lies on the enabled alternate stack.
func (t *Thread) onAltStack(sp uint64) bool {
	a := t.AltStack
	return a.Size != 0 && a.Flags&ssDisable == 0 && sp > a.SP && sp-a.SP <= a.Size
}

// deliver builds sig's frame on the guest stack (or the alternate stack)
// and points the thread at the handler.
func (t *Thread) deliver(sig int, info SigInfo, memFault bool) bool {
	p, cpu := t.P, &t.CPU
	act := SigAction{Handler: atomic.LoadUint64(&p.SigActions[sig].Handler),
		Flags:    atomic.LoadUint64(&p.SigActions[sig].Flags),
		Restorer: atomic.LoadUint64(&p.SigActions[sig].Restorer),
		Mask:     atomic.LoadUint64(&p.SigActions[sig].Mask)}
	sp := cpu.X[31]
	if act.Flags&saOnstack != 0 && t.AltStack.Size != 0 && t.AltStack.Flags&ssDisable == 0 && !t.onAltStack(sp) {
		sp = t.AltStack.SP + t.AltStack.Size
		if uint32(t.AltStack.Flags)&ssAutoDisarm != 0 {
			defer func() { t.AltStack = AltStack{Flags: ssDisable} }()
		}
	}
	record := (sp - frameRecordSize) &^ 15
	frame := (record - rtSigframeSize) &^ 15
	if frame > record || !p.writable(frame, record+frameRecordSize-frame) {
		return false
	}
	f := guestBytes(frame, rtSigframeSize)
	clear(f)
	le := binary.LittleEndian

	info.encode(f[:siginfoSize])

	// ucontext: uc_stack describes the alternate stack as the handler finds it.
	alt := t.AltStack
	altFlags := uint32(alt.Flags)
	if alt.Size == 0 {
		altFlags = ssDisable
	} else if t.onAltStack(sp) {
		altFlags |= ssOnStack
	}
	le.PutUint64(f[ucStackOffset:], alt.SP)
	le.PutUint32(f[ucStackOffset+8:], altFlags)
	le.PutUint64(f[ucStackOffset+16:], alt.Size)
	savedMask := t.mask()
	if t.SuspendActive {
		savedMask, t.SuspendActive = t.SuspendMask, false
	}
	le.PutUint64(f[ucSigmaskOffset:], savedMask)

	// sigcontext
	if memFault {
		le.PutUint64(f[scFaultAddrOffset:], info.Addr())
	}
	for i := 0; i < 31; i++ {
		le.PutUint64(f[scRegsOffset+8*i:], cpu.X[i])
	}
	le.PutUint64(f[scSPOffset:], cpu.X[31])
	le.PutUint64(f[scPCOffset:], cpu.PC)
	le.PutUint64(f[scPstateOffset:], cpu.NZCV&0xf0000000|cpu.PSTATE)
	r := f[scReservedOffset:]
	le.PutUint32(r[0:], fpsimdMagic)
	le.PutUint32(r[4:], fpsimdSize)
	le.PutUint32(r[8:], uint32(cpu.FPSR))
	le.PutUint32(r[12:], uint32(cpu.FPCR))
	for i := 0; i < 32; i++ {
		le.PutUint64(r[16+16*i:], cpu.V[i][0])
		le.PutUint64(r[24+16*i:], cpu.V[i][1])
	}
	if memFault {
		e := r[fpsimdSize:]
		le.PutUint32(e[0:], esrMagic)
		le.PutUint32(e[4:], esrSize)
		// A data abort from EL0; the write bit is unknown to ferry.
		le.PutUint64(e[8:], esrDataAbortLowerEL)
	}
	// The null record that ends the list is already zero.

	// Frame record: the interrupted fp and lr, for stack walkers.
	rec := guestBytes(record, frameRecordSize)
	le.PutUint64(rec[0:], cpu.X[29])
	le.PutUint64(rec[8:], cpu.X[30])

	// Block the handler's mask (and the signal itself unless SA_NODEFER).
	mask := t.mask() | act.Mask
	if act.Flags&saNodefer == 0 {
		mask |= sigBit(sig)
	}
	t.setMask(mask)
	if act.Flags&saResethand != 0 {
		// The kernel resets only the handler; the flags stay as set.
		atomic.StoreUint64(&p.SigActions[sig].Handler, sigDfl)
	}

	cpu.X[0] = uint64(sig)
	if act.Flags&saSiginfo != 0 {
		cpu.X[1] = frame
		cpu.X[2] = frame + ucOffset
	}
	cpu.X[29] = record
	if act.Flags&saRestorer != 0 && act.Restorer != 0 {
		cpu.X[30] = act.Restorer
	} else {
		cpu.X[30] = p.SigreturnTrampoline
	}
	cpu.X[31] = frame
	cpu.PC = act.Handler
	cpu.ExclSize = 0
	return true
}

// sigreturn restores the state saved by deliver from the frame at SP. A
// frame the guest corrupted beyond use kills it with SIGSEGV, as on Linux.
func (t *Thread) sigreturn() {
	p, cpu := t.P, &t.CPU
	frame := cpu.X[31]
	if frame%16 != 0 || !p.readable(frame, rtSigframeSize) {
		DieOfSignal(unix.SIGSEGV)
	}
	f := guestBytes(frame, rtSigframeSize)
	le := binary.LittleEndian
	for i := 0; i < 31; i++ {
		cpu.X[i] = le.Uint64(f[scRegsOffset+8*i:])
	}
	cpu.X[31] = le.Uint64(f[scSPOffset:])
	cpu.PC = le.Uint64(f[scPCOffset:])
	cpu.NZCV, cpu.PSTATE = restorePstate(le.Uint64(f[scPstateOffset:]))
	cpu.ExclSize = 0
	// Walk the records for the FP/SIMD state.
	for off := 0; off+8 <= reservedSize; {
		r := f[scReservedOffset+off:]
		magic, size := le.Uint32(r[0:]), int(le.Uint32(r[4:]))
		if magic == 0 || size < 8 || off+size > reservedSize {
			break
		}
		if magic == fpsimdMagic && size >= fpsimdSize {
			// A handler may have edited the frame: keep only the bits
			// MSR could have set.
			cpu.FPSR = uint64(le.Uint32(r[8:])) & ir.FPSRWritable
			cpu.FPCR = uint64(le.Uint32(r[12:])) & ir.FPCRWritable
			for i := 0; i < 32; i++ {
				cpu.V[i][0] = le.Uint64(r[16+16*i:])
				cpu.V[i][1] = le.Uint64(r[24+16*i:])
			}
		}
		off += size
	}
	t.setMask(le.Uint64(f[ucSigmaskOffset:]))
	// uc_stack: re-arm the alternate stack as sigaltstack would.
	alt := AltStack{SP: le.Uint64(f[ucStackOffset:]), Flags: int32(le.Uint32(f[ucStackOffset+8:])) &^ ssOnStack,
		Size: le.Uint64(f[ucStackOffset+16:])}
	if alt.Flags&ssDisable != 0 {
		t.AltStack = AltStack{Flags: ssDisable}
	} else if alt.Size >= minSigStkSize {
		t.AltStack = alt
	}
}

// sysRtSigreturn restores every register, X0 included: the call has no
// result of its own (the table row says so).
func (t *Thread) sysRtSigreturn(*[6]uint64) int64 {
	t.sigreturn()
	if t.P.Strace {
		fmt.Fprintf(t.P.log(), "[ferry] rt_sigreturn() = %#x (resuming at pc %#x)\n", t.CPU.X[0], t.CPU.PC)
	}
	return 0
}

// restorePstate is arm64 Linux's valid_native_regs for the pstate of a
// signal frame, split into NZCV and ir.CPU.PSTATE: a pstate for EL0t
// (mode bits and the AArch32 bit clear) with D, A, I and F clear keeps
// its flags, DIT and SSBS; any other is forced to EL0t keeping only NZCV.
func restorePstate(pstate uint64) (nzcv, extra uint64) {
	const (
		modeMask = 0x1f     // M[4:0]: M[4] is the AArch32 bit
		daif     = 0xf << 6 // D, A, I, F
	)
	nzcv = pstate & 0xf0000000
	if pstate&(modeMask|daif) != 0 {
		return nzcv, 0
	}
	return nzcv, pstate & (ir.PSTATEDIT | ir.PSTATESSBS)
}
