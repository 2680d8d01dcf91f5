#!/usr/bin/env python3
"""Checks of httpsviz's exports against the saved run they came from.

  exportcheck.py svg SAVED FILE.svg        the A4 pages, one arrow per
                                            message, every label, every
                                            summary in full
  exportcheck.py pdf SAVED FILE.svg FILE.pdf  FILE.svg printed by a browser:
                                            one A4 page (595x842 pt) per page
                                            of the svg, none blank, each
                                            event's text whole on its page,
                                            no type under 7 pt
  exportcheck.py html SAVED FILE.html      the same inside a self-contained
                                            page (no external resource): one
                                            inline svg per A4 page, laid out
                                            as the svg's pages, and a print
                                            stylesheet (A4, no inspector)
  exportcheck.py pdfhtml SAVED FILE.html FILE.pdf  FILE.html printed: as pdf,
                                            one A4 page per svg sheet, and
                                            none of the inspector's text
  exportcheck.py mermaid SAVED FILE.mmd    a sequenceDiagram: only statements
                                            Mermaid knows, every event once
  exportcheck.py markdown SAVED FILE.md    every summary in a table row
  exportcheck.py text SAVED FILE.txt       every summary (rewrapped) present
  exportcheck.py png FILE.png RGB...       a screenshot that is not blank and
                                            shows each colour (hex) somewhere
  exportcheck.py dom FILE.html SEQ LABEL   the DOM chromium dumped after the
                                            page's script selected event SEQ:
                                            its title, a selected field and
                                            exactly that field's bytes marked
Exit status 0 when all holds, 1 with the reason on stderr."""
import html
import json
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

NS = "{http://www.w3.org/2000/svg}"


def die(msg):
    sys.stderr.write(msg + "\n")
    sys.exit(1)


def events(saved):
    out = []
    with open(saved, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            if "seq" in o:
                out.append(o)
    if not out:
        die("no events in " + saved)
    return out


def is_arrow(e):
    return e["direction"] != "local"


def check_svg_tree(root, evs, paged):
    if paged:
        if root.get("width") != "210mm":
            die("svg width is %r, not 210mm (A4)" % root.get("width"))
        h = root.get("height", "")
        m = re.fullmatch(r"(\d+)mm", h)
        if not m or int(m.group(1)) % 297:
            die("svg height %r is not a whole number of A4 pages" % h)
        vb = root.get("viewBox", "").split()
        if vb[2] != "794" or int(vb[3]) % 1123 or int(vb[3]) // 1123 != int(m.group(1)) // 297:
            die("viewBox %r is not A4 pages" % vb)
        check_svg_pages(root, int(vb[3]) // 1123)
    groups = {}
    for g in root.iter(NS + "g"):
        if g.get("class") == "ev":
            groups[int(g.get("id")[2:])] = g
    for e in evs:
        g = groups.get(e["seq"])
        if g is None:
            die("event %d is not in the diagram" % e["seq"])
        arrows = [x for x in g.iter(NS + "line") if x.get("class") == "arrow"]
        heads = [x for x in g.iter(NS + "path") if x.get("class") == "arrowhead"]
        if is_arrow(e) and (len(arrows) != 1 or len(heads) != 1):
            die("event %d (%s) should have one arrow with a head" % (e["seq"], e["name"]))
        if not is_arrow(e) and arrows:
            die("note %d has an arrow" % e["seq"])
        labels = [x for x in g.iter(NS + "text") if "label" in (x.get("class") or "")]
        if len(labels) != 1 or not (labels[0].text or "").strip():
            die("event %d has no label" % e["seq"])
        full = " ".join((x.text or "") for x in g.iter(NS + "text")
                        if (x.get("class") or "").startswith("full"))
        if re.sub(r"\s+", "", full) != re.sub(r"\s+", "", e["summary"]):
            die("event %d: the text is not the summary in full:\n  %r\n  %r" % (e["seq"], full, e["summary"]))
    legend = [x.text for x in root.iter(NS + "text") if x.get("class") == "legend"]
    if len(legend) < 6:
        die("the legend has %d entries" % len(legend))
    phases = [x.text for x in root.iter(NS + "text") if x.get("class") == "phasetext"]
    if "hello" not in phases:
        die("no phase bands: %r" % phases)
    heads = [x.text for x in root.iter(NS + "text") if x.get("class") == "headtext"]
    if "Client" not in heads or "Server" not in heads:
        die("no lifelines: %r" % heads)


def svg_pages(root):
    """The svg's pages in order: for each, the seqs of the events on it."""
    out = []
    for g in root.iter(NS + "g"):
        if g.get("class") == "page":
            out.append([int(e.get("id")[2:]) for e in g.iter(NS + "g") if e.get("class") == "ev"])
    return out


def check_svg_pages(root, n, style=None):
    """n A4 groups in order, @page asking for A4 without margins (in the
    svg's own style, or in style where given), and every row inside its
    page's margins (none cut by a page break)."""
    if style is None:
        style = "".join(x.text or "" for x in root.iter(NS + "style"))
    if not re.search(r"@page\s*\{\s*size:\s*A4;\s*margin:\s*0", style):
        die("the style does not ask for A4 paper without margins")
    pages = [g for g in root.iter(NS + "g") if g.get("class") == "page"]
    if [g.get("id") for g in pages] != ["page%d" % (k + 1) for k in range(n)]:
        die("the svg is %d A4 pages tall but its page groups are %r" % (n, [g.get("id") for g in pages]))
    for k, page in enumerate(pages):
        top, bottom = k * 1123 + 36, (k + 1) * 1123 - 36
        foot = [t.text for t in page.iter(NS + "text") if t.get("class") == "meta" and t.get("text-anchor") == "end"]
        if foot != ["page %d" % (k + 1)]:
            die("page %d is numbered %r" % (k + 1, foot))
        for g in page.iter(NS + "g"):
            if g.get("class") not in ("ev", "phaseband"):
                continue
            r = g.find(NS + "rect")
            y, h = float(r.get("y")), float(r.get("height"))
            if y < top or y + h > bottom:
                die("page %d: a row at y %g..%g crosses the page's margins %d..%d" % (k + 1, y, y + h, top, bottom))


def squash(s):
    return re.sub(r"\s+", "", s)


def check_pdf(saved, svg, pdf, pages=None, absent=()):
    """svg printed as pdf: pages are the seqs on each page (default: those
    of the svg file); no word of the texts absent may be printed."""
    evs = events(saved)
    if pages is None:
        pages = svg_pages(ET.parse(svg).getroot())
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "1000", pdf], capture_output=True, text=True, check=True).stdout
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    if len(sizes) != len(pages):
        die("printed on %d pages, the svg has %d A4 pages" % (len(sizes), len(pages)))
    for k, (w, h) in enumerate(sizes):
        if abs(float(w) - 595.28) > 1.5 or abs(float(h) - 841.89) > 1.5:
            die("page %d is %s x %s pt, not A4 (595 x 842)" % (k + 1, w, h))
    bbox = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
    texts = []
    for k, page in enumerate(re.findall(r"<page [^>]*>(.*?)</page>", bbox, re.S)):
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)
        # the words the paper shows: inside the page (a row cut by the page
        # break would leave words outside it, or half of its text on the next)
        shown = [(float(y0), float(y1), html.unescape(w)) for x0, y0, x1, y1, w in words
                 if float(y0) >= 0 and float(y1) <= float(sizes[k][1]) and float(x1) <= float(sizes[k][0])]
        if len(shown) < 10:
            die("page %d is blank (%d words)" % (k + 1, len(shown)))
        heads = [w for _, _, w in shown]
        if "Client" not in heads or "Server" not in heads or "%d" % (k + 1) not in heads:
            die("page %d lacks the lifeline heads or its number" % (k + 1))
        small = min(y1 - y0 for y0, y1, _ in shown)
        # a word's box is the font's ascent + descent: 1.16 em in DejaVu Sans
        if small / 1.16 < 7.0:
            die("page %d has type of %.1f pt, under 7 pt" % (k + 1, small / 1.16))
        texts.append(squash("".join(w for _, _, w in shown)))
        every = [html.unescape(w[4]) for w in words]
        for a in absent:
            # a phrase anywhere, a single word (a heading) as a word
            if (squash(a) in squash("".join(every))) if " " in a else a in every:
                die("page %d prints %r, which is the page's interactive part" % (k + 1, a))
    if len(texts) != len(pages):
        die("pdftotext read %d pages, pdfinfo %d" % (len(texts), len(pages)))
    for e in evs:
        on = [k for k, seqs in enumerate(pages) if e["seq"] in seqs]
        if len(on) != 1 or squash(e["summary"]) not in texts[on[0]]:
            die("event %d: its text is not whole on printed page %r, where the svg puts it" %
                (e["seq"], [k + 1 for k in on]))


def check_svg(saved, path):
    evs = events(saved)
    root = ET.parse(path).getroot()
    check_svg_tree(root, evs, True)


def html_sheets(text):
    """The html page's inline svgs, parsed, and one svg holding them all."""
    sheets = [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", text, re.S)]
    if not sheets:
        die("no inline svg")
    whole = ET.Element(NS + "svg")
    for sh in sheets:
        whole.extend(list(sh))
    return sheets, whole


def check_html(saved, path):
    evs = events(saved)
    text = open(path, encoding="utf-8").read()
    for bad in (r"<script[^>]+src", r"<link", r"@import", r"url\(", r"https?://(?!www\.w3\.org/2000/svg)"):
        if re.search(bad, text):
            die("the page loads something from outside: " + bad)
    sheets, whole = html_sheets(text)
    check_svg_tree(whole, evs, False)
    # one A4 sheet per page of the svg export, each its own page group
    for k, sh in enumerate(sheets):
        if sh.get("class") != "sheet" or sh.get("width") != "794" or sh.get("height") != "1123":
            die("inline svg %d is not an A4 sheet: %r" % (k + 1, sh.attrib))
        if sh.get("viewBox", "").split() != ["0", str(k * 1123), "794", "1123"]:
            die("sheet %d shows %r, not its A4 page" % (k + 1, sh.get("viewBox")))
        ids = [g.get("id") for g in sh.iter(NS + "g") if g.get("class") == "page"]
        if ids != ["page%d" % (k + 1)]:
            die("sheet %d holds the page groups %r" % (k + 1, ids))
    head = re.search(r"<head>.*?</head>", text, re.S).group(0)
    check_svg_pages(whole, len(sheets), head)
    m = re.search(r"@media print\s*\{(.*?)\}\s*\n", head, re.S)
    if not m:
        die("the page has no print stylesheet")
    pr = m.group(1)
    if not re.search(r"#insp[^{]*\{display:none", pr) or not re.search(r"break-after:page", pr):
        die("the print stylesheet does not hide the inspector or break after each sheet: %r" % pr)
    m = re.search(r'<script type="application/json" id="events">(.*?)</script>', text, re.S)
    data = json.loads(m.group(1))
    if [d["seq"] for d in data] != [e["seq"] for e in evs]:
        die("the page's data does not hold every event")
    for d, e in zip(data, evs):
        if d["summary"] != e["summary"] or len(d["fields"]) != count_fields(e["fields"]):
            die("event %d: the page's data differs from the saved run" % e["seq"])


def check_pdf_html(saved, path, pdf):
    """The html page printed: one A4 page per sheet, each as the svg's
    checks want it, and none of the inspector (its headings, its text for
    the message selected on load, the header's hint)."""
    text = open(path, encoding="utf-8").read()
    sheets, _ = html_sheets(text)
    pages = [[int(e.get("id")[2:]) for e in sh.iter(NS + "g") if e.get("class") == "ev"] for sh in sheets]
    m = re.search(r'<script type="application/json" id="events">(.*?)</script>', text, re.S)
    first = json.loads(m.group(1))[0]
    absent = ["click a message (or use j/k)", "Fields", "Bytes", first["explain"]]
    check_pdf(saved, None, pdf, pages, [a for a in absent if a])


def count_fields(fs):
    n = 0
    for f in fs:
        if isinstance(f, list):
            n += count_fields(f)
        else:
            n += 1 + count_fields(f.get("children", []))
    return n


def unmermaid(s):
    return (s.replace("#35;", "#").replace("#59;", ";").replace("#lt;", "<")
            .replace("#gt;", ">").replace("#37;", "%"))


def check_mermaid(saved, path):
    evs = events(saved)
    lines = open(path, encoding="utf-8").read().splitlines()
    if lines[0] != "sequenceDiagram":
        die("not a sequenceDiagram")
    ok = [r"    title .+", r"    participant [CMS] as \w+", r"    rect rgb\(\d+, \d+, \d+\)", r"    end",
          r"    Note over [CMS](,[CMS])?: [^;#]+", r"    [CMS](->>|-x)[CMS]: [^;#]+"]
    seen = []
    depth = 0
    for ln in lines[1:]:
        if not any(re.fullmatch(p, ln.replace("#35;", "").replace("#59;", "").replace("#lt;", "")
                                .replace("#gt;", "").replace("#37;", "")) for p in ok):
            die("not a Mermaid statement: %r" % ln)
        depth += ln.strip().startswith("rect ") - (ln.strip() == "end")
        if depth < 0 or depth > 2:
            die("rect/end do not pair")
        m = re.match(r"    [^:]+: (\d+) \[\w+\] ", ln)
        if m:
            seen.append(int(m.group(1)))
            if not unmermaid(ln).endswith(" - " + next(e for e in evs if e["seq"] == seen[-1])["summary"]):
                die("event %s: not the summary in full" % seen[-1])
    if depth != 0:
        die("a rect is not closed")
    if seen != [e["seq"] for e in evs]:
        die("events missing or out of order: %r" % seen)


def check_markdown(saved, path):
    evs = events(saved)
    text = open(path, encoding="utf-8").read()
    if "```mermaid\nsequenceDiagram" not in text:
        die("no mermaid block")
    for e in evs:
        s = e["summary"]
        for ch in "\\|*_`[]":
            s = s.replace(ch, "\\" + ch)
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if not re.search(r"^\| %d \|.*%s \|$" % (e["seq"], re.escape(s)), text, re.M):
            die("event %d is not a full table row" % e["seq"])


def check_text(saved, path):
    evs = events(saved)
    text = open(path, encoding="utf-8").read()
    flat = re.sub(r"\s+", " ", text)
    for e in evs:
        if re.sub(r"\s+", " ", e["summary"]) not in flat:
            die("event %d's summary is not in the text in full" % e["seq"])
    if "== hello ==" not in text:
        die("no phases")


def png_pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        die("not a PNG")
    pos = 8
    idat = b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    if depth != 8 or ctype not in (2, 6):
        die("unexpected PNG type %d/%d" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(path, colours):
    w, h, bpp, rows = png_pixels(path)
    seen = set()
    for r in rows:
        for x in range(0, w * bpp, bpp):
            seen.add(r[x:x + 3])
    if len(seen) < 50:
        die("the screenshot is nearly blank (%d colours)" % len(seen))
    for hexc in colours:
        want = bytes.fromhex(hexc.lstrip("#"))
        close = any(all(abs(p[k] - want[k]) <= 6 for k in range(3)) for p in seen)
        if not close:
            die("no pixel of colour %s in the screenshot" % hexc)


def check_dom(path, seq, label):
    dom = open(path, encoding="utf-8").read()
    m = re.search(r'<h2 id="insp-title"[^>]*>([^<]*)</h2>', dom)
    if not m or m.group(1) != "#%s %s" % (seq, label):
        die("the inspector's title is %r" % (m.group(1) if m else None))
    if 'class="field fsel"' not in dom:
        die("no field is selected")
    rng = re.search(r'class="field fsel".*?\[bytes (\d+)\.\.(\d+)\]', dom)
    if not rng:
        die("the selected field has no bytes")
    want = int(rng.group(2)) - int(rng.group(1)) + 1
    got = dom.count('class="byte hl"')
    if got != want:
        die("%d bytes are highlighted, the field has %d" % (got, want))
    if 'class="ev sel"' not in dom:
        die("the message is not marked selected in the diagram")


def main():
    kind = sys.argv[1]
    if kind == "png":
        check_png(sys.argv[2], sys.argv[3:])
    elif kind == "pdf":
        check_pdf(sys.argv[2], sys.argv[3], sys.argv[4])
    elif kind == "pdfhtml":
        check_pdf_html(sys.argv[2], sys.argv[3], sys.argv[4])
    elif kind == "dom":
        check_dom(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        {"svg": check_svg, "html": check_html, "mermaid": check_mermaid, "markdown": check_markdown,
         "text": check_text}[kind](sys.argv[2], sys.argv[3])


main()
