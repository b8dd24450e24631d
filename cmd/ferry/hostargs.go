package main

import (
	"os"
	"strings"
	"unsafe"
)

// ferry's own argument strings, as the kernel laid them out on the initial
// stack: /proc/PID/cmdline of this process reads exactly this memory
// (arg_start to arg_end) unless ShowToHost pointed the kernel at the
// guest's. Where the kernel refuses that (PR_SET_MM_MAP needs
// CONFIG_CHECKPOINT_RESTORE), the guest's command line is copied over it,
// as setproctitle implementations do.
var hostArgArea []byte

// captureHostArgs records the argument area and detaches os.Args from it,
// so that overwriting it later cannot change any Go string: the runtime
// builds os.Args without copying (and flag values are substrings).
// It must run before anything keeps a piece of os.Args.
func captureHostArgs() {
	if len(os.Args) == 0 {
		return
	}
	start := unsafe.StringData(os.Args[0])
	next := uintptr(unsafe.Pointer(start))
	contiguous := start != nil
	for _, a := range os.Args {
		if uintptr(unsafe.Pointer(unsafe.StringData(a))) != next || (len(a) == 0 && next == 0) {
			contiguous = false
			break
		}
		next += uintptr(len(a)) + 1 // the string and its NUL
	}
	if contiguous {
		hostArgArea = unsafe.Slice(start, next-uintptr(unsafe.Pointer(start)))
	}
	for i, a := range os.Args {
		os.Args[i] = strings.Clone(a)
	}
}

// fillArgArea copies cmdline (NUL-separated strings) into area, cut to fit,
// and zeroes the rest. The last byte stays NUL: a non-NUL byte there would
// make the kernel read the area as one setproctitle string. The kernel
// shows the whole area, so a shorter command line is followed by NULs
// (empty strings to a reader splitting at NULs; ps and pidof skip them).
func fillArgArea(area, cmdline []byte) {
	n := copy(area, cmdline)
	clear(area[n:])
	if len(area) > 0 {
		area[len(area)-1] = 0
	}
}
