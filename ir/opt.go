package ir

// Optimize removes work from a block without changing what any engine
// observes: guest-state writes that a later write in the same block
// overwrites (when nothing in between can read them or fault), and pure
// instructions whose values are unused. It renumbers values in place.
//
// A write is only dropped if no instruction between it and its overwrite
// can fault: a fault must see the guest state exactly as it was at the
// faulting instruction, because a signal handler can read all of it.
func Optimize(b *Block) {
	n := len(b.Insts)
	if n == 0 {
		return
	}
	dead := make([]bool, n)

	// Redundant state writes. Keys: 0..31 X regs, 32..63 V regs, 64 NZCV,
	// 65.. system registers.
	const keyNZCV, keySys = 64, 65
	pending := map[int64]int{}
	for i := range b.Insts {
		in := &b.Insts[i]
		key, isSet, isGet := int64(-1), false, false
		switch in.Op {
		case OpSetReg:
			key, isSet = in.Aux, true
		case OpGetReg:
			key, isGet = in.Aux, true
		case OpSetV:
			key, isSet = 32+in.Aux, true
		case OpGetV:
			key, isGet = 32+in.Aux, true
		case OpSetNZCV:
			key, isSet = keyNZCV, true
		case OpGetNZCV:
			key, isGet = keyNZCV, true
		case OpSetSys:
			key, isSet = keySys+in.Aux, true
		case OpGetSys:
			key, isGet = keySys+in.Aux, true
		default:
			if mayFault(in.Op) {
				clear(pending)
			}
			continue
		}
		if isGet {
			delete(pending, key)
			continue
		}
		if isSet {
			if j, ok := pending[key]; ok {
				dead[j] = true
			}
			pending[key] = i
		}
	}

	// Liveness: a backward pass marks what the terminator and the kept
	// side effects need.
	live := make([]bool, n)
	use := func(v Value) {
		if v >= 0 {
			live[v] = true
		}
	}
	use(b.Term.Cond)
	use(b.Term.Addr)
	for i := n - 1; i >= 0; i-- {
		in := &b.Insts[i]
		if dead[i] {
			continue
		}
		if in.Op.HasSideEffects() {
			live[i] = true
		}
		if live[i] {
			for _, a := range in.Args {
				use(a)
			}
		}
	}

	// Compact and renumber.
	remap := make([]Value, n)
	out := b.Insts[:0]
	for i := 0; i < n; i++ {
		if !live[i] {
			remap[i] = NoValue
			continue
		}
		in := b.Insts[i]
		for k, a := range in.Args {
			if a >= 0 {
				in.Args[k] = remap[a]
			}
		}
		remap[i] = Value(len(out))
		out = append(out, in)
	}
	b.Insts = out
	if b.Term.Cond >= 0 {
		b.Term.Cond = remap[b.Term.Cond]
	}
	if b.Term.Addr >= 0 {
		b.Term.Addr = remap[b.Term.Addr]
	}
}

// mayFault reports whether an op can raise a guest fault (or otherwise
// observe memory), which pins the guest state writes before it.
func mayFault(o Op) bool {
	switch o {
	case OpLoad, OpStore, OpLoadV, OpStoreV, OpLoadExcl, OpStoreExcl,
		OpLoadExclPair, OpStoreExclPair, OpAtomic:
		return true
	}
	// FP/SIMD structure loads and stores are vector ops with side effects.
	return o >= OpVecBase && vecHasSideEffects(o)
}
