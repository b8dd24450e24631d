package elfload

import (
	"encoding/binary"
	"os"
	"testing"

	"ferry/syscalls/guestmem"
)

func word(addr uint64) uint64 { return binary.LittleEndian.Uint64(GuestBytes(addr, 8)) }

// cstr reads a NUL-terminated string from guest memory.
func cstr(addr uint64) string {
	var b []byte
	for {
		c := GuestBytes(addr, 1)[0]
		if c == 0 {
			return string(b)
		}
		b = append(b, c)
		addr++
	}
}

func TestSetupStackLayout(t *testing.T) {
	path := writeTemp(t, "prog", sampleFile(etExec, testBase))
	var mem guestmem.Map
	img, err := Load(path, &mem)
	if err != nil {
		t.Fatal(err)
	}
	defer release(&mem)
	argv := []string{"prog", "first arg", ""}
	envp := []string{"HOME=/root", "LANG=C"}
	st, err := SetupStack(img, &mem, argv, envp)
	if err != nil {
		t.Fatal(err)
	}

	if mp, ok := mem.Lookup(guestmem.StackTop - 1); !ok || mp.Name != "[stack]" || mp.End != guestmem.StackTop ||
		mp.Prot != guestmem.ProtRead|guestmem.ProtWrite || mp.End-mp.Start != StackSize() {
		t.Fatalf("stack mapping %+v", mp)
	}
	sp := st.SP
	if sp%16 != 0 {
		t.Fatalf("SP %#x is not 16-byte aligned", sp)
	}
	// argc, argv[], NULL, envp[], NULL, auxv.
	if word(sp) != uint64(len(argv)) {
		t.Fatalf("argc = %d", word(sp))
	}
	p := sp + 8
	for i, want := range argv {
		if got := cstr(word(p)); got != want {
			t.Errorf("argv[%d] = %q, want %q", i, got, want)
		}
		p += 8
	}
	if word(p) != 0 {
		t.Fatal("argv not NULL-terminated")
	}
	p += 8
	for i, want := range envp {
		if got := cstr(word(p)); got != want {
			t.Errorf("envp[%d] = %q, want %q", i, got, want)
		}
		p += 8
	}
	if word(p) != 0 {
		t.Fatal("envp not NULL-terminated")
	}
	p += 8
	aux := map[uint64]uint64{}
	var order []uint64
	for {
		typ, val := word(p), word(p+8)
		p += 16
		if typ == AT_NULL {
			break
		}
		aux[typ] = val
		order = append(order, typ)
	}
	want := map[uint64]uint64{
		AT_PHDR: img.Phdr, AT_PHENT: 56, AT_PHNUM: 3, AT_PAGESZ: 4096, AT_BASE: 0, AT_FLAGS: 0,
		AT_ENTRY: testBase + 0x100, AT_UID: uint64(os.Getuid()), AT_EUID: uint64(os.Geteuid()),
		AT_GID: uint64(os.Getgid()), AT_EGID: uint64(os.Getegid()), AT_SECURE: 0,
		AT_HWCAP: ImplementedHWCap, AT_HWCAP2: ImplementedHWCap2, AT_CLKTCK: 100, AT_MINSIGSTKSZ: 5120,
	}
	for typ, v := range want {
		if got, ok := aux[typ]; !ok || got != v {
			t.Errorf("auxv[%d] = %#x (present %v), want %#x", typ, got, ok, v)
		}
	}
	if order[0] != AT_MINSIGSTKSZ || order[1] != AT_HWCAP {
		t.Errorf("auxv order starts %v, want AT_MINSIGSTKSZ, AT_HWCAP like arm64 Linux", order[:2])
	}
	if got := cstr(aux[AT_PLATFORM]); got != "aarch64" {
		t.Errorf("AT_PLATFORM = %q", got)
	}
	execfn := aux[AT_EXECFN]
	if got := cstr(execfn); got != path {
		t.Errorf("AT_EXECFN = %q, want %q", got, path)
	}
	// Linux places the exec file name last, just under the top zero word.
	if execfn+uint64(len(path))+1 != guestmem.StackTop-8 || word(guestmem.StackTop-8) != 0 {
		t.Errorf("AT_EXECFN at %#x is not at the top of the stack", execfn)
	}
	// Strings ascend: argv strings, then envp strings, then execfn.
	if !(st.ArgvAddrs[0] < st.ArgvAddrs[2] && st.ArgvAddrs[2] < st.EnvpAddrs[0] && st.EnvpAddrs[1] < execfn) {
		t.Errorf("string order: argv %x envp %x execfn %#x", st.ArgvAddrs, st.EnvpAddrs, execfn)
	}
	rnd := aux[AT_RANDOM]
	if rnd < p || rnd+16 > st.Platform {
		t.Errorf("AT_RANDOM %#x not between the auxv end %#x and the platform string %#x", rnd, p, st.Platform)
	}
	if st.Platform >= st.ArgvAddrs[0] {
		t.Error("platform string above the argument strings")
	}
}

func TestSetupStackExecutable(t *testing.T) {
	var mem guestmem.Map
	img := &Image{Path: "/x", ExecStack: true}
	if _, err := SetupStack(img, &mem, []string{"x"}, nil); err != nil {
		t.Fatal(err)
	}
	defer release(&mem)
	if mp, _ := mem.Lookup(guestmem.StackTop - 1); mp.Prot&guestmem.ProtExec == 0 {
		t.Errorf("PT_GNU_STACK with PF_X: stack prot %#x", mp.Prot)
	}
}

func TestSetupStackTooManyArguments(t *testing.T) {
	var mem guestmem.Map
	huge := make([]byte, StackSize()/4)
	for i := range huge {
		huge[i] = 'a'
	}
	_, err := SetupStack(&Image{Path: "/x"}, &mem, []string{"x", string(huge)}, nil)
	if err == nil || len(mem.Mappings) != 0 {
		release(&mem)
		t.Fatalf("oversized argv: err %v, mappings %+v", err, mem.Mappings)
	}
}
