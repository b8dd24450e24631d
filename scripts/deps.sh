#!/usr/bin/env bash
# Installs what ferry's build, tests and benchmarks need on Debian 12 (run as
# root). Idempotent: each step checks first and does nothing when satisfied,
# so `make test` can call it on every run.
set -euo pipefail

cd "$(dirname "$0")/.."
cache=.cache

# Host packages: CA certificates (the Go module proxy is HTTPS), the arm64
# cross compiler and static glibc (guest test programs), native gcc and libc
# (amd64 oracle builds and `go test -race`), qemu-user (the arm64 oracle) and
# busybox-static (the amd64 busybox oracle; its arm64 twin is fetched below).
packages=(ca-certificates gcc libc6-dev gcc-aarch64-linux-gnu g++-aarch64-linux-gnu g++ libc6-dev-arm64-cross qemu-user busybox-static)

run_as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_update_once() {
	if [ "$apt_updated" -eq 0 ]; then
		run_as_root apt-get update -qq
		apt_updated=1
	fi
}

# The arm64 busybox comes from the Debian archive, which apt only indexes
# for arm64 once the architecture is known to dpkg.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "deps: adding dpkg architecture arm64"
	run_as_root dpkg --add-architecture arm64
	apt_update_once
fi

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	apt_update_once
	run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The arm64 busybox must be the very same Debian version as the amd64 one:
# the e2e tests compare their outputs byte for byte.
version=$(dpkg-query -W -f='${Version}' busybox-static)
stamp="$cache/arm64/busybox.version"
if [ -x "$cache/arm64/busybox" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
	: # already extracted
else
	echo "deps: fetching busybox-static:arm64=$version"
	mkdir -p "$cache/deb" "$cache/arm64"
	# apt-get download writes into the current directory.
	if ! (cd "$cache/deb" && apt-get download -qq "busybox-static:arm64=$version") 2>/dev/null; then
		apt_update_once
		(cd "$cache/deb" && apt-get download -qq "busybox-static:arm64=$version")
	fi
	deb=$(ls -t "$cache"/deb/busybox-static_*_arm64.deb | head -n1)
	rm -rf "$cache/arm64/root"
	dpkg-deb -x "$deb" "$cache/arm64/root"
	install -m 0755 "$cache/arm64/root/bin/busybox" "$cache/arm64/busybox"
	if ! file_header=$(head -c 20 "$cache/arm64/busybox" | od -An -tx1 | tr -d ' \n') ||
		[ "${file_header:36:4}" != "b700" ]; then
		echo "deps: $deb did not contain an aarch64 busybox" >&2
		exit 1
	fi
	echo "$version" >"$stamp"
fi

# Go modules, so later builds and tests work without the network.
go mod download
