# shellcheck shell=sh
# Every file of every installed package against the md5sums dpkg recorded
# (empty output: the second stage unpacked them all intact).
dpkg --verify
echo "dpkg --verify: exit $?"
dpkg --audit
echo "dpkg --audit: exit $?"
