package main

// Differential fuzzing of single A64 instructions, in the manner of
// dynarmic's fuzz tests: random programs (fuzzprog_test.go) run under
// qemu-aarch64 and under ferry with each engine, and their outputs — the
// complete final register state and every byte of memory they could reach
// — must be identical, as must their exit statuses. A mismatch is
// minimised to the fewest instructions that still disagree and reported
// with a disassembly, the inputs and the differing fields. Programs run in
// batches, several per process, and are checked one by one only when the
// batch disagrees.
//
// Words ferry's decoder rejects but arm64asm accepts are checked too: qemu
// must reject them as well (subtest "rejected").
//
// The default run is small and deterministic (a few seconds). Longer
// campaigns, each program reproducible from the seed and its index:
//
//	FERRY_FUZZ_PROGRAMS=50000 FERRY_FUZZ_SEED=7 go test ./cmd/ferry -run DiffFuzz -timeout 0
//
// FERRY_FUZZ_LENGTH sets instructions per program, FERRY_FUZZ_BATCH
// programs per process, FERRY_FUZZ_ONLY=N runs only program N of the seed
// (to reproduce a report), FERRY_FUZZ_KEEP=DIR saves each minimised
// failing program as an executable there.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"ferry/decoder"

	"golang.org/x/arch/arm64/arm64asm"
)

// Default campaign: quick, and the same every run.
const (
	defaultFuzzPrograms = 150
	defaultFuzzLength   = 40
	defaultFuzzSeed     = 0xf377
	defaultFuzzBatch    = 16 // programs per process
	fuzzPoolPerClass    = 4000
)

// qemuErrata are the instruction encodings where qemu-aarch64 7.2, the
// oracle, is wrong by the Arm ARM. The generator never emits them, so the
// comparison itself is never loosened. Each entry is as narrow as the
// defect and says why qemu is wrong.
var qemuErrata = []struct {
	mask, value uint32
	reason      string
}{}

// qemuErratum returns the reason w must not be compared against qemu, or
// nil.
func qemuErratum(w uint32) *string {
	for i := range qemuErrata {
		if w&qemuErrata[i].mask == qemuErrata[i].value {
			return &qemuErrata[i].reason
		}
	}
	return nil
}

// fuzzConfig is a campaign's parameters.
type fuzzConfig struct {
	programs, length, batch int
	seed                    uint64
	only                    int // -1: all
	keep                    string
}

func fuzzConfigFromEnv(t *testing.T) fuzzConfig {
	t.Helper()
	cfg := fuzzConfig{programs: defaultFuzzPrograms, length: defaultFuzzLength, batch: defaultFuzzBatch,
		seed: defaultFuzzSeed, only: -1, keep: os.Getenv("FERRY_FUZZ_KEEP")}
	num := func(name string, into *int) {
		if s := os.Getenv(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				t.Fatalf("%s=%q: want a non-negative integer", name, s)
			}
			*into = n
		}
	}
	num("FERRY_FUZZ_PROGRAMS", &cfg.programs)
	num("FERRY_FUZZ_LENGTH", &cfg.length)
	num("FERRY_FUZZ_ONLY", &cfg.only)
	num("FERRY_FUZZ_BATCH", &cfg.batch)
	if cfg.batch < 1 || cfg.batch > fuzzMaxBatch {
		t.Fatalf("FERRY_FUZZ_BATCH=%d: want 1..%d", cfg.batch, fuzzMaxBatch)
	}
	if s := os.Getenv("FERRY_FUZZ_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			t.Fatalf("FERRY_FUZZ_SEED=%q: %v", s, err)
		}
		cfg.seed = n
	}
	return cfg
}

// fuzzFailures deduplicates reports across a campaign: one full report per
// kind of disagreement (engines involved and instruction forms left after
// minimisation), a one-line note for repeats.
type fuzzFailures struct {
	mu   sync.Mutex
	seen map[string]uint64 // signature → first program index
}

func (f *fuzzFailures) first(sig string, index uint64) (uint64, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if first, ok := f.seen[sig]; ok {
		return first, false
	}
	f.seen[sig] = index
	return index, true
}

func TestDiffFuzz(t *testing.T) {
	needQEMU(t)
	needFerry(t)
	cfg := fuzzConfigFromEnv(t)
	pool := newFuzzPool(cfg.seed, fuzzPoolPerClass)
	forms := 0
	for _, f := range pool.forms {
		forms += len(f)
	}
	t.Logf("seed %#x: %d programs × %d instructions drawn from %d instruction forms", cfg.seed, cfg.programs, cfg.length, forms)
	if forms < 300 {
		t.Fatalf("only %d instruction forms in the pool: the generator is broken", forms)
	}
	failures := &fuzzFailures{seen: map[string]uint64{}}
	dir := t.TempDir()
	t.Run("rejected", func(t *testing.T) { checkRejectedWords(t, pool, dir) })
	t.Run("programs", func(t *testing.T) {
		for start := 0; start < cfg.programs; start += cfg.batch {
			first, end := start, min(start+cfg.batch, cfg.programs)
			if cfg.only >= 0 {
				if cfg.only < start || cfg.only >= end {
					continue
				}
				first, end = cfg.only, cfg.only+1
			}
			t.Run(fmt.Sprintf("%d-%d", first, end-1), func(t *testing.T) {
				t.Parallel()
				var progs []*fuzzProgram
				for i := first; i < end; i++ {
					progs = append(progs, newFuzzProgram(pool, cfg.seed, uint64(i), cfg.length))
				}
				checkFuzzBatch(t, progs, filepath.Join(dir, strconv.Itoa(first)), failures, cfg)
			})
		}
	})
}

// checkFuzzBatch runs progs as one process under qemu and both engines
// and checks, individually, each program whose output differs.
func checkFuzzBatch(t *testing.T, progs []*fuzzProgram, path string, failures *fuzzFailures, cfg fuzzConfig) {
	img, err := fuzzImage(progs)
	if err != nil {
		t.Fatal(err)
	}
	wantLen := len(progs) * fuzzOutputLen
	qemu := fuzzRunImage(t, qemuRunner, img, path)
	// suspects are the programs to check one by one. When the batch as a
	// whole failed, all of them are, and those that pass alone are fine.
	suspects := map[int]bool{}
	wholeBatch := false
	everyone := func() {
		wholeBatch = true
		for i := range progs {
			suspects[i] = true
		}
	}
	if qemu.status != "exit 0" || len(qemu.stdout) != wantLen {
		everyone() // the culprit will fail under qemu on its own
	} else {
		for _, engine := range engines {
			got := fuzzRunImage(t, ferryRunner(engine), img, path)
			if got.status != qemu.status || len(got.stdout) != wantLen || !bytes.Equal(got.stderr, qemu.stderr) {
				everyone()
				continue
			}
			for i := range progs {
				part := func(b []byte) []byte { return b[i*fuzzOutputLen : (i+1)*fuzzOutputLen] }
				if !bytes.Equal(part(qemu.stdout), part(got.stdout)) {
					suspects[i] = true
				}
			}
		}
	}
	for i, p := range progs {
		if !suspects[i] {
			continue
		}
		if !checkFuzzProgram(t, p, path, failures, cfg) && !wholeBatch && len(progs) > 1 {
			t.Errorf("program %d disagrees only when run after programs %d..%d in one process (FERRY_FUZZ_SEED=%#x)",
				p.index, progs[0].index, p.index-1, p.seed)
		}
	}
}

// checkRejectedWords runs words that arm64asm decodes but ferry's decoder
// rejects, a few per arm64asm mnemonic: arm64asm is lax about reserved
// encodings (extended-register shifts above 4, all-ones logical
// immediates), so each must be undefined under qemu too — ferry must not
// refuse an instruction the oracle runs.
func checkRejectedWords(t *testing.T, pool *fuzzPool, dir string) {
	perMnemonic := map[string]int{}
	var words []uint32
	for w := range pool.decoderGaps {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool { return words[i] < words[j] })
	path := filepath.Join(dir, "rejected")
	for _, w := range words {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], w)
		inst, _ := arm64asm.Decode(b[:])
		mnemonic := inst.Op.String()
		if perMnemonic[mnemonic] >= 3 {
			continue
		}
		perMnemonic[mnemonic]++
		// Rejected words get no memory fixups: none of them may execute.
		prog := &fuzzProgram{units: []fuzzUnit{{word: w}}}
		want := fuzzRun(t, qemuRunner, prog, path)
		if want.status == "exit 0" {
			t.Errorf("qemu runs %s, which ferry's decoder rejects", disasm(w))
			continue
		}
		for _, engine := range engines {
			if got := fuzzRun(t, ferryRunner(engine), prog, path); got.status != want.status {
				t.Errorf("%s: %s under %s, %s under qemu", disasm(w), got.status, engine, want.status)
			}
		}
	}
	if len(perMnemonic) == 0 {
		t.Errorf("no rejected words to check: the pool is too small")
	}
}

// fuzzRun runs one program under one runner.
func fuzzRun(t *testing.T, r runner, prog *fuzzProgram, path string) result {
	t.Helper()
	img, err := prog.elf()
	if err != nil {
		t.Fatal(err)
	}
	return fuzzRunImage(t, r, img, path)
}

// fuzzRunImage runs the executable img, stored at path, under r.
func fuzzRunImage(t *testing.T, r runner, img []byte, path string) result {
	t.Helper()
	if err := os.WriteFile(path, img, 0o755); err != nil {
		t.Fatal(err)
	}
	return run(t, r, invocation{argv: []string{path}})
}

func sameResult(a, b result) bool {
	return a.status == b.status && bytes.Equal(a.stdout, b.stdout) && bytes.Equal(a.stderr, b.stderr)
}

// checkFuzzProgram runs prog under qemu and both ferry engines, reports
// each disagreement, minimised, and says whether there was one.
func checkFuzzProgram(t *testing.T, prog *fuzzProgram, path string, failures *fuzzFailures, cfg fuzzConfig) bool {
	qemu := fuzzRun(t, qemuRunner, prog, path)
	if qemu.status != "exit 0" || len(qemu.stdout) != fuzzOutputLen {
		// Accepted words are defined instructions that stay inside the
		// dumped memory, so the oracle must run them to the end.
		t.Fatalf("qemu: %s; program:\n%s", qemu, prog.listing())
	}
	got := map[string]result{}
	for _, engine := range engines {
		got[engine] = fuzzRun(t, ferryRunner(engine), prog, path)
	}
	interpOK, jitOK := sameResult(qemu, got["interp"]), sameResult(qemu, got["jit"])
	switch {
	case interpOK && jitOK:
		return false
	case !interpOK && sameResult(got["interp"], got["jit"]):
		// Both engines agree with each other: the decoder, lifter or
		// interpreter semantics (or qemu) are wrong.
		reportFuzzMismatch(t, prog, path, qemuRunner, ferryRunner("interp"), "interp+jit", failures, cfg)
	default:
		if !interpOK {
			reportFuzzMismatch(t, prog, path, qemuRunner, ferryRunner("interp"), "interp", failures, cfg)
		}
		if !jitOK {
			reportFuzzMismatch(t, prog, path, qemuRunner, ferryRunner("jit"), "jit", failures, cfg)
		}
	}
	return true
}

// reportFuzzMismatch minimises prog to the units that still make a and b
// disagree and reports them.
func reportFuzzMismatch(t *testing.T, prog *fuzzProgram, path string, a, b runner, who string, failures *fuzzFailures, cfg fuzzConfig) {
	t.Helper()
	differs := func(p *fuzzProgram) (result, result, bool) {
		ra, rb := fuzzRun(t, a, p, path), fuzzRun(t, b, p, path)
		return ra, rb, !sameResult(ra, rb)
	}
	min := minimiseFuzzProgram(prog, func(p *fuzzProgram) bool { _, _, d := differs(p); return d })
	ra, rb, still := differs(min)
	if !still {
		// Flaky: the full program disagreed but no longer does.
		min = prog
		ra, rb, _ = differs(min)
	}

	var forms []string
	for _, u := range min.units {
		forms = append(forms, decoder.Decode(u.word).Op.String())
	}
	sig := who + ": " + strings.Join(forms, " ")
	if first, isFirst := failures.first(sig, prog.index); !isFirst {
		t.Errorf("%s disagrees with %s on %s (as program %d)", who, a.name, strings.Join(forms, "; "), first)
		return
	}
	if cfg.keep != "" {
		if img, err := min.elf(); err == nil {
			name := filepath.Join(cfg.keep, fmt.Sprintf("fuzz-%x-%d-%s", prog.seed, prog.index, who))
			if err := os.WriteFile(name, img, 0o755); err != nil {
				t.Logf("keeping the program: %v", err)
			}
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s disagrees with %s (rerun: FERRY_FUZZ_SEED=%#x FERRY_FUZZ_ONLY=%d)\n", who, a.name, prog.seed, prog.index)
	fmt.Fprintf(&sb, "  minimal sequence, %d of %d instructions:\n%s", len(min.units), len(prog.units), min.listing())
	fmt.Fprintf(&sb, "  inputs: %s\n", fuzzInputs(min))
	if ra.status != rb.status || !bytes.Equal(ra.stderr, rb.stderr) {
		fmt.Fprintf(&sb, "  %s: %s\n  %s: %s\n", a.name, ra, b.name, rb)
	}
	sb.WriteString(fuzzStateDiff(a.name, b.name, ra.stdout, rb.stdout))
	t.Error(sb.String())
}

// minimiseFuzzProgram removes units while fails keeps reporting a
// disagreement: chunks of halving size first, then single units until
// nothing more can go.
func minimiseFuzzProgram(prog *fuzzProgram, fails func(*fuzzProgram) bool) *fuzzProgram {
	units := prog.units
	for chunk := len(units) / 2; chunk >= 1; chunk /= 2 {
		for changed := true; changed; {
			changed = false
			for start := 0; start < len(units); {
				end := min(start+chunk, len(units))
				trial := append(append([]fuzzUnit(nil), units[:start]...), units[end:]...)
				if fails(prog.withUnits(trial)) {
					units, changed = trial, true
				} else {
					start = end
				}
			}
		}
	}
	return prog.withUnits(units)
}

// fuzzField is a named part of the program output.
type fuzzField struct {
	name     string
	off, len int
}

// fuzzFields lists the output's register fields; memory follows them.
var fuzzFields = func() []fuzzField {
	var f []fuzzField
	for x := 0; x < 31; x++ {
		f = append(f, fuzzField{fmt.Sprintf("x%d", x), fuzzStateX + 8*x, 8})
	}
	f = append(f, fuzzField{"sp", fuzzStateSP, 8}, fuzzField{"nzcv", fuzzStateNZCV, 8},
		fuzzField{"fpcr", fuzzStateFPCR, 8}, fuzzField{"fpsr", fuzzStateFPSR, 8},
		fuzzField{"ssbs", fuzzStateSSBS, 8}, fuzzField{"dit", fuzzStateDIT, 8})
	for v := 0; v < 32; v++ {
		f = append(f, fuzzField{fmt.Sprintf("v%d", v), fuzzStateV + 16*v, 16})
	}
	return f
}()

// fieldHex renders a field's bytes as a little-endian hex number (vectors
// as high:low doublewords).
func fieldHex(b []byte) string {
	le := binary.LittleEndian
	switch len(b) {
	case 8:
		return fmt.Sprintf("%#016x", le.Uint64(b))
	case 16:
		return fmt.Sprintf("%016x:%016x", le.Uint64(b[8:]), le.Uint64(b))
	}
	return fmt.Sprintf("% x", b)
}

// fuzzStateDiff lists the fields in which two outputs differ.
func fuzzStateDiff(aName, bName string, a, b []byte) string {
	if len(a) != fuzzOutputLen || len(b) != fuzzOutputLen {
		return fmt.Sprintf("  output lengths: %s %d, %s %d (want %d)\n", aName, len(a), bName, len(b), fuzzOutputLen)
	}
	var sb strings.Builder
	for _, f := range fuzzFields {
		x, y := a[f.off:f.off+f.len], b[f.off:f.off+f.len]
		if !bytes.Equal(x, y) {
			fmt.Fprintf(&sb, "  %-5s %-6s %s\n        %-6s %s\n", f.name, aName, fieldHex(x), bName, fieldHex(y))
		}
	}
	areas := []struct {
		name      string
		off, size int
	}{
		{"scratch", fuzzScratchOff - fuzzDumpOff, fuzzScratchSize},
		{"stack", fuzzStackOff - fuzzDumpOff, fuzzStackSize},
	}
	for _, ar := range areas {
		for i := 0; i < ar.size; i += 16 {
			x, y := a[ar.off+i:ar.off+i+16], b[ar.off+i:ar.off+i+16]
			if !bytes.Equal(x, y) {
				rel := i - fuzzBaseInArea // from the base register's value
				fmt.Fprintf(&sb, "  %s%+#x: %s % x\n  %*s %s % x\n", ar.name, rel, aName, x,
					len(ar.name)+len(fmt.Sprintf("%+#x", rel))+1, "", bName, y)
			}
		}
	}
	return sb.String()
}

var regMention = regexp.MustCompile(`\b([xwvqdshb])([0-9]+)\b`)

// fuzzInputs shows the initial value of every register the program's
// instructions name, and the FP mode.
func fuzzInputs(p *fuzzProgram) string {
	le := binary.LittleEndian
	named := map[string]bool{}
	for _, u := range p.units {
		for _, m := range regMention.FindAllStringSubmatch(disasm(u.word), -1) {
			n, _ := strconv.Atoi(m[2])
			if m[1] == "x" || m[1] == "w" {
				if n < 31 {
					named[fmt.Sprintf("x%d", n)] = true
				}
			} else if n < 32 {
				named[fmt.Sprintf("v%d", n)] = true
			}
		}
	}
	var parts []string
	for _, f := range fuzzFields {
		if named[f.name] {
			parts = append(parts, f.name+"="+fieldHex(p.init[f.off:f.off+f.len]))
		}
	}
	parts = append(parts, fmt.Sprintf("nzcv=%#x fpcr=%#x fpsr=%#x",
		le.Uint64(p.init[fuzzStateNZCV:]), le.Uint64(p.init[fuzzStateFPCR:]), le.Uint64(p.init[fuzzStateFPSR:])))
	return strings.Join(parts, " ")
}

// TestFuzzProgramEncoding checks the fixed parts of a generated program
// against arm64asm, so an encoding slip in the harness cannot pass for a
// translator bug (or hide one). arm64asm prints system registers by
// encoding: s3_3_c4_c2_0 is NZCV, s3_3_c4_c4_0 FPCR, s3_3_c4_c4_1 FPSR and
// s3_3_c13_c0_2 TPIDR_EL0.
func TestFuzzProgramEncoding(t *testing.T) {
	p := &fuzzProgram{units: []fuzzUnit{
		{fixups: []fuzzFixup{{kind: fixScratchBase, reg: 3}}, word: 0xf9400462},                                      // ldr x2, [x3,#8]
		{fixups: []fuzzFixup{{kind: fixStackBase}}, word: 0x3dc007e5},                                                // ldr q5, [sp,#16]
		{fixups: []fuzzFixup{{kind: fixScratchBase, reg: 4}, {kind: fixOffset, reg: 6, imm: 200}}, word: 0xf8666885}, // ldr x5, [x4,x6]
		{fixups: []fuzzFixup{{kind: fixClearFZ}}, word: 0x1e7e0020},                                                  // fjcvtzs w0, d1
	}}
	code, unitAt := p.code()
	at := func(i int) uint64 { return uint64(fuzzTextBase + 4*i) }
	gnu := func(i int) string {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], code[i])
		inst, err := arm64asm.Decode(b[:])
		if err != nil {
			t.Fatalf("word %d (%#08x): %v", i, code[i], err)
		}
		return arm64asm.GNUSyntax(inst)
	}
	pcRel := func(i int, target uint64) string {
		return fmt.Sprintf(".+%#x", target-at(i))
	}
	want := map[int]string{
		0: "adr x0, " + pcRel(0, fuzzDataBase+fuzzInitOff),
		1: "ldr x1, [x0,#256]", 2: "msr s3_3_c4_c2_0, x1",
		3: "ldr x1, [x0,#264]", 4: "msr s3_3_c4_c4_0, x1",
		5: "ldr x1, [x0,#272]", 6: "msr s3_3_c4_c4_1, x1",
		7: "ldr x1, [x0,#280]", 8: "msr s3_3_c4_c2_6, x1",
		9: "ldr x1, [x0,#288]", 10: "msr s3_3_c4_c2_5, x1",
		11: "ldr q0, [x0,#512]", 42: "ldr q31, [x0,#1008]",
		43: "adr x1, " + pcRel(43, fuzzDataBase+fuzzStackBaseOff), 44: "mov sp, x1",
		45: "ldr x30, [x0,#240]", 74: "ldr x1, [x0,#8]", 75: "ldr x0, [x0]",
		unitAt[0]: "adr x3, " + pcRel(unitAt[0], fuzzDataBase+fuzzScratchBaseOff), unitAt[0] + 1: "ldr x2, [x3,#8]",
		unitAt[1]: "adr x17, " + pcRel(unitAt[1], fuzzDataBase+fuzzStackBaseOff), unitAt[1] + 1: "mov sp, x17",
		unitAt[1] + 2: "ldr q5, [sp,#16]",
		unitAt[2]:     "adr x4, " + pcRel(unitAt[2], fuzzDataBase+fuzzScratchBaseOff), unitAt[2] + 1: "mov x6, #0xc8",
		unitAt[2] + 2: "ldr x5, [x4,x6]",
		unitAt[3]:     "mrs x17, s3_3_c4_c4_0", unitAt[3] + 1: "and x17, x17, #0xfffffffffeffffff",
		unitAt[3] + 2: "msr s3_3_c4_c4_0, x17",
	}
	e := unitAt[4]
	for i, s := range map[int]string{
		0: "msr s3_3_c13_c0_2, x0", 1: "adr x0, " + pcRel(e+1, fuzzDataBase+fuzzDumpOff),
		2: "str x1, [x0,#8]", 31: "str x30, [x0,#240]",
		32: "mrs x1, s3_3_c13_c0_2", 33: "str x1, [x0]", 34: "mov x1, sp", 35: "str x1, [x0,#248]",
		36: "mrs x1, s3_3_c4_c2_0", 38: "mrs x1, s3_3_c4_c4_0", 40: "mrs x1, s3_3_c4_c4_1", 41: "str x1, [x0,#272]",
		42: "mrs x1, s3_3_c4_c2_6", 43: "str x1, [x0,#280]", 44: "mrs x1, s3_3_c4_c2_5", 45: "str x1, [x0,#288]",
		46: "str q0, [x0,#512]", 77: "str q31, [x0,#1008]",
		78: "mov x0, #0x1", 79: "adr x1, " + pcRel(e+79, fuzzDataBase+fuzzDumpOff),
		80: fmt.Sprintf("mov x2, #%#x", fuzzOutputLen), 81: "mov x8, #0x40", 82: "svc #0x0",
		83: "mov x0, #0x0", 84: "mov x8, #0x5e", 85: "svc #0x0",
	} {
		want[e+i] = s
	}
	if len(code) != e+86 {
		t.Errorf("%d words, want %d", len(code), e+86)
	}
	for i, s := range want {
		if got := gnu(i); got != s {
			t.Errorf("word %d (%#08x) = %q, want %q", i, code[i], got, s)
		}
	}
}

// TestMinimiseFuzzProgram: the minimiser keeps exactly the units a failure
// needs, in their order, whatever their positions.
func TestMinimiseFuzzProgram(t *testing.T) {
	const a, b = 0x8b020020, 0x9e670020 // add x0, x1, x2; fmov d0, x1
	for _, positions := range [][2]int{{0, 39}, {17, 18}, {5, 30}, {38, 39}} {
		p := &fuzzProgram{}
		for i := 0; i < 40; i++ {
			w := uint32(0xaa0003e0 | i%31) // mov xN, x0: irrelevant
			switch i {
			case positions[0]:
				w = a
			case positions[1]:
				w = b
			}
			p.units = append(p.units, fuzzUnit{word: w})
		}
		trials := 0
		fails := func(q *fuzzProgram) bool {
			trials++
			sawA := false
			for _, u := range q.units {
				sawA = sawA || u.word == a
				if u.word == b && sawA {
					return true
				}
			}
			return false
		}
		min := minimiseFuzzProgram(p, fails)
		if len(min.units) != 2 || min.units[0].word != a || min.units[1].word != b {
			t.Errorf("positions %v: minimised to %d units:\n%s", positions, len(min.units), min.listing())
		}
		if trials > 200 {
			t.Errorf("positions %v: %d trials for 40 units", positions, trials)
		}
	}
}
