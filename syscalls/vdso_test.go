package syscalls

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVDSOImage reads the vDSO back as an ELF shared object: the dynamic
// symbols glibc and Go look up, each versioned LINUX_2.6.39, the soname,
// and code where the symbols point.
func TestVDSOImage(t *testing.T) {
	img := buildVDSO()
	f, err := elf.NewFile(bytes.NewReader(img.bytes))
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != elf.ET_DYN || f.Machine != elf.EM_AARCH64 {
		t.Fatalf("type %v machine %v", f.Type, f.Machine)
	}
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]elf.Symbol{}
	for _, s := range syms {
		found[s.Name] = s
	}
	for _, fn := range vdsoFuncs {
		s, ok := found[fn.name]
		if !ok {
			t.Errorf("%s missing from .dynsym", fn.name)
			continue
		}
		if s.Version != vdsoVersion || elf.ST_TYPE(s.Info) != elf.STT_FUNC || s.Section != 6 {
			t.Errorf("%s: version %q type %v section %v", fn.name, s.Version, elf.ST_TYPE(s.Info), s.Section)
		}
		text := f.Section(".text")
		code := img.bytes[s.Value : s.Value+s.Size]
		if s.Value < text.Addr || s.Value+s.Size > text.Addr+text.Size {
			t.Errorf("%s at %#x outside .text", fn.name, s.Value)
		}
		for i, w := range fn.code {
			if binary.LittleEndian.Uint32(code[4*i:]) != w {
				t.Errorf("%s: word %d differs", fn.name, i)
			}
		}
	}
	if names, err := f.DynString(elf.DT_SONAME); err != nil || len(names) != 1 || names[0] != vdsoSoname {
		t.Errorf("soname %q %v", names, err)
	}
	// The word before __kernel_rt_sigreturn is a nop, as in the kernel's.
	at := img.funcs["__kernel_rt_sigreturn"]
	if binary.LittleEndian.Uint32(img.bytes[at-4:]) != nopInsn {
		t.Error("no nop before __kernel_rt_sigreturn")
	}
	// binutils agrees, where the cross binutils are installed.
	if readelf, err := exec.LookPath("aarch64-linux-gnu-readelf"); err == nil {
		file := filepath.Join(t.TempDir(), "vdso.so")
		if err := os.WriteFile(file, img.bytes, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(readelf, "-W", "--dyn-syms", "-V", "-d", file).CombinedOutput()
		if err != nil || bytes.Contains(out, []byte("Warning")) || bytes.Contains(out, []byte("Error")) {
			t.Fatalf("readelf: %v\n%s", err, out)
		}
		for _, want := range []string{"__kernel_clock_gettime@@LINUX_2.6.39", "Library soname: [linux-vdso.so.1]", "Rev: 1  Flags: none  Index: 2  Cnt: 1  Name: LINUX_2.6.39"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("readelf output lacks %q:\n%s", want, out)
			}
		}
	}
}
