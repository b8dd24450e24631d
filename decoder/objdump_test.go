package decoder

import (
	"bufio"
	"encoding/binary"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The decoder is also cross-checked against GNU objdump (binutils'
// aarch64-linux-gnu-objdump), which knows every extension — arm64asm knows
// none after ARMv8.0 — and is strict where the Arm ARM makes an encoding
// unallocated. For random words outside SVE and SME:
//
//	(a) a word objdump rejects, ferry rejects, except for the CONSTRAINED
//	    UNPREDICTABLE encodings ferry executes as qemu-aarch64 does
//	    (objdumpStricter);
//	(b) a word objdump decodes, ferry decodes, unless it belongs to a
//	    feature ferry does not provide (objdumpNotProvided);
//	(c) for the instructions of the extensions (extensionOps), both
//	    render the same mnemonic, registers and immediates.

// extensionOps are the Ops whose disassembly is compared with objdump's
// (arm64asm cannot decode them).
var extensionOps = map[Op]bool{}

func init() {
	for o := SHA1C; o < simdExtEnd; o++ {
		extensionOps[o] = true
	}
	for _, o := range []Op{LDAPUR, STLUR, SB, MSR_PSTATE, CFINV, XAFLAG, AXFLAG, RMIF, SETF8, SETF16} {
		extensionOps[o] = true
	}
}

// objdumpNotProvided lists, by objdump mnemonic, the instructions of
// features ferry does not provide (and does not advertise).
var objdumpNotProvided = map[string]string{}

func objdumpFeature(feature string, mnemonics ...string) {
	for _, m := range mnemonics {
		objdumpNotProvided[m] = feature
	}
}

func init() {
	objdumpFeature("FEAT_MTE", "addg", "subg", "irg", "gmi", "ldg", "ldgm", "stg", "stgm", "st2g", "stzg",
		"stz2g", "stzgm", "stgp", "subp", "subps")
	objdumpFeature("FEAT_PAuth", "autia", "autib", "autda", "autdb", "autiza", "autizb", "autdza", "autdzb",
		"pacia", "pacib", "pacda", "pacdb", "paciza", "pacizb", "pacdza", "pacdzb", "pacga", "xpaci", "xpacd",
		"braa", "brab", "blraa", "blrab", "braaz", "brabz", "blraaz", "blrabz", "retaa", "retab", "eretaa",
		"eretab", "ldraa", "ldrab")
	objdumpFeature("FEAT_LS64", "ld64b", "st64b", "st64bv", "st64bv0")
	objdumpFeature("FEAT_TME", "tstart", "tcommit", "tcancel", "ttest")
	objdumpFeature("FEAT_HBC", "bc")
	objdumpFeature("FEAT_CSSC", "abs", "cnt", "ctz", "smax", "smin", "umax", "umin")
	objdumpFeature("FEAT_BF16", "bfdot", "bfmmla", "bfmlalb", "bfmlalt", "bfcvt", "bfcvtn", "bfcvtn2")
	objdumpFeature("FEAT_FHM", "fmlal", "fmlal2", "fmlsl", "fmlsl2")
	objdumpFeature("FEAT_WFxT", "wfet", "wfit")
	// Not at EL0 under Linux (UNDEFINED or trapped): exception levels,
	// system instructions and registers.
	objdumpFeature("EL1+", "hvc", "smc", "hlt", "dcps1", "dcps2", "dcps3", "eret", "drps", "sys", "sysl",
		"sysp", "at", "tlbi", "dc", "ic", "msr", "mrs", "brb", "cfp", "cpp", "dvp", "cosp", "gcspushm",
		"gcspopm", "gcsss1", "gcsss2", "gcsstr", "gcssttr", "gcsb", "trcit", "tsb", "psb", "stshh", "wfit")
}

// objdumpMOPS recognises the memory copy/set instructions (FEAT_MOPS),
// whose mnemonics are many.
var objdumpMOPS = regexp.MustCompile(`^(cpy|set)[a-z]*$`)

// objdumpFP16 recognises the half-precision forms of FP instructions
// (FEAT_FP16): an H register or a 4H/8H arrangement where the
// instruction is floating point.
var objdumpFP16 = regexp.MustCompile(`\b(h[0-9]+|v[0-9]+\.[48]h|v[0-9]+\.h\[[0-9]\])\b`)

func isFP16Form(mnemonic, text string) bool {
	fp := mnemonic[0] == 'f' || strings.HasPrefix(mnemonic, "scvtf") || strings.HasPrefix(mnemonic, "ucvtf")
	return fp && objdumpFP16.MatchString(text)
}

// objdumpStricter reports the words ferry decodes though objdump rejects
// them: CONSTRAINED UNPREDICTABLE encodings, which ferry (as qemu-aarch64)
// executes in one of the permitted ways — the should-be-one Rs/Rt2 fields
// of the ordered loads and stores, and pair loads into one register or
// with writeback into a transfer register.
func objdumpStricter(in Inst) bool {
	switch in.Op {
	case LDXR, LDAXR, STXR, STLXR, LDAR, STLR, LDLAR, STLLR, LDXP, LDAXP, STXP, STLXP:
		return true
	case LDP_off, LDP_pre, LDP_post, LDNP:
		return in.Rt == in.Rt2 || in.Wback && (in.Rt == in.Rn || in.Rt2 == in.Rn)
	case LDR_pre, LDR_post, STR_pre, STR_post:
		return !in.FP && in.Rt == in.Rn && in.Rn != SP
	case STP_pre, STP_post:
		return !in.FP && (in.Rt == in.Rn || in.Rt2 == in.Rn) && in.Rn != SP
	}
	return false
}

var objdumpNumber = regexp.MustCompile(`#(-?(?:0x[0-9a-f]+|[0-9]+))`)

// objdumpNormal turns an instruction text into a comparable form: the
// mnemonic and operands with numbers in decimal, without comments.
func objdumpNormal(text string) string {
	if i := strings.IndexAny(text, ";/"); i >= 0 {
		text = text[:i]
	}
	text = objdumpNumber.ReplaceAllStringFunc(text, func(s string) string {
		v, err := strconv.ParseInt(s[1:], 0, 64)
		if err != nil {
			return s
		}
		return "#" + strconv.FormatInt(v, 10)
	})
	text = strings.ReplaceAll(text, "\t", " ")
	text = strings.ReplaceAll(text, ", #0]", "]")
	return strings.Join(strings.Fields(text), " ")
}

// objdumpDisassemble returns objdump's text for each word (empty for a
// word it rejects).
func objdumpDisassemble(t *testing.T, words []uint32) []string {
	t.Helper()
	objdump, err := exec.LookPath("aarch64-linux-gnu-objdump")
	if err != nil {
		t.Skip("aarch64-linux-gnu-objdump not installed")
	}
	buf := make([]byte, 4*len(words))
	for i, w := range words {
		binary.LittleEndian.PutUint32(buf[4*i:], w)
	}
	path := filepath.Join(t.TempDir(), "words.bin")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(objdump, "-D", "-b", "binary", "-m", "aarch64", "-M", "no-aliases", path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	texts := make([]string, len(words))
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), "\t", 3)
		if len(f) < 3 || !strings.HasSuffix(f[0], ":") {
			continue
		}
		off, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(f[0], ":")), 16, 64)
		if err != nil || off%4 != 0 || off/4 >= uint64(len(words)) {
			continue
		}
		if m := strings.Fields(f[2]); len(m) > 0 && !strings.HasPrefix(m[0], ".inst") && m[0] != "udf" {
			texts[off/4] = f[2]
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	return texts
}

// objdumpWords draws n random words outside SVE and SME (op0 = 0, 1, 2, 3),
// half of them in the SIMD&FP groups.
func objdumpWords(rng *rand.Rand, n int) []uint32 {
	words := make([]uint32, 0, n)
	for len(words) < n {
		w := rng.Uint32()
		if len(words)%2 == 0 {
			w = w&^(0xF<<25) | []uint32{0x7, 0xF, 0x6, 0xE}[rng.Intn(4)]<<25
		}
		if op0 := w >> 25 & 15; op0 <= 3 {
			continue
		}
		words = append(words, w)
	}
	return words
}

func TestCrossCheckObjdump(t *testing.T) {
	n := 2_000_000
	if testing.Short() {
		n = 200_000
	}
	words := objdumpWords(rand.New(rand.NewSource(11)), n)
	texts := objdumpDisassemble(t, words)
	counts := map[string]int{}
	skipped := map[string]int{}
	fail := func(kind string, w uint32, format string, args ...any) {
		counts[kind]++
		if counts[kind] <= 6 {
			t.Errorf("%s: %#08x: "+format, append([]any{kind, w}, args...)...)
		}
	}
	compared := 0
	for i, w := range words {
		ours := Decode(w)
		theirs := texts[i]
		switch {
		case theirs == "" && ours.Op != Undefined:
			if !objdumpStricter(ours) {
				fail("accepted-unallocated", w, "we decode %v, objdump rejects it", ours)
			}
		case theirs != "" && ours.Op == Undefined:
			m := strings.Fields(theirs)[0]
			if i := strings.IndexByte(m, '.'); i > 0 {
				m = m[:i] // bc.eq
			}
			switch {
			case objdumpNotProvided[m] != "":
				skipped[objdumpNotProvided[m]]++
			case objdumpMOPS.MatchString(m):
				skipped["FEAT_MOPS"]++
			case isFP16Form(m, theirs):
				skipped["FEAT_FP16"]++
			default:
				fail("rejected-valid", w, "objdump decodes %q, we do not", theirs)
			}
		case theirs != "" && extensionOps[ours.Op]:
			compared++
			if a, b := objdumpNormal(ours.String()), objdumpNormal(theirs); a != b {
				fail("text", w, "we decode %q, objdump %q", a, b)
			}
		}
	}
	var kinds []string
	for k, v := range skipped {
		kinds = append(kinds, k+":"+strconv.Itoa(v))
	}
	sort.Strings(kinds)
	t.Logf("%d words; %d extension instructions compared; left undefined on purpose: %v", n, compared, kinds)
	if compared == 0 {
		t.Errorf("no extension instruction drawn: the generator is broken")
	}
}
