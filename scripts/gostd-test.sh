#!/usr/bin/env bash
# Runs Go standard-library test binaries built for linux/arm64 under ferry,
# each from its package directory with -test.short, next to the same
# package's tests built for linux/amd64 and run natively (the oracle: a
# package whose native run fails is reported, not counted against ferry).
#
#   scripts/gostd-test.sh [PKG...]     default: the list below
#
# Exit status 1 if any package passes natively but fails under ferry.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
ferry=$PWD/bin/ferry
out=$PWD/.cache/gostd
mkdir -p "$out"
goroot=$(go env GOROOT)

pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
	pkgs=(sync/atomic sync context errors strings bytes strconv sort unicode/utf8 math math/big
		encoding/json encoding/binary bufio io regexp fmt time os os/exec os/signal path/filepath
		net net/http runtime/debug compress/gzip crypto/sha256 crypto/aes hash/crc32 container/heap
		text/template flag log)
fi

timeout_s=600
pass=0 fail=0 nativefail=0
regressions=()
for pkg in "${pkgs[@]}"; do
	name=${pkg//\//_}
	GOARCH=arm64 CGO_ENABLED=0 go test -c -o "$out/$name.arm64.test" "$pkg" >/dev/null
	GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$out/$name.amd64.test" "$pkg" >/dev/null
	dir=$goroot/src/$pkg
	native=ok guest=ok
	(cd "$dir" && timeout $timeout_s "$out/$name.amd64.test" -test.short >"$out/$name.native.log" 2>&1) || native=FAIL
	start=$(date +%s.%N)
	(cd "$dir" && timeout $timeout_s "$ferry" "$out/$name.arm64.test" -test.short >"$out/$name.ferry.log" 2>&1) || guest=FAIL
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	printf 'gostd: %-16s native %-4s ferry %-4s %6.1fs\n' "$pkg" "$native" "$guest" "$secs"
	if [ $native = FAIL ]; then
		nativefail=$((nativefail + 1))
	elif [ $guest = ok ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		regressions+=("$pkg")
	fi
done
echo "gostd: ${#pkgs[@]} packages: $pass pass under ferry, $fail fail under ferry, $nativefail fail natively (not counted); logs in $out"
if [ ${#regressions[@]} -gt 0 ]; then
	echo "gostd: pass natively, fail under ferry: ${regressions[*]}"
	for pkg in "${regressions[@]}"; do
		echo "--- $pkg"; grep -E -- '^(--- FAIL|FAIL|panic|fatal)' "$out/${pkg//\//_}.ferry.log" | head -20 || true
	done
	exit 1
fi
