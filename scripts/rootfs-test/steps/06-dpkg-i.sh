# shellcheck shell=sh
# Installing a local .deb.
set -e
dpkg -i /tmp/debs/ferry-hello_1.0_arm64.deb
ferry-hello
dpkg -s ferry-hello
dpkg -L ferry-hello
