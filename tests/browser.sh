#!/usr/bin/env bash
# A real browser opens report.html: Debian's chromium, headless, driven over the DevTools
# protocol on a pipe (--remote-debugging-pipe: no network port, no websocket library).
# For each page it checks that
#   - the page loads (Page.loadEventFired) within the time limit,
#   - no console message, JavaScript exception or failed resource load was logged
#     (Runtime.consoleAPICalled, Runtime.exceptionThrown, Log.entryAdded with level error),
#   - every <img> finished loading with a non-zero natural size, and every inline <svg>
#     chart was laid out with a non-zero box and holds drawn paths and text,
#   - every relative link points at a file that exists,
#   - a full-page screenshot is not blank (enough non-white pixels, enough colours).
# It checks the report of a fixed small run (tests/data/report/run), the report of the
# default scenario, each chart file on its own (SVG and PNG as <img>), and, so that the
# checker itself is tested, a broken page that must fail each check.
#
# Chromium is required: a missing browser is a failure, not a skip (`make test` installs
# it through tools/deps.sh). Prints "ok - ..." / "not ok - ..." lines and one
# "browser: N passed, M failed" line; exits 1 on any failure.
set -u
. "$(dirname "$0")/lib.sh"
finish() { echo "browser: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-browser.XXXXXX") || exit 2
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  notok "chromium is installed (run tools/deps.sh chromium, or make test)"
  finish
fi
ok "chromium found: $CHROMIUM"
if [ ! -x "$PY" ]; then
  notok "$PY is installed"
  finish
fi

cat >"$work/check.py" <<'EOF'
# check.py CHROMIUM PAGE...   with PAGE = LABEL|URL|SCREENSHOT.png|EXPECTED_FIGURES (-1: any)
# One browser for all pages, each page in a fresh tab. Prints one line per check,
# "ok LABEL: what" or "fail LABEL: what: why"; exits 0 when every check passed.
import base64, json, os, select, struct, subprocess, sys, tempfile, time, zlib

chromium, pages = sys.argv[1], [p.split("|") for p in sys.argv[2:]]
DEADLINE = time.time() + 240

to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()
def child_fds():
    # chromium reads commands on fd 3 and writes answers on fd 4; copy the pipe ends
    # out of the way first (either may already be 3 or 4) and make both survive exec
    a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
    os.dup2(a, 3)
    os.dup2(b, 4)
    os.set_inheritable(3, True)
    os.set_inheritable(4, True)
profile = tempfile.mkdtemp(prefix="aidcsim-chromium-")
proc = subprocess.Popen(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
     "--disable-background-networking", "--disable-component-update", "--disable-sync",
     "--disable-extensions", "--user-data-dir=" + profile, "--remote-debugging-pipe",
     "--window-size=1000,800", "about:blank"],
    preexec_fn=child_fds, close_fds=False, stdin=subprocess.DEVNULL,
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_chrome_r)
os.close(from_chrome_w)

buf = b""
events = []
next_id = 0

def send(method, params=None, session=None):
    global next_id
    next_id += 1
    msg = {"id": next_id, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    os.write(to_chrome_w, json.dumps(msg).encode() + b"\0")
    return next_id

def pump(timeout):
    """Moves what chromium sends within timeout seconds into events."""
    global buf
    r, _, _ = select.select([from_chrome_r], [], [], max(0, timeout))
    if r:
        chunk = os.read(from_chrome_r, 1 << 20)
        if not chunk:
            raise EOFError("chromium closed the pipe")
        buf += chunk
    while b"\0" in buf:
        msg, buf = buf.split(b"\0", 1)
        events.append(json.loads(msg))

def take(match):
    """The first message that match() accepts, removed from events; waits for it."""
    while True:
        for k, m in enumerate(events):
            if match(m):
                return events.pop(k)
        if time.time() > DEADLINE:
            raise TimeoutError("no answer from chromium in time")
        pump(DEADLINE - time.time())

def call(method, params=None, session=None):
    i = send(method, params, session)
    m = take(lambda m: m.get("id") == i)
    if "error" in m:
        raise RuntimeError("%s: %s" % (method, m["error"]))
    return m.get("result", {})

def png_pixels(data):
    """(width, height, bytes per pixel, rows) of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "unexpected PNG format"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride if f else 0):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows

PROBE = r"""
(() => {
  const r = {imgs: 0, badImgs: [], svgs: 0, badSvgs: [], figures: 0, links: []};
  for (const im of document.images) {
    r.imgs++;
    if (!im.complete || im.naturalWidth === 0 || im.naturalHeight === 0) r.badImgs.push(im.src);
  }
  for (const s of document.querySelectorAll("figure svg")) {
    r.svgs++;
    const b = s.getBoundingClientRect();
    const paths = s.querySelectorAll("path").length, texts = s.querySelectorAll("text").length;
    let inner = {width: 0, height: 0};
    try { inner = s.getBBox(); } catch (e) {}
    if (b.width < 100 || b.height < 100 || paths < 3 || texts < 3 || inner.width <= 0)
      r.badSvgs.push((s.parentElement && s.parentElement.id) || "?");
  }
  r.figures = document.querySelectorAll("figure").length;
  for (const a of document.querySelectorAll("a[href]")) r.links.push(a.getAttribute("href"));
  r.height = Math.ceil(document.documentElement.scrollHeight);
  return JSON.stringify(r);
})()"""

def problems_of(m):
    meth, p = m.get("method"), m.get("params", {})
    if meth == "Runtime.consoleAPICalled":
        return "console.%s: %s" % (p.get("type"), " ".join(
            str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
    if meth == "Runtime.exceptionThrown":
        return "exception: %s" % p.get("exceptionDetails", {}).get("text")
    if meth == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
        e = p["entry"]
        return "log %s: %s %s" % (e.get("level"), e.get("text"), e.get("url", ""))
    if meth == "Network.loadingFailed":
        return "load failed: %s" % p.get("errorText")
    return None

def check_page(label, url, shot, expect, out):
    def check(what, good, why=""):
        out.append((label, what, good, why))
    target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        call(domain + ".enable", session=session)
    call("Emulation.setDeviceMetricsOverride",
         {"width": 1000, "height": 800, "deviceScaleFactor": 1, "mobile": False}, session=session)
    events[:] = [m for m in events if m.get("sessionId") != session]  # about:blank's own
    nav = call("Page.navigate", {"url": url}, session=session)
    check("navigates", "errorText" not in nav, nav.get("errorText", ""))
    take(lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session)
    check("load event fired", True)
    got = call("Runtime.evaluate", {"expression": PROBE, "returnByValue": True}, session=session)
    info = json.loads(got["result"]["value"])
    check("every image loaded (%d)" % info["imgs"], not info["badImgs"], " ".join(info["badImgs"]))
    check("every chart laid out with paths and text (%d)" % info["svgs"], not info["badSvgs"],
          " ".join(info["badSvgs"]))
    if expect >= 0:
        check("%d charts on the page" % expect, info["figures"] == expect, "found %d" % info["figures"])
    base = url[len("file://"):] if url.startswith("file://") else None
    missing = []
    for href in info["links"]:
        if href.startswith(("http:", "https:", "//")):
            missing.append(href + " (external)")
        elif base and not href.startswith("#") and \
                not os.path.exists(os.path.join(os.path.dirname(base), href.split("#")[0])):
            missing.append(href)
    check("every link is relative and resolves (%d)" % len(info["links"]), not missing, " ".join(missing))
    # the whole page at a fifth of its size: enough to see ink, quick to decode here
    height = max(800, min(int(info["height"]), 12000))
    shotres = call("Page.captureScreenshot",
                   {"format": "png", "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": 1000, "height": height, "scale": 0.2}},
                   session=session)
    png = base64.b64decode(shotres["data"])
    with open(shot, "wb") as f:
        f.write(png)
    w, h, bpp, rows = png_pixels(png)
    sample = [row[x:x + 3] for row in rows for x in range(0, w * bpp, bpp)]
    ink = sum(1 for p in sample if min(p) < 235) / max(1, len(sample))
    colours = len(set(sample))
    check("screenshot %dx%d not blank (%.1f%% ink, %d colours)" % (w, h, 100 * ink, colours),
          ink > 0.02 and colours > 8, "too little drawn")
    # late log entries: give the page a moment, then judge everything this tab logged
    end = time.time() + 0.3
    while time.time() < end:
        pump(end - time.time())
    mine = [m for m in events if m.get("sessionId") == session]
    events[:] = [m for m in events if m.get("sessionId") != session]
    problems = [p for p in map(problems_of, mine) if p]
    check("no console messages, exceptions or failed loads", not problems, "; ".join(problems)[:400])
    call("Target.closeTarget", {"targetId": target})

out = []
try:
    for label, url, shot, expect in pages:
        try:
            check_page(label, url, shot, int(expect), out)
        except (RuntimeError, AssertionError, KeyError, ValueError) as e:
            out.append((label, "page checked", False, "%s: %s" % (type(e).__name__, e)))
    try:
        send("Browser.close")
    except OSError:
        pass
except Exception as e:
    out.append(("browser", "session", False, "%s: %s" % (type(e).__name__, e)))
finally:
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    subprocess.run(["rm", "-rf", profile])

bad = 0
for label, what, good, why in out:
    print(("ok " if good else "fail ") + label + ": " + what + ("" if good else ": " + why))
    bad += not good
sys.exit(1 if bad else 0)
EOF

# 1. the fixed run's report (every chart has data: 9 figures) and each of its chart files
#    on its own, as an image (a stricter XML parse than inline SVG)
site=$work/fixture
mkdir -p "$site"
cp tests/data/report/run/summary.json tests/data/report/run/timeseries.csv \
   tests/data/report/run/jobs.csv tests/data/report/run/racks.csv "$site/"
pages=()
if "$AIDCSIM" report "$site" --quiet 2>"$work/report.err"; then
  pages+=("fixture|file://$site/report.html|$work/fixture.png|9")
  {
    echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>charts</title></head><body>'
    for f in "$site"/charts/*.svg "$site"/charts/*.png; do
      echo "<p><img src=\"charts/$(basename "$f")\" alt=\"$(basename "$f")\"></p>"
    done
    echo '</body></html>'
  } >"$site/images.html"
  pages+=("chart files as images|file://$site/images.html|$work/images.png|-1")
else
  notok "fixture: aidcsim report succeeds ($(tr '\n' ' ' <"$work/report.err"))"
fi

# 2. the default scenario, as `make run` writes it
if "$AIDCSIM" run scenarios/default.json -o "$work/default" --quiet 2>"$work/run.err"; then
  pages+=("default|file://$work/default/report.html|$work/default.png|8")
else
  notok "default: aidcsim run succeeds ($(tr '\n' ' ' <"$work/run.err"))"
fi

# 3. so that the checker is tested too: a broken page (a missing image, a console error,
#    a dead link, almost no ink) must fail each of those checks
bad=$work/bad
mkdir -p "$bad"
cat >"$bad/report.html" <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title></head><body>
<p>text</p><img src="missing.png" alt="missing"><a href="nowhere.csv">x</a>
<script>console.error("deliberate");</script></body></html>
EOF
pages+=("broken|file://$bad/report.html|$work/bad.png|-1")

timeout 300 "$PY" "$work/check.py" "$CHROMIUM" "${pages[@]}" >"$work/check.out" 2>"$work/check.err"
rc=$?
while IFS= read -r line; do
  case "$line" in
    "ok broken: "* | "fail broken: "*) ;;
    "ok "*) ok "${line#ok }" ;;
    "fail "*) notok "${line#fail }" ;;
  esac
done <"$work/check.out"
if [ $rc -ne 0 ] && ! grep -q '^fail ' "$work/check.out"; then
  notok "checker exit $rc ($(tr '\n' ' ' <"$work/check.err" | cut -c1-300))"
fi
if grep -q '^fail broken: every image loaded' "$work/check.out" \
   && grep -q '^fail broken: no console messages' "$work/check.out" \
   && grep -q '^fail broken: every link is relative and resolves' "$work/check.out" \
   && grep -q '^fail broken: screenshot' "$work/check.out"; then
  ok "the checker fails a page with a missing image, a console error, a dead link and almost no ink"
else
  notok "the checker fails a broken page ($(grep broken "$work/check.out" | tr '\n' ' ' | cut -c1-400))"
fi

finish
