// Package interp is ferry's reference engine: it executes IR blocks
// directly. It defines the meaning of every IR op; the JIT is tested against
// it, and it runs any block the JIT cannot compile.
package interp

import (
	"encoding/binary"
	"hash/crc32"
	"math/bits"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"ferry/backend"
	"ferry/ir"
)

// Engine is the IR interpreter for one guest process: a block cache
// shared by all its threads, each running blocks through its own Runner.
type Engine struct {
	cache *backend.Cache[*ir.Block]
}

// New returns an interpreter that fetches blocks from tr.
func New(tr backend.Translator) *Engine {
	return &Engine{cache: backend.NewCache[*ir.Block](tr, nil)}
}

// SetTrace makes the dispatcher report every block it enters (ferry -d
// exec); the interpreter never chains, so noChain changes nothing. Call it
// before any runner runs.
func (e *Engine) SetTrace(trace func(pc uint64), noChain bool) {
	e.cache.Trace, e.cache.NoChain = trace, noChain
}

// Invalidate drops cached blocks overlapping [start, end).
func (e *Engine) Invalidate(start, end uint64) { e.cache.Invalidate(start, end) }

// CodeRange is empty: the interpreter generates no host code.
func (e *Engine) CodeRange() (lo, hi uintptr) { return 0, 0 }

// NewRunner returns the state one guest thread interprets with.
func (e *Engine) NewRunner() backend.Runner {
	r := &runner{}
	r.thread = e.cache.NewThread(r)
	return r
}

// runner is one guest thread's interpreter.
type runner struct {
	thread *backend.Thread[*ir.Block]
	vals   [][2]uint64 // scratch value storage reused across blocks
	frame  frame
}

// Close unregisters the runner from the block cache.
func (r *runner) Close() { r.thread.Close() }

// Run executes blocks from cpu.PC until an exit that needs the runtime.
// One deferred fault handler covers the whole time slice: a fault ends the
// slice with ExitFault at the faulting instruction.
func (r *runner) Run(cpu *ir.CPU) (reason ir.ExitReason) {
	f := &r.frame
	f.cpu = cpu
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if rec := recover(); rec != nil {
			reason = faultExit(cpu, f, rec)
		}
	}()
	return r.thread.Run(cpu)
}

// translation is an interpreted block: compiling it into closures happens
// before it is installed, outside the cache's lock.
type translation struct{ blk *ir.Block }

func (t translation) Place() (*ir.Block, []backend.SiteSpec, bool) { return t.blk, nil, true }

// Compile prepares blk's closure-threaded program.
func (r *runner) Compile(blk *ir.Block) backend.Translation[*ir.Block] {
	compiled(blk)
	return translation{blk}
}

// Execute interprets one block.
func (r *runner) Execute(_ *backend.Thread[*ir.Block], b *backend.Block[*ir.Block], cpu *ir.CPU) ir.ExitReason {
	blk := b.Code
	f := &r.frame
	if cap(r.vals) < len(blk.Insts) {
		r.vals = make([][2]uint64, len(blk.Insts)+64)
	}
	f.v = r.vals[:len(blk.Insts)]
	f.pc = blk.PC
	for _, s := range compiled(blk).steps {
		s(f)
	}
	cpu.Retired += uint64(blk.NInsns)
	cpu.Budget--
	return finish(cpu, blk, f.v)
}

// faultExit turns a recovered host fault into the guest's ExitFault; any
// other panic is a translator bug and propagates.
func faultExit(cpu *ir.CPU, f *frame, r any) ir.ExitReason {
	var addr uint64
	switch e := r.(type) {
	case interface{ Addr() uintptr }:
		addr = uint64(e.Addr())
	case runtime.Error:
		// Go reports a fault in the first page as a nil dereference and
		// drops the address even with SetPanicOnFault; the step that made
		// the access recorded it.
		if !strings.Contains(e.Error(), "nil pointer dereference") {
			panic(r)
		}
		addr = f.addr
	default:
		panic(r)
	}
	cpu.PC = f.pc
	cpu.Exit = uint64(ir.ExitFault)
	cpu.ExitInfo = addr
	return ir.ExitFault
}

// Exec runs one block on cpu and returns ExitNone if execution simply
// continues at cpu.PC. Exported for tests of the lifter and the JIT.
func Exec(cpu *ir.CPU, blk *ir.Block) ir.ExitReason {
	f := framePool.Get().(*frame)
	if cap(f.v) < len(blk.Insts) {
		f.v = make([][2]uint64, len(blk.Insts)+64)
	}
	f.cpu = cpu
	f.v = f.v[:len(blk.Insts)]
	r := run(f, blk, compiled(blk))
	f.cpu = nil
	framePool.Put(f)
	return r
}

// framePool recycles frames and their value buffers for Exec, which the
// JIT calls for every block it hands to the interpreter.
var framePool = sync.Pool{New: func() any { return new(frame) }}

// run executes a compiled block. Only a guest memory fault is recovered;
// any other panic is a translator bug and propagates.
func run(f *frame, blk *ir.Block, p *program) (reason ir.ExitReason) {
	cpu := f.cpu
	f.pc = blk.PC
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			reason = faultExit(cpu, f, r)
		}
	}()
	for _, s := range p.steps {
		s(f)
	}
	return finish(cpu, blk, f.v)
}

func finish(cpu *ir.CPU, blk *ir.Block, vals [][2]uint64) ir.ExitReason {
	t := &blk.Term
	switch t.Kind {
	case ir.TermJump:
		cpu.PC = t.Target
	case ir.TermCondJump:
		if vals[t.Cond][0] != 0 {
			cpu.PC = t.Target
		} else {
			cpu.PC = t.Next
		}
	case ir.TermIndirect:
		cpu.PC = vals[t.Addr][0]
	case ir.TermSyscall:
		cpu.PC = t.Next
		cpu.Exit = uint64(ir.ExitSyscall)
		return ir.ExitSyscall
	case ir.TermTrap:
		cpu.PC = t.PC
		cpu.ExitInfo = t.Info // TrapFetchFault: Info is the PC, the fault address
		r := TrapExit(t.Trap)
		cpu.Exit = uint64(r)
		return r
	}
	return ir.ExitNone
}

// TrapExit maps a trap kind to the exit reason the runtime sees.
func TrapExit(k ir.TrapKind) ir.ExitReason {
	switch k {
	case ir.TrapBreakpoint:
		return ir.ExitBreakpoint
	case ir.TrapFetchFault:
		return ir.ExitFault
	case ir.TrapCodeChanged:
		return ir.ExitCodeChanged
	}
	return ir.ExitUndefined
}

func mask(t ir.Type, v uint64) uint64 {
	if t == ir.I32 {
		return uint64(uint32(v))
	}
	return v
}

func ptr(addr uint64) unsafe.Pointer { return unsafe.Add(nil, uintptr(addr)) }

// evalInst computes one instruction. Integer results are stored
// zero-extended in [0]; V128 uses both words.
func evalInst(cpu *ir.CPU, blk *ir.Block, in *ir.Inst, vals [][2]uint64) [2]uint64 {
	var a, b, c [2]uint64
	// ow is the width of the first operand: flag ops and comparisons
	// take their width from their operands, not their result.
	var ow uint = 64
	if in.Args[0] >= 0 {
		a = vals[in.Args[0]]
		ow = blk.Insts[in.Args[0]].Type.Bits()
	}
	if in.Args[1] >= 0 {
		b = vals[in.Args[1]]
	}
	if in.Args[2] >= 0 {
		c = vals[in.Args[2]]
	}
	if in.Op >= ir.OpVecBase {
		return evalVec(cpu, in, a, b, c)
	}
	t := in.Type
	w := t.Bits()
	x, y := a[0], b[0]
	r := func(v uint64) [2]uint64 { return [2]uint64{mask(t, v)} }
	switch in.Op {
	case ir.OpConst:
		if t == ir.V128 {
			return [2]uint64{uint64(in.Aux), uint64(in.Aux2)}
		}
		return r(uint64(in.Aux))
	case ir.OpGetReg:
		return r(cpu.X[in.Aux])
	case ir.OpSetReg:
		cpu.X[in.Aux] = x
	case ir.OpGetV:
		return cpu.V[in.Aux]
	case ir.OpSetV:
		cpu.V[in.Aux] = a
	case ir.OpGetNZCV:
		return r(cpu.NZCV)
	case ir.OpSetNZCV:
		cpu.NZCV = x & 0xf0000000
	case ir.OpGetSys:
		return r(*sysReg(cpu, ir.SysReg(in.Aux)))
	case ir.OpSetSys:
		*sysReg(cpu, ir.SysReg(in.Aux)) = x
	case ir.OpAdd:
		return r(x + y)
	case ir.OpSub:
		return r(x - y)
	case ir.OpMul:
		return r(x * y)
	case ir.OpUMulHi:
		hi, _ := bits.Mul64(x, y)
		return r(hi)
	case ir.OpSMulHi:
		hi, _ := bits.Mul64(x, y)
		// Signed correction of the unsigned high word.
		if int64(x) < 0 {
			hi -= y
		}
		if int64(y) < 0 {
			hi -= x
		}
		return r(hi)
	case ir.OpUDiv:
		if y == 0 {
			return r(0)
		}
		return r(x / y)
	case ir.OpSDiv:
		if y == 0 {
			return r(0)
		}
		if t == ir.I32 {
			n, d := int32(x), int32(y)
			if d == -1 {
				return r(uint64(uint32(-n))) // MinInt32 / -1 wraps to MinInt32
			}
			return r(uint64(uint32(n / d)))
		}
		n, d := int64(x), int64(y)
		if d == -1 {
			return r(uint64(-n))
		}
		return r(uint64(n / d))
	case ir.OpAnd:
		return r(x & y)
	case ir.OpOr:
		return r(x | y)
	case ir.OpXor:
		return r(x ^ y)
	case ir.OpShl:
		return r(x << (y & uint64(w-1)))
	case ir.OpLShr:
		return r(x >> (y & uint64(w-1)))
	case ir.OpAShr:
		if t == ir.I32 {
			return r(uint64(uint32(int32(x) >> (y & 31))))
		}
		return r(uint64(int64(x) >> (y & 63)))
	case ir.OpRotR:
		if t == ir.I32 {
			return r(uint64(bits.RotateLeft32(uint32(x), -int(y&31))))
		}
		return r(bits.RotateLeft64(x, -int(y&63)))
	case ir.OpNot:
		return r(^x)
	case ir.OpNeg:
		return r(-x)
	case ir.OpClz:
		if t == ir.I32 {
			return r(uint64(bits.LeadingZeros32(uint32(x))))
		}
		return r(uint64(bits.LeadingZeros64(x)))
	case ir.OpCls:
		if t == ir.I32 {
			z := (uint32(x) >> 1) ^ uint32(x)
			return r(uint64(bits.LeadingZeros32(z&0x7fffffff) - 1))
		}
		z := (x >> 1) ^ x
		return r(uint64(bits.LeadingZeros64(z&(1<<63-1)) - 1))
	case ir.OpRbit:
		if t == ir.I32 {
			return r(uint64(bits.Reverse32(uint32(x))))
		}
		return r(bits.Reverse64(x))
	case ir.OpBswap:
		if t == ir.I32 {
			return r(uint64(bits.ReverseBytes32(uint32(x))))
		}
		return r(bits.ReverseBytes64(x))
	case ir.OpZExt32:
		return r(uint64(uint32(x)))
	case ir.OpSExt32:
		return r(uint64(int64(int32(x))))
	case ir.OpTrunc:
		return r(uint64(uint32(x)))
	case ir.OpZExtBits:
		return r(x & (1<<uint(in.Aux) - 1))
	case ir.OpSExtBits:
		s := 64 - uint(in.Aux)
		return r(uint64(int64(x<<s) >> s))
	case ir.OpSelect:
		if x != 0 {
			return b
		}
		return c
	case ir.OpCmp:
		return r(b2u(compare(ir.Pred(in.Aux), x, y, ow)))
	case ir.OpFlagsAdd:
		_, f := addWithCarry(x, y, 0, ow)
		return r(f)
	case ir.OpFlagsSub:
		_, f := addWithCarry(x, ^y, 1, ow)
		return r(f)
	case ir.OpFlagsAdc:
		_, f := addWithCarry(x, y, c[0]>>29&1, ow)
		return r(f)
	case ir.OpFlagsSbc:
		_, f := addWithCarry(x, ^y, c[0]>>29&1, ow)
		return r(f)
	case ir.OpFlagsLogic:
		v := x & widthMask(ow)
		f := (v >> (ow - 1) & 1) << 31
		if v == 0 {
			f |= 1 << 30
		}
		return r(f)
	case ir.OpAdc:
		res, _ := addWithCarry(x, y, c[0]>>29&1, w)
		return r(res)
	case ir.OpSbc:
		res, _ := addWithCarry(x, ^y, c[0]>>29&1, w)
		return r(res)
	case ir.OpCondHolds:
		return r(b2u(CondHolds(uint32(x), int(in.Aux))))
	case ir.OpLoad:
		return r(load(x, int(in.Aux), in.Aux2 != 0))
	case ir.OpStore:
		store(x, y, int(in.Aux))
	case ir.OpLoadV:
		return loadV(x, int(in.Aux))
	case ir.OpStoreV:
		storeV(x, b, int(in.Aux))
	case ir.OpLoadExcl:
		v := atomicLoad(x, int(in.Aux))
		cpu.ExclAddr, cpu.ExclSize, cpu.ExclVal = x, uint64(in.Aux), [2]uint64{v, 0}
		return r(v)
	case ir.OpStoreExcl:
		ok := cpu.ExclSize == uint64(in.Aux) && cpu.ExclAddr == x &&
			cas(x, int(in.Aux), cpu.ExclVal[0], y)
		cpu.ExclSize = 0
		return r(b2u(!ok))
	case ir.OpLoadExclPair:
		// 16-byte exclusive pair: the words may be read torn, but then
		// the store's 16-byte compare-and-swap fails and the guest's
		// loop reads again, so a successful LDXP/STXP pair is atomic.
		v0 := atomicLoad(x, 8)
		v1 := atomicLoad(x+8, 8)
		cpu.ExclAddr, cpu.ExclSize, cpu.ExclVal = x, 16, [2]uint64{v0, v1}
		return r(v0)
	case ir.OpExclSecond:
		return r(cpu.ExclVal[1])
	case ir.OpStoreExclPair:
		ok := cpu.ExclSize == 16 && cpu.ExclAddr == x &&
			cas128(uintptr(x), cpu.ExclVal[0], cpu.ExclVal[1], y, c[0])
		cpu.ExclSize = 0
		return r(b2u(!ok))
	case ir.OpClearExcl:
		cpu.ExclSize = 0
	case ir.OpAtomic:
		return r(atomicRMW(x, int(in.Aux), ir.AtomicOp(in.Aux2), y, c[0]))
	case ir.OpFence:
		// The interpreter's memory accesses are not reordered by Go within
		// one goroutine; a sequentially consistent atomic gives the
		// cross-thread ordering of a full barrier.
		atomic.AddUint64(&fenceWord, 0)
	case ir.OpReadCounter:
		return r(counter())
	case ir.OpCRC32:
		return r(uint64(crc32Update(uint32(x), y, int(in.Aux), in.Aux2 == 1)))
	default:
		panic("interp: unknown op " + in.Op.String())
	}
	return [2]uint64{}
}

var fenceWord uint64

// castagnoliTable is made on first use: hash/crc32 prepares its SSE4.2
// tables for Castagnoli then, which costs every ferry start-up 0.3 ms if
// done at package init.
var castagnoliTable = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// crc32Update is A64 CRC32/CRC32C: hash/crc32 computes the same
// bit-reflected CRC but inverts the accumulator before and after.
func crc32Update(acc uint32, val uint64, n int, castagnoli bool) uint32 {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], val)
	table := crc32.IEEETable
	if castagnoli {
		table = castagnoliTable()
	}
	return ^crc32.Update(^acc, table, buf[:n])
}

var counterStart = time.Now()

// counter returns the virtual counter: monotonic time in CounterHz ticks.
func counter() uint64 {
	ns := uint64(time.Since(counterStart).Nanoseconds())
	hi, lo := bits.Mul64(ns, ir.CounterHz)
	q, _ := bits.Div64(hi, lo, 1_000_000_000)
	return q
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func widthMask(w uint) uint64 {
	if w >= 64 {
		return ^uint64(0)
	}
	return 1<<w - 1
}

// addWithCarry is the Arm ARM AddWithCarry for width w: it returns the
// w-bit result and its NZCV.
func addWithCarry(x, y, carry uint64, w uint) (uint64, uint64) {
	m := widthMask(w)
	x, y = x&m, y&m
	var res, cout uint64
	if w == 64 {
		var c1, c2 uint64
		res, c1 = bits.Add64(x, y, 0)
		res, c2 = bits.Add64(res, carry, 0)
		cout = c1 | c2
	} else {
		sum := x + y + carry
		res = sum & m
		cout = sum >> w & 1
	}
	sign := uint64(1) << (w - 1)
	var f uint64
	if res&sign != 0 {
		f |= 1 << 31
	}
	if res == 0 {
		f |= 1 << 30
	}
	if cout != 0 {
		f |= 1 << 29
	}
	if (x^res)&(y^res)&sign != 0 {
		f |= 1 << 28
	}
	return res, f
}

// CondHolds is the Arm ARM ConditionHolds for an NZCV value.
func CondHolds(nzcv uint32, cond int) bool {
	n, z, c, v := nzcv>>31&1 == 1, nzcv>>30&1 == 1, nzcv>>29&1 == 1, nzcv>>28&1 == 1
	var res bool
	switch cond >> 1 {
	case 0:
		res = z
	case 1:
		res = c
	case 2:
		res = n
	case 3:
		res = v
	case 4:
		res = c && !z
	case 5:
		res = n == v
	case 6:
		res = n == v && !z
	case 7:
		return true // AL and NV both mean always
	}
	if cond&1 == 1 {
		return !res
	}
	return res
}

func compare(p ir.Pred, x, y uint64, w uint) bool {
	if w == 32 { // signed predicates compare the 32-bit values
		x, y = uint64(int64(int32(x))), uint64(int64(int32(y)))
	}
	switch p {
	case ir.PredEq:
		return x == y
	case ir.PredNe:
		return x != y
	case ir.PredULt:
		return x < y
	case ir.PredULe:
		return x <= y
	case ir.PredUGt:
		return x > y
	case ir.PredUGe:
		return x >= y
	case ir.PredSLt:
		return int64(x) < int64(y)
	case ir.PredSLe:
		return int64(x) <= int64(y)
	case ir.PredSGt:
		return int64(x) > int64(y)
	case ir.PredSGe:
		return int64(x) >= int64(y)
	}
	panic("interp: bad predicate")
}

func sysReg(cpu *ir.CPU, r ir.SysReg) *uint64 {
	switch r {
	case ir.SysTPIDR:
		return &cpu.TPIDR
	case ir.SysFPCR:
		return &cpu.FPCR
	case ir.SysFPSR:
		return &cpu.FPSR
	case ir.SysPSTATE:
		return &cpu.PSTATE
	}
	panic("interp: bad system register")
}
