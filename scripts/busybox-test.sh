#!/usr/bin/env bash
# `make busybox-test`: busybox's own testsuite, from the Debian source of the
# installed busybox-static, run twice on this machine:
#
#   native  the amd64 busybox-static (/bin/busybox), the oracle;
#   ferry   Debian's arm64 busybox of the same version (.cache/arm64/busybox,
#           from scripts/deps.sh) under bin/ferry.
#
# Each side gets its own tree laid out like Debian's build directory
# (debian/rules, target test-static): .config from debian/config/pkg/static
# (runtest and the tests read it to skip what is not built), scripts/echo.c
# (testing.sh's fallback echo), a copy of testsuite/ and a `busybox` next to
# them, which runtest puts on PATH and links every applet to. On the ferry side that
# busybox is a tiny native launcher (busybox-test/launcher.c) that execs
# `ferry -argv0=ARGV0 arm64-busybox ARGS...`, so applet links keep working.
# The testsuite's scripts run under the native /bin/sh, as in Debian's build;
# tests that say `busybox sh` get the arm64 shell.
#
# Run as root, the ferry side is instead the way an arm64 container runs
# busybox: a tree whose busybox is the arm64 binary itself, every applet
# link reaching ferry through binfmt_misc (flags PF, registered for the
# length of the run under its own name, and removed on exit, failure or
# interruption). That registration is the host's (mdev creates device
# nodes, which needs the initial user namespace): if another entry already
# claims arm64 programs (qemu-aarch64, another test's), ferry binfmt
# install refuses, the launcher tree runs instead and mdev's results (its
# tests chroot, where the launcher cannot find ferry) are reported apart
# and do not count (Debian's build skips mdev.tests altogether).
# BUSYBOX_TEST_BINFMT=no never registers.
#
# The rule: every test that passes natively passes under ferry. The exit
# status is non-zero if one does not.
#
# Installs what it needs beyond `make deps` (run as root on Debian 12): a
# deb-src entry for the mirror that serves busybox-static, then the source
# package, unpacked into .cache/busybox-src. Idempotent. Logs: .cache/busybox-test/logs/{native,ferry}/.
#
# Environment: BUSYBOX_TEST_UNITS="sed awk" runs only those applets' tests;
# BUSYBOX_TEST_TIMEOUT (seconds, default 600) bounds one applet's tests.
set -euo pipefail

cd "$(dirname "$0")/.."
top=$PWD
cache=$top/.cache
out=$cache/busybox-test
srcroot=$cache/busybox-src
ferry=$top/bin/ferry
guest=$cache/arm64/busybox
native_bb=/bin/busybox
timeout_s=${BUSYBOX_TEST_TIMEOUT:-600}

log() { echo "busybox-test: $*"; }
die() {
	echo "busybox-test: $*" >&2
	exit 2
}

run_as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

for f in "$ferry" "$guest" "$native_bb"; do
	[ -x "$f" ] || die "$f missing: run make deps && make"
done
command -v gcc >/dev/null || die "gcc missing: run make deps"

# --- The source package -------------------------------------------------------

# The source of the installed binary package: busybox-static
# 1:1.35.0-4+deb12u1+b1 (a binNMU) is built from busybox 1:1.35.0-4+deb12u1.
src_pkg=$(dpkg-query -W -f='${source:Package}' busybox-static)
src_ver=$(dpkg-query -W -f='${source:Version}' busybox-static)
up_ver=$(dpkg-query -W -f='${source:Upstream-Version}' busybox-static)
srcdir=$srcroot/$src_pkg-$up_ver
src_stamp=$srcroot/.unpacked

have_source_index() {
	apt-cache showsrc "$src_pkg" 2>/dev/null | grep -qxF "Version: $src_ver"
}

# Adds deb-src twins of the apt sources on the host that serves
# busybox-static (for deb.debian.org: debian and debian-security), keeping
# their suites, components and Signed-By.
add_deb_src() {
	local host list=/etc/apt/sources.list.d/ferry-deb-src.sources
	host=$(apt-cache policy busybox-static | sed -nE 's|^ +[0-9]+ [a-z+]+://([^/ ]+).*|\1|p' | head -n1)
	[ -n "$host" ] || die "cannot tell which mirror serves busybox-static (apt-cache policy busybox-static)"
	local tmp
	tmp=$(mktemp)
	# deb822 stanzas (*.sources), then one-line entries (sources.list, *.list).
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] && [ "$f" != "$list" ] || continue
		awk -v host="$host" 'BEGIN { RS = ""; ORS = "\n\n" }
			/(^|\n)Types:[^\n]*[ \t]deb([ \t]|\n|$)/ && index($0, "://" host "/") &&
			!/(^|\n)Enabled:[ \t]*no/ {
				s = $0; n = split(s, lines, "\n"); r = ""
				for (i = 1; i <= n; i++) {
					if (lines[i] ~ /^Types:/) lines[i] = "Types: deb-src"
					r = r lines[i] (i < n ? "\n" : "")
				}
				print r
			}' "$f" >>"$tmp"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -e "$f" ] || continue
		grep -E "^deb[[:space:]].*://$host/" "$f" | sed 's/^deb/deb-src/' >>"$tmp" || true
	done
	if [ ! -s "$tmp" ]; then
		rm -f "$tmp"
		die "no apt source for $host found in /etc/apt/sources.list*"
	fi
	# One-line entries cannot share a deb822 file: keep them apart.
	if grep -q '^deb-src[[:space:]]' "$tmp"; then
		grep '^deb-src[[:space:]]' "$tmp" | run_as_root tee /etc/apt/sources.list.d/ferry-deb-src.list >/dev/null
		sed -i '/^deb-src[[:space:]]/d' "$tmp"
	fi
	if grep -q '^Types:' "$tmp"; then
		run_as_root install -m 0644 "$tmp" "$list"
	fi
	rm -f "$tmp"
	log "added deb-src for $host; apt-get update"
	run_as_root apt-get update -qq
}

if [ -d "$srcdir/testsuite" ] && [ "$(cat "$src_stamp" 2>/dev/null)" = "$src_ver" ]; then
	: # already unpacked
else
	if ! have_source_index; then
		add_deb_src
		have_source_index || die "apt has no source for $src_pkg=$src_ver after adding deb-src"
	fi
	log "fetching source $src_pkg=$src_ver"
	mkdir -p "$srcroot"
	# apt-get source writes into the current directory; running the download
	# as root (not _apt) avoids a warning about .cache's permissions.
	(cd "$srcroot" && apt-get -qq -o APT::Sandbox::User=root source --download-only "$src_pkg=$src_ver")
	dsc=$srcroot/${src_pkg}_${src_ver#*:}.dsc
	[ -f "$dsc" ] || die "$dsc not downloaded"
	rm -rf "$srcdir"
	dpkg-source --no-check -x "$dsc" "$srcdir" >/dev/null
	echo "$src_ver" >"$src_stamp"
fi

for f in debian/config/pkg/static scripts/echo.c testsuite/runtest; do
	[ -e "$srcdir/$f" ] || die "$srcdir/$f missing"
done

# --- The two trees ------------------------------------------------------------

# setup SIDE: a fresh $out/SIDE with .config, scripts/echo.c, testsuite/.
# The busybox is installed by the caller.
setup() {
	local d=$out/$1
	rm -rf "$d"
	mkdir -p "$d/scripts"
	cp "$srcdir/debian/config/pkg/static" "$d/.config"
	cp "$srcdir/scripts/echo.c" "$d/scripts/"
	cp -a "$srcdir/testsuite" "$d/"
}

setup native
cp "$native_bb" "$out/native/busybox"
setup ferry
gcc -O2 -static -Wall -Werror -DFERRY="\"$ferry\"" -DGUEST="\"$guest\"" \
	-o "$out/ferry/busybox" scripts/busybox-test/launcher.c

# Both busyboxes are the same version, built with the same .config.
# (head may close the pipe early: a SIGPIPE'd busybox is fine.)
banner() { { "$1" 2>&1 || true; } | head -n1 | sed 's/ multi-call binary.*//'; }
nver=$(banner "$out/native/busybox")
fver=$(banner "$out/ferry/busybox")
[ "$nver" = "$fver" ] || die "versions differ: native '$nver', ferry '$fver'"

# Test units: every applet runtest would test (busybox, then each applet the
# binary lists) that has a NAME.tests file or old-style NAME/ directory.
units=()
if [ -n "${BUSYBOX_TEST_UNITS:-}" ]; then
	read -r -a units <<<"$BUSYBOX_TEST_UNITS"
else
	for a in busybox $("$out/native/busybox" --list); do
		if [ -f "$srcdir/testsuite/$a.tests" ] || [ -d "$srcdir/testsuite/$a" ]; then
			units+=("$a")
		fi
	done
fi

# The environment of Debian's testsuite run (debian/rules TESTSUITE_ENV).
# ECHO is the echo the harness writes expected output and stdin with; left
# unset, testing.sh builds ../scripts/echo.c when the shell's echo lacks -ne
# (dash's does), but that one prints "\0 " as a backslash and a space, which
# fails "awk printf('%c') can output NUL" on both sides: coreutils' echo, as
# Debian uses, does not.
run_side() {
	local side=$1 d=$out/$1 logs=$out/logs/$1 u rc start ustart
	shift
	local side_units=("$@")
	[ ${#side_units[@]} -gt 0 ] || side_units=("${units[@]}")
	rm -rf "$logs"
	mkdir -p "$logs"
	start=$(date +%s)
	: >"$out/$side.times"
	for u in "${side_units[@]}"; do
		rc=0
		ustart=$(date +%s%N)
		(cd "$d/testsuite" && env SKIP_KNOWN_BUGS=y LANG=C.UTF-8 LC_ALL=C.UTF-8 \
			SKIP_INTERNET_TESTS=y SHELL=/bin/sh ECHO=/bin/echo \
			timeout -k 10 "$timeout_s" ./runtest -v "$u") </dev/null >"$logs/$u.log" 2>&1 || rc=$?
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "TIMEOUT: $u (after ${timeout_s}s)" >>"$logs/$u.log"
		fi
		echo "$u $((($(date +%s%N) - ustart) / 1000000))" >>"$out/$side.times"
		# "UNIT<TAB>STATUS<TAB>test name" for each result line.
		sed -nE "s/^(PASS|FAIL|SKIPPED|UNTESTED|TIMEOUT): (.*)/$u\t\1\t\2/p" "$logs/$u.log"
	done >"$out/$side.results"
	echo $(($(date +%s) - start)) >"$out/$side.seconds"
}

# Through binfmt_misc (see the top) when it can be: the ferry side's tree
# holds the arm64 busybox itself, and every applet link the testsuite runs
# goes through the kernel to ferry, as in an arm64 container (flags PF:
# argv[0] as the link gives it). Otherwise the launcher tree, where mdev
# cannot run (it chroots) and does not count.
binfmt_name=ferry-busybox-test
binfmt_entry=/proc/sys/fs/binfmt_misc/$binfmt_name
mdev_counted=false
ferry_side=ferry
unregister() { if [ -e "$binfmt_entry" ]; then echo -1 >"$binfmt_entry" || true; fi; }
if [ "$(id -u)" -eq 0 ] && [ "${BUSYBOX_TEST_BINFMT:-yes}" != no ]; then
	trap unregister EXIT
	if "$ferry" binfmt install --name="$binfmt_name" --flags=PF >"$out/binfmt.log" 2>&1; then
		setup ferry-binfmt
		cp "$guest" "$out/ferry-binfmt/busybox"
		ferry_side=ferry-binfmt
		mdev_counted=true
	else
		log "not through binfmt_misc, mdev not counted: $(head -n1 "$out/binfmt.log")"
	fi
fi

# The sides run at the same time, in their own trees: the native one
# takes a fraction of ferry's time, much of it waiting in sleeps.
log "running ${#units[@]} applets' tests natively and under ferry ($ferry_side)"
run_side native &
native_pid=$!
run_side "$ferry_side"
wait "$native_pid"
unregister
if [ "$ferry_side" != ferry ]; then
	cp "$out/$ferry_side.results" "$out/ferry.results"
	cp "$out/$ferry_side.seconds" "$out/ferry.seconds"
fi

# --- Report -------------------------------------------------------------------

# counts FILE: "PASS n FAIL n SKIP n" (SKIP: SKIPPED and UNTESTED).
counts() {
	awk -F'\t' '$2 == "PASS" { p++ } $2 == "FAIL" || $2 == "TIMEOUT" { f++ }
		$2 == "SKIPPED" || $2 == "UNTESTED" { s++ }
		END { printf "PASS %d FAIL %d SKIP %d", p, f, s }' "$1"
}

# Results of the units that count, and of mdev apart unless it ran through
# binfmt_misc.
for side in native ferry; do
	if $mdev_counted; then
		cp "$out/$side.results" "$out/$side.main"
		: >"$out/$side.mdev"
	else
		grep -v '^mdev	' "$out/$side.results" >"$out/$side.main" || true
		grep '^mdev	' "$out/$side.results" >"$out/$side.mdev" || true
	fi
done

passes() { awk -F'\t' '$2 == "PASS" { print $1 ": " $3 }' "$1" | LC_ALL=C sort; }
comm -23 <(passes "$out/native.main") <(passes "$out/ferry.main") >"$out/regressions"
comm -23 <(passes "$out/native.mdev") <(passes "$out/ferry.mdev") >"$out/regressions.mdev"
comm -13 <(passes "$out/native.main") <(passes "$out/ferry.main") >"$out/ferry-only"

echo "busybox-test: native amd64: $(counts "$out/native.main") ($(cat "$out/native.seconds")s); ferry arm64: $(counts "$out/ferry.main") ($(cat "$out/ferry.seconds")s)"
if [ -s "$out/native.mdev" ] || [ -s "$out/ferry.mdev" ]; then
	echo "busybox-test: mdev (needs binfmt_misc, not counted): native $(counts "$out/native.mdev"); ferry $(counts "$out/ferry.mdev")"
fi
if [ -s "$out/ferry-only" ]; then
	echo "pass under ferry but not natively:"
	sed 's/^/  /' "$out/ferry-only"
fi
echo "regressions (pass natively, fail under ferry):"
if [ -s "$out/regressions" ]; then
	sed 's/^/  /' "$out/regressions"
	echo "busybox-test: $(wc -l <"$out/regressions") regression(s); logs in ${out#"$top"/}/logs/"
	exit 1
fi
echo "  none"
