package main

// Benchmark workloads as correctness tests: every workload `make bench`
// times (scripts/bench/workload), and its start-up and fork commands, runs
// at its tiny size under ferry with each engine and must print exactly
// what the amd64 build of the same source or busybox version prints
// natively. Timing belongs to scripts/bench; nothing here measures it.

import (
	"path/filepath"
	"testing"

	"ferry/scripts/bench/workload"
)

func TestBenchWorkloads(t *testing.T) {
	needFerry(t)
	inputs := t.TempDir()
	if err := workload.WriteInputs(inputs, workload.Tiny); err != nil {
		t.Fatalf("writing the workloads' inputs: %v", err)
	}
	nativeEnv := workload.Env{Bin: filepath.Join(repoRoot, ".cache/bench/amd64"), Busybox: nativeBusybox, Inputs: inputs}
	guestEnv := workload.Env{Bin: filepath.Join(repoRoot, ".cache/bench/arm64"), Busybox: arm64Busybox(t), Inputs: inputs}

	type benchCase struct {
		name    string
		command func(workload.Env) []string
		// silent: the oracle prints nothing, so only the exit status
		// and stderr are compared.
		silent bool
	}
	var cases []benchCase
	for _, w := range workload.All {
		cases = append(cases, benchCase{name: w.Name, command: func(e workload.Env) []string {
			return w.Command(e, workload.Tiny)
		}})
	}
	cases = append(cases,
		benchCase{name: "busybox-true", command: workload.BusyboxTrue, silent: true},
		benchCase{name: "fork-exec", command: func(e workload.Env) []string {
			return workload.ForkExec(e, workload.ForkExecCount(workload.Tiny))
		}})

	// argvRunner starts a command line as it is: the workload package
	// has already put the launcher and the program in it.
	argvRunner := func(name string, argv []string) runner {
		return runner{name: name, command: func(invocation) (string, []string) { return argv[0], argv }}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			nativeArgv := c.command(nativeEnv)
			needFile(t, nativeArgv[0], "testdata")
			want := run(t, argvRunner("native", nativeArgv), invocation{})
			if want.status != "exit 0" || (len(want.stdout) == 0 && !c.silent) {
				t.Fatalf("native run of %q: %v: nothing to compare against", nativeArgv, want)
			}
			for _, engine := range engines {
				t.Run(engine, func(t *testing.T) {
					t.Parallel()
					env := guestEnv
					env.Launcher = []string{ferryBin, "-engine=" + engine}
					argv := c.command(env)
					needFile(t, argv[len(env.Launcher)], "testdata")
					got := run(t, argvRunner(engine, argv), invocation{})
					compare(t, "ferry -engine="+engine, want, got, true)
				})
			}
		})
	}
}
