package main

import (
	"fmt"
	"io"
	"strings"

	"ferry/elfload"
)

// CPU models for -cpu (QEMU_CPU). A model names the features of a real
// core, in the kernel's /proc/cpuinfo names; ferry advertises in AT_HWCAP
// and AT_HWCAP2 (and /proc/cpuinfo) the ones it implements completely —
// a feature ferry lacks is never advertised, whatever the model says (qemu
// would emulate it). Programs choose code paths from these bits, so the
// model changes what they execute: under cortex-a72, glibc and libgcc use
// exclusive-access loops for atomics; under neoverse-n1 or max, LSE.
type cpuModel struct {
	name     string
	desc     string
	features []string // /proc/cpuinfo names
}

// ferryFeatures is everything ferry implements completely, by cpuinfo
// name: base FP and Advanced SIMD, AES and PMULL, CRC32, the ARMv8.1 LSE
// atomics (LDADD…, SWP, CAS, CASP) and ARMv8.3 LRCPC (LDAPR). Not SHA1/
// SHA2 (the decoder rejects them), FP16 arithmetic, RDM, dot product,
// DC CVAP (dcpop), SSBS, the event stream or the CPUID register emulation.
var ferryFeatures = []string{"fp", "asimd", "aes", "pmull", "crc32", "atomics", "lrcpc"}

// The cores' feature lists are what arm64 Linux reports on them
// (/proc/cpuinfo "Features"), as qemu models them.
var (
	armv80Crypto = []string{"fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32", "cpuid"}
	neoverseN1   = []string{"fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32", "atomics",
		"fphp", "asimdhp", "cpuid", "asimdrdm", "lrcpc", "dcpop", "asimddp", "ssbs"}
)

var cpuModels = []cpuModel{
	{"max", "every feature ferry implements", ferryFeatures},
	{"neoverse-n1", "Arm Neoverse N1 (ARMv8.2)", neoverseN1},
	{"cortex-a76", "Arm Cortex-A76 (ARMv8.2)", neoverseN1},
	{"cortex-a72", "Arm Cortex-A72 (ARMv8.0, crypto)", armv80Crypto},
	{"cortex-a57", "Arm Cortex-A57 (ARMv8.0, crypto)", armv80Crypto},
	{"cortex-a53", "Arm Cortex-A53 (ARMv8.0, crypto)", armv80Crypto},
}

// defaultCPU is the model without -cpu or QEMU_CPU. It is the ARMv8.0 set
// ferry has always advertised (elfload.HWCap), not max: a plain run keeps
// the code paths every test of ferry checks; -cpu max (qemu's default)
// adds LSE atomics and LRCPC.
const defaultCPU = "cortex-a72"

// lookupCPU finds a model by name (case-insensitive, as qemu's).
func lookupCPU(name string) (cpuModel, bool) {
	for _, m := range cpuModels {
		if strings.EqualFold(m.name, name) {
			return m, true
		}
	}
	return cpuModel{}, false
}

// hwcaps returns the AT_HWCAP and AT_HWCAP2 values ferry advertises for
// m: its features that ferry implements.
func (m cpuModel) hwcaps() (hwcap, hwcap2 uint64) {
	impl := map[string]bool{}
	for _, f := range ferryFeatures {
		impl[f] = true
	}
	for _, f := range m.features {
		if !impl[f] {
			continue
		}
		bit, second, ok := featureBit(f)
		if !ok {
			panic("ferry: unknown feature " + f)
		}
		if second {
			hwcap2 |= bit
		} else {
			hwcap |= bit
		}
	}
	return hwcap, hwcap2
}

// missing lists m's features that ferry does not implement.
func (m cpuModel) missing() []string {
	impl := map[string]bool{}
	for _, f := range ferryFeatures {
		impl[f] = true
	}
	var out []string
	for _, f := range m.features {
		if !impl[f] {
			out = append(out, f)
		}
	}
	return out
}

// featureBit finds the AT_HWCAP (or, with second, AT_HWCAP2) bit the
// kernel names name, through elfload's name tables.
func featureBit(name string) (bit uint64, second, ok bool) {
	for i := 0; i < 64; i++ {
		if n := safeFeatureNames(1<<i, 0); len(n) == 1 && n[0] == name {
			return 1 << i, false, true
		}
		if n := safeFeatureNames(0, 1<<i); len(n) == 1 && n[0] == name {
			return 1 << i, true, true
		}
	}
	return 0, false, false
}

// safeFeatureNames is elfload.FeatureNames returning nil for a bit that
// has no name.
func safeFeatureNames(hwcap, hwcap2 uint64) (names []string) {
	defer func() {
		if recover() != nil {
			names = nil
		}
	}()
	return elfload.FeatureNames(hwcap, hwcap2)
}

// listCPUs prints the models for -cpu help.
func listCPUs(w io.Writer) {
	fmt.Fprintln(w, "Available CPUs (ferry advertises a model's features that it implements):")
	for _, m := range cpuModels {
		def := ""
		if m.name == defaultCPU {
			def = " (default)"
		}
		hw, hw2 := m.hwcaps()
		fmt.Fprintf(w, "  %-12s %s%s\n", m.name, m.desc, def)
		fmt.Fprintf(w, "  %-12s   advertised: %s\n", "", strings.Join(elfload.FeatureNames(hw, hw2), " "))
		if miss := m.missing(); len(miss) > 0 {
			fmt.Fprintf(w, "  %-12s   not implemented: %s\n", "", strings.Join(miss, " "))
		}
	}
}
