package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/arch/arm64/arm64asm"
	"golang.org/x/arch/x86/x86asm"

	"ferry/backend"
	"ferry/decoder"
	"ferry/elfload"
	"ferry/ir"
)

// Log items for -d / QEMU_LOG, named and formatted like qemu's where qemu
// has the item.
type logMask uint

const (
	logInAsm   logMask = 1 << iota // guest code of each translated block
	logOutAsm                      // host code of each compiled block
	logOp                          // IR of each translated block
	logExec                        // each block the dispatcher enters
	logNoChain                     // never chain blocks (with exec: see every block)
	logStrace                      // system calls (same as -strace)
	logUnimp                       // unsupported system calls (same as FERRY_DEBUG)
)

var logItems = []struct {
	name string
	mask logMask
	help string
}{
	{"out_asm", logOutAsm, "show generated host assembly code for each compiled TB"},
	{"in_asm", logInAsm, "show target assembly code for each compiled TB"},
	{"op", logOp, "show ferry's IR for each compiled TB"},
	{"exec", logExec, "show trace before each executed TB (lots of logs)"},
	{"nochain", logNoChain, "do not chain compiled TBs so that \"exec\" shows a complete trace"},
	{"strace", logStrace, "log every user-mode syscall, its input, and its result"},
	{"unimp", logUnimp, "log unimplemented functionality"},
}

// parseLogItems parses "item[,item…]" ("all" is every item but nochain).
func parseLogItems(s string) (logMask, error) {
	var m logMask
	for _, it := range strings.Split(s, ",") {
		found := false
		if it == "all" {
			for _, li := range logItems {
				if li.mask != logNoChain {
					m |= li.mask
				}
			}
			continue
		}
		for _, li := range logItems {
			if li.name == it {
				m |= li.mask
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("-d: unknown log item %q (-d help lists them)", it)
		}
	}
	return m, nil
}

// String renders the mask as -d takes it (for the re-executed ferry).
func (m logMask) String() string {
	var names []string
	for _, li := range logItems {
		if m&li.mask != 0 {
			names = append(names, li.name)
		}
	}
	return strings.Join(names, ",")
}

func printLogItems(w io.Writer) {
	fmt.Fprintln(w, "Log items (comma separated):")
	for _, li := range logItems {
		fmt.Fprintf(w, "%-15s %s\n", li.name, li.help)
	}
	fmt.Fprintf(w, "%-15s %s\n", "all", "every item above except nochain")
}

// logFileName expands -D's "%d" to the pid, as qemu does.
func logFileName(name string) string {
	if strings.Contains(name, "%d") {
		return strings.Replace(name, "%d", strconv.Itoa(os.Getpid()), 1)
	}
	return name
}

// openLog opens the -D file. The first ferry of a run truncates it; a
// ferry re-executed by a guest's execve or fork (inherited) appends, so a
// process tree shares one log as it shares stderr.
func openLog(name string, inherited bool) (*os.File, error) {
	flags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if !inherited {
		flags |= os.O_TRUNC
	}
	return os.OpenFile(logFileName(name), flags, 0o644)
}

// blockLog writes the -d items of translated and executed blocks. Threads
// translate concurrently, so each record is written whole under mu, and
// unbuffered: the process may exec or die at any instruction.
type blockLog struct {
	mu   sync.Mutex
	w    io.Writer
	mask logMask
}

func newBlockLog(w io.Writer, mask logMask) *blockLog {
	return &blockLog{w: w, mask: mask}
}

// translator wraps tr to log each block it produces (in_asm, op).
func (l *blockLog) translator(tr backend.Translator) backend.Translator {
	if l.mask&(logInAsm|logOp) == 0 {
		return tr
	}
	return func(pc uint64) *ir.Block {
		b := tr(pc)
		var sb strings.Builder
		if l.mask&logInAsm != 0 {
			sb.WriteString("----------------\nIN: \n")
			for a := b.PC; a < b.End; a += 4 {
				fmt.Fprintf(&sb, "0x%016x:  %s\n", a, disasmGuest(a))
			}
			sb.WriteString("\n")
		}
		if l.mask&logOp != 0 {
			fmt.Fprintf(&sb, "OP: %d guest instructions\n%s\n", b.NInsns, strings.TrimSuffix(b.String(), "\n"))
			sb.WriteString("\n")
		}
		l.mu.Lock()
		io.WriteString(l.w, sb.String())
		l.mu.Unlock()
		return b
	}
}

// disasmGuest renders the instruction at guest address a: its word and
// arm64asm's GNU syntax, or ferry's own decoder's reading for what
// arm64asm does not know (LSE atomics, LDAPR…).
func disasmGuest(a uint64) (s string) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			s = "<unreadable>"
		}
	}()
	raw := elfload.GuestBytes(a, 4)
	w := binary.LittleEndian.Uint32(raw)
	if in, err := arm64asm.Decode(raw); err == nil {
		return fmt.Sprintf("%08x      %s", w, arm64asm.GNUSyntax(in))
	}
	in := decoder.Decode(w)
	return fmt.Sprintf("%08x      %s", w, strings.ToLower(in.Op.String()))
}

// codeLog is the out_asm hook of the JIT.
func (l *blockLog) codeLog(pc uint64, entry uintptr, code []byte, interpreted string) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "OUT: [guest addr: 0x%016x]\n", pc)
	if code == nil {
		fmt.Fprintf(&sb, "  -- runs in the interpreter: %s\n\n", interpreted)
	} else {
		for off := 0; off < len(code); {
			in, err := x86asm.Decode(code[off:], 64)
			n, text := in.Len, ""
			if err != nil || n == 0 {
				n, text = 1, fmt.Sprintf(".byte 0x%02x", code[off])
			} else {
				text = x86asm.GNUSyntax(in, uint64(entry)+uint64(off), nil)
			}
			fmt.Fprintf(&sb, "  0x%012x:  %-24x %s\n", uint64(entry)+uint64(off), code[off:off+n], text)
			off += n
		}
		sb.WriteString("\n")
	}
	l.mu.Lock()
	io.WriteString(l.w, sb.String())
	l.mu.Unlock()
}

// trace is the exec hook of the dispatcher.
func (l *blockLog) trace(pc uint64) {
	var buf [64]byte
	b := append(buf[:0], "Trace: [0x"...)
	b = strconv.AppendUint(b, pc, 16)
	b = append(b, "]\n"...)
	l.mu.Lock()
	l.w.Write(b)
	l.mu.Unlock()
}
