#!/bin/sh
# The folders name the architecture (ARCHITECTURE.md, /work style): lessons/
# knows the event contract and the plain run options, never the engine;
# ui/ never OpenSSL nor the engine; protocol/ never ncurses; exit statuses
# belong to app/.  Checked on the #include lines and the enum's home.
set -u
fail() { echo "layering: $*" >&2; exit 1; }
cd "$(dirname "$0")/../.." || fail "no source tree"
inc() { grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($2)" $1 2>/dev/null; }
h=$(inc "lessons/*.c lessons/*.h" 'protocol/engine|openssl/|curses|ncurses|app/')
[ -z "$h" ] || fail "lessons/ reaches past the event contract and run options:
$h"
h=$(inc "ui/*.c ui/*.h" 'protocol/engine|openssl/')
[ -z "$h" ] || fail "ui/ includes OpenSSL or the engine:
$h"
h=$(inc "protocol/*.c protocol/*.h" 'curses|ncurses|app/|ui/|lessons/')
[ -z "$h" ] || fail "protocol/ includes a reader's header:
$h"
h=$(grep -nE '\bEXIT_(OK|USAGE|CONNECT|TIMEOUT|TLS|CERT|HTTP|INTERNAL)\b' protocol/*.c protocol/*.h lessons/*.c lessons/*.h ui/*.c ui/*.h 2>/dev/null)
[ -z "$h" ] || fail "exit statuses outside app/:
$h"
exit 0
