# shellcheck shell=sh
# tar, gzip, sha256sum, find and grep over /usr (skipping python's
# __pycache__, which is compiled during the second stage and not
# reproducible even natively).
set -e
cd /
find usr -xdev -name __pycache__ -prune -o -type f -print | LC_ALL=C sort >/tmp/files
echo "files: $(wc -l </tmp/files)"
xargs -d '\n' sha256sum </tmp/files >/tmp/sums
echo "sha256 of the sums: $(sha256sum </tmp/sums)"
# Types, modes, owners, link targets, and the sizes of all but directories
# (a directory's size depends on the history of the file system under it).
find usr -xdev -name __pycache__ -prune -o -printf '%y %m %U %G %p %l\n' | LC_ALL=C sort | sha256sum
find usr -xdev -name __pycache__ -prune -o ! -type d -printf '%s %p\n' | LC_ALL=C sort | sha256sum
find usr -xdev -type l | wc -l
find usr/bin -maxdepth 1 -type f -size +1000k | LC_ALL=C sort
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu -cf /tmp/include.tar usr/include
gzip -9n -c /tmp/include.tar >/tmp/include.tar.gz
sha256sum /tmp/include.tar /tmp/include.tar.gz
rm -rf /tmp/x && mkdir /tmp/x
gzip -dc /tmp/include.tar.gz | tar -C /tmp/x -xf -
diff -r usr/include /tmp/x/usr/include && echo "include tree round-trips through tar and gzip"
tar -tvzf /tmp/include.tar.gz | head -n 5
grep -r -h -E '^#[[:space:]]*define[[:space:]]+__GLIBC(_MINOR)?__' usr/include
grep -r -c -w pthread_mutex_lock usr/include | grep -v ':0$' | LC_ALL=C sort
grep -r -l -E 'GNU (Lesser )?General Public License' usr/share/common-licenses | LC_ALL=C sort
grep -r -I -o -h -E '\b[A-Z]{3,}_MAX\b' usr/include | LC_ALL=C sort | uniq -c | LC_ALL=C sort -k1,1nr -k2 | head -n 10
xargs -d '\n' cat </tmp/files | wc -c
