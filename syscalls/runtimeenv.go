package syscalls

import (
	"strconv"
	"strings"
)

// The Go runtime reads GODEBUG, GOGC, GOMEMLIMIT, GOMAXPROCS and
// GOTRACEBACK from the environment before any of ferry's code runs, and a
// ferry's environment is its guest's: settings meant for the guest would
// steer (and trace, on the guest's stderr) the translator. A ferry started
// for a guest therefore gets, in front of the guest's environment, a mask:
// RuntimeEnvMask=N followed by the N variables set empty. The runtime
// takes the first of duplicate names, so it sees its defaults; the new
// ferry removes the mask again (UnmaskRuntimeEnv) and the guest gets its
// environment exactly.

// RuntimeEnvMask names the entry that starts a mask.
const RuntimeEnvMask = "FERRY_RUNTIME_ENV_MASK"

// runtimeEnvVars are the variables the Go runtime reads at start-up.
var runtimeEnvVars = []string{"GODEBUG", "GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GOTRACEBACK"}

// NeedsRuntimeEnvMask reports whether env sets a runtime variable (to
// anything but the empty string) and has no mask yet.
func NeedsRuntimeEnvMask(env []string) bool {
	if len(env) > 0 && strings.HasPrefix(env[0], RuntimeEnvMask+"=") {
		return false
	}
	for _, kv := range env {
		name, val, ok := strings.Cut(kv, "=")
		if ok && val != "" && isRuntimeEnvVar(name) {
			return true
		}
	}
	return false
}

func isRuntimeEnvVar(name string) bool {
	for _, v := range runtimeEnvVars {
		if name == v {
			return true
		}
	}
	return false
}

// MaskRuntimeEnv returns env with a mask in front where it needs one.
func MaskRuntimeEnv(env []string) []string {
	if !NeedsRuntimeEnvMask(env) {
		return env
	}
	out := make([]string, 0, 1+len(runtimeEnvVars)+len(env))
	out = append(out, RuntimeEnvMask+"="+strconv.Itoa(len(runtimeEnvVars)))
	for _, v := range runtimeEnvVars {
		out = append(out, v+"=")
	}
	return append(out, env...)
}

// UnmaskRuntimeEnv removes a mask from the front of env.
func UnmaskRuntimeEnv(env []string) []string {
	if len(env) == 0 {
		return env
	}
	n, ok := strings.CutPrefix(env[0], RuntimeEnvMask+"=")
	if !ok {
		return env
	}
	k := 0
	for _, c := range n {
		if c < '0' || c > '9' {
			return env[1:]
		}
		k = k*10 + int(c-'0')
	}
	if 1+k > len(env) {
		return nil
	}
	return env[1+k:]
}
