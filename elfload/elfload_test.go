package elfload

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ferry/syscalls/guestmem"
)

// testBase is where the hand-made ET_EXEC test programs load: away from the
// test binary (0x400000), the Go heap and the guest stack.
const testBase = 0x2000_0000

type seg struct {
	typ, flags    uint32
	offset, vaddr uint64
	filesz, memsz uint64
	align         uint64
}

// buildELF assembles an ELF64 AArch64 file: header, program headers at
// offset 64, then body (which must start at file offset 64+56*len(segs)).
func buildELF(typ uint16, machine uint16, entry uint64, segs []seg, body []byte) []byte {
	le := binary.LittleEndian
	var b bytes.Buffer
	h := make([]byte, ehdrSize)
	copy(h, "\x7fELF")
	h[4], h[5], h[6] = 2, 1, 1
	le.PutUint16(h[16:], typ)
	le.PutUint16(h[18:], machine)
	le.PutUint32(h[20:], 1)
	le.PutUint64(h[24:], entry)
	le.PutUint64(h[32:], ehdrSize)
	le.PutUint16(h[52:], ehdrSize)
	le.PutUint16(h[54:], phdrSize)
	le.PutUint16(h[56:], uint16(len(segs)))
	b.Write(h)
	for _, s := range segs {
		p := make([]byte, phdrSize)
		le.PutUint32(p[0:], s.typ)
		le.PutUint32(p[4:], s.flags)
		le.PutUint64(p[8:], s.offset)
		le.PutUint64(p[16:], s.vaddr)
		le.PutUint64(p[24:], s.vaddr)
		le.PutUint64(p[32:], s.filesz)
		le.PutUint64(p[40:], s.memsz)
		le.PutUint64(p[48:], s.align)
		b.Write(p)
	}
	b.Write(body)
	return b.Bytes()
}

// sampleFile is a two-segment program: text (R+X) holding the headers and
// some code at file offset 0x100, and data (R+W) at file offset 0x1100
// with 0x200 bytes of initialized data and bss reaching two pages further.
// The file bytes after the data are 0xEE, which must not show through the
// bss.
func sampleFile(typ uint16, base uint64, extra ...seg) []byte {
	segs := []seg{
		{typ: ptLoad, flags: pfR | pfX, offset: 0, vaddr: base, filesz: 0x180, memsz: 0x180, align: 0x10000},
		{typ: ptLoad, flags: pfR | pfW, offset: 0x1100, vaddr: base + 0x11100, filesz: 0x200, memsz: 0x3000, align: 0x10000},
		{typ: ptGNUStack, flags: pfR | pfW},
	}
	segs = append(segs, extra...)
	headers := ehdrSize + phdrSize*len(segs)
	file := make([]byte, 0x2000)
	for i := 0x100; i < 0x180; i++ {
		file[i] = byte(i) // "code"
	}
	for i := 0x1100; i < 0x1300; i++ {
		file[i] = byte(i*7 + 1) // data
	}
	for i := 0x1300; i < len(file); i++ {
		file[i] = 0xEE // beyond p_filesz
	}
	img := buildELF(typ, emAArch64, base+0x100, segs, nil)
	copy(file, img[:headers])
	return file
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// release unmaps everything a test mapped, so tests can reuse addresses.
func release(mem *guestmem.Map) {
	for len(mem.Mappings) > 0 {
		mp := mem.Mappings[0]
		mem.Unmap(mp.Start, mp.End-mp.Start)
	}
}

// hostPerms returns the /proc/self/maps permissions at addr ("" if unmapped).
func hostPerms(t *testing.T, addr uint64) string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		l, h, _ := strings.Cut(f[0], "-")
		lo, err1 := strconv.ParseUint(l, 16, 64)
		hi, err2 := strconv.ParseUint(h, 16, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		if lo <= addr && addr < hi {
			return f[1]
		}
	}
	return ""
}

func TestLoadExec(t *testing.T) {
	file := sampleFile(etExec, testBase)
	path := writeTemp(t, "prog", file)
	var mem guestmem.Map
	img, err := Load(path, &mem)
	if err != nil {
		t.Fatal(err)
	}
	defer release(&mem)

	if img.Entry != testBase+0x100 || img.LoadBias != 0 {
		t.Errorf("entry %#x bias %#x", img.Entry, img.LoadBias)
	}
	if img.Phdr != testBase+ehdrSize || img.Phnum != 3 || img.Phent != phdrSize {
		t.Errorf("phdr %#x phnum %d phent %d", img.Phdr, img.Phnum, img.Phent)
	}
	if img.BrkStart != testBase+0x15000 {
		t.Errorf("brk start %#x, want %#x", img.BrkStart, testBase+0x15000)
	}
	if img.ExecStack {
		t.Error("PT_GNU_STACK without PF_X gave an executable stack")
	}
	if !bytes.Equal(GuestBytes(testBase, 0x180), file[:0x180]) {
		t.Error("text segment contents differ from the file")
	}
	if !bytes.Equal(GuestBytes(testBase+0x11100, 0x200), file[0x1100:0x1300]) {
		t.Error("data segment contents differ from the file")
	}
	for i, c := range GuestBytes(testBase+0x11300, 0x3000-0x200) {
		if c != 0 {
			t.Fatalf("bss byte at %#x is %#x, want 0", testBase+0x11300+i, c)
		}
	}
	// The bss is writable.
	GuestBytes(testBase+0x14000, 0x100)[0] = 1

	if got := hostPerms(t, testBase); got != "r--p" {
		t.Errorf("text host perms %q, want r--p (guest code is never executed natively)", got)
	}
	if got := hostPerms(t, testBase+0x11000); got != "rw-p" {
		t.Errorf("data host perms %q, want rw-p", got)
	}
	if got := hostPerms(t, testBase+0x5000); got != "" {
		t.Errorf("gap between segments is mapped (%q)", got)
	}
	want := []guestmem.Mapping{
		{Start: testBase, End: testBase + 0x1000, Prot: guestmem.ProtRead | guestmem.ProtExec, Flags: guestmem.MapPrivate, Name: img.ExePath},
		{Start: testBase + 0x11000, End: testBase + 0x12000, Prot: guestmem.ProtRead | guestmem.ProtWrite, Flags: guestmem.MapPrivate, Offset: 0x1000, Name: img.ExePath},
		{Start: testBase + 0x12000, End: testBase + 0x15000, Prot: guestmem.ProtRead | guestmem.ProtWrite, Flags: guestmem.MapPrivate | guestmem.MapAnonymous},
	}
	if len(mem.Mappings) != len(want) {
		t.Fatalf("mappings %+v\nwant %+v", mem.Mappings, want)
	}
	for i := range want {
		if mem.Mappings[i] != want[i] {
			t.Errorf("mapping %d = %+v, want %+v", i, mem.Mappings[i], want[i])
		}
	}
}

func TestLoadReadOnlyBss(t *testing.T) {
	// A read-only segment with bss: the partial page must still be zeroed
	// and the segment must stay read-only afterwards.
	segs := []seg{{typ: ptLoad, flags: pfR, offset: 0, vaddr: testBase, filesz: 0x180, memsz: 0x1800, align: 0x1000}}
	file := bytes.Repeat([]byte{0xEE}, 0x1000)
	copy(file, buildELF(etExec, emAArch64, testBase, segs, nil))
	path := writeTemp(t, "robss", file)
	var mem guestmem.Map
	if _, err := Load(path, &mem); err != nil {
		t.Fatal(err)
	}
	defer release(&mem)
	for i, c := range GuestBytes(testBase+0x180, 0x1800-0x180) {
		if c != 0 {
			t.Fatalf("bss byte at +%#x is %#x", 0x180+i, c)
		}
	}
	if got := hostPerms(t, testBase); got != "r--p" {
		t.Errorf("perms after zeroing %q, want r--p", got)
	}
}

func TestLoadStaticPIE(t *testing.T) {
	path := writeTemp(t, "pie", sampleFile(etDyn, 0))
	var mem guestmem.Map
	img, err := Load(path, &mem)
	if err != nil {
		t.Fatal(err)
	}
	defer release(&mem)
	if img.LoadBias != guestmem.PIEBase || img.Entry != guestmem.PIEBase+0x100 {
		t.Errorf("bias %#x entry %#x, want bias %#x", img.LoadBias, img.Entry, uint64(guestmem.PIEBase))
	}
	if img.Phdr != guestmem.PIEBase+ehdrSize {
		t.Errorf("phdr %#x", img.Phdr)
	}
	if string(GuestBytes(guestmem.PIEBase, 4)) != "\x7fELF" {
		t.Error("image not at the PIE base")
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	interp := "/nonexistent/ld-linux-aarch64.so.1\x00"
	dyn := sampleFile(etExec, testBase, seg{typ: ptInterp, offset: 0x1e00, filesz: uint64(len(interp))})
	copy(dyn[0x1e00:], interp)
	unterminated := sampleFile(etExec, testBase, seg{typ: ptInterp, offset: 0x1e00, filesz: 8})
	copy(unterminated[0x1e00:], "/lib/ldx")
	// A loader that is not an ELF file: a script at that path.
	badInterp := filepath.Join(dir, "ld-script")
	os.WriteFile(badInterp, []byte("#!/bin/sh\n"), 0o755)
	badName := badInterp + "\x00"
	dynBad := sampleFile(etExec, testBase, seg{typ: ptInterp, offset: 0x1e00, filesz: uint64(len(badName))})
	copy(dynBad[0x1e00:], badName)
	text := []byte("#!/bin/sh\necho hi\n")
	x86 := buildELF(etExec, 62, 0x401000, nil, nil)
	x86[56] = 1 // phnum: parsing stops at the machine check anyway
	// Loading at 0x400000 collides with this test binary, linked there.
	clash := sampleFile(etExec, 0x400000)

	cases := []struct {
		name   string
		data   []byte
		msg    string
		status int
	}{
		{"dynamic", dyn, "cannot find its dynamic loader /nonexistent/ld-linux-aarch64.so.1", 127},
		{"unterminated", unterminated, "invalid interpreter name (not NUL-terminated)", 126},
		{"badloader", dynBad, "not a usable AArch64 dynamic loader: not an ELF program", 126},
		{"script", text, "not an ELF program", 126},
		{"x86", x86, "not an AArch64 program (it is for x86-64)", 126},
		{"short", []byte("\x7fELF\x02\x01\x01"), "truncated ELF header", 126},
		{"clash", clash, "ferry itself uses part of that range", 126},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, c.data, 0o755); err != nil {
			t.Fatal(err)
		}
		var mem guestmem.Map
		_, err := Load(p, &mem)
		le, ok := err.(*Error)
		if !ok || !strings.Contains(err.Error(), c.msg) || le.ExitStatus() != c.status {
			t.Errorf("%s: err = %v, want one containing %q with status %d", c.name, err, c.msg, c.status)
		}
		if len(mem.Mappings) != 0 {
			t.Errorf("%s: failed load left mappings %+v", c.name, mem.Mappings)
			release(&mem)
		}
	}
	var mem guestmem.Map
	_, err := Load(filepath.Join(dir, "missing"), &mem)
	if le, ok := err.(*Error); !ok || le.ExitStatus() != 127 || !strings.HasSuffix(err.Error(), "no such file or directory") {
		t.Errorf("missing file: %v", err)
	}
}

// TestLoadInterp maps a program naming a loader that exists only in a
// sysroot: the loader goes where mmap finds room, its entry point becomes
// the image's, AT_BASE is its load address, and AT_ENTRY/AT_PHDR stay the
// program's.
func TestLoadInterp(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "lib"), 0o755)
	ldPath := filepath.Join(root, "lib", "ld-test.so")
	if err := os.WriteFile(ldPath, sampleFile(etDyn, 0), 0o755); err != nil {
		t.Fatal(err)
	}
	name := "/lib/ld-test.so\x00"
	prog := sampleFile(etExec, testBase, seg{typ: ptInterp, offset: 0x1e00, filesz: uint64(len(name))})
	copy(prog[0x1e00:], name)
	path := writeTemp(t, "dyn", prog)
	var mem guestmem.Map
	img, err := LoadWith(path, &mem, Options{Sysroot: root})
	if err != nil {
		t.Fatal(err)
	}
	defer release(&mem)
	if img.Interp != "/lib/ld-test.so" || img.InterpPath != ldPath || img.Sysroot != root {
		t.Errorf("interp %q at %q, sysroot %q", img.Interp, img.InterpPath, img.Sysroot)
	}
	if img.InterpBase == 0 || img.InterpBase%guestmem.PageSize != 0 || img.InterpBase >= guestmem.MmapTop {
		t.Fatalf("loader base %#x", img.InterpBase)
	}
	if img.Entry != img.InterpBase+0x100 {
		t.Errorf("entry %#x, want the loader's %#x", img.Entry, img.InterpBase+0x100)
	}
	if string(GuestBytes(img.InterpBase, 4)) != "\x7fELF" {
		t.Error("loader not at AT_BASE")
	}
	if img.Phdr != testBase+ehdrSize {
		t.Errorf("AT_PHDR %#x is not the program's", img.Phdr)
	}
	st, err := SetupStack(img, &mem, []string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	aux := map[uint64]uint64{}
	for _, a := range st.Auxv {
		aux[a.Type] = a.Val
	}
	if aux[AT_BASE] != img.InterpBase || aux[AT_ENTRY] != testBase+0x100 || aux[AT_PHDR] != img.Phdr {
		t.Errorf("auxv AT_BASE %#x AT_ENTRY %#x AT_PHDR %#x", aux[AT_BASE], aux[AT_ENTRY], aux[AT_PHDR])
	}
	mp, ok := mem.Lookup(img.InterpBase)
	if !ok || mp.Name != ldPath {
		t.Errorf("loader mapping %+v", mp)
	}
}

func TestRedirect(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "lib"), 0o755)
	os.MkdirAll(filepath.Join(root, "proc", "self"), 0o755)
	os.WriteFile(filepath.Join(root, "lib", "libx.so"), nil, 0o644)
	os.Symlink("/nowhere", filepath.Join(root, "lib", "dangling"))
	for _, c := range []struct{ in, want string }{
		{"/lib/libx.so", root + "/lib/libx.so"},
		{"/lib/dangling", root + "/lib/dangling"}, // the link itself exists
		{"/lib/liby.so", "/lib/liby.so"},
		{"lib/libx.so", "lib/libx.so"}, // relative: never
		{"/", "/"},
		{"/proc/self", "/proc/self"},
		{"/proc", "/proc"},
		{"/lib", root + "/lib"},
	} {
		if got := Redirect(root, c.in); got != c.want {
			t.Errorf("Redirect(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Redirect("", "/lib/libx.so"); got != "/lib/libx.so" {
		t.Errorf("no sysroot: %q", got)
	}
}

// TestLoadCompiledStaticPIE loads a real static-pie program from the arm64
// cross compiler: glibc's startup code layout, 64K-aligned segments,
// PT_TLS, RELRO.
func TestLoadCompiledStaticPIE(t *testing.T) {
	cc, err := exec.LookPath("aarch64-linux-gnu-gcc")
	if err != nil {
		t.Skip("aarch64-linux-gnu-gcc not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "h.c")
	os.WriteFile(src, []byte("int x = 5; int y[10000]; int main(){return x + y[5];}\n"), 0o644)
	bin := filepath.Join(dir, "h")
	if out, err := exec.Command(cc, "-static-pie", "-O2", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var mem guestmem.Map
	img, err := Load(bin, &mem)
	if err != nil {
		t.Fatal(err)
	}
	defer release(&mem)
	mp, ok := mem.Lookup(img.Entry)
	if !ok || mp.Prot&guestmem.ProtExec == 0 {
		t.Errorf("entry %#x is not in an executable mapping (%+v)", img.Entry, mp)
	}
	if img.LoadBias%0x10000 != 0 || string(GuestBytes(img.LoadBias, 4)) != "\x7fELF" {
		t.Errorf("load bias %#x", img.LoadBias)
	}
	if img.BrkStart%guestmem.PageSize != 0 || mem.Overlaps(img.BrkStart, img.BrkStart+guestmem.PageSize) {
		t.Errorf("brk start %#x not free and page aligned", img.BrkStart)
	}
}
