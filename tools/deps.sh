#!/bin/sh
# Installs every Debian package srlab's build, labs and tests need. Idempotent:
# packages already installed are skipped, so a second run does nothing.
set -eu

PKGS="
build-essential pkg-config
libczmq-dev libzmq3-dev
libprotobuf-c-dev protobuf-c-compiler
libssl-dev openssl
libpcap-dev
libsqlite3-dev sqlite3
libyaml-dev
libreadline-dev
libcriterion-dev
iproute2 iputils-ping procps psmisc bridge-utils python3 util-linux ethtool
strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-extra-plugins libstrongswan-standard-plugins
iperf3 tshark python3-scapy python3-cryptography jq
freeradius freeradius-utils
clang libclang-rt-14-dev
"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer before it asks.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
# strongSwan and FreeRADIUS are started per test inside namespaces, never as system services.
for svc in strongswan-starter ipsec freeradius; do
    systemctl disable --now "$svc" >/dev/null 2>&1 || true
done
echo "deps: done"
