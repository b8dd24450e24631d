package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ferry binfmt install|uninstall|status: registering ferry with the
// kernel's binfmt_misc as the interpreter of arm64 ELF programs, so they
// run as ./prog, in chroots and in containers.
//
// The subcommand is recognised only as ferry's first argument, exactly
// "binfmt", and only when ferry was started by hand: started by
// binfmt_misc, every argument is the program's. A guest program named
// binfmt is run as "ferry ./binfmt" or "ferry -- binfmt".

const (
	binfmtDir       = "/proc/sys/fs/binfmt_misc"
	binfmtEntryName = "ferry-aarch64"
	// binfmtSaveDir keeps the registrations install --force replaced,
	// for uninstall to put back (tmpfs: gone at reboot, like the entries).
	binfmtSaveDir = "/run/ferry/binfmt-replaced"
)

// The aarch64 ELF header binfmt_misc matches (shared NOTES §4): class 64,
// little endian, version 1, any OS ABI; e_type ET_EXEC or ET_DYN (the
// mask's 0xfe), e_machine EM_AARCH64.
var (
	aarch64Magic = []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00")
	aarch64Mask  = []byte("\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff")
)

// binfmtEntry is one registration as /proc/sys/fs/binfmt_misc/NAME shows
// it.
type binfmtEntry struct {
	Name        string `json:"name"`
	Enabled     bool   `json:"enabled"`
	Interpreter string `json:"interpreter"`
	Flags       string `json:"flags"`
	Offset      int    `json:"offset"`
	Magic       string `json:"magic,omitempty"` // hex
	Mask        string `json:"mask,omitempty"`  // hex
	Extension   string `json:"extension,omitempty"`
	Ferry       bool   `json:"ferry"` // ferry's entry (by name)
}

// parseBinfmtEntry reads the kernel's text for one entry.
func parseBinfmtEntry(name, text string) binfmtEntry {
	e := binfmtEntry{Name: name}
	for _, line := range strings.Split(text, "\n") {
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "enabled":
			e.Enabled = true
		case "disabled":
			e.Enabled = false
		case "interpreter":
			e.Interpreter = val
		case "flags:":
			e.Flags = val
		case "offset":
			e.Offset, _ = strconv.Atoi(val)
		case "magic":
			e.Magic = val
		case "mask":
			e.Mask = val
		case "extension":
			e.Extension = val
		}
	}
	return e
}

// claimsAArch64 reports whether e matches arm64 ELF executables or shared
// objects (the headers ferry's registration matches).
func (e binfmtEntry) claimsAArch64() bool {
	if e.Magic == "" {
		return false
	}
	magic, err1 := hex.DecodeString(e.Magic)
	mask, err2 := hex.DecodeString(e.Mask)
	if err1 != nil || err2 != nil || e.Mask != "" && len(mask) != len(magic) {
		return false
	}
	for _, etype := range []byte{2, 3} {
		hdr := append([]byte(nil), aarch64Magic...)
		hdr[16] = etype
		ok := e.Offset+len(magic) <= len(hdr)
		for i := 0; ok && i < len(magic); i++ {
			m := byte(0xff)
			if len(mask) > 0 {
				m = mask[i]
			}
			ok = hdr[e.Offset+i]&m == magic[i]&m
		}
		if ok {
			return true
		}
	}
	return false
}

// registration renders e as the line register takes: ":name:M:offset:
// magic:mask:interpreter:flags", bytes escaped as \xHH.
func (e binfmtEntry) registration() string {
	esc := func(h string) string {
		b, _ := hex.DecodeString(h)
		var sb strings.Builder
		for _, c := range b {
			fmt.Fprintf(&sb, "\\x%02x", c)
		}
		return sb.String()
	}
	if e.Extension != "" {
		return fmt.Sprintf(":%s:E::%s::%s:%s", e.Name, e.Extension, e.Interpreter, e.Flags)
	}
	return fmt.Sprintf(":%s:M:%d:%s:%s:%s:%s", e.Name, e.Offset, esc(e.Magic), esc(e.Mask), e.Interpreter, e.Flags)
}

// binfmtMounted reports whether binfmt_misc is mounted (its register file
// exists).
func binfmtMounted() bool {
	_, err := os.Stat(filepath.Join(binfmtDir, "register"))
	return err == nil
}

// mountBinfmt mounts binfmt_misc where it belongs if it is not there.
func mountBinfmt() error {
	if binfmtMounted() {
		return nil
	}
	if err := unix.Mount("binfmt_misc", binfmtDir, "binfmt_misc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("cannot mount binfmt_misc on %s: %v", binfmtDir, err)
	}
	return nil
}

// mountBinfmtFor mounts binfmt_misc for a command that only reads or
// removes entries (status, uninstall), where it is not mounted: inside a
// fresh container's mount namespace the node's entries are there, just
// not mounted. It returns the function that puts the mount table back as
// it was (a no-op when binfmt_misc was mounted already or cannot be).
func mountBinfmtFor() (unmount func()) {
	if binfmtMounted() || mountBinfmt() != nil {
		return func() {}
	}
	return func() { unix.Unmount(binfmtDir, 0) }
}

// binfmtEntries lists every registration, by name.
func binfmtEntries() ([]binfmtEntry, error) {
	des, err := os.ReadDir(binfmtDir)
	if err != nil {
		return nil, err
	}
	var out []binfmtEntry
	for _, de := range des {
		if n := de.Name(); n != "register" && n != "status" {
			b, err := os.ReadFile(filepath.Join(binfmtDir, n))
			if err != nil {
				continue // removed meanwhile
			}
			out = append(out, parseBinfmtEntry(n, string(b)))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func registerBinfmt(line string) error {
	f, err := os.OpenFile(filepath.Join(binfmtDir, "register"), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteString(line); err != nil {
		return fmt.Errorf("registering %q: %v", line, err)
	}
	return nil
}

func removeBinfmt(name string) error {
	f, err := os.OpenFile(filepath.Join(binfmtDir, name), os.O_WRONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString("-1")
	return err
}

// validEntryName is what binfmt_misc accepts as a name (and a file name).
func validEntryName(n string) bool {
	return n != "" && n != "." && n != ".." && n != "register" && n != "status" && len(n) < 256 &&
		!strings.ContainsAny(n, "/:\n")
}

// normalizeFlags checks flags against POCF and returns them in that
// order; C implies O (as the kernel makes it).
func normalizeFlags(flags string) (string, error) {
	flags = strings.ToUpper(flags)
	for _, c := range flags {
		if !strings.ContainsRune("POCF", c) {
			return "", fmt.Errorf("unknown binfmt_misc flag %q (flags are P, O, C, F)", c)
		}
	}
	if strings.Contains(flags, "C") {
		flags += "O"
	}
	var out []byte
	for _, f := range "POCF" {
		if strings.ContainsRune(flags, f) {
			out = append(out, byte(f))
		}
	}
	return string(out), nil
}

// binfmtArgs parses "--name[=value]" / "-name value" words against the
// switches and valued options given.
func binfmtArgs(args []string, switches, valued []string) (map[string]string, error) {
	out := map[string]string{}
	has := func(list []string, n string) bool {
		for _, x := range list {
			if x == n {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			return nil, fmt.Errorf("unexpected argument %q", a)
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case has(switches, name):
			if hasVal {
				return nil, fmt.Errorf("option --%s takes no value", name)
			}
			out[name] = "1"
		case has(valued, name):
			if !hasVal {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("option --%s needs a value", name)
				}
				i++
				val = args[i]
			}
			out[name] = val
		default:
			return nil, fmt.Errorf("unknown option %s", a)
		}
	}
	return out, nil
}

func binfmtUsage(w io.Writer) {
	fmt.Fprintf(w, `usage: ferry binfmt install [--flags=F] [--preserve-argv0] [--open-binary] [--credentials]
                           [--name=%[1]s] [--force]
       ferry binfmt uninstall [--name=%[1]s] [--no-restore]
       ferry binfmt status [--json] [--name=%[1]s]

install registers this ferry binary (its absolute path) with binfmt_misc as
the interpreter of arm64 ELF executables and shared objects, mounting
binfmt_misc at %[2]s if needed. Flags (default F):
  F  open ferry now: works in chroots and containers (ferry is static)
  P  --preserve-argv0: pass the program its real argv[0]
  O  --open-binary: hand ferry the program open (runs execute-only files)
  C  --credentials: setuid/setgid programs get their credentials (implies
     O). Risky: ferry then runs guest code with those privileges.
install refuses if another entry claims arm64 ELF files (qemu-aarch64,
say) unless --force, which removes it and saves it in %[3]s for
uninstall to register again (unless --no-restore).
uninstall removes only ferry's entry. status exits 0 if ferry's entry is
registered and enabled, 1 if not.
`, binfmtEntryName, binfmtDir, binfmtSaveDir)
}

// binfmtMain runs "ferry binfmt ARGS".
func binfmtMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "ferry: binfmt: missing command (install, uninstall, status)")
		binfmtUsage(stderr)
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "ferry: binfmt %s: %s\n", args[0], fmt.Sprintf(format, a...))
		return 1
	}
	var opts map[string]string
	var err error
	switch args[0] {
	case "-h", "-help", "--help", "help":
		binfmtUsage(stdout)
		return 0
	case "install":
		opts, err = binfmtArgs(args[1:], []string{"preserve-argv0", "open-binary", "credentials", "force"}, []string{"flags", "name"})
	case "uninstall":
		opts, err = binfmtArgs(args[1:], []string{"no-restore"}, []string{"name"})
	case "status":
		opts, err = binfmtArgs(args[1:], []string{"json"}, []string{"name"})
	default:
		fmt.Fprintf(stderr, "ferry: binfmt: unknown command %q (install, uninstall, status)\n", args[0])
		binfmtUsage(stderr)
		return exitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "ferry: binfmt %s: %v\n", args[0], err)
		binfmtUsage(stderr)
		return exitUsage
	}
	name := binfmtEntryName
	if n, ok := opts["name"]; ok {
		if !validEntryName(n) {
			fmt.Fprintf(stderr, "ferry: binfmt %s: invalid entry name %q\n", args[0], n)
			return exitUsage
		}
		name = n
	}
	switch args[0] {
	case "install":
		flags := "F"
		if f, ok := opts["flags"]; ok {
			flags = f
		}
		for opt, f := range map[string]string{"preserve-argv0": "P", "open-binary": "O", "credentials": "C"} {
			if opts[opt] != "" {
				flags += f
			}
		}
		flags, err := normalizeFlags(flags)
		if err != nil {
			fmt.Fprintf(stderr, "ferry: binfmt install: %v\n", err)
			return exitUsage
		}
		if os.Geteuid() != 0 {
			return fail("must be run as root")
		}
		return binfmtInstall(name, flags, opts["force"] != "", stdout, fail)
	case "uninstall":
		if os.Geteuid() != 0 {
			return fail("must be run as root")
		}
		return binfmtUninstall(name, opts["no-restore"] == "", stdout, fail)
	default:
		return binfmtStatus(name, opts["json"] != "", stdout, fail)
	}
}

// selfPath is the absolute path of the running ferry binary.
func selfPath() (string, error) {
	p, err := os.Readlink("/proc/self/exe")
	if err != nil {
		if p, err = os.Executable(); err != nil {
			return "", err
		}
	}
	if strings.HasSuffix(p, " (deleted)") {
		return "", fmt.Errorf("this ferry binary (%s) was deleted", strings.TrimSuffix(p, " (deleted)"))
	}
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("cannot find this ferry binary's absolute path (%s)", p)
	}
	if strings.ContainsAny(p, ":\n") {
		return "", fmt.Errorf("ferry's path %q cannot be registered (binfmt_misc separates fields with ':')", p)
	}
	return p, nil
}

func binfmtInstall(name, flags string, force bool, stdout io.Writer, fail func(string, ...any) int) int {
	self, err := selfPath()
	if err != nil {
		return fail("%v", err)
	}
	if err := mountBinfmt(); err != nil {
		return fail("%v", err)
	}
	entries, err := binfmtEntries()
	if err != nil {
		return fail("%v", err)
	}
	var others []binfmtEntry
	for _, e := range entries {
		if e.Name != name && e.Enabled && e.claimsAArch64() {
			others = append(others, e)
		}
	}
	if len(others) > 0 && !force {
		var desc []string
		for _, e := range others {
			desc = append(desc, fmt.Sprintf("%s (%s)", e.Name, e.Interpreter))
		}
		return fail("arm64 programs are already claimed by %s; --force replaces it", strings.Join(desc, ", "))
	}
	for _, e := range others {
		// Saved first: an entry removed must be restorable.
		if err := os.MkdirAll(binfmtSaveDir, 0o700); err != nil {
			return fail("saving %s: %v", e.Name, err)
		}
		if err := os.WriteFile(filepath.Join(binfmtSaveDir, e.Name), []byte(e.registration()+"\n"), 0o600); err != nil {
			return fail("saving %s: %v", e.Name, err)
		}
		if err := removeBinfmt(e.Name); err != nil {
			return fail("removing %s: %v", e.Name, err)
		}
		fmt.Fprintf(stdout, "ferry: replaced %s (%s, flags %s); saved in %s\n", e.Name, e.Interpreter, e.Flags,
			filepath.Join(binfmtSaveDir, e.Name))
	}
	// Reinstalling replaces ferry's own entry (new path or flags).
	if err := removeBinfmt(name); err != nil {
		return fail("removing the old %s: %v", name, err)
	}
	e := binfmtEntry{Name: name, Interpreter: self, Flags: flags,
		Magic: hex.EncodeToString(aarch64Magic), Mask: hex.EncodeToString(aarch64Mask)}
	if err := registerBinfmt(e.registration()); err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(stdout, "ferry: registered %s: arm64 ELF programs run with %s (flags %s)\n", name, self, flags)
	return 0
}

func binfmtUninstall(name string, restore bool, stdout io.Writer, fail func(string, ...any) int) int {
	defer mountBinfmtFor()()
	if !binfmtMounted() {
		fmt.Fprintf(stdout, "ferry: binfmt_misc is not mounted: nothing to remove\n")
		return 0
	}
	if _, err := os.Stat(filepath.Join(binfmtDir, name)); err == nil {
		if err := removeBinfmt(name); err != nil {
			return fail("removing %s: %v", name, err)
		}
		fmt.Fprintf(stdout, "ferry: removed %s\n", name)
	} else {
		fmt.Fprintf(stdout, "ferry: %s is not registered\n", name)
	}
	if !restore {
		return 0
	}
	saved, _ := os.ReadDir(binfmtSaveDir)
	status := 0
	for _, de := range saved {
		path := filepath.Join(binfmtSaveDir, de.Name())
		line, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(binfmtDir, de.Name())); err == nil {
			os.Remove(path) // registered again meanwhile
			continue
		}
		if err := registerBinfmt(strings.TrimSpace(string(line))); err != nil {
			fmt.Fprintf(os.Stderr, "ferry: binfmt uninstall: restoring %s: %v\n", de.Name(), err)
			status = 1
			continue
		}
		os.Remove(path)
		fmt.Fprintf(stdout, "ferry: restored %s\n", de.Name())
	}
	return status
}

func binfmtStatus(name string, asJSON bool, stdout io.Writer, fail func(string, ...any) int) int {
	type report struct {
		Mounted bool          `json:"mounted"`
		Enabled bool          `json:"enabled"` // binfmt_misc as a whole
		Entries []binfmtEntry `json:"entries"` // ferry's and every other arm64 entry
	}
	defer mountBinfmtFor()()
	r := report{Mounted: binfmtMounted(), Entries: []binfmtEntry{}}
	if r.Mounted {
		st, err := os.ReadFile(filepath.Join(binfmtDir, "status"))
		if err != nil {
			return fail("%v", err)
		}
		r.Enabled = strings.TrimSpace(string(st)) == "enabled"
		entries, err := binfmtEntries()
		if err != nil {
			return fail("%v", err)
		}
		for _, e := range entries {
			e.Ferry = e.Name == name
			if e.Ferry || e.claimsAArch64() {
				r.Entries = append(r.Entries, e)
			}
		}
	}
	installed := false
	for _, e := range r.Entries {
		installed = installed || e.Ferry && e.Enabled
	}
	if asJSON {
		b, _ := json.MarshalIndent(r, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		switch {
		case !r.Mounted:
			fmt.Fprintf(stdout, "binfmt_misc: not mounted at %s (ferry binfmt install mounts it)\n", binfmtDir)
		case !r.Enabled:
			fmt.Fprintf(stdout, "binfmt_misc: mounted at %s, disabled\n", binfmtDir)
		default:
			fmt.Fprintf(stdout, "binfmt_misc: mounted at %s, enabled\n", binfmtDir)
		}
		found := false
		for _, e := range r.Entries {
			state := "disabled"
			if e.Enabled {
				state = "enabled"
			}
			who := "other arm64 entry"
			if e.Ferry {
				who, found = "ferry", true
			}
			fmt.Fprintf(stdout, "%s: %s, %s, interpreter %s, flags %q\n", e.Name, who, state, e.Interpreter, e.Flags)
		}
		if !found && r.Mounted {
			fmt.Fprintf(stdout, "%s: not registered\n", name)
		}
	}
	if !installed {
		return 1
	}
	return 0
}
