#!/usr/bin/env bash
# `make rootfs-test`: a real Debian root file system, built and used through
# binfmt_misc, once with qemu-aarch64-static (the oracle) and once with ferry.
#
#   1. First stage, on the host, cached: `debootstrap --arch=arm64 --foreign
#      --variant=minbase --include=$ROOTFS_INCLUDE bookworm` into a tarball in
#      .cache/rootfs/ (keyed by everything that shapes it), so reruns skip
#      the download.
#   2. Per engine (qemu, then ferry), from a pristine copy of that tarball:
#      the engine is registered with binfmt_misc for arm64 ELF files (flag F,
#      so the kernel opens the static interpreter at registration and it works
#      inside the chroot), then
#        chroot ROOT /debootstrap/debootstrap --second-stage
#      completes the root file system entirely under that engine, and the
#      steps in scripts/rootfs-test/steps/ run inside it one by one, each as
#      a Dockerfile RUN step would: `/bin/sh -c BODY` as pid 1 of fresh pid
#      and mount namespaces (`unshare --mount --pid --fork`), chrooted, with
#      /proc, /sys (read-only) and a container-style /dev mounted for it.
#      ROOTFS_ISOLATION=chroot runs them in a plain chroot instead, with
#      /proc, /sys and /dev mounted around the whole run.
#   3. Every step's stdout, stderr and exit status under ferry must be
#      byte-identical to qemu's. A table of step, qemu wall time, ferry wall
#      time and match is printed; the exit status is non-zero on any
#      mismatch.
#
# binfmt_misc is left as it was found: the script mounts it if needed,
# registers its own entries and removes them on exit (also on failure or
# interruption), and other enabled arm64 entries (a qemu-aarch64 from
# binfmt-support, systemd-binfmt, an earlier ferry) are disabled while an
# engine runs, so each run is unambiguous, and re-enabled afterwards.
# Installing qemu-user-static may register qemu-aarch64 by itself (through
# binfmt-support or systemd-binfmt): entries that appear during the install
# are removed again.
#
# ferry is registered with `ferry binfmt install` when bin/ferry has that
# subcommand, otherwise by writing the register file directly (function
# register_ferry).
#
# Run as root on Debian 12; installs what it needs (debootstrap,
# qemu-user-static). Results: .cache/rootfs/results/{qemu,ferry}/STEP.{out,err,rc,time}
# and .cache/rootfs/results/diff/STEP.diff.
#
# Environment:
#   ROOTFS_ENGINES="qemu ferry"   engines to run (the comparison needs both;
#                                 an engine not run keeps its previous results)
#   ROOTFS_STEPS="01-uname ..."   only these steps (second-stage always runs)
#   ROOTFS_ISOLATION=unshare|chroot
#   ROOTFS_TIMEOUT=3600           seconds, per step (second stage included)
#   ROOTFS_MIRROR, ROOTFS_SUITE, ROOTFS_INCLUDE   shape the first stage
#   ROOTFS_KEEP=1                 keep the engines' root file systems
#   ROOTFS_REUSE_ORACLE=1         reuse qemu's results of the last full run if
#                                 the steps, qemu and the first stage are the same
#   ROOTFS_BIND_FERRY=1           debugging only, not the test: bind-mount bin/ferry
#                                 at its own path inside the root, for a ferry
#                                 that re-executes itself by its host path
#   ROOTFS_FROM_QEMU=1            skip the second stage: run the steps in the
#                                 root qemu completed (for chasing a step)
#   ROOTFS_FERRY=PATH             the ferry binary (default bin/ferry; static)
#   ROOTFS_FERRY_ARGS             extra arguments to `ferry binfmt install`
#   ROOTFS_DOCKER=1               also the Docker phase below; =only: just it
#   ROOTFS_DOCKER_ENGINES         engines of the Docker phase (default ROOTFS_ENGINES)
#   ROOTFS_COMPARE="qemu ferry"   the two result sets compared; engine names
#                                 with a suffix are reruns (qemu2: qemu again),
#                                 so ROOTFS_ENGINES=qemu2 ROOTFS_COMPARE="qemu
#                                 qemu2" checks that the steps are deterministic
#
# The Docker phase (ROOTFS_DOCKER=1 or `make docker-test`): Debian's
# docker.io (20.10, BuildKit built in; bookworm packages no buildx) with a
# private dockerd (overlay2, no networking, state under .cache/rootfs/docker,
# stopped on exit) loads the root file system the second stage completed
# under qemu as an arm64 image (docker load) and runs `docker build --platform linux/arm64
# --no-cache` of a Dockerfile FROM it whose RUN steps are the same steps,
# once per engine. ferry is registered by running its own image
# (deploy/Dockerfile, privileged) when bin/ferry has the binfmt subcommand.
set -euo pipefail

# Everything below is one compound command, read whole before it runs, so
# editing this file cannot derail a run in progress.
{
cd "$(dirname "$0")/.."
top=$PWD
cache=$top/.cache/rootfs
ferry=${ROOTFS_FERRY:-$top/bin/ferry}
stepdir=$top/scripts/rootfs-test/steps
results=$cache/results

suite=${ROOTFS_SUITE:-bookworm}
mirror=${ROOTFS_MIRROR:-http://deb.debian.org/debian}
include=${ROOTFS_INCLUDE:-python3,perl,gcc,make,libc6-dev,dpkg-dev}
engines=${ROOTFS_ENGINES:-qemu ferry}
isolation=${ROOTFS_ISOLATION:-unshare}
timeout_s=${ROOTFS_TIMEOUT:-3600}
docker=${ROOTFS_DOCKER:-}
case $docker in "" | 0) docker="" ;; 1 | only) ;; *) die "ROOTFS_DOCKER must be 1 or only" ;; esac
qemu=/usr/bin/qemu-aarch64-static

binfmt=/proc/sys/fs/binfmt_misc
# arm64 ELF executables and shared objects (e_machine 0xb7): docs/../NOTES §4.
magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
magic_hex=7f454c460201010000000000000000000200b700
our_prefix=rootfs-test-

log() { echo "rootfs-test: $*" >&2; }
die() {
	echo "rootfs-test: $*" >&2
	exit 2
}

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot, binfmt_misc)"
case $isolation in unshare | chroot) ;; *) die "ROOTFS_ISOLATION must be unshare or chroot" ;; esac

mkdir -p "$cache" "$results"
exec 9>"$cache/lock"
flock -n 9 || die "another rootfs-test is running (lock $cache/lock)"

t_script=$(date +%s)

# --- binfmt_misc ----------------------------------------------------------------

binfmt_mount() {
	if [ ! -e "$binfmt/register" ]; then
		mount -t binfmt_misc binfmt_misc "$binfmt" || die "cannot mount binfmt_misc on $binfmt"
	fi
}

# Entries (names) matching arm64 ELF files, enabled or not.
binfmt_arm64_entries() {
	local f
	for f in "$binfmt"/*; do
		case ${f##*/} in register | status) continue ;; esac
		[ -f "$f" ] || continue
		if grep -qx "magic $magic_hex" "$f" 2>/dev/null; then echo "${f##*/}"; fi
	done
}
binfmt_enabled() { [ "$(head -n1 "$binfmt/$1" 2>/dev/null)" = enabled ]; }
binfmt_interp() { sed -n 's/^interpreter //p' "$binfmt/$1" 2>/dev/null; }
binfmt_remove() { if [ -e "$binfmt/$1" ]; then echo -1 >"$binfmt/$1"; fi; }

# Entries of others disabled while an engine runs; re-enabled by cleanup.
disabled_entries=()
# Entries this script registered (removed by cleanup) and how to remove them.
our_entries=()
ferry_uninstall=""

binfmt_quiesce() {
	local e
	for e in $(binfmt_arm64_entries); do
		case " ${our_entries[*]} " in *" $e "*) continue ;; esac
		if binfmt_enabled "$e"; then
			log "disabling binfmt entry $e ($(binfmt_interp "$e")) while the test runs"
			echo 0 >"$binfmt/$e"
			disabled_entries+=("$e")
		fi
	done
}

binfmt_restore() {
	local e
	for e in "${disabled_entries[@]}"; do
		if [ -e "$binfmt/$e" ]; then
			echo 1 >"$binfmt/$e" && log "re-enabled binfmt entry $e"
		fi
	done
	disabled_entries=()
}

# register_direct NAME INTERPRETER: flag F (the static interpreter is opened
# now, so it works in chroots and containers).
register_direct() {
	binfmt_remove "$1"
	printf '%s' ":$1:M::$magic:$mask:$2:F" >"$binfmt/register"
	our_entries+=("$1")
}

unregister_all() {
	local e
	if [ -n "$ferry_uninstall" ]; then
		eval "$ferry_uninstall" || log "warning: '$ferry_uninstall' failed"
		ferry_uninstall=""
	fi
	for e in "${our_entries[@]}"; do binfmt_remove "$e"; done
	our_entries=()
}

register_qemu() {
	register_direct "${our_prefix}qemu-aarch64" "$qemu"
}

# Whether bin/ferry has `ferry binfmt install|uninstall|status` (its usage
# names them; without the subcommand, "binfmt" is a program to run).
has_binfmt_subcommand() {
	"$ferry" binfmt -h 2>&1 | grep -q 'ferry binfmt install'
}

# ferry registers itself with `ferry binfmt install` when it can; entries it
# adds are recorded so they can be checked and removed.
register_ferry() {
	local before e
	if has_binfmt_subcommand; then
		before=" $(binfmt_arm64_entries | tr '\n' ' ') "
		# shellcheck disable=SC2086
		"$ferry" binfmt install ${ROOTFS_FERRY_ARGS:-} || die "ferry binfmt install failed"
		ferry_uninstall="\"$ferry\" binfmt uninstall --no-restore"
		for e in $(binfmt_arm64_entries); do
			case $before in *" $e "*) ;; *) our_entries+=("$e") ;; esac
		done
		log "registered with: ferry binfmt install ${ROOTFS_FERRY_ARGS:-}"
	else
		register_direct "${our_prefix}ferry" "$ferry"
		log "registered ${our_prefix}ferry by hand (bin/ferry has no binfmt subcommand)"
	fi
}

# Exactly one enabled arm64 entry, ours, for the expected interpreter.
binfmt_check() {
	local want=$1 e n=0 ok=0
	for e in $(binfmt_arm64_entries); do
		binfmt_enabled "$e" || continue
		n=$((n + 1))
		if [ "$(binfmt_interp "$e")" = "$want" ]; then ok=1; fi
	done
	[ "$n" -eq 1 ] && [ "$ok" -eq 1 ] ||
		die "binfmt_misc: expected exactly one enabled arm64 entry, for $want; found: $(for e in $(binfmt_arm64_entries); do printf '%s(%s,%s) ' "$e" "$(head -n1 "$binfmt/$e")" "$(binfmt_interp "$e")"; done)"
}

# --- mounts ------------------------------------------------------------------

# umount_under DIR: everything mounted at or below DIR, deepest first.
umount_under() {
	local d=$1 m
	[ -n "$d" ] && [ -d "$d" ] || return 0
	d=$(realpath "$d")
	for m in $(awk -v d="$d" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" || log "warning: cannot unmount $m"
	done
}

current_root=""
cleanup() {
	local rc=$?
	set +e
	if [ -n "$current_root" ]; then umount_under "$current_root"; fi
	unregister_all
	binfmt_restore
	docker_stop
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- docker ------------------------------------------------------------------

# Debian's CLI, whatever else is on PATH; a private daemon and socket.
dockercli=/usr/bin/docker
dockerd_pid=""
docker_dir=$cache/docker
docker_sock=unix://$docker_dir/docker.sock
dk() { DOCKER_BUILDKIT=1 "$dockercli" -H "$docker_sock" "$@"; }

docker_start() {
	mkdir -p "$docker_dir"
	rm -f "$docker_dir/docker.sock"
	/usr/sbin/dockerd --iptables=false --ip6tables=false --bridge=none \
		--storage-driver=overlay2 --host="$docker_sock" --data-root="$docker_dir/data" \
		--exec-root=/run/ferry-rootfs-docker --pidfile=/run/ferry-rootfs-docker.pid \
		>"$docker_dir/dockerd.log" 2>&1 &
	dockerd_pid=$!
	local _
	for _ in $(seq 1 60); do
		if dk info >/dev/null 2>&1; then return 0; fi
		kill -0 "$dockerd_pid" 2>/dev/null || break
		sleep 0.5
	done
	tail -n 20 "$docker_dir/dockerd.log" >&2
	die "dockerd did not start (log: $docker_dir/dockerd.log)"
}

docker_stop() {
	[ -n "$dockerd_pid" ] || return 0
	kill "$dockerd_pid" 2>/dev/null || true
	wait "$dockerd_pid" 2>/dev/null || true
	dockerd_pid=""
}

# --- dependencies ------------------------------------------------------------

installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
missing=()
deps=(debootstrap qemu-user-static)
if [ -n "$docker" ]; then deps+=(docker.io); fi
for p in "${deps[@]}"; do installed "$p" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
	binfmt_mount
	before=" $(binfmt_arm64_entries | tr '\n' ' ') "
	log "installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
	# qemu-user-static's postinst (with binfmt-support) or systemd's trigger
	# (systemd-binfmt) may have registered qemu-aarch64: undo that.
	for e in $(binfmt_arm64_entries); do
		case $before in *" $e "*) ;; *)
			log "removing binfmt entry $e that the install registered"
			binfmt_remove "$e"
			;;
		esac
	done
fi
[ -x "$qemu" ] || die "$qemu missing"
case " $engines " in *" ferry "*) [ -x "$ferry" ] || die "$ferry missing: run make" ;; esac
binfmt_mount

# --- first stage (cached) ----------------------------------------------------

dbs_ver=$(dpkg-query -W -f='${Version}' debootstrap)
key=$(printf '%s\n' "$suite" "$mirror" "$include" minbase arm64 "$dbs_ver" | sha256sum | cut -c1-16)
stage1=$cache/stage1-$suite-$key.tar
# The root the second stage completed under qemu: the Docker phase's base.
baseimg=$cache/rootfs-qemu-$suite-$key.tar
if [ -s "$stage1" ]; then
	log "first stage: cached $stage1"
else
	log "first stage: debootstrap --arch=arm64 --foreign --variant=minbase --include=$include $suite ($mirror)"
	t0=$(date +%s)
	tmp=$cache/stage1.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	debootstrap --arch=arm64 --foreign --variant=minbase --include="$include" \
		"$suite" "$tmp/root" "$mirror" >"$cache/stage1.log" 2>&1 ||
		{
			tail -n 20 "$cache/stage1.log" >&2
			die "first stage failed (log: $cache/stage1.log)"
		}
	tar --numeric-owner --xattrs --acls -C "$tmp/root" -cf "$stage1.part" .
	mv "$stage1.part" "$stage1"
	rm -rf "$tmp"
	log "first stage: $(du -h "$stage1" | cut -f1) in $(($(date +%s) - t0)) s"
fi

# --- running steps -----------------------------------------------------------

# now: seconds since the epoch with nanoseconds.
now() { date +%s.%N; }

# record ENGINE STEP RC START END: the exit status and wall time files.
record() {
	local d=$results/$1
	echo "$3" >"$d/$2.rc"
	awk -v a="$4" -v b="$5" 'BEGIN { printf "%.2f\n", b - a }' >"$d/$2.time"
}

guest_env=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	HOME=/root LC_ALL=C TERM=dumb DEBIAN_FRONTEND=noninteractive)

# The body of a namespaced step: runs on the host as pid 1 of the new pid
# namespace, in its own mount namespace (private propagation: nothing leaks
# to the host, and everything is gone when it exits). It mounts what a
# container runtime gives a RUN step, then chroots into ROOT.
# shellcheck disable=SC2016
ns_setup='set -e
r=$1; shift
mount -t proc -o nosuid,nodev,noexec proc "$r/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$r/sys"
mount -t tmpfs -o nosuid,mode=755,size=65536k tmpfs "$r/dev"
for n in null zero full random urandom tty; do
	touch "$r/dev/$n"
	mount --bind "/dev/$n" "$r/dev/$n"
done
mkdir "$r/dev/pts" "$r/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,nosuid,noexec devpts "$r/dev/pts"
ln -s pts/ptmx "$r/dev/ptmx"
mount -t tmpfs -o nosuid,nodev,noexec,size=65536k shm "$r/dev/shm"
ln -s /proc/self/fd "$r/dev/fd"
ln -s /proc/self/fd/0 "$r/dev/stdin"
ln -s /proc/self/fd/1 "$r/dev/stdout"
ln -s /proc/self/fd/2 "$r/dev/stderr"
if [ -n "$bind_ferry" ]; then
	mkdir -p "$r${bind_ferry%/*}" && touch "$r$bind_ferry" && mount --bind "$bind_ferry" "$r$bind_ferry"
fi
exec chroot "$r" "$@"'

# root_cmd ROOT CMD...: sets cmd to the command line running CMD inside
# ROOT, per $isolation (an array, so timeout(1) can run it).
root_cmd() {
	local r=$1
	shift
	if [ "$isolation" = unshare ]; then
		cmd=(env bind_ferry="$bind_ferry" unshare --mount --pid --fork --propagation private
			/bin/sh -c "$ns_setup" sh "$r" "${guest_env[@]}" "$@")
	else
		cmd=(chroot "$r" "${guest_env[@]}" "$@")
	fi
}

chroot_mounts() {
	local r=$1
	mount -t proc proc "$r/proc"
	mount -t sysfs -o ro sysfs "$r/sys"
	mount --rbind /dev "$r/dev"
	mount --make-rslave "$r/dev"
}

# An engine is qemu or ferry; a name with a suffix (qemu2) is a second run
# of the same, to check that the steps are deterministic.
engine_interp() {
	case $1 in
	qemu*) echo "$qemu" ;;
	ferry*) echo "$ferry" ;;
	*) die "unknown engine $1" ;;
	esac
}

# run_engine ENGINE: second stage and every step, under ENGINE.
run_engine() {
	local engine=$1 interp root=$cache/work/$1/root out=$results/$1 s name body rc t0 t1 cmd bind_ferry
	interp=$(engine_interp "$engine")
	bind_ferry=""
	case $engine in ferry*) if [ -n "${ROOTFS_BIND_FERRY:-}" ]; then bind_ferry=$ferry; fi ;; esac
	if [ -n "${ROOTFS_FROM_QEMU:-}" ]; then
		log "[$engine] fresh root from the one qemu completed"
	else
		log "[$engine] fresh root from the first stage"
	fi
	current_root=$cache/work/$engine
	umount_under "$current_root"
	rm -rf "$cache/work/$engine"
	mkdir -p "$root" "$out"
	if [ -n "${ROOTFS_FROM_QEMU:-}" ]; then
		[ -s "$baseimg" ] || die "ROOTFS_FROM_QEMU: no $baseimg (run the qemu engine first)"
		tar --numeric-owner --xattrs --acls -C "$root" -xpf "$baseimg"
	else
		rm -rf "$out"
		mkdir -p "$out"
		tar --numeric-owner --xattrs --acls -C "$root" -xpf "$stage1"
	fi

	binfmt_quiesce
	case $engine in qemu*) register_qemu ;; *) register_ferry ;; esac
	binfmt_check "$interp"

	if [ -n "${ROOTFS_FROM_QEMU:-}" ]; then
		log "[$engine] ROOTFS_FROM_QEMU: the root qemu completed; no second stage"
	else
		# The second stage, exactly as the issue states it (plus keeping its log).
		log "[$engine] chroot ROOT /debootstrap/debootstrap --second-stage"
		if [ -n "$bind_ferry" ]; then
			mkdir -p "$root${bind_ferry%/*}" && touch "$root$bind_ferry" && mount --bind "$bind_ferry" "$root$bind_ferry"
		fi
		rc=0
		t0=$(now)
		timeout -k 10 "$timeout_s" chroot "$root" /debootstrap/debootstrap --second-stage --keep-debootstrap-dir \
			</dev/null >"$out/00-second-stage.out" 2>"$out/00-second-stage.err" || rc=$?
		t1=$(now)
		umount_under "$root"
		record "$engine" 00-second-stage "$rc" "$t0" "$t1"
		# Its full log (every maintainer script's output): a step of its own.
		for s in "$root/var/log/bootstrap.log" "$root/debootstrap/debootstrap.log"; do
			if [ -f "$s" ]; then
				# Compared as it is but for the one thing no engine can
				# reproduce: the wall clock, which tzdata's postinst prints
				# ("Local time is now: ..."). The raw log is kept as .raw.
				cp "$s" "$out/00-second-stage-log.raw"
				sed -E 's/^((Local time|Universal Time) is now: +).*$/\1(the clock)/' "$s" \
					>"$out/00-second-stage-log.out"
				break
			fi
		done
		[ -f "$out/00-second-stage-log.out" ] || : >"$out/00-second-stage-log.out"
		: >"$out/00-second-stage-log.err"
		echo 0 >"$out/00-second-stage-log.rc"
		echo - >"$out/00-second-stage-log.time"
		log "[$engine] second stage: exit $rc, $(cat "$out/00-second-stage.time") s"
		rm -rf "$root/debootstrap"
		# The completed root: the Docker phase's base image, and ROOTFS_FROM_QEMU's.
		if [ "${engine#qemu}" != "$engine" ] && [ "$rc" -eq 0 ]; then
			tar --numeric-owner --xattrs --acls -C "$root" -cf "$baseimg.part" . && mv "$baseimg.part" "$baseimg"
		fi
	fi

	if [ "$isolation" = chroot ]; then chroot_mounts "$root"; fi
	for s in "$stepdir"/*.sh; do
		name=$(basename "$s" .sh)
		if [ -n "${ROOTFS_STEPS:-}" ]; then
			case " $ROOTFS_STEPS " in *" $name "*) ;; *) continue ;; esac
		fi
		body=$(cat "$s")
		rc=0
		t0=$(now)
		root_cmd "$root" /bin/sh -c "$body"
		timeout -k 10 "$timeout_s" "${cmd[@]}" \
			</dev/null >"$out/$name.out" 2>"$out/$name.err" || rc=$?
		t1=$(now)
		record "$engine" "$name" "$rc" "$t0" "$t1"
		log "[$engine] $name: exit $rc, $(cat "$out/$name.time") s"
	done
	umount_under "$root"

	binfmt_check "$interp"
	unregister_all
	binfmt_restore
	current_root=""
	if [ -z "${ROOTFS_KEEP:-}" ]; then rm -rf "$cache/work/$engine"; fi
}

# --- the Docker phase ----------------------------------------------------------

# docker_engine ENGINE: docker build of the steps as RUN steps under ENGINE;
# the results come out of the image into $results/docker-ENGINE.
docker_engine() {
	local engine=$1 interp out=$results/docker-$1 ctx=$docker_dir/ctx cid s n t0 t1 rc priv bnd bit name before e probe
	interp=$(engine_interp "$engine")
	rm -rf "$out" "$ctx"
	mkdir -p "$out" "$ctx/steps"
	cp "$stepdir"/*.sh "$ctx/steps/"
	cat >"$ctx/steps/run" <<'END'
#!/bin/sh
# run STEP: one step as a RUN step, its output kept in /results.
n=$1 rc=0
t0=$(date +%s.%N)
/bin/sh -c "$(cat "/ferry-steps/$n.sh")" </dev/null >"/results/$n.out" 2>"/results/$n.err" || rc=$?
t1=$(date +%s.%N)
echo "$rc" >"/results/$n.rc"
echo "$t0 $t1" >"/results/$n.t"
echo "$n: exit $rc"
END
	{
		echo "FROM ferry-rootfs-test/base:arm64"
		echo "ENV LC_ALL=C DEBIAN_FRONTEND=noninteractive TERM=dumb"
		echo "COPY steps/ /ferry-steps/"
		echo "RUN mkdir /results"
		for s in "$stepdir"/*.sh; do
			n=$(basename "$s" .sh)
			if [ -n "${ROOTFS_STEPS:-}" ]; then
				case " $ROOTFS_STEPS " in *" $n "*) ;; *) continue ;; esac
			fi
			echo "RUN /bin/sh /ferry-steps/run $n"
		done
	} >"$ctx/Dockerfile"

	binfmt_quiesce
	if [ "${engine#qemu}" != "$engine" ]; then
		register_qemu
	elif has_binfmt_subcommand; then
		# ferry's own image (deploy/Dockerfile) registers it.
		rm -rf "$docker_dir/img" && mkdir -p "$docker_dir/img"
		cp "$ferry" "$docker_dir/img/ferry"
		dk build -q -f "$top/deploy/Dockerfile" -t ferry-rootfs-test/ferry "$docker_dir/img" >/dev/null
		before=" $(binfmt_arm64_entries | tr '\n' ' ') "
		# --privileged asks for every capability; where the host's bounding
		# set lacks one (this kind of VM has no CAP_SYS_RESOURCE), runc
		# refuses, and the same rights minus the missing ones do.
		priv=(--privileged)
		probe=$(dk run --rm --privileged ferry-rootfs-test/ferry status 2>&1 || true)
		if grep -q "apply caps" <<<"$probe"; then
			priv=(--cap-add=ALL --security-opt seccomp=unconfined --security-opt apparmor=unconfined
				--security-opt systempaths=unconfined)
			# Drop what the bounding set lacks: each known capability's bit.
			bnd=$((16#$(awk '/^CapBnd/ { print $2 }' /proc/self/status)))
			bit=0
			for name in CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP \
				LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER \
				SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE \
				SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP \
				MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF \
				CHECKPOINT_RESTORE; do
				if [ $(((bnd >> bit) & 1)) -eq 0 ]; then priv+=(--cap-drop="$name"); fi
				bit=$((bit + 1))
			done
			log "[docker-$engine] --privileged is refused here (capabilities missing from the bounding set): ${priv[*]}"
		fi
		# shellcheck disable=SC2086
		dk run --rm "${priv[@]}" ferry-rootfs-test/ferry install ${ROOTFS_FERRY_ARGS:-} ||
			die "docker run ${priv[*]} ferry-rootfs-test/ferry install failed"
		ferry_uninstall="dk run --rm ${priv[*]} ferry-rootfs-test/ferry uninstall --no-restore"
		for e in $(binfmt_arm64_entries); do
			case $before in *" $e "*) ;; *) our_entries+=("$e") ;; esac
		done
		interp=/ferry
		log "[docker-$engine] registered by docker run ${priv[*]} ferry-rootfs-test/ferry install"
	else
		register_ferry
	fi
	binfmt_check "$interp"

	log "[docker-$engine] docker build --platform linux/arm64 --no-cache (RUN steps)"
	rc=0
	t0=$(now)
	timeout -k 10 "$timeout_s" env DOCKER_BUILDKIT=1 "$dockercli" -H "$docker_sock" build \
		--platform linux/arm64 --no-cache --network=none --progress=plain \
		-t "ferry-rootfs-test/steps:$engine" "$ctx" >"$out/build.log" 2>&1 || rc=$?
	t1=$(now)
	binfmt_check "$interp"
	unregister_all
	binfmt_restore
	log "[docker-$engine] docker build: exit $rc, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
	echo "$rc" >"$out/docker-build.rc"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }' >"$out/docker-build.time"
	: >"$out/docker-build.out"
	: >"$out/docker-build.err"
	if [ "$rc" -eq 0 ]; then
		cid=$(dk create --platform linux/arm64 "ferry-rootfs-test/steps:$engine" /bin/true)
		dk cp "$cid:/results/." "$out/"
		dk rm "$cid" >/dev/null
		for s in "$out"/*.t; do
			read -r t0 t1 <"$s"
			awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }' >"${s%.t}.time"
			rm "$s"
		done
	else
		# The build log says which RUN step failed.
		grep -E '^#[0-9]+ .*(ERROR|error)|exit code' "$out/build.log" | tail -n 5 >&2 || true
	fi
}

run_docker() {
	[ -s "$baseimg" ] || die "no completed root ($baseimg): the qemu second stage must succeed first"
	docker_start
	# docker import would be the natural tool, but dockerd 20.10 records the
	# host's architecture whatever --platform says (and BuildKit then looks
	# for an arm64 image on Docker Hub): load the root as a one-layer image
	# archive whose config says arm64.
	log "docker load of $(basename "$baseimg") as an arm64 image"
	local a=$docker_dir/archive diff
	rm -rf "$a" && mkdir -p "$a"
	ln "$baseimg" "$a/layer.tar" 2>/dev/null || cp "$baseimg" "$a/layer.tar"
	diff=$(sha256sum <"$a/layer.tar" | cut -d' ' -f1)
	printf '{"architecture":"arm64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/bash"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"debootstrap --arch=arm64 --variant=minbase %s, second stage under qemu-aarch64-static"}]}\n' \
		"$diff" "$suite" >"$a/config.json"
	echo '[{"Config":"config.json","RepoTags":["ferry-rootfs-test/base:arm64"],"Layers":["layer.tar"]}]' >"$a/manifest.json"
	dk rmi -f ferry-rootfs-test/base:arm64 >/dev/null 2>&1 || true
	tar -C "$a" -cf - manifest.json config.json layer.tar | dk load -q >/dev/null
	rm -rf "$a"
	[ "$(dk image inspect --format '{{.Architecture}}' ferry-rootfs-test/base:arm64)" = arm64 ] ||
		die "the loaded base image is not arm64"
	local e
	for e in ${ROOTFS_DOCKER_ENGINES:-$engines}; do docker_engine "$e"; done
	docker_stop
}

# --- compare -----------------------------------------------------------------

# compare A B: every step of $results/A against $results/B; prints the table
# rows, writes diffs into $results/diff/B/, sets fail on a mismatch.
fail=0
compare() {
	local a=$results/$1 b=$results/$2 f name q f2 m d x qt ft ratio
	mkdir -p "$results/diff/$2"
	for f in "$a"/*.rc; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .rc)
		q=$a/$name f2=$b/$name
		m=same
		if [ ! -f "$f2.rc" ]; then
			m=MISSING
		else
			d=""
			for x in out err rc; do
				if ! cmp -s "$q.$x" "$f2.$x"; then
					d="$d $x"
					diff -u --label "$1/$name.$x" --label "$2/$name.$x" "$q.$x" "$f2.$x" \
						>>"$results/diff/$2/$name.diff" || true
				fi
			done
			[ -z "$d" ] || m="DIFFERS:$d"
		fi
		[ "$m" = same ] || fail=1
		qt=$(cat "$q.time")
		ft=$(cat "$f2.time" 2>/dev/null || echo -)
		ratio=$(awk -v a="$qt" -v b="$ft" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", b / a; else print "-" }')
		printf '%-28s %9s %9s %7s  %s (exit %s/%s)\n' "${2%"$cb"}$name" "$qt" "$ft" "$ratio" "$m" \
			"$(cat "$q.rc")" "$(cat "$f2.rc" 2>/dev/null || echo -)"
	done
}

# The oracle's results depend only on the first stage, the steps, qemu and
# the isolation: ROOTFS_REUSE_ORACLE=1 takes them from the last full qemu
# run when none of these changed (its times are that run's).
oracle_stamp() {
	{
		echo "$key $isolation"
		dpkg-query -W -f='${Version}\n' qemu-user-static
		cat "$stepdir"/*.sh
	} | sha256sum | cut -c1-16
}
run_engines() {
	local e
	for e in $engines; do
		if [ "$e" = qemu ] && [ -n "${ROOTFS_REUSE_ORACLE:-}" ] && [ -s "$baseimg" ] &&
			[ "$(cat "$results/qemu/.stamp" 2>/dev/null)" = "$(oracle_stamp)" ]; then
			log "[qemu] ROOTFS_REUSE_ORACLE: results of $(date -r "$results/qemu/.stamp" '+%F %T')"
			continue
		fi
		run_engine "$e"
		if [ "$e" = qemu ] && [ -z "${ROOTFS_STEPS:-}" ] && [ -z "${ROOTFS_FROM_QEMU:-}" ]; then
			oracle_stamp >"$results/qemu/.stamp"
		fi
	done
}

if [ "$docker" != only ]; then
	run_engines
elif [ ! -s "$baseimg" ]; then
	# The Docker phase alone still needs the root qemu completes.
	ROOTFS_STEPS=none run_engine qemu
fi
if [ -n "$docker" ]; then run_docker; fi

rm -rf "$results/diff"
read -r ca cb <<<"${ROOTFS_COMPARE:-qemu ferry}"
printf '\n%-28s %9s %9s %7s  %s\n' step "$ca s" "$cb s" "$cb/$ca" match
n=0
for pair in "$ca $cb" "docker-$ca docker-$cb"; do
	# shellcheck disable=SC2086
	set -- $pair
	if [ -d "$results/$1" ] && [ -d "$results/$2" ]; then
		compare "$1" "$2"
		n=$((n + 1))
	fi
done
log "total $(($(date +%s) - t_script)) s; results in $results"
if [ "$n" -eq 0 ]; then
	log "nothing to compare (engines run: $engines)"
	exit 0
fi
if [ "$fail" -ne 0 ]; then
	log "MISMATCH: see $results/diff/"
	exit 1
fi
log "every step identical under qemu and ferry"
exit 0
}
