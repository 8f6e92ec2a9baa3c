"""Asks a running `gridplan serve` many who-covers questions; see tools/bench-serve.

Points are drawn uniformly inside the sample's unit grids (seeded); addresses come from the
labelled geocoding test set. Every answer is checked: status 200, a unit grid in the chain."""
import csv
import os
import shutil
import tempfile
import json
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from shapely.geometry import shape


def main():
    binary, db, units_path, n, clients = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    rng = random.Random(2026)
    polygons = [shape(f["geometry"]) for f in json.load(open(units_path))["features"]]
    points = []
    while len(points) < n:
        p = rng.choice(polygons)
        minx, miny, maxx, maxy = p.bounds
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if p.contains(type(p.centroid)(x, y)):
            points.append((x, y))
    with open("GeoData/chikan/gazetteer/testset.csv", encoding="utf-8") as f:
        addresses = [row["address"] for row in csv.DictReader(f)]
    rng.shuffle(addresses)
    addresses = addresses[: max(1, n // 4)]

    server = subprocess.Popen([binary, "serve", "--db", db, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        url = re.search(r"http://\S+?/", server.stdout.readline()).group(0)
        ask = lambda q: get(url + "api/who-covers?" + urllib.parse.urlencode(q, quote_via=urllib.parse.quote))
        ask({"lon": points[0][0], "lat": points[0][1]})          # warm up: the point index is built on first use
        ask({"address": addresses[0]})                          # and the gazetteer
        print(f"gridplan serve, {clients} concurrent clients (Python urllib, on the same 2-core machine):")
        for label, queries in [("points", [{"lon": repr(x), "lat": repr(y)} for x, y in points]),
                               ("addresses", [{"address": a} for a in addresses])]:
            latencies = []
            lock = threading.Lock()
            failures = 0

            def one(q):
                nonlocal failures
                t0 = time.perf_counter()
                status, body = ask(q)
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    if status != 200 and not (label == "addresses" and status == 404):
                        failures += 1
            t0 = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                list(pool.map(one, queries))
            wall = time.perf_counter() - t0
            latencies.sort()
            pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
            print(f"  {label:9s} {len(queries):6d} questions in {wall:6.2f} s: {len(queries) / wall:7.0f} answers/s; "
                  f"latency p50 {pct(0.5):.1f} ms, p95 {pct(0.95):.1f} ms, max {latencies[-1] * 1000:.1f} ms; errors {failures}")
        if shutil.which("wrk"):
            run_wrk(url, points[:1000])
        else:
            print("wrk is not installed (Debian: wrk): the wrk runs are skipped")
    finally:
        server.terminate()
        server.wait(30)
    sample = points[:20]
    t0 = time.perf_counter()
    for x, y in sample:
        subprocess.run([binary, "who-covers", "--db", db, "--lon", repr(x), "--lat", repr(y), "--json"], check=True, capture_output=True)
    per = (time.perf_counter() - t0) / len(sample)
    print(f"for scale, `gridplan who-covers` as one process per question: {per * 1000:.0f} ms each ({1 / per:.1f}/s)")


def wrk_who_covers(url, points, connections, seconds=10, path=None):
    """wrk (Debian) at `connections` connections for `seconds`: who-covers by point cycling through
    `points`, or the fixed `path`. (answers/s, p50 ms, p99 ms, errors); no percentiles for a path."""
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    paths = [f"/api/who-covers?lon={x!r}&lat={y!r}" for x, y in points]
    script.write("paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
                 "i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n"
                 "done = function(summary, latency, requests)\n"
                 "  io.write(string.format(\"RESULT %d %d %.3f %.3f %.3f\\n\", summary.requests, summary.errors.status + summary.errors.connect"
                 " + summary.errors.read + summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000,"
                 " summary.duration / 1e6))\nend\n")
    script.close()
    base = url.rstrip("/")
    try:
        args = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s"]
        args += ["-s", script.name, base] if path is None else [base + path]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    if path is not None:
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        return rate, None, None, 0
    requests, errors, p50, p99, duration = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", out).groups()
    return int(requests) / float(duration), float(p50), float(p99), int(errors)


def run_wrk(url, points, seconds=10):
    """wrk against who-covers by point at 1, 8 and 64 connections, cycling through the points, and
    against /api/health at 8 as the HTTP stack's ceiling on this machine."""
    print(f"wrk, {seconds} s a run (same machine as the server):")
    results = {}
    for c in (1, 8, 64):
        rate, p50, p99, errors = wrk_who_covers(url, points, c, seconds)
        results[c] = rate
        print(f"  who-covers by point, {c:2d} connections: {rate:8.0f} answers/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms, errors {errors}")
    health, _, _, _ = wrk_who_covers(url, points, 8, seconds, path="/api/health")
    print(f"  /api/health,          8 connections: {health:8.0f} answers/s (the HTTP stack's ceiling here)")
    print(f"  who-covers / health at 8 connections: {results[8] / health:.2f} (goal ≥ 0.5; goal ≥ 5,000 answers/s, p99 < 5 ms)")


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


if __name__ == "__main__":
    main()
