package main

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"
)

// TestDemoCode checks each hand-encoded instruction against an independent
// decoder, so an encoding slip cannot hide behind a translator that
// happens to interpret it the same wrong way.
func TestDemoCode(t *testing.T) {
	want := []string{
		"mov x8, #0xa0",
		"sub sp, sp, #0x190",
		"mov x0, sp",
		"svc #0x0",
		"cbnz x0, .+0x40",
		"add x1, sp, #0x104",
		"mov x2, #0x0",
		"ldrb w3, [x1,x2]",
		"cbz w3, .+0xc",
		"add x2, x2, #0x1",
		"b .+0xfffffffffffffff4", // arm64asm prints backward offsets unsigned
		"mov w3, #0xa",
		"strb w3, [x1,x2]",
		"add x2, x2, #0x1",
		"mov x0, #0x1",
		"mov x8, #0x40",
		"svc #0x0",
		"mov x0, #0x0",
		"mov x8, #0x5e",
		"svc #0x0",
		"mov x0, #0x1",
		"mov x8, #0x5e",
		"svc #0x0",
	}
	code := demoCode()
	if len(code) != len(want) {
		t.Fatalf("demo has %d instructions, want %d", len(code), len(want))
	}
	for i, w := range code {
		var b [4]byte
		b[0], b[1], b[2], b[3] = byte(w), byte(w>>8), byte(w>>16), byte(w>>24)
		inst, err := arm64asm.Decode(b[:])
		if err != nil {
			t.Errorf("word %d (%#08x) does not decode: %v", i, w, err)
			continue
		}
		if got := arm64asm.GNUSyntax(inst); got != want[i] {
			t.Errorf("word %d (%#08x) = %q, want %q", i, w, got, want[i])
		}
	}
}

// TestDemoELF checks the image is a well-formed executable Go's ELF reader
// accepts, with the entry point inside its only loadable segment.
func TestDemoELF(t *testing.T) {
	img := demoELF()
	f, err := elf.NewFile(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	if f.Machine != elf.EM_AARCH64 || f.Class != elf.ELFCLASS64 || f.Type != elf.ET_EXEC {
		t.Fatalf("machine %v class %v type %v", f.Machine, f.Class, f.Type)
	}
	loads := 0
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		loads++
		if f.Entry < p.Vaddr || f.Entry >= p.Vaddr+p.Filesz {
			t.Errorf("entry %#x outside the segment [%#x, %#x)", f.Entry, p.Vaddr, p.Vaddr+p.Filesz)
		}
		if p.Filesz != uint64(len(img)) || p.Off != 0 {
			t.Errorf("segment maps %d bytes at offset %d, the image is %d", p.Filesz, p.Off, len(img))
		}
	}
	if loads != 1 {
		t.Errorf("%d PT_LOAD segments, want 1", loads)
	}
}

// TestDemoUnderQEMU runs the demo on the oracle: it must print the Arm
// machine name and exit 0. (ferry -demo itself is an e2e test.)
func TestDemoUnderQEMU(t *testing.T) {
	const qemu = "/usr/bin/qemu-aarch64"
	if _, err := os.Stat(qemu); err != nil {
		t.Fatalf("%v: run `make deps` first", err)
	}
	path := filepath.Join(t.TempDir(), "demo")
	if err := os.WriteFile(path, demoELF(), 0o755); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(qemu, path)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("qemu-aarch64 demo: %v, stderr %q", err, stderr.String())
	}
	if stdout.String() != "aarch64\n" || stderr.Len() != 0 {
		t.Errorf("demo printed %q, stderr %q; want \"aarch64\\n\" and nothing", stdout.String(), stderr.String())
	}
}
