#!/bin/sh
# Events are facts, prose is for people: ui/, app/ and lessons/ decide on an
# event's typed members (protocol/event.h), never by matching its summary,
# a field's value or other text it carries.  This fails on any string
# comparison or search whose arguments name such text.  (The unit tests
# prove each typed fact; this only keeps text matching from coming back.)
set -u
fail() { echo "no_text_decisions: $*" >&2; exit 1; }
cd "$(dirname "$0")/../.." || fail "no source tree"
calls='(strstr|strcasestr|strn?cmp|strn?casecmp|memcmp|memmem|strspn|strcspn|regexec|sscanf|atoi|strtol|strtoul)'
text='(summary|->value|\.value|http\.(line|method|target)|x509_error_text)'
hits=$(grep -nE "$calls[[:space:]]*\([^;]*$text" ui/*.c app/*.c lessons/*.c 2>/dev/null)
[ -z "$hits" ] || fail "text matched instead of a typed fact:
$hits"
# the check itself must see such a line (a pattern that matches nothing
# would pass forever)
printf '%s\n' 'if (strstr(ev->summary, "close_notify") != NULL)' 'x = strncmp(f->value, "enc", 3);' |
	grep -cE "$calls[[:space:]]*\([^;]*$text" | grep -qx 2 || fail "the pattern no longer matches text matching"
exit 0
