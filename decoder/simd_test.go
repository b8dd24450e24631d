package decoder

import (
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

	"golang.org/x/arch/arm64/arm64asm"
)

// The SIMD&FP decoder is cross-checked against arm64asm like the integer
// one: for random words in the SIMD&FP groups, an instruction arm64asm
// decodes must decode here to the same mnemonic (modulo the aliases below)
// with the same register operands, arrangements and lane indexes — unless
// it is in notProvided — and a word arm64asm rejects must be rejected.

// simdAliases maps arm64asm's preferred names to our base mnemonics.
var simdAliases = map[string][]string{
	"orr":    {"mov"},
	"not":    {"mvn"},
	"ins":    {"mov"},
	"umov":   {"mov"},
	"dup":    {"mov"},
	"sshll":  {"sxtl"},
	"ushll":  {"uxtl"},
	"sshll2": {"sxtl2"},
	"ushll2": {"uxtl2"},
}

// notProvided are arm64asm mnemonics ferry leaves undefined (and does not
// advertise in AT_HWCAP).
var notProvided = map[string]bool{}

var simdRegToken = regexp.MustCompile(`\b(?:v[0-9]+(?:\.[0-9]*[bhsdq])?(?:\[[0-9]+\])?|[bhsdqwx][0-9]+|w?sp|[wx]zr)\b(?:\[[0-9]+\])?`)
var regRange = regexp.MustCompile(`v([0-9]+)\.([0-9]*[bhsd])-v([0-9]+)\.[0-9]*[bhsd]`)

// simdOperands lists the register operands of an instruction text with
// register ranges {v0.16b-v3.16b} expanded; list indexes {v0.s, v1.s}[1]
// are attached to each element.
func simdOperands(text string) []string {
	text = regRange.ReplaceAllStringFunc(text, func(r string) string {
		m := regRange.FindStringSubmatch(r)
		first, last := atoi(m[1]), atoi(m[3])
		var parts []string
		for i := first; ; i = (i + 1) % 32 {
			parts = append(parts, "v"+itoa(i)+"."+m[2])
			if i == last {
				break
			}
		}
		return strings.Join(parts, ", ")
	})
	// {v0.s, v1.s}[1] → v0.s[1], v1.s[1]
	if i := strings.Index(text, "}["); i >= 0 {
		j := strings.IndexByte(text[i:], ']')
		idx := text[i+1 : i+j+1]
		open := strings.LastIndexByte(text[:i], '{')
		inner := strings.Split(text[open+1:i], ", ")
		for k := range inner {
			inner[k] += idx
		}
		text = text[:open+1] + strings.Join(inner, ", ") + "}" + text[i+j+1:]
	}
	return simdRegToken.FindAllString(text, -1)
}

var simdImmToken = regexp.MustCompile(`#-?(?:0x[0-9a-f]+|[0-9]+(?:\.[0-9]*)?(?:e[-+]?[0-9]+)?)`)

// simdImmediates lists the immediates (shift amounts, lane positions,
// patterns, FP values) of an instruction text as numbers, so that "#28"
// and "#2.8e+01" compare equal; a zero LSL is dropped (arm64asm omits it).
func simdImmediates(text string) string {
	text = strings.ReplaceAll(text, ", lsl #0", "")
	var out []string
	for _, tok := range simdImmToken.FindAllString(text, -1) {
		if v, err := strconv.ParseUint(tok[1:], 0, 64); err == nil {
			out = append(out, strconv.FormatUint(v, 10))
		} else if f, err := strconv.ParseFloat(tok[1:], 64); err == nil {
			out = append(out, strconv.FormatFloat(f, 'g', -1, 64))
		} else {
			out = append(out, tok)
		}
	}
	return strings.Join(out, " ")
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

type simdChecker struct {
	t        *testing.T
	counts   map[string]int
	rejected map[string]int // arm64asm mnemonics in notProvided we reject
}

func (c *simdChecker) fail(kind string, w uint32, format string, args ...any) {
	c.counts[kind]++
	if c.counts[kind] <= 8 {
		c.t.Errorf("%s: %#08x: "+format, append([]any{kind, w}, args...)...)
	}
}

func (c *simdChecker) check(w uint32) {
	ours := Decode(w)
	_ = ours.String()
	var raw [4]byte
	binary.LittleEndian.PutUint32(raw[:], w)
	theirs, err := arm64asm.Decode(raw[:])
	if err != nil {
		// The extensions arm64asm does not know are checked against
		// objdump (objdump_test.go).
		if ours.Op != Undefined && !extensionOps[ours.Op] {
			c.fail("accepted-unallocated", w, "we decode %v, arm64asm rejects it", ours)
		}
		return
	}
	text := arm64asm.GNUSyntax(theirs)
	name := strings.Fields(text)[0]
	if ours.Op == Undefined {
		if notProvided[name] {
			c.rejected[name]++
			return
		}
		c.fail("rejected-valid", w, "arm64asm decodes %q, we do not", text)
		return
	}
	if ours.Op < SIMDBase {
		return // an integer-decoder word that happens to be in these groups
	}
	if !familyMatches(simdMnemonic(ours), name, simdAliases) {
		c.fail("family", w, "we decode %v, arm64asm %q", ours, text)
		return
	}
	a, b := simdOperands(ours.String()), simdOperands(text)
	if name == "mov" && ours.Op == ORR_v && len(a) == 3 {
		a = a[:2] // MOV Vd, Vn is ORR Vd, Vn, Vn
	}
	if strings.Join(a, " ") != strings.Join(b, " ") {
		c.fail("operands", w, "we decode %v, arm64asm %q (%v vs %v)", ours, text, a, b)
		return
	}
	ourText := ours.String()
	if name == "sxtl" || name == "uxtl" || name == "sxtl2" || name == "uxtl2" {
		ourText = strings.TrimSuffix(ourText, ", #0") // the alias drops the zero shift
	}
	if a, b := simdImmediates(ourText), simdImmediates(text); a != b {
		c.fail("immediates", w, "we decode %v, arm64asm %q (%v vs %v)", ours, text, a, b)
	}
}

// simdGroups are bits 28:25 values whose words decodeSIMD owns.
var simdGroups = []uint32{0x7, 0xF}

func TestSIMDCrossCheckRandom(t *testing.T) {
	n := 2_000_000
	if testing.Short() {
		n = 200_000
	}
	rng := rand.New(rand.NewSource(2))
	c := &simdChecker{t: t, counts: map[string]int{}, rejected: map[string]int{}}
	for i := 0; i < n; i++ {
		w := rng.Uint32()
		switch i % 3 {
		case 0:
			w = w&^(0xF<<25) | simdGroups[rng.Intn(2)]<<25
		case 1: // structure loads/stores
			w = w&0x40FFFFFF | 0x0C000000 | uint32(rng.Intn(4))<<23
		case 2: // the Advanced SIMD vector space: bits 31, 28:24 = 0, 01110/01111
			w = w&^0x9F000000 | 0x0E000000 | uint32(rng.Intn(2))<<24
		}
		c.check(w)
	}
	for k, v := range c.counts {
		t.Logf("%s: %d mismatches", k, v)
	}
	var names []string
	for k := range c.rejected {
		names = append(names, k)
	}
	sort.Strings(names)
	t.Logf("left undefined on purpose: %v", names)
}

// TestSIMDStaticBinary checks every SIMD&FP word of a static glibc program
// (the string routines, printf, strtod, libm) and lists what stays
// undefined.
func TestSIMDStaticBinary(t *testing.T) {
	bin := staticTestBinary(t)
	c := &simdChecker{t: t, counts: map[string]int{}, rejected: map[string]int{}}
	n := 0
	for _, w := range textWords(t, bin) {
		if IsSIMDDataProcessing(w) || IsSIMDLoadStore(w) {
			n++
			c.check(w)
		}
	}
	t.Logf("%d SIMD&FP words; left undefined: %v", n, c.rejected)
}

// staticTestBinary builds a static glibc program that pulls in the string
// routines, stdio formatting, strtod and libm.
func staticTestBinary(t *testing.T) string {
	gcc, err := exec.LookPath("aarch64-linux-gnu-gcc")
	if err != nil {
		t.Skip("aarch64-linux-gnu-gcc not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "fp.c")
	prog := `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
int main(int argc, char **argv) {
	char b[64];
	snprintf(b, sizeof b, "%g %f", strtod(argv[0], 0), sqrt(argc) + sin(argc) + exp(argc) + pow(argc, 0.5));
	return (int)strlen(b) + (strchr(b, 'x') != 0) + memcmp(b, argv[0], 2) + (int)lrint(argc * 1.5);
}
`
	if err := os.WriteFile(src, []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "fp")
	if out, err := exec.Command(gcc, "-static", "-O2", "-o", bin, src, "-lm").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return bin
}
