"""Times the console's Pratinjau from the POST to the result page, as an admin's browser sees it.

Against `MERIT_HTTP_ADDR=127.0.0.1:18080 merit serve` with an admin account made by
`echo kata-sandi-bench-1 | merit user add bench@bkpsdm.contoh.go.id --role admin --password-stdin`.
Usage: python3 tools/bench_preview_page.py N   (N drafts, each discarded afterwards)
"""
import urllib.request, urllib.parse, http.cookiejar, re, time, sys
base = "http://127.0.0.1:18080"
cj = http.cookiejar.CookieJar()
class NoRedir(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cj), NoRedir)
def get(p):
    try: r = op.open(base + p); return r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as e: return e.code, e.read().decode(), e.headers
def post(p, d):
    data = urllib.parse.urlencode(d).encode()
    try: r = op.open(base + p, data); return r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as e: return e.code, e.read().decode(), e.headers
s, body, _ = get("/admin/masuk")
tok = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
s, body, h = post("/admin/masuk", {"csrf": tok, "email": "bench@bkpsdm.contoh.go.id", "kata_sandi": "kata-sandi-bench-1"})
assert s == 303, (s, body[:300])
s, body, _ = get("/admin/aturan")
tok = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
times = []
for i in range(int(sys.argv[1])):
    s, body, h = post("/admin/draf", {"csrf": tok, "definisi": "aturan:pppk_paruh_waktu"})
    draft = h["location"]
    s, body, h = post(draft + "/param", {"csrf": tok, "revisi": "1", "nama": "usia_minimal", "nilai": "25"})
    t = time.perf_counter()
    s, body, h = post(draft + "/pratinjau", {"csrf": tok})
    s, body, _ = get(h["location"])
    times.append((time.perf_counter() - t) * 1000)
    assert "ringkasan-pratinjau" in body, body[:500]
    post(draft + "/buang", {"csrf": tok})
times.sort()
print("preview in page, ms: min %.0f p50 %.0f max %.0f (n=%d)" % (times[0], times[len(times)//2], times[-1], len(times)))
