package decoder

import (
	"debug/elf"
	"encoding/binary"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"
)

// The decoder is cross-checked against golang.org/x/arch/arm64/arm64asm:
// for every word outside the SIMD&FP groups (which decodeSIMD owns),
//
//	(a) if arm64asm decodes it, we decode it too, to an instruction of the
//	    same family (arm64asm prints aliases: CMP for SUBS, LSL for UBFM…)
//	    with the same register operands and the same PC-relative target —
//	    unless arm64asm's instruction is one we deliberately leave
//	    undefined (unavailableAtEL0);
//	(b) if arm64asm rejects it, we reject it too, unless it belongs to an
//	    extension arm64asm does not know (newerThanArm64asm).

// aliasFamily lists, per base mnemonic of ours, the arm64asm mnemonics that
// denote the same underlying instruction. A mnemonic always matches itself.
var aliasFamily = map[string][]string{
	"add":    {"mov", "cmn"},
	"adds":   {"cmn"},
	"sub":    {"neg"},
	"subs":   {"cmp", "negs"},
	"orr":    {"mov"},
	"orn":    {"mvn"},
	"ands":   {"tst"},
	"movn":   {"mov"},
	"movz":   {"mov"},
	"sbfm":   {"asr", "sbfiz", "sbfx", "sxtb", "sxth", "sxtw"},
	"bfm":    {"bfi", "bfxil", "bfc"},
	"ubfm":   {"lsl", "lsr", "ubfiz", "ubfx", "uxtb", "uxth"},
	"extr":   {"ror"},
	"sbc":    {"ngc"},
	"sbcs":   {"ngcs"},
	"csinc":  {"cinc", "cset"},
	"csinv":  {"cinv", "csetm"},
	"csneg":  {"cneg"},
	"lslv":   {"lsl"},
	"lsrv":   {"lsr"},
	"asrv":   {"asr"},
	"rorv":   {"ror"},
	"madd":   {"mul"},
	"msub":   {"mneg"},
	"smaddl": {"smull"},
	"smsubl": {"smnegl"},
	"umaddl": {"umull"},
	"umsubl": {"umnegl"},
	"hint":   {"nop", "yield", "wfe", "wfi", "sev", "sevl"},
	"dc":     {"sys"},
	"cache":  {"sys", "dc"},
	"prfm":   {"prfum"},
}

// unavailableAtEL0 are arm64asm mnemonics that we decode as undefined on
// purpose: they trap at EL0 under Linux or are system operations a user
// program cannot perform.
var unavailableAtEL0 = map[string]bool{
	"hvc": true, "smc": true, "hlt": true, "dcps1": true, "dcps2": true, "dcps3": true,
	"eret": true, "drps": true, "sys": true, "sysl": true, "at": true, "tlbi": true,
	"dc": true, "ic": true, "msr": true, "mrs": true,
}

// newerThanArm64asm are our Ops from extensions arm64asm cannot decode.
var newerThanArm64asm = map[Op]bool{
	LDADD: true, LDCLR: true, LDEOR: true, LDSET: true, LDSMAX: true, LDSMIN: true,
	LDUMAX: true, LDUMIN: true, SWP: true, CAS: true, CASP: true, // FEAT_LSE
	LDAPR:       true, // FEAT_LRCPC
	LDAPUR:      true, // FEAT_LRCPC2
	STLUR:       true,
	LDLAR:       true, // FEAT_LOR
	STLLR:       true,
	CACHE_MAINT: true, // IC IVAU, DC CVAP, DC CVADP
	SB:          true, // FEAT_SB
	MSR_PSTATE:  true, // FEAT_SSBS, FEAT_DIT
	CFINV:       true, // FEAT_FlagM
	RMIF:        true,
	SETF8:       true,
	SETF16:      true,
	XAFLAG:      true, // FEAT_FlagM2
	AXFLAG:      true,
}

var (
	regToken = regexp.MustCompile(`\b(?:[wx](?:[0-9]+|zr)|w?sp|[bhsdq][0-9]+)\b`)
	numToken = regexp.MustCompile(`#(-?(?:0x[0-9a-f]+|[0-9]+))`)
)

// registers lists the register operands of an instruction text, without
// zero registers (aliases such as MOV and CMP omit them).
func registers(text string) []string {
	var out []string
	for _, r := range regToken.FindAllString(text, -1) {
		if r != "xzr" && r != "wzr" {
			out = append(out, r)
		}
	}
	return out
}

// regIdentities is the set of registers ignoring W/X width (aliases such as
// SXTW print their source as Wn where the underlying SBFM reads Xn).
func regIdentities(regs []string) map[string]bool {
	m := map[string]bool{}
	for _, r := range regs {
		if r[0] == 'w' || r[0] == 'x' {
			if r == "wsp" {
				r = "sp"
			} else {
				r = "r" + r[1:]
			}
		}
		m[r] = true
	}
	return m
}

func numbers(text string) map[int64]bool {
	m := map[int64]bool{}
	for _, s := range numToken.FindAllStringSubmatch(text, -1) {
		v, err := strconv.ParseInt(s[1], 0, 64)
		if err == nil && v != 0 {
			m[v] = true
		}
	}
	return m
}

func sameSet[K comparable](a, b map[K]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// familyMatches reports whether arm64asm's mnemonic theirs names our
// mnemonic ours or one of its aliases listed in aliases.
func familyMatches(ours, theirs string, aliases map[string][]string) bool {
	return ours == theirs || slices.Contains(aliases[ours], theirs)
}

// ourBaseMnemonic is our mnemonic without the A/L ordering suffix and
// condition, comparable with arm64asm's op name.
func ourBaseMnemonic(in Inst) string {
	m := in.mnemonic()
	if in.Op == B_cond {
		return "b"
	}
	if in.Op == CACHE_MAINT {
		return "cache"
	}
	return m
}

// checker accumulates mismatches, reporting only the first few of each kind.
type checker struct {
	t      *testing.T
	counts map[string]int
}

func (c *checker) fail(kind string, w uint32, format string, args ...any) {
	c.counts[kind]++
	if c.counts[kind] <= 5 {
		c.t.Errorf("%s: %#08x: "+format, append([]any{kind, w}, args...)...)
	}
}

func (c *checker) check(w uint32) {
	if IsSIMDDataProcessing(w) || IsSIMDLoadStore(w) {
		Decode(w) // must not panic; correctness is checked by the SIMD tests
		return
	}
	ours := Decode(w)
	_ = ours.String()
	var raw [4]byte
	binary.LittleEndian.PutUint32(raw[:], w)
	theirs, err := arm64asm.Decode(raw[:])
	if err != nil {
		if ours.Op != Undefined && !newerThanArm64asm[ours.Op] {
			c.fail("accepted-unallocated", w, "we decode %v, arm64asm rejects it", ours)
		}
		return
	}
	text := arm64asm.GNUSyntax(theirs)
	name := strings.ToLower(theirs.Op.String())
	if ours.Op == Undefined {
		if !unavailableAtEL0[name] && !arm64asmOverAccepts(w) {
			c.fail("rejected-valid", w, "arm64asm decodes %q, we do not", text)
		}
		return
	}
	if !familyMatches(ourBaseMnemonic(ours), name, aliasFamily) {
		c.fail("family", w, "we decode %v, arm64asm %q", ours, text)
		return
	}
	if name == "ret" && !strings.Contains(text, "x") {
		text += " x30" // arm64asm omits the default RET operand
	}
	ourRegs, theirRegs := registers(ours.String()), registers(text)
	if !sameSet(regIdentities(ourRegs), regIdentities(theirRegs)) ||
		(len(ourRegs) > 0 && len(theirRegs) > 0 && ourRegs[0] != theirRegs[0]) {
		c.fail("registers", w, "we decode %v, arm64asm %q", ours, text)
		return
	}
	for _, a := range theirs.Args {
		if pc, ok := a.(arm64asm.PCRel); ok && int64(pc) != ours.Imm {
			c.fail("pc-relative", w, "we decode %v (offset %#x), arm64asm %q", ours, ours.Imm, text)
		}
	}
	if ours.Op.IsMemory() && ours.Op != PRFM && ours.Op != PRFM_reg && ours.Op != PRFM_lit && ours.Op != LDR_lit && !sameSet(numbers(ours.String()), numbers(text)) {
		c.fail("memory-offset", w, "we decode %v, arm64asm %q", ours, text)
	}
	switch ours.Op {
	case AND_imm, ORR_imm, EOR_imm, ANDS_imm:
		if !sameSet(numbers(ours.String()), numbers(text)) {
			c.fail("bitmask", w, "we decode %v, arm64asm %q", ours, text)
		}
	}
}

// arm64asmOverAccepts recognises encodings arm64asm decodes although the
// Arm ARM makes them UNDEFINED.
func arm64asmOverAccepts(w uint32) bool {
	switch {
	case w&0x1FE00000 == 0x0B200000 && w>>10&7 > 4:
		// ADD/SUB (extended register) with a shift above 4.
		return true
	case w&0x1F800000 == 0x12000000:
		// Logical immediate whose element is all ones (imms = levels).
		n, imms := w>>22&1, w>>10&0x3F
		for length := 6; length >= 1; length-- {
			if (n<<6|^imms&0x3F)>>length&1 == 1 {
				levels := uint32(1)<<length - 1
				return imms&levels == levels
			}
		}
	}
	return false
}

// integerGroups are the values of bits 28:25 this package decodes itself.
var integerGroups = []uint32{0x4, 0x5, 0x6, 0x8, 0x9, 0xA, 0xB, 0xC, 0xD, 0xE}

func TestCrossCheckRandom(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 200_000
	}
	rng := rand.New(rand.NewSource(1))
	c := &checker{t: t, counts: map[string]int{}}
	for i := 0; i < n; i++ {
		w := rng.Uint32()
		if i%4 != 0 { // concentrate on the groups we decode
			w = w&^(0xF<<25) | integerGroups[rng.Intn(len(integerGroups))]<<25
		}
		c.check(w)
	}
	for k, v := range c.counts {
		t.Logf("%s: %d mismatches", k, v)
	}
}

// TestCrossCheckExhaustiveFields covers rare encodings deterministically:
// every combination of bits 31:21 and 15:10 (which select the instruction
// in most classes), each with a few patterns for the register fields and
// bits 20:16 and 12.
func TestCrossCheckExhaustiveFields(t *testing.T) {
	if testing.Short() {
		t.Skip("exhaustive field walk is slow")
	}
	c := &checker{t: t, counts: map[string]int{}}
	for hi := uint32(0); hi < 1<<11; hi++ {
		group := hi >> 3 & 0xF // bits 28:25
		isInt := false
		for _, g := range integerGroups {
			isInt = isInt || g == group
		}
		if !isInt {
			continue
		}
		for mid := uint32(0); mid < 1<<6; mid++ {
			for _, regs := range []uint32{0b11111_11111_11111 << 0, 0b00011_00010_00001} {
				for _, f := range []uint32{0, 0x1F << 16, 0x15 << 16} {
					w := hi<<21 | mid<<10 | regs | f
					c.check(w)
					c.check(w | 1<<20 | 1<<12)
				}
			}
		}
	}
	for k, v := range c.counts {
		t.Logf("%s: %d mismatches", k, v)
	}
}

// textWords returns the words of the executable sections of an arm64 ELF.
func textWords(t *testing.T, path string) []uint32 {
	f, err := elf.Open(path)
	if err != nil {
		t.Skipf("cannot open %s: %v", path, err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 {
		t.Skipf("%s is not an arm64 ELF", path)
	}
	var words []uint32
	for _, s := range f.Sections {
		if s.Type != elf.SHT_PROGBITS || s.Flags&elf.SHF_EXECINSTR == 0 {
			continue
		}
		data, err := s.Data()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+4 <= len(data); i += 4 {
			words = append(words, binary.LittleEndian.Uint32(data[i:]))
		}
	}
	return words
}

func checkBinary(t *testing.T, path string) {
	words := textWords(t, path)
	c := &checker{t: t, counts: map[string]int{}}
	undefined := 0
	for _, w := range words {
		c.check(w)
		if !IsSIMDDataProcessing(w) && !IsSIMDLoadStore(w) && Decode(w).Op == Undefined {
			undefined++
		}
	}
	t.Logf("%s: %d words, %d non-SIMD words undefined", path, len(words), undefined)
}

// TestCrossCheckStaticBinary checks every word of a static glibc program.
func TestCrossCheckStaticBinary(t *testing.T) {
	gcc, err := exec.LookPath("aarch64-linux-gnu-gcc")
	if err != nil {
		t.Skip("aarch64-linux-gnu-gcc not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "hello.c")
	if err := os.WriteFile(src, []byte("#include <stdio.h>\nint main(void){puts(\"hi\");return 0;}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "hello")
	if out, err := exec.Command(gcc, "-static", "-O2", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	checkBinary(t, bin)
}

// TestCrossCheckBusybox checks Debian's arm64 busybox when it is cached
// (or at $FERRY_ARM64_BUSYBOX).
func TestCrossCheckBusybox(t *testing.T) {
	path := os.Getenv("FERRY_ARM64_BUSYBOX")
	if path == "" {
		path = filepath.Join("..", ".cache", "arm64", "busybox")
	}
	checkBinary(t, path)
}

// FuzzDecode checks that no word makes Decode or String panic and that
// decoding is deterministic.
func FuzzDecode(f *testing.F) {
	for _, w := range []uint32{0xd503201f, 0xa9bf7bfd, 0x91004000, 0xf8206820, 0x88df7c01} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, w uint32) {
		a := Decode(w)
		_ = a.String()
		if b := Decode(w); a != b {
			t.Fatalf("%#08x decodes differently twice: %v vs %v", w, a, b)
		}
		if a.Op != Undefined && a.Word != w {
			t.Fatalf("%#08x: Word = %#08x", w, a.Word)
		}
	})
}

// TestEveryOpNamed guards the hand-written name table.
func TestEveryOpNamed(t *testing.T) {
	for o := Undefined; o < numIntOps; o++ {
		if _, ok := opNames[o]; !ok {
			t.Errorf("op %d has no name", o)
		}
	}
}
