# shellcheck shell=sh
# What the machine looks like from inside.
uname -m
uname -s
getconf LONG_BIT
dpkg --print-architecture
cat /etc/debian_version
test "$(cat /proc/sys/kernel/ostype)" = Linux && echo "procfs mounted"
test -c /dev/null && echo "/dev/null is a character device"
