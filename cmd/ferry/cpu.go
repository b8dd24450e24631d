package main

import (
	"fmt"
	"io"
	"strings"

	"ferry/elfload"
)

// CPU models for -cpu (QEMU_CPU). A model names the features of a real
// core, in the kernel's /proc/cpuinfo names; ferry advertises in AT_HWCAP
// and AT_HWCAP2 (and /proc/cpuinfo, and the ID registers) the ones it
// implements completely — a feature ferry lacks is never advertised,
// whatever the model says (qemu would emulate it). Programs choose code
// paths from these bits, so the model changes what they execute: under
// cortex-a72, glibc and libgcc use exclusive-access loops for atomics;
// under neoverse-n1 or max, LSE. The instructions of features a model
// lacks still execute (ferry does not make them undefined).
type cpuModel struct {
	name     string
	desc     string
	features []string // /proc/cpuinfo names
}

// ferryFeatures is everything ferry implements completely, by cpuinfo
// name (elfload.ImplementedHWCap/ImplementedHWCap2, docs/ISA.md).
var ferryFeatures = elfload.FeatureNames(elfload.ImplementedHWCap, elfload.ImplementedHWCap2)

// The cores' feature lists are what arm64 Linux reports on them
// (/proc/cpuinfo "Features"): qemu's models, and for neoverse-v1 an AWS
// Graviton3.
var (
	armv80Crypto = []string{"fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32", "cpuid"}
	neoverseN1   = []string{"fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32", "atomics",
		"fphp", "asimdhp", "cpuid", "asimdrdm", "lrcpc", "dcpop", "asimddp", "ssbs"}
	neoverseV1 = []string{"fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32", "atomics",
		"fphp", "asimdhp", "cpuid", "asimdrdm", "jscvt", "fcma", "lrcpc", "dcpop", "sha3", "sm3", "sm4",
		"asimddp", "sha512", "sve", "asimdfhm", "dit", "uscat", "ilrcpc", "flagm", "ssbs", "paca", "pacg",
		"dcpodp", "svei8mm", "svebf16", "i8mm", "bf16", "dgh", "rng"}
)

var cpuModels = []cpuModel{
	{"max", "every feature ferry implements", ferryFeatures},
	{"neoverse-v1", "Arm Neoverse V1 (ARMv8.4)", neoverseV1},
	{"neoverse-n1", "Arm Neoverse N1 (ARMv8.2)", neoverseN1},
	{"cortex-a76", "Arm Cortex-A76 (ARMv8.2)", neoverseN1},
	{"cortex-a72", "Arm Cortex-A72 (ARMv8.0, crypto)", armv80Crypto},
	{"cortex-a57", "Arm Cortex-A57 (ARMv8.0, crypto)", armv80Crypto},
	{"cortex-a53", "Arm Cortex-A53 (ARMv8.0, crypto)", armv80Crypto},
}

// defaultCPU is the model without -cpu or QEMU_CPU: every feature ferry
// implements, as qemu-aarch64 defaults to its max; -cpu selects smaller
// sets.
const defaultCPU = "max"

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
