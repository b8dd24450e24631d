// Package workload defines the programs `make bench` times natively, under
// qemu-aarch64 and under ferry (scripts/bench), and that cmd/ferry's
// TestBenchWorkloads runs at a tiny size against the native build's
// output. One list serves both, so no workload is timed without also being
// tested.
//
// Every workload prints a deterministic result (checksums, counts) and
// nothing that depends on the architecture, so the native amd64 run is the
// oracle for the arm64 runs.
package workload

import (
	"path/filepath"
	"slices"
	"strconv"
)

// Size selects a workload's problem size.
type Size int

const (
	// Tiny takes milliseconds natively: for correctness tests.
	Tiny Size = iota
	// Quick is a fraction of Full, for `make bench-quick`.
	Quick
	// Full is sized so that the native run takes roughly 0.1–0.5 s and
	// the slowest engine (ferry on vector floating point today) finishes
	// within about 30 s.
	Full
)

func (s Size) String() string {
	return [...]string{"tiny", "quick", "full"}[s]
}

// Env says how one engine runs the programs of one architecture.
type Env struct {
	// Launcher goes before every arm64 program: [ferry] or
	// [qemu-aarch64]. Empty for native runs.
	Launcher []string
	// ExecWrapper is what a guest puts before an arm64 program it
	// executes. qemu-aarch64 cannot execve arm64 programs unless
	// binfmt_misc names it as their interpreter, which the benchmark
	// must not register on a shared machine; the workloads then insert
	// qemu-aarch64 themselves, exactly as the kernel would. Empty for
	// native runs and for ferry, which runs arm64 programs a guest
	// executes by itself.
	ExecWrapper []string
	// Bin holds this architecture's builds of the C and Go programs
	// (.cache/bench/arm64 or .cache/bench/amd64).
	Bin string
	// Busybox is this architecture's busybox-static.
	Busybox string
	// Inputs is the directory WriteInputs filled.
	Inputs string
}

// Workload is one row of the benchmark table.
type Workload struct {
	Name        string // unique; a table row and a subtest name
	Description string // what it exercises, for the table
	argv        func(e Env, s Size) []string
}

// Command is the command line that runs w at size s in e.
func (w Workload) Command(e Env, s Size) []string {
	return append(slices.Clone(e.Launcher), w.argv(e, s)...)
}

// program is a C or Go program of .cache/bench with an argument list per
// size.
func program(name, prog, description string, args [3][]string) Workload {
	return Workload{Name: name, Description: description, argv: func(e Env, s Size) []string {
		return append([]string{filepath.Join(e.Bin, prog)}, args[s]...)
	}}
}

// applet is a busybox command; args gets the inputs directory.
func applet(name, description string, args func(inputs string, s Size) []string) Workload {
	return Workload{Name: name, Description: description, argv: func(e Env, s Size) []string {
		return append([]string{e.Busybox}, args(e.Inputs, s)...)
	}}
}

// perSize picks one of three values by size.
func perSize[T any](s Size, tiny, quick, full T) T {
	return [...]T{tiny, quick, full}[s]
}

// All is every workload, in table order.
var All = []Workload{
	program("nbody", "nbody", "scalar double FP: n-body, 5 bodies (fmla v.2d)",
		[3][]string{{"1000"}, {"200000"}, {"2000000"}}),
	program("matrix", "matrix", "auto-vectorized float: 128² matmul, saxpy (fmla/scvtf .4s)",
		[3][]string{{"1"}, {"5"}, {"50"}}),
	program("strmem", "strmem", "libc strlen/strchr/memchr/strcmp/memcmp/memcpy/memmove/memset, 0–64 KiB",
		[3][]string{{"1"}, {"30"}, {"300"}}),
	program("vm", "vm", "bytecode VM, switch and computed-goto dispatch (indirect branches)",
		[3][]string{{"300"}, {"3000"}, {"30000"}}),
	program("intarray", "intarray", "integer arrays: prefix sums, histogram, merge sort, binary search, stencil",
		[3][]string{{"5000", "1"}, {"30000", "2"}, {"300000", "2"}}),
	program("ptrchase", "ptrchase", "malloc'd linked list and tree, qsort with a comparison callback",
		[3][]string{{"2000", "1"}, {"5000", "3"}, {"50000", "3"}}),
	program("hashcrc", "hashcrc", "table-driven CRC-32 (bytewise, slice-by-8), CRC-64, FNV, hash table",
		[3][]string{{"64"}, {"2048"}, {"16384"}}),
	program("tokenizer", "tokenizer", "JSON-like tokenizer: byte switch, unescaping, strtod",
		[3][]string{{"64", "1"}, {"1024", "3"}, {"4096", "8"}}),
	program("sha-sieve-crc", "bench", "bench.c: SHA-256, sieve of Eratosthenes, CRC-32",
		[3][]string{{"1", "1"}, {"1", "2"}, {"4", "4"}}),
	program("go-parallel", "gopar", "Go: goroutines and channels, flate + SHA-256 + CRC-32 per block",
		[3][]string{{"2", "16"}, {"8", "128"}, {"32", "128"}}),

	applet("bzip2", "busybox bzip2 -9 of generated text", func(in string, s Size) []string {
		return []string{"bzip2", "-9", "-c", filepath.Join(in, textFile)}
	}),
	applet("gzip", "busybox gzip -9 of generated text", func(in string, s Size) []string {
		return []string{"gzip", "-9", "-c", filepath.Join(in, textFile)}
	}),
	applet("sha256sum", "busybox sha256sum of generated binary data", func(in string, s Size) []string {
		data := filepath.Join(in, dataFile)
		return append([]string{"sha256sum"}, slices.Repeat([]string{data}, perSize(s, 1, 1, 2))...)
	}),
	applet("awk", "busybox awk: arithmetic, string and associative-array loops", func(in string, s Size) []string {
		return []string{"awk", "-v", "n=" + strconv.Itoa(perSize(s, 500, 12000, 120000)), awkLoops}
	}),
	applet("sh-loop", "busybox sh: arithmetic, test and case in a while loop", func(in string, s Size) []string {
		return []string{"sh", "-c", shLoop, "sh", strconv.Itoa(perSize(s, 500, 4000, 40000))}
	}),
	applet("sort", "busybox sort -k2,2n -k1,1 of generated lines", func(in string, s Size) []string {
		return []string{"sort", "-k2,2n", "-k1,1", filepath.Join(in, textFile)}
	}),
	{
		Name:        "spawn",
		Description: "busybox sh running an external command (fork+exec+wait) in a loop",
		argv: func(e Env, s Size) []string {
			// The command is "$@": the exec wrapper, if any, and
			// busybox by its path, so sh forks and executes it
			// rather than running an applet in-process.
			argv := []string{e.Busybox, "sh", "-c", spawnLoop, "sh", strconv.Itoa(perSize(s, 3, 15, 150))}
			argv = append(argv, e.ExecWrapper...)
			return append(argv, e.Busybox)
		},
	},
}

// awkLoops counts in floating point, concatenates and indexes strings,
// and fills an associative array: what configure scripts and build
// system glue do with awk. All values stay integers below 2^53, so the
// output is exact.
const awkLoops = `BEGIN {
	for (i = 0; i < n; i++) {
		s += (i * i) % 7
		k = "key" (i % 1000)
		count[k]++
		total[k] += i
		if (length(k) == 6) six++
	}
	for (k in count) { keys++; sum += total[k] * count[k] % 1000003 }
	word = ""
	for (i = 0; i < 200; i++) word = word sprintf("%c", 97 + i % 26)
	for (i = 0; i < n / 100; i++) { sub_count += gsub(/abc/, "xyz", word); gsub(/xyz/, "abc", word) }
	printf "s %d keys %d six %d sum %d subs %d\n", s, keys, six, sum, sub_count
}`

// shLoop is shell arithmetic, [ ] tests and case in a while loop, all
// builtins: the interpreter loop of the shell, no forks.
const shLoop = `n=$1; i=0; s=0; odd=0
while [ "$i" -lt "$n" ]; do
	s=$(( (s * 31 + i) % 1000003 ))
	case $((i % 4)) in
	1|3) odd=$((odd + 1)) ;;
	esac
	i=$((i + 1))
done
echo "i $i s $s odd $odd"`

// spawnLoop runs its command ("$@" after the count) $1 times and counts
// successful runs.
const spawnLoop = `n=$1; shift; i=0; ok=0
while [ "$i" -lt "$n" ]; do
	if "$@" true; then ok=$((ok + 1)); fi
	i=$((i + 1))
done
echo "ran $i ok $ok"`

// BusyboxTrue is the start-up figure's command: the shortest run a
// program can have (exec, start-up, exit).
func BusyboxTrue(e Env) []string {
	return append(slices.Clone(e.Launcher), e.Busybox, "true")
}

// ForkExec is the fork figure's command: count fork+exec+wait cycles of a
// small static program (testdata/bench/forkexec.c); count 0 measures the
// parent's own start-up, which the benchmark subtracts.
func ForkExec(e Env, count int) []string {
	argv := append(slices.Clone(e.Launcher), filepath.Join(e.Bin, "forkexec"), strconv.Itoa(count))
	return append(argv, e.ExecWrapper...)
}

// ForkExecCount is how many children the fork figure's timed run starts.
func ForkExecCount(s Size) int {
	return perSize(s, 3, 20, 100)
}
