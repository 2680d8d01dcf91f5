#!/bin/sh
# Export for handouts: each format from a saved run (and --export straight
# from a run), checked against the run: every event, every summary in full,
# lifelines, phases, the legend; svg on A4 pages; html self-contained, its
# diagram the same A4 pages as inline svg sheets.  Then in a real headless
# browser (Debian's chromium): screenshots of the svg and the html show the
# layers' colours, the svg and the html print on exactly their A4 pages
# (poppler's pdfinfo/pdftotext read the PDF), and a click on a message (the page's
# #ev=N address does the same) shows its fields with exactly the selected
# field's bytes highlighted.  Only the browser part is skipped, with a
# message, when chromium truly cannot be installed (tools/deps.sh tries).
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup export_browser
check="python3 $here/helpers/exportcheck.py"

for args in "--kex rsa" "--tls 1.3" "--scenario mitm"; do
	name=$(echo "$args" | tr -dc 'a-z0-9')
	f="$tmp/$name.jsonl"
	# shellcheck disable=SC2086
	timeout 30 "$bin" --json --no-pcap $args --save "$f" > /dev/null 2>&1
	[ -s "$f" ] || fail "$args: no saved run"
	for fmt in text markdown mermaid svg html; do
		out="$tmp/$name.$fmt"
		"$bin" export "$f" --format "$fmt" -o "$out" 2> "$tmp/err" || fail "$args: export $fmt failed: $(cat "$tmp/err")"
		[ "$(stat -c %a "$out")" = 644 ] || fail "$args: the $fmt handout is mode $(stat -c %a "$out")"
		$check "$fmt" "$f" "$out" || fail "$args: the $fmt export is wrong"
	done
	grep -q "Interceptor" "$tmp/$name.svg" || [ "$name" != scenariomitm ] || fail "mitm: no Interceptor lifeline"
done

# every certificate scenario (failures, three lifelines, long chains) makes
# a well-formed handout in every format
scenarios=$("$bin" --scenario none 2>&1 | sed -n "s/^httpsviz: unknown scenario 'none' (\(.*\))$/\1/p" | tr -d ',')
[ "$(echo "$scenarios" | wc -w)" -ge 6 ] || fail "cannot list the scenarios: '$scenarios'"
for scen in $scenarios; do
	f="$tmp/scen-$scen.jsonl"
	timeout 30 "$bin" --json --no-pcap --scenario "$scen" --save "$f" > /dev/null 2>&1
	[ -s "$f" ] || fail "scenario $scen: no saved run"
	for fmt in text markdown mermaid svg html; do
		"$bin" export "$f" --format "$fmt" -o "$tmp/scen.$fmt" || fail "scenario $scen: export $fmt failed"
		$check "$fmt" "$f" "$tmp/scen.$fmt" || fail "scenario $scen: the $fmt export is wrong"
	done
done

# --export straight from a run prints the handout instead of the trace
timeout 30 "$bin" --export mermaid --no-pcap --kex ecdhe --save "$tmp/direct.jsonl" > "$tmp/direct.mmd" 2> "$tmp/err" ||
	fail "--export failed: $(cat "$tmp/err")"
$check mermaid "$tmp/direct.jsonl" "$tmp/direct.mmd" || fail "--export mermaid is wrong"
"$bin" export "$tmp/direct.jsonl" --format mermaid | cmp -s - "$tmp/direct.mmd" ||
	fail "export of the saved run differs from --export of the run"
# an export straight from a run shows no session secret unless asked
timeout 30 "$bin" --export html --tls 1.3 --no-pcap --keylog "$tmp/keys" > "$tmp/nosecrets.html" ||
	fail "--export html failed"
while read -r _label _random secret; do
	grep -q "$(printf %s "$secret" | cut -c1-24)" "$tmp/nosecrets.html" && fail "a keylog secret is in the handout"
done < "$tmp/keys"
grep -q "left out of this export" "$tmp/nosecrets.html" || fail "the handout does not say the secrets are left out"
timeout 30 "$bin" --export html --tls 1.3 --no-pcap --save-secrets --keylog "$tmp/keys" -o "$tmp/secrets.html" ||
	fail "--export html --save-secrets failed"
[ "$(stat -c %a "$tmp/secrets.html")" = 600 ] || fail "a handout with secrets is not 0600"
grep -q "$(tail -1 "$tmp/keys" | awk '{print $3}' | cut -c1-24)" "$tmp/secrets.html" ||
	fail "--save-secrets did not put the secrets in the handout"
# a lesson's handout runs with the lesson's options (08: TLS 1.3)
timeout 30 "$bin" --export text --lesson 08-tls13 --no-pcap > "$tmp/lesson.txt" || fail "--export with --lesson failed"
grep -q "TLS 1.3" "$tmp/lesson.txt" || fail "the lesson's options were not applied to the export"
"$bin" --export pdf 2> "$tmp/err"
[ $? -eq 2 ] || fail "--export pdf was accepted"

if ! command -v chromium > /dev/null 2>&1; then
	echo "export_browser: SKIP (browser part): chromium cannot be installed here (tools/deps.sh tried)"
	exit 0
fi
browse() { # OUT.png URL [SIZE]
	timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$tmp/chromium" \
		--window-size="${3:-1000,1400}" --screenshot="$1" "$2" > "$tmp/chromium.log" 2>&1
	[ -s "$1" ] || fail "chromium made no screenshot of $2: $(tail -3 "$tmp/chromium.log")"
}
# the svg: TLS blue, TCP teal, certificate purple, key exchange ochre arrows/notes
browse "$tmp/svg.png" "file://$tmp/kexrsa.svg" 900,1300
$check png "$tmp/svg.png" "#1a4fb4" "#00838f" "#8e24aa" "#9a6700" || fail "the svg screenshot lacks the layers' colours"
browse "$tmp/svg13.png" "file://$tmp/tls13.svg" 900,1300
$check png "$tmp/svg13.png" "#1a4fb4" "#8e24aa" || fail "the TLS 1.3 svg screenshot is wrong"
# the svg and the html page printed (Chromium's print to PDF at its default
# settings, as a teacher would print it): exactly one A4 page per page of
# the svg (the html page: per inline svg sheet, without its inspector), none
# blank, no row cut by a page break, no type under 7 pt; a long run (the
# RSA run's events five times over) makes many pages without drift
python3 - "$tmp/kexrsa.jsonl" "$tmp/long.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
out, seq = [lines[0]], 0
for k in range(5):
    for line in lines[1:-1]:
        ev = json.loads(line)
        seq += 1
        ev["seq"], ev["t_us"] = seq, ev["t_us"] + k * 100000
        out.append(json.dumps(ev))
end = json.loads(lines[-1])
end["events"] = seq
out.append(json.dumps(end))
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
"$bin" export "$tmp/long.jsonl" --format svg -o "$tmp/long.svg" || fail "export of a long run failed"
$check svg "$tmp/long.jsonl" "$tmp/long.svg" || fail "the long run's svg is wrong"
"$bin" export "$tmp/long.jsonl" --format html -o "$tmp/long.html" || fail "html export of a long run failed"
$check html "$tmp/long.jsonl" "$tmp/long.html" || fail "the long run's html is wrong"
if command -v pdfinfo > /dev/null 2>&1 && command -v pdftotext > /dev/null 2>&1; then
	for name in kexrsa tls13 scenariomitm long; do
		rm -f "$tmp/$name.pdf"
		timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/chromium" \
			--no-pdf-header-footer --print-to-pdf="$tmp/$name.pdf" "file://$tmp/$name.svg" > "$tmp/chromium.log" 2>&1
		[ -s "$tmp/$name.pdf" ] || fail "chromium did not print $name.svg: $(tail -3 "$tmp/chromium.log")"
		$check pdf "$tmp/$name.jsonl" "$tmp/$name.svg" "$tmp/$name.pdf" || fail "$name.svg does not print on its A4 pages"
		echo "export_browser: $name.svg printed on $(grep -c 'class="page"' "$tmp/$name.svg") A4 pages"
		# the html page printed: the same A4 pages, one per inline svg
		# sheet, none blank, no row cut, no inspector
		rm -f "$tmp/$name.html.pdf"
		timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/chromium" \
			--no-pdf-header-footer --print-to-pdf="$tmp/$name.html.pdf" "file://$tmp/$name.html" > "$tmp/chromium.log" 2>&1
		[ -s "$tmp/$name.html.pdf" ] || fail "chromium did not print $name.html: $(tail -3 "$tmp/chromium.log")"
		$check pdfhtml "$tmp/$name.jsonl" "$tmp/$name.html" "$tmp/$name.html.pdf" ||
			fail "$name.html does not print on its A4 pages"
		[ "$(grep -c 'class="sheet"' "$tmp/$name.html")" = "$(grep -c 'class="page"' "$tmp/$name.svg")" ] ||
			fail "$name: the html page and the svg are paged differently"
		echo "export_browser: $name.html printed on $(grep -c 'class="sheet"' "$tmp/$name.html") A4 pages"
	done
	[ "$(grep -c 'class="page"' "$tmp/long.svg")" -ge 6 ] || fail "the long run is not many pages"
else
	echo "export_browser: SKIP (printing the svg): no pdfinfo/pdftotext (poppler-utils; tools/deps.sh installs it)"
fi
# the html: message 2 (the ClientHello) chosen, its first field with bytes
browse "$tmp/html.png" "file://$tmp/kexrsa.html#ev=2" 1400,1000
$check png "$tmp/html.png" "#1a4fb4" "#ffd54f" || fail "the html screenshot shows no highlighted bytes"
timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/chromium" --dump-dom \
	"file://$tmp/kexrsa.html#ev=2&field=3" > "$tmp/dom.html" 2> "$tmp/chromium.log"
$check dom "$tmp/dom.html" 2 ClientHello || fail "the page's inspector did not show the ClientHello's field"
# a real click: a page that holds the handout in a frame clicks message 4
# (the Certificate), then its third field, and reports what the inspector
# shows; the highlighted bytes must be exactly that field's
cat > "$tmp/click.html" <<HTML
<!DOCTYPE html><html><body><iframe id="f" src="file://$tmp/kexrsa.html" width="1400" height="900"></iframe>
<pre id="out">not loaded</pre><script>
document.getElementById('f').onload = function () {
  var d = this.contentDocument;
  d.getElementById('ev4').dispatchEvent(new MouseEvent('click', {bubbles: true}));
  var title = d.getElementById('insp-title').textContent;
  d.querySelectorAll('#fields .field')[2].dispatchEvent(new MouseEvent('click', {bubbles: true}));
  document.getElementById('out').textContent = JSON.stringify({title: title,
    hl: d.querySelectorAll('#hex .hl').length, sel: d.querySelector('#fields .fsel').textContent});
};
</script></body></html>
HTML
timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/chromium" --allow-file-access-from-files \
	--virtual-time-budget=5000 --dump-dom "file://$tmp/click.html" > "$tmp/click.dom" 2> /dev/null
python3 - "$tmp/click.dom" "$tmp/kexrsa.jsonl" <<'PY' || fail "a click on a message did not show its field's bytes"
import html, json, re, sys
out = re.search(r'<pre id="out">(.*?)</pre>', open(sys.argv[1]).read(), re.S).group(1)
got = json.loads(html.unescape(out))
ev = [json.loads(l) for l in open(sys.argv[2]) if '"seq":4,' in l][0]
flat = []
def walk(fs):
    for f in fs:
        if isinstance(f, list):
            walk(f)
        else:
            flat.append(f)
            walk(f.get("children", []))
walk(ev["fields"])
f = flat[2]
assert got["title"].startswith("#4 "), got
assert got["sel"].startswith(f["name"] + ": "), (got, f["name"])
assert got["hl"] == f["length"], (got, f["length"])
print("export_browser: click on #4, field %s: %d bytes highlighted" % (f["name"], got["hl"]))
PY

# Mermaid itself renders each mermaid export as a sequence diagram with
# one message per arrow (tools/deps.sh installs it from npm, pinned)
mermaid_js=$(cd "$here/../.." && pwd)/build/mermaid/node_modules/mermaid/dist/mermaid.min.js
if [ -f "$mermaid_js" ]; then
	for name in kexrsa tls13 scenariomitm; do
		python3 - "$tmp/$name.mermaid" "$mermaid_js" "$tmp/$name.render.html" <<'PY'
import html, sys
src = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[3], "w", encoding="utf-8").write(
    '<!DOCTYPE html><html><head><meta charset="utf-8"><script src="file://%s"></script></head><body>'
    '<pre class="mermaid">%s</pre><script>mermaid.initialize({startOnLoad:false});'
    "mermaid.run({querySelector:'.mermaid'}).then(function(){document.body.setAttribute('data-done','ok')})"
    ".catch(function(e){document.body.setAttribute('data-done','error: '+e)});</script></body></html>"
    % (sys.argv[2], html.escape(src)))
PY
		timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/chromium" \
			--virtual-time-budget=10000 --dump-dom "file://$tmp/$name.render.html" > "$tmp/$name.dom" 2> /dev/null
		grep -q 'data-done="ok"' "$tmp/$name.dom" ||
			fail "$name: Mermaid cannot render the export: $(grep -o 'data-done="[^"]*"' "$tmp/$name.dom")"
		grep -q 'aria-roledescription="sequence"' "$tmp/$name.dom" || fail "$name: not rendered as a sequence diagram"
		want=$(grep -c -- '->>\|-x' "$tmp/$name.mermaid")
		got=$(grep -o 'class="messageLine[01]"' "$tmp/$name.dom" | wc -l)
		[ "$got" -eq "$want" ] || fail "$name: Mermaid drew $got messages, the export has $want arrows"
	done
	echo "export_browser: Mermaid rendered the mermaid exports"
else
	echo "export_browser: SKIP (Mermaid rendering): no $mermaid_js (tools/deps.sh installs it with npm)"
fi
echo "export_browser: chromium screenshots checked"
exit 0
