// Package lift turns decoded A64 instructions into IR blocks.
package lift

import "ferry/ir"

// MaxBlockInsns bounds a translation block so one block's IR stays small.
const MaxBlockInsns = 128

// Translate builds the IR block starting at guest address pc, reading the
// guest's code directly from (identity-mapped) memory. It satisfies
// backend.Translator.
//
// PLACEHOLDER until the lifter lands: every block traps as undefined.
func Translate(pc uint64) *ir.Block {
	b := ir.NewBuilder(pc)
	b.Trap(ir.TrapUndefined, pc, 0)
	return b.B
}
