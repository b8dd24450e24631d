package amd64

import (
	"os"
	"strings"
	"testing"
)

// TestCountdownCode checks the shape of the host code of the countdown
// loop (and prints it when FERRY_DUMP is set, as a debugging aid).
func TestCountdownCode(t *testing.T) {
	c := newCompiler(caps{lzcnt: true, bmi2: true}, countingSiteIDs())
	res, err := c.compile(countdown()[0x1000])
	if err != nil {
		t.Fatal(err)
	}
	lines := disasm(t, res.code)
	if os.Getenv("FERRY_DUMP") != "" {
		t.Log("\n" + strings.Join(lines, "\n"))
	}
	// The loop's compare must feed the branch directly: one CMP, and no
	// flag materialization between it and the conditional jump.
	cmps := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "cmp") {
			cmps++
		}
	}
	if cmps != 1 {
		t.Errorf("%d compares in the countdown loop, want 1", cmps)
	}
}
