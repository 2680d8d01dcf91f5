#!/bin/sh
# Install the Debian packages httpsviz needs, if any are missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
# `deps.sh fuzz` also checks what `make fuzz` needs: clang and its libFuzzer
# and sanitizer runtimes.
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
if [ "${1:-}" = fuzz ]; then
	have_cmd clang || need="$need clang"
	# the runtimes: clang prints the bare name when it has no such file
	case "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2> /dev/null)" in
	/*) ;;
	*) need="$need libclang-rt-dev" ;;
	esac
fi
# real clients for tests/e2e/real_clients.sh: a headless browser, and ip to
# give it a network namespace holding only the loopback interface
have_cmd chromium || need="$need chromium"
have_cmd ip || need="$need iproute2"

if [ -n "$need" ]; then
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
fi

# What the export tests use when it can be had; they say SKIP for the part
# that needs what cannot.  optional PKG: install one Debian package, with a
# fresh package list when the first try fails; status 1 when it cannot.
optional() {
	[ "$(id -u)" -eq 0 ] || { echo "httpsviz's export tests want $1 (as root: apt-get install $1)" >&2; return 1; }
	echo "installing (for the export tests): $1"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends "$1" >/dev/null 2>&1 && return 0
	apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "$1" >/dev/null 2>&1
}

# chromium renders the svg and html exports in a real browser
# (tests/e2e/export_browser.sh)
have_cmd chromium || optional chromium ||
	echo "deps: WARNING: cannot install chromium; the browser test will be skipped" >&2

# poppler's pdfinfo and pdftotext read the svg export printed to PDF
have_cmd pdftotext || optional poppler-utils ||
	echo "deps: WARNING: cannot install poppler-utils; printing the svg will not be checked" >&2

# Mermaid itself (from npm, pinned) renders the mermaid export in that
# browser
MERMAID=mermaid@11.17.2
mermaid_js=build/mermaid/node_modules/mermaid/dist/mermaid.min.js
if [ ! -f "$mermaid_js" ]; then
	have_cmd npm || optional npm ||
		echo "deps: WARNING: cannot install npm; the Mermaid rendering test will be skipped" >&2
	if have_cmd npm; then
		mkdir -p build/mermaid
		npm install --prefix build/mermaid --no-audit --no-fund --silent "$MERMAID" >/dev/null 2>&1 ||
			echo "deps: WARNING: npm cannot install $MERMAID; the Mermaid rendering test will be skipped" >&2
	fi
fi
exit 0
