package guestmem

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

type permRange struct {
	start, end uint64
	perms      string
}

func hostMappingsWithPerms(t *testing.T) []permRange {
	t.Helper()
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []permRange
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		lo, hi, _ := strings.Cut(fields[0], "-")
		s, _ := strconv.ParseUint(lo, 16, 64)
		e, _ := strconv.ParseUint(hi, 16, 64)
		out = append(out, permRange{s, e, fields[1]})
	}
	return out
}
