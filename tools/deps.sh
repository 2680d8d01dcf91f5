#!/bin/sh
# Install the Debian packages httpsviz needs, if any are missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -u
need=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

have_cmd pkg-config || need="$need pkg-config"
have_pc openssl || need="$need libssl-dev"
have_pc ncursesw || need="$need libncurses-dev"
have_pc cmocka || need="$need libcmocka-dev"
have_pc libpcap || need="$need libpcap-dev"
have_cmd tmux || need="$need tmux"
have_cmd openssl || need="$need openssl"
have_cmd curl || need="$need curl"
have_cmd tshark || need="$need tshark"
have_cmd python3 || need="$need python3"
have_cmd ip || need="$need iproute2"

[ -z "$need" ] && exit 0
cmd="apt-get install -y --no-install-recommends$need"
if [ "$(id -u)" -ne 0 ]; then
	echo "httpsviz needs:$need" >&2
	echo "run as root: apt-get update && $cmd" >&2
	exit 1
fi
echo "installing:$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $need >/dev/null || {
	echo "deps: apt-get failed; run: apt-get update && $cmd" >&2
	exit 1
}
