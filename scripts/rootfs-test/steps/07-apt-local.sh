# shellcheck shell=sh
# apt-get against a local file:// repository (indexed in the guest with
# dpkg-scanpackages), with every network source switched off.
set -e
rm -rf /srv/repo && mkdir -p /srv/repo
cp /tmp/debs/ferry-extra_1.0_all.deb /tmp/debs/ferry-greeting_1.0_all.deb /srv/repo/
cd /srv/repo
dpkg-scanpackages --multiversion . >Packages 2>scan.err
cat scan.err; rm scan.err
gzip -9nk Packages
cat Packages
echo 'deb [trusted=yes] file:/srv/repo ./' >/srv/local.list
cd /
apt="apt-get -o Dir::Etc::SourceList=/srv/local.list -o Dir::Etc::SourceParts=/nonexistent -o APT::Sandbox::User=root"
$apt update
$apt install -y ferry-greeting
ferry-greeting
ferry-extra
apt-cache -o Dir::Etc::SourceList=/srv/local.list -o Dir::Etc::SourceParts=/nonexistent policy ferry-greeting
$apt remove -y ferry-greeting
dpkg -l 'ferry-*'
