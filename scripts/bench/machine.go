package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// machine is what the report says about where and what was measured.
type machine struct {
	date       time.Time
	cpuModel   string
	processors int // logical processors in /proc/cpuinfo
	usable     int // processors this process may run on
	memory     string
	kernel     string
	commit     string // ferry's commit, "+ uncommitted changes" when dirty
	versions   []string
}

func describeMachine(root, nativeBusybox string) machine {
	m := machine{date: time.Now().UTC(), usable: runtime.NumCPU()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), ":")
			switch strings.TrimSpace(k) {
			case "processor":
				m.processors++
			case "model name":
				if m.cpuModel == "" {
					m.cpuModel = strings.TrimSpace(v)
				}
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				var kib float64
				if _, err := fmt.Sscanf(strings.TrimSpace(v), "%f kB", &kib); err == nil {
					m.memory = fmt.Sprintf("%.1f GiB", kib/(1<<20))
				}
				break
			}
		}
		f.Close()
	}
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		m.kernel = unix.ByteSliceToString(u.Sysname[:]) + " " + unix.ByteSliceToString(u.Release[:])
	}
	m.commit = firstLineOf(root, "git", "rev-parse", "--short=12", "HEAD")
	// The report itself is the one file a bench run is expected to change.
	if dirty := firstLineOf(root, "git", "status", "--porcelain", "--untracked-files=no", "--", ".",
		":!docs/PERFORMANCE.md"); dirty != "" {
		m.commit += " + uncommitted changes"
	}
	for _, v := range []string{
		firstLineOf(root, qemuPath, "--version"),
		firstLineOf(root, "gcc", "--version"),
		firstLineOf(root, "aarch64-linux-gnu-gcc", "--version"),
		"Go " + strings.TrimPrefix(runtime.Version(), "go"),
		strings.TrimSuffix(firstLineOf(root, nativeBusybox, "--help"), " multi-call binary."),
	} {
		if v != "" {
			m.versions = append(m.versions, v)
		}
	}
	return m
}

// firstLineOf runs a command in dir and returns its output's first line
// ("" when it fails).
func firstLineOf(dir string, argv ...string) string {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return firstLine(out)
}
