# ferry — AArch64 Linux user-mode translator for x86-64 Linux.
#
#   make          build bin/ferry
#   make demo     build and run the embedded arm64 demo program
#   make deps     install toolchains, oracles and the arm64 busybox (idempotent)
#   make testdata build the guest test programs into .cache/testdata
#   make test     everything CI checks
#   make bench    time the benchmark workloads natively, under qemu and ferry;
#                 writes docs/PERFORMANCE.md (make bench-quick: a quick look)
#   make gostd-test  Go standard-library tests for arm64 under ferry
#   make busybox-test  busybox's own testsuite, native amd64 vs arm64 under ferry
#   make rootfs-test   a Debian arm64 root file system built and used through
#                      binfmt_misc, under qemu-aarch64-static and under ferry
#   make docker-test   the same steps in docker build --platform linux/arm64

export PATH := /usr/local/go/bin:$(PATH)

GO      ?= go
CACHE   := .cache
TD      := $(CACHE)/testdata
CROSS   ?= aarch64-linux-gnu-gcc
HOSTCC  ?= gcc
CFLAGS  := -O2 -static -pthread -Wall -Wextra -Werror -std=gnu11

# The translator is a static binary linked far above where arm64 static
# binaries load (0x400000) so guest and host code never collide; the heap
# base is fixed so a re-executed ferry can restore guest mappings. Its entry
# point grows the descriptor table before the Go runtime starts threads
# (syscalls/hostfd/floor).
FERRY_ENV     := CGO_ENABLED=0 GOEXPERIMENT=norandomizedheapbase64
FERRY_LDFLAGS := -T=0x7e0000001000 -E=ferry_entry

# Guest C programs: one .c file each in testdata/c. The ones listed in
# NATIVE_PROGS are portable (no arch-specific output) and are also built for
# amd64 so the tests can check the qemu oracle against a native run and the
# benchmark has a native baseline.
# The process-model programs (threads, futexes, memory ordering, signals,
# processes) are all portable; they link with -pthread.
PM_C_PROGS   := thr_storm thr_creds thr_futex thr_robust thr_lockfree thr_lockfree_lse thr_litmus sig_busy sig_eintr sig_info sig_thread proc_spawn proc_mmap proc_exec
C_PROGS      := $(basename $(notdir $(wildcard testdata/c/*.c)))
NATIVE_PROGS := hello exitcode nx fdlimit efault intarith control strings sortmem stdiofmt fileio bench procself $(PM_C_PROGS) \
                proc_vfork proc_mapshared proc_execfail proc_forkstress proc_clonens

# Assembly tests: testdata/asm/NAME.S linked with the tiny runtime rt.S,
# no libc, so they run before a translator can start glibc.
ASM_PROGS    := $(filter-out rt,$(basename $(notdir $(wildcard testdata/asm/*.S))))

# Go guests: testdata/go/NAME/main.go, built for arm64 and, as their
# oracle, natively (the go tool decides whether they are up to date).
GO_PROGS     := $(notdir $(wildcard testdata/go/*))

# Dynamically linked guests (testdata/dyn): programs on the arm64 glibc,
# libm, libstdc++ and libgcc_s of Debian's cross libraries, shared objects
# they dlopen or preload, each also built for amd64 as its oracle.
CROSSCXX    ?= aarch64-linux-gnu-g++
HOSTCXX     ?= g++
DYN_CFLAGS  := -O2 -Wall -Wextra -Werror
DYN_PROGS   := dyn_hello dyn_cxx dyn_dlopen dyn_preload dyn_plugin.so dyn_preload_lib.so
DYN_BINS    := $(addprefix $(TD)/arm64dyn/,$(DYN_PROGS)) $(addprefix $(TD)/amd64dyn/,$(DYN_PROGS))

# Benchmark programs (make bench; TestBenchWorkloads runs them tiny):
# testdata/bench/*.c and testdata/c/bench.c, each built for arm64 and amd64
# with the same GCC flags, so the native build is both the baseline and the
# oracle; testdata/bench/*/ are Go programs, built for both likewise.
BENCH        := $(CACHE)/bench
BENCH_CFLAGS := -O2 -static -Wall -Wextra -Werror -std=gnu11
BENCH_C      := $(basename $(notdir $(wildcard testdata/bench/*.c))) bench
BENCH_GO     := $(notdir $(patsubst %/,%,$(wildcard testdata/bench/*/)))
BENCH_BINS   := $(addprefix $(BENCH)/arm64/,$(BENCH_C)) $(addprefix $(BENCH)/amd64/,$(BENCH_C))

ARM64_BINS  := $(addprefix $(TD)/arm64/,$(C_PROGS) $(ASM_PROGS))
NATIVE_BINS := $(addprefix $(TD)/amd64/,$(NATIVE_PROGS))

.PHONY: all bin/ferry deps testdata gotestdata benchdata benchgo test vet fmtcheck gotest bench bench-quick demo clean gostd-test busybox-test rootfs-test docker-test

all: bin/ferry

# Always handed to the go tool: it knows better than make what changed.
bin/ferry:
	$(FERRY_ENV) $(GO) build -trimpath -ldflags='$(FERRY_LDFLAGS)' -o $@ ./cmd/ferry

demo: bin/ferry
	bin/ferry -demo

deps:
	bash scripts/deps.sh

testdata: $(ARM64_BINS) $(NATIVE_BINS) $(DYN_BINS) gotestdata benchdata

benchdata: $(BENCH_BINS) benchgo

benchgo: | $(BENCH)/arm64 $(BENCH)/amd64
	@for p in $(BENCH_GO); do \
		GOARCH=arm64 CGO_ENABLED=0 $(GO) build -trimpath -o $(BENCH)/arm64/$$p ./testdata/bench/$$p && \
		GOARCH=amd64 CGO_ENABLED=0 $(GO) build -trimpath -o $(BENCH)/amd64/$$p ./testdata/bench/$$p || exit 1; \
	done

$(BENCH)/arm64/%: testdata/bench/%.c | $(BENCH)/arm64
	$(CROSS) $(BENCH_CFLAGS) -o $@ $< -lm
$(BENCH)/amd64/%: testdata/bench/%.c | $(BENCH)/amd64
	$(HOSTCC) $(BENCH_CFLAGS) -o $@ $< -lm
$(BENCH)/arm64/bench: testdata/c/bench.c | $(BENCH)/arm64
	$(CROSS) $(BENCH_CFLAGS) -o $@ $< -lm
$(BENCH)/amd64/bench: testdata/c/bench.c | $(BENCH)/amd64
	$(HOSTCC) $(BENCH_CFLAGS) -o $@ $< -lm
$(BENCH)/arm64 $(BENCH)/amd64:
	mkdir -p $@

gotestdata: | $(TD)/arm64 $(TD)/amd64
	@for p in $(GO_PROGS); do \
		GOARCH=arm64 CGO_ENABLED=0 $(GO) build -trimpath -o $(TD)/arm64/$$p ./testdata/go/$$p && \
		GOARCH=amd64 CGO_ENABLED=0 $(GO) build -trimpath -o $(TD)/amd64/$$p ./testdata/go/$$p || exit 1; \
	done

$(TD)/arm64/%: testdata/c/%.c testdata/c/check.h testdata/c/pm.h | $(TD)/arm64
	$(CROSS) $(CFLAGS) $(ARM64_CFLAGS) -o $@ $< -lm

$(TD)/amd64/%: testdata/c/%.c testdata/c/check.h testdata/c/pm.h | $(TD)/amd64
	$(HOSTCC) $(CFLAGS) $(AMD64_CFLAGS) -o $@ $< -lm

$(TD)/arm64/%: testdata/asm/%.S testdata/asm/rt.S testdata/asm/rt.h | $(TD)/arm64
	$(CROSS) -static -nostdlib -Wa,--fatal-warnings -o $@ testdata/asm/rt.S $<

$(TD)/arm64 $(TD)/amd64 $(TD)/arm64dyn $(TD)/amd64dyn:
	mkdir -p $@

$(TD)/arm64dyn/%: testdata/dyn/%.c | $(TD)/arm64dyn
	$(CROSS) $(DYN_CFLAGS) -o $@ $< -lm -ldl
$(TD)/amd64dyn/%: testdata/dyn/%.c | $(TD)/amd64dyn
	$(HOSTCC) $(DYN_CFLAGS) -o $@ $< -lm -ldl
$(TD)/arm64dyn/%.so: testdata/dyn/%.c | $(TD)/arm64dyn
	$(CROSS) $(DYN_CFLAGS) -shared -fPIC -o $@ $< -lm -ldl
$(TD)/amd64dyn/%.so: testdata/dyn/%.c | $(TD)/amd64dyn
	$(HOSTCC) $(DYN_CFLAGS) -shared -fPIC -o $@ $< -lm -ldl
$(TD)/arm64dyn/%: testdata/dyn/%.cc | $(TD)/arm64dyn
	$(CROSSCXX) $(DYN_CFLAGS) -pthread -o $@ $<
$(TD)/amd64dyn/%: testdata/dyn/%.cc | $(TD)/amd64dyn
	$(HOSTCXX) $(DYN_CFLAGS) -pthread -o $@ $<

# thr_lockfree's atomics are exclusive-access loops (GCC would otherwise
# call helpers that pick LSE at run time), thr_lockfree_lse's are LSE; the
# amd64 builds need CMPXCHG16B for the 128-bit CAS.
$(TD)/arm64/thr_lockfree: ARM64_CFLAGS = -march=armv8-a -mno-outline-atomics
$(TD)/arm64/thr_lockfree_lse: ARM64_CFLAGS = -march=armv8.1-a
$(TD)/amd64/thr_lockfree $(TD)/amd64/thr_lockfree_lse: AMD64_CFLAGS = -mcx16
$(TD)/arm64/thr_lockfree_lse $(TD)/amd64/thr_lockfree_lse: testdata/c/thr_lockfree.c

# The ISA extension programs are compiled for the features they exercise.
$(TD)/arm64/isa_hash: ARM64_CFLAGS = -march=armv8.2-a+crypto+sha3+sm4
$(TD)/arm64/isa_simd: ARM64_CFLAGS = -march=armv8.6-a
$(TD)/arm64/isa_sys: ARM64_CFLAGS = -march=armv8.5-a+ssbs

vet:
	$(GO) vet ./...

fmtcheck:
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './.cache/*' -not -path './.git/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi

# Unit tests run exactly as a plain `go test ./...` does (the e2e tests in
# cmd/ferry build ferry itself with the flags above). The race detector
# needs cgo; it runs in -short mode on the Go-side data structures: the IR
# and interpreter caches, the lifter, the process and memory model. The
# decoder is pure functions over constant tables; its sweeps take minutes
# under -race and exercise no shared state, so they run only above.
RACE_PKGS := ./ir/... ./decoder/lift/... ./syscalls/... ./backend/...

gotest:
	$(GO) test -timeout=25m ./...
	CGO_ENABLED=1 $(GO) test -race -short $(RACE_PKGS)

# -k: run every check and report all failures, not just the first.
test: deps
	$(MAKE) bin/ferry testdata
	$(MAKE) -k vet fmtcheck gotest

# Go standard-library tests for arm64 under ferry vs the same tests natively
# (minutes; outside `make test`): scripts/gostd-test.sh [PKG...].
gostd-test: bin/ferry
	bash scripts/gostd-test.sh

# Every workload of scripts/bench/workload natively, under qemu-aarch64 and
# under ferry; medians, ratios and ferry's interpreter fallbacks, written
# into docs/PERFORMANCE.md (about 10 minutes on 2 shared cores). bench-quick:
# smaller sizes, one run, printed only.
bench: deps
	$(MAKE) bin/ferry benchdata
	$(GO) run ./scripts/bench -write docs/PERFORMANCE.md

bench-quick: deps
	$(MAKE) bin/ferry benchdata
	$(GO) run ./scripts/bench -quick

# Not part of `test`: 10 to 13 minutes on 2 shared cores (bc and the sha*sum tests
# are CPU-bound and dominate under ferry). See scripts/busybox-test.sh.
busybox-test: deps
	$(MAKE) bin/ferry
	bash scripts/busybox-test.sh

# Not part of `test`: debootstrap's second stage and a dozen Dockerfile-like
# steps inside the result, under qemu-aarch64-static and then under ferry
# registered with binfmt_misc; every output compared. See scripts/rootfs-test.sh.
rootfs-test: bin/ferry
	bash scripts/rootfs-test.sh

# The same steps as RUN steps of `docker build --platform linux/arm64`
# (Debian's docker.io, a private dockerd), FROM the root file system the
# second stage completed under qemu; ferry registered by its own image
# (deploy/Dockerfile) when it has the binfmt subcommand.
docker-test: bin/ferry
	ROOTFS_DOCKER=only bash scripts/rootfs-test.sh

clean:
	rm -rf bin $(TD) $(BENCH)
