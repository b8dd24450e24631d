# shellcheck shell=sh
# Two tiny packages built with dpkg-deb (xz, in threads), reproducibly:
# fixed mtimes and SOURCE_DATE_EPOCH.
set -e
export SOURCE_DATE_EPOCH=1700000000
rm -rf /tmp/pkg && mkdir -p /tmp/pkg /tmp/debs
mk() { # mk NAME ARCH DEPENDS
	d=/tmp/pkg/$1
	mkdir -p "$d/DEBIAN" "$d/usr/bin" "$d/usr/share/doc/$1"
	cat >"$d/DEBIAN/control" <<END
Package: $1
Version: 1.0
Architecture: $2
Maintainer: ferry <ferry@example.invalid>
Installed-Size: 8
${3:+Depends: $3
}Description: $1, a package for ferry's rootfs test
 It prints a greeting.
END
	printf '#!/bin/sh\necho "hello from %s ($(uname -m))"\n' "$1" >"$d/usr/bin/$1"
	chmod 0755 "$d/usr/bin/$1"
	printf '#!/bin/sh\nset -e\necho "%s postinst: $1"\n' "$1" >"$d/DEBIAN/postinst"
	chmod 0755 "$d/DEBIAN/postinst"
	seq 1 500 | sed "s/^/$1 /" | gzip -9n >"$d/usr/share/doc/$1/changelog.gz"
	find "$d" -exec touch -h -d @1700000000 {} +
	dpkg-deb --root-owner-group --build "$d" /tmp/debs
}
mk ferry-hello arm64 ""
mk ferry-extra all ""
mk ferry-greeting all "ferry-extra (>= 1.0)"
cd /tmp/debs
ls
sha256sum *.deb
dpkg-deb --info ferry-hello_1.0_arm64.deb
dpkg-deb --contents ferry-greeting_1.0_all.deb
