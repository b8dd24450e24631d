# shellcheck shell=sh
# The package database the second stage left.
dpkg -l
dpkg-query -W -f '${Package} ${Version} ${Architecture} ${db:Status-Abbrev}\n' | sort | sha256sum
