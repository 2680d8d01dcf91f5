#!/bin/sh
# Files httpsviz writes are created safely: a planted symbolic link, a file
# of another user, a hard link or a FIFO is refused with one clear line and
# exit 2, and nothing is written through it; a key log or capture file
# already there is emptied and made 0600.  Unreadable or missing input files
# and missing directories are usage errors (exit 2), the path said once.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup safe_files

# refused NAME WANT-TEXT ARGS...: exit 2, one line on stderr naming WANT-TEXT
refused() {
	name=$1 want=$2
	shift 2
	timeout 20 "$bin" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
	rc=$?
	[ $rc -eq 2 ] || fail "$name: exit $rc, not 2: $(cat "$tmp/$name.err")"
	[ "$(wc -l < "$tmp/$name.err")" -eq 1 ] || fail "$name: not one line: $(cat "$tmp/$name.err")"
	grep -q -- "$want" "$tmp/$name.err" || fail "$name: '$(cat "$tmp/$name.err")' does not say '$want'"
}

echo "precious" > "$tmp/victim"
ln -s "$tmp/victim" "$tmp/link"
refused keylog_link "--keylog $tmp/link: it is a symbolic link; refusing to write through it" --trace --keylog "$tmp/link"
refused pcap_link "--pcap $tmp/link: it is a symbolic link" --trace --pcap "$tmp/link"
refused ca_out_link "--ca-out $tmp/link: it is a symbolic link" serve --listen 127.0.0.1:0 --ca-out "$tmp/link"
# a dangling link would create its target
ln -s "$tmp/created-by-link" "$tmp/dangling"
refused keylog_dangling "symbolic link" --trace --keylog "$tmp/dangling"
[ ! -e "$tmp/created-by-link" ] || fail "a dangling link's target was created"
[ "$(cat "$tmp/victim")" = precious ] || fail "the link's target was written"
ln "$tmp/victim" "$tmp/hard"
refused keylog_hardlink "hard links" --trace --keylog "$tmp/hard"
[ "$(cat "$tmp/victim")" = precious ] || fail "the hard link's target was written"
mkfifo "$tmp/fifo"
refused keylog_fifo "not a regular file" --trace --keylog "$tmp/fifo"
refused cafile_fifo "--cafile $tmp/fifo: not a regular file" connect localhost:1 --cafile "$tmp/fifo"
if [ "$(id -u)" -eq 0 ]; then
	# root could write anywhere: a file someone else prepared is refused
	echo "theirs" > "$tmp/theirs"
	chown nobody "$tmp/theirs" 2> /dev/null || chown 65534 "$tmp/theirs"
	refused keylog_other "belongs to another user" --trace --keylog "$tmp/theirs"
	[ "$(cat "$tmp/theirs")" = theirs ] || fail "another user's file was written"
fi
refused keylog_nodir "--keylog /nonexistent-dir/k: cannot create it: No such file or directory" --trace --keylog /nonexistent-dir/k
refused pcap_nodir "--pcap /nonexistent-dir/p: cannot create it: No such file or directory" --trace --pcap /nonexistent-dir/p
grep -c "nonexistent-dir/p" "$tmp/pcap_nodir.err" | grep -qx 1 || fail "pcap: the path is repeated"
refused cafile_missing "--cafile /nonexistent-file: No such file or directory" connect localhost:1 --cafile /nonexistent-file
echo "not a certificate" > "$tmp/notpem"
refused cafile_notpem "no PEM certificate" connect localhost:1 --cafile "$tmp/notpem"

# an existing key log readable by others is emptied and becomes 0600
echo "old secrets" > "$tmp/keys"
chmod 644 "$tmp/keys"
"$bin" --trace --keylog "$tmp/keys" > /dev/null 2> "$tmp/err" || fail "keylog: exit $?: $(cat "$tmp/err")"
[ "$(stat -c %a "$tmp/keys")" = 600 ] || fail "keylog: mode $(stat -c %a "$tmp/keys"), not 600"
grep -q "old secrets" "$tmp/keys" && fail "keylog: old content kept"
grep -q "^CLIENT_RANDOM " "$tmp/keys" || fail "keylog: no CLIENT_RANDOM line"
# a capture file is 0600 too (when capture is permitted here)
if "$bin" --trace --pcap "$tmp/p.pcap" > /dev/null 2>&1; then
	[ "$(stat -c %a "$tmp/p.pcap")" = 600 ] || fail "pcap: mode $(stat -c %a "$tmp/p.pcap"), not 600"
fi
exit 0
