#!/bin/sh
# Wide and zero-width characters from a peer in the TUI: a server whose
# status line and header hold U+231A (two columns), CJK, a combining accent,
# and zero-width and bidi controls.  The diagram and the inspector keep
# their columns (every row's inspector border in the same column, nothing
# past the right edge); the wide characters are shown, the controls escaped.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
. "$here/helpers/tmux.sh"
tui_setup tui_wide
sh "$here/helpers/pki.sh" "$tmp" > /dev/null 2>&1 || fail "cannot make the test PKI"
hostile_peer wide 30 "$tmp/srv.pem" "$tmp/srv.key"

tui_start connect "localhost:$port" --cafile "$tmp/ca.pem" --explore
wait_for "PAUSED" 5 || fail "the TUI did not start"
press_until n 60 "(complete)" || fail "the exchange did not complete"
# select the http.response event, so the inspector shows the peer's text
press_until k 10 "http.response" || fail "cannot select the response"
wait_for "X-Wide" 3 || fail "no header in the inspector"
cap
python3 - "$tmp/screen" <<'PY' || fail "columns broken by wide characters"
import ctypes, locale, sys
locale.setlocale(locale.LC_CTYPE, "C.UTF-8")
libc = ctypes.CDLL(None)
libc.wcwidth.restype = ctypes.c_int
def width(s):
    return sum(max(libc.wcwidth(ctypes.c_wchar(c)), 0) for c in s)
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert any("\u231a\u231a \u4e2d\u6587" in r for r in rows), "the wide characters are not shown"
assert not any(c in r for r in rows for c in "\u200b\u061c\u202e"), "a control reached the screen"
assert any("\\xe2\\x80\\xae" in r for r in rows), "the RLO is not shown escaped"
for r in rows:
    assert width(r) <= 100, "row wider than the terminal: %r" % r
# the inspector's left border: the column of the first "│" after the
# diagram in the header row, the same in every row of the body
head = rows[1]
col = None
for i, c in enumerate(head):
    if c == "\u2502":
        col = width(head[:i])
assert col is not None, head
body = [r for r in rows[2:] if r.strip() and not r.startswith("legend") and "PAUSED" not in r]
for r in body:
    cols = [width(r[:i]) for i, c in enumerate(r) if c in "\u2502\u2524\u251c\u2514\u250c"]
    assert col in cols, "inspector border not in column %d: %r" % (col, r)
PY
tui_quit 5
exit 0
