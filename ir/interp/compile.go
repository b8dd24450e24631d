package interp

import (
	"math/bits"
	"unsafe"

	"ferry/ir"
)

// The interpreter does not walk IR with a big switch on every execution:
// each block is compiled once into a slice of closures ("closure-threaded
// code"), one per instruction, with operand indices and immediates bound
// at compile time. Hot integer and memory ops get specialised closures;
// every other op runs through evalInst, which stays the single definition
// of each op's meaning (compile_test.go checks the two agree).

// frame is the per-execution state a compiled step works on.
type frame struct {
	cpu *ir.CPU
	v   [][2]uint64 // value i of the block; integers zero-extended in [0]
	pc  uint64      // guest PC of the instruction being executed
	// addr is the address of the memory access being made. Go reports
	// faults in the first page without an address, so the fault handler
	// takes it from here.
	addr uint64
}

type step func(f *frame)

type program struct {
	steps []step
}

// compiled returns blk's program, compiling it on first use.
func compiled(blk *ir.Block) *program {
	if p, ok := blk.Interp.Load().(*program); ok {
		return p
	}
	p := compile(blk, true)
	blk.Interp.Store(p)
	return p
}

// compile builds the program of blk; with special false every op goes
// through evalInst (used by tests as the reference).
func compile(blk *ir.Block, special bool) *program {
	p := &program{steps: make([]step, 0, len(blk.Insts))}
	for i := range blk.Insts {
		var s step
		if special {
			s = specialise(blk, i)
		}
		if s == nil {
			s = generic(blk, i)
		}
		p.steps = append(p.steps, s)
	}
	return p
}

func generic(blk *ir.Block, i int) step {
	in := &blk.Insts[i]
	if in.Op == ir.OpInsnStart {
		pc := uint64(in.Aux)
		return func(f *frame) { f.pc = pc }
	}
	if touchesMemory(in.Op) {
		a := in.Args[0]
		return func(f *frame) {
			f.addr = f.v[a][0]
			f.v[i] = evalInst(f.cpu, blk, in, f.v)
		}
	}
	return func(f *frame) { f.v[i] = evalInst(f.cpu, blk, in, f.v) }
}

// touchesMemory lists the ops whose first operand is a guest address.
func touchesMemory(o ir.Op) bool {
	switch o {
	case ir.OpLoad, ir.OpStore, ir.OpLoadV, ir.OpStoreV, ir.OpLoadExcl, ir.OpStoreExcl,
		ir.OpLoadExclPair, ir.OpStoreExclPair, ir.OpAtomic:
		return true
	}
	return false
}

// specialise returns a fast closure for common ops, or nil.
func specialise(blk *ir.Block, i int) step {
	in := blk.Insts[i]
	a, b, c := in.Args[0], in.Args[1], in.Args[2]
	t := in.Type
	var aw uint // width of the first operand
	if a >= 0 {
		aw = blk.Insts[a].Type.Bits()
	}
	is64 := t == ir.I64
	is32 := t == ir.I32
	switch in.Op {
	case ir.OpInsnStart:
		pc := uint64(in.Aux)
		return func(f *frame) { f.pc = pc }
	case ir.OpConst:
		if t == ir.V128 {
			v := [2]uint64{uint64(in.Aux), uint64(in.Aux2)}
			return func(f *frame) { f.v[i] = v }
		}
		v := [2]uint64{mask(t, uint64(in.Aux))}
		return func(f *frame) { f.v[i] = v }
	case ir.OpGetReg:
		r := in.Aux
		return func(f *frame) { f.v[i] = [2]uint64{f.cpu.X[r]} }
	case ir.OpSetReg:
		r := in.Aux
		return func(f *frame) { f.cpu.X[r] = f.v[a][0] }
	case ir.OpGetV:
		r := in.Aux
		return func(f *frame) { f.v[i] = f.cpu.V[r] }
	case ir.OpSetV:
		r := in.Aux
		return func(f *frame) { f.cpu.V[r] = f.v[a] }
	case ir.OpGetNZCV:
		return func(f *frame) { f.v[i] = [2]uint64{f.cpu.NZCV} }
	case ir.OpSetNZCV:
		return func(f *frame) { f.cpu.NZCV = f.v[a][0] & 0xf0000000 }
	case ir.OpAdd:
		if is64 {
			return func(f *frame) { f.v[i] = [2]uint64{f.v[a][0] + f.v[b][0]} }
		}
		if is32 {
			return func(f *frame) { f.v[i] = [2]uint64{uint64(uint32(f.v[a][0] + f.v[b][0]))} }
		}
	case ir.OpSub:
		if is64 {
			return func(f *frame) { f.v[i] = [2]uint64{f.v[a][0] - f.v[b][0]} }
		}
		if is32 {
			return func(f *frame) { f.v[i] = [2]uint64{uint64(uint32(f.v[a][0] - f.v[b][0]))} }
		}
	case ir.OpAnd:
		return func(f *frame) { f.v[i] = [2]uint64{f.v[a][0] & f.v[b][0]} }
	case ir.OpOr:
		return func(f *frame) { f.v[i] = [2]uint64{f.v[a][0] | f.v[b][0]} }
	case ir.OpXor:
		return func(f *frame) { f.v[i] = [2]uint64{f.v[a][0] ^ f.v[b][0]} }
	case ir.OpShl:
		if is64 {
			return func(f *frame) { f.v[i] = [2]uint64{f.v[a][0] << (f.v[b][0] & 63)} }
		}
		if is32 {
			return func(f *frame) { f.v[i] = [2]uint64{uint64(uint32(f.v[a][0] << (f.v[b][0] & 31)))} }
		}
	case ir.OpLShr:
		if is64 {
			return func(f *frame) { f.v[i] = [2]uint64{f.v[a][0] >> (f.v[b][0] & 63)} }
		}
		if is32 {
			return func(f *frame) { f.v[i] = [2]uint64{f.v[a][0] >> (f.v[b][0] & 31)} }
		}
	case ir.OpRotR:
		if is64 {
			return func(f *frame) { f.v[i] = [2]uint64{bits.RotateLeft64(f.v[a][0], -int(f.v[b][0]&63))} }
		}
		if is32 {
			return func(f *frame) {
				f.v[i] = [2]uint64{uint64(bits.RotateLeft32(uint32(f.v[a][0]), -int(f.v[b][0]&31)))}
			}
		}
	case ir.OpAShr:
		if is64 {
			return func(f *frame) { f.v[i] = [2]uint64{uint64(int64(f.v[a][0]) >> (f.v[b][0] & 63))} }
		}
		if is32 {
			return func(f *frame) {
				f.v[i] = [2]uint64{uint64(uint32(int32(uint32(f.v[a][0])) >> (f.v[b][0] & 31)))}
			}
		}
	case ir.OpNot:
		if is64 {
			return func(f *frame) { f.v[i] = [2]uint64{^f.v[a][0]} }
		}
		if is32 {
			return func(f *frame) { f.v[i] = [2]uint64{uint64(^uint32(f.v[a][0]))} }
		}
	case ir.OpMul:
		if is64 {
			return func(f *frame) { f.v[i] = [2]uint64{f.v[a][0] * f.v[b][0]} }
		}
		if is32 {
			return func(f *frame) { f.v[i] = [2]uint64{uint64(uint32(f.v[a][0] * f.v[b][0]))} }
		}
	case ir.OpFlagsLogic:
		m := widthMask(aw)
		top := aw - 1
		return func(f *frame) {
			v := f.v[a][0] & m
			fl := (v >> top & 1) << 31
			if v == 0 {
				fl |= 1 << 30
			}
			f.v[i] = [2]uint64{fl}
		}
	case ir.OpSExtBits:
		sh := 64 - uint(in.Aux)
		if is64 {
			return func(f *frame) { f.v[i] = [2]uint64{uint64(int64(f.v[a][0]<<sh) >> sh)} }
		}
	case ir.OpZExt32, ir.OpTrunc:
		return func(f *frame) { f.v[i] = [2]uint64{uint64(uint32(f.v[a][0]))} }
	case ir.OpSExt32:
		return func(f *frame) { f.v[i] = [2]uint64{uint64(int64(int32(f.v[a][0])))} }
	case ir.OpZExtBits:
		m := uint64(1)<<uint(in.Aux) - 1
		return func(f *frame) { f.v[i] = [2]uint64{f.v[a][0] & m} }
	case ir.OpSelect:
		return func(f *frame) {
			if f.v[a][0] != 0 {
				f.v[i] = f.v[b]
			} else {
				f.v[i] = f.v[c]
			}
		}
	case ir.OpCmp:
		switch ir.Pred(in.Aux) {
		case ir.PredEq:
			return func(f *frame) { f.v[i] = [2]uint64{b2u(f.v[a][0] == f.v[b][0])} }
		case ir.PredNe:
			return func(f *frame) { f.v[i] = [2]uint64{b2u(f.v[a][0] != f.v[b][0])} }
		}
	case ir.OpFlagsSub:
		return func(f *frame) {
			_, fl := addWithCarry(f.v[a][0], ^f.v[b][0], 1, aw)
			f.v[i] = [2]uint64{fl}
		}
	case ir.OpFlagsAdd:
		return func(f *frame) {
			_, fl := addWithCarry(f.v[a][0], f.v[b][0], 0, aw)
			f.v[i] = [2]uint64{fl}
		}
	case ir.OpCondHolds:
		cond := int(in.Aux)
		return func(f *frame) { f.v[i] = [2]uint64{b2u(CondHolds(uint32(f.v[a][0]), cond))} }
	case ir.OpLoad:
		if in.Aux2 != 0 {
			switch in.Aux {
			case 1:
				return func(f *frame) { f.addr = f.v[a][0]; f.v[i] = [2]uint64{uint64(int64(*(*int8)(gp(f.v[a][0]))))} }
			case 2:
				return func(f *frame) { f.addr = f.v[a][0]; f.v[i] = [2]uint64{uint64(int64(*(*int16)(gp(f.v[a][0]))))} }
			case 4:
				return func(f *frame) { f.addr = f.v[a][0]; f.v[i] = [2]uint64{uint64(int64(*(*int32)(gp(f.v[a][0]))))} }
			}
			return nil
		}
		switch in.Aux {
		case 1:
			return func(f *frame) { f.addr = f.v[a][0]; f.v[i] = [2]uint64{uint64(*(*uint8)(gp(f.v[a][0])))} }
		case 2:
			return func(f *frame) { f.addr = f.v[a][0]; f.v[i] = [2]uint64{uint64(*(*uint16)(gp(f.v[a][0])))} }
		case 4:
			return func(f *frame) { f.addr = f.v[a][0]; f.v[i] = [2]uint64{uint64(*(*uint32)(gp(f.v[a][0])))} }
		case 8:
			return func(f *frame) { f.addr = f.v[a][0]; f.v[i] = [2]uint64{*(*uint64)(gp(f.v[a][0]))} }
		}
	case ir.OpStore:
		switch in.Aux {
		case 1:
			return func(f *frame) { f.addr = f.v[a][0]; *(*uint8)(gp(f.v[a][0])) = uint8(f.v[b][0]) }
		case 2:
			return func(f *frame) { f.addr = f.v[a][0]; *(*uint16)(gp(f.v[a][0])) = uint16(f.v[b][0]) }
		case 4:
			return func(f *frame) { f.addr = f.v[a][0]; *(*uint32)(gp(f.v[a][0])) = uint32(f.v[b][0]) }
		case 8:
			return func(f *frame) { f.addr = f.v[a][0]; *(*uint64)(gp(f.v[a][0])) = f.v[b][0] }
		}
	}
	return nil
}

// gp turns a guest address into a pointer (identity mapping).
func gp(addr uint64) unsafe.Pointer { return unsafe.Add(nil, uintptr(addr)) }
