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
# real clients for tests/e2e/real_clients.sh: a headless browser, and ip to
# give it a network namespace holding only the loopback interface
have_cmd chromium || need="$need chromium"
have_cmd ip || need="$need iproute2"

# chromium renders the svg and html exports in a real browser
# (tests/e2e/export_browser.sh); it is installed when it can be, and that
# test says SKIP when it truly cannot
optional=""
have_cmd chromium || optional="chromium"
if [ -n "$optional" ] && [ "$(id -u)" -eq 0 ]; then
	echo "installing (for the browser test): $optional"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get install -y -qq --no-install-recommends $optional >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 &&
			apt-get install -y -qq --no-install-recommends $optional >/dev/null 2>&1; }; } ||
		echo "deps: WARNING: cannot install $optional; the browser test will be skipped" >&2
elif [ -n "$optional" ]; then
	echo "httpsviz's browser test wants: $optional (as root: apt-get install $optional)" >&2
fi

# Mermaid itself (from npm, pinned) renders the mermaid export in that
# browser; without npm the test says SKIP for that part
MERMAID=mermaid@11.17.2
mermaid_js=build/mermaid/node_modules/mermaid/dist/mermaid.min.js
if [ ! -f "$mermaid_js" ]; then
	if ! have_cmd npm && [ "$(id -u)" -eq 0 ]; then
		apt-get install -y -qq --no-install-recommends npm >/dev/null 2>&1 ||
			echo "deps: WARNING: cannot install npm; the Mermaid rendering test will be skipped" >&2
	fi
	if have_cmd npm; then
		mkdir -p build/mermaid
		npm install --prefix build/mermaid --no-audit --no-fund --silent "$MERMAID" >/dev/null 2>&1 ||
			echo "deps: WARNING: npm cannot install $MERMAID; the Mermaid rendering test will be skipped" >&2
	fi
fi

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
