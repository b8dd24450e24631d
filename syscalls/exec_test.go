package syscalls

import (
	"testing"

	"ferry/ir"
)

func TestParseShebang(t *testing.T) {
	cases := []struct {
		line, interp, arg string
		ok                bool
	}{
		{"#!/bin/sh\necho", "/bin/sh", "", true},
		{"#! /usr/bin/env  python3 -u \nx", "/usr/bin/env", "python3 -u", true},
		{"#!/bin/busybox\tsh\n", "/bin/busybox", "sh", true},
		{"#!\n", "", "", false},
	}
	for _, c := range cases {
		interp, arg, ok := parseShebang([]byte(c.line))
		if interp != c.interp || arg != c.arg || ok != c.ok {
			t.Errorf("parseShebang(%q) = %q %q %v, want %q %q %v", c.line, interp, arg, ok, c.interp, c.arg, c.ok)
		}
	}
}

func TestExecStateRoundTrip(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	p.SigActions[2].Handler = sigIgn
	p.SigActions[13].Handler = sigIgn
	p.SigActions[10].Handler = 0x400000 // handled: reset by exec
	th.SigMask = sigBit(15)
	enc := th.execState().String()
	st, ok := ParseExecState(enc)
	if !ok {
		t.Fatalf("cannot parse %q", enc)
	}
	qt := NewProcess("").NewMainThread(ir.CPU{})
	qt.Inherit(st)
	q := qt.P
	if q.SigActions[2].Handler != sigIgn || q.SigActions[13].Handler != sigIgn || q.SigActions[10].Handler != sigDfl {
		t.Errorf("inherited dispositions wrong: %+v", q.SigActions[:16])
	}
	if qt.SigMask != sigBit(15) {
		t.Errorf("inherited mask %#x", qt.SigMask)
	}
	if _, ok := ParseExecState("ign:zz"); ok {
		t.Error("garbage accepted")
	}
}
