"""Asks a running `gridplan serve` many who-covers questions; see tools/bench-serve.

Points are drawn uniformly inside the sample's unit grids (seeded); addresses come from the
labelled geocoding test set. Every answer is checked: status 200, a unit grid in the chain."""
import csv
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
    finally:
        server.terminate()
        server.wait(30)
    sample = points[:20]
    t0 = time.perf_counter()
    for x, y in sample:
        subprocess.run([binary, "who-covers", "--db", db, "--lon", repr(x), "--lat", repr(y), "--json"], check=True, capture_output=True)
    per = (time.perf_counter() - t0) / len(sample)
    print(f"for scale, `gridplan who-covers` as one process per question: {per * 1000:.0f} ms each ({1 / per:.1f}/s)")


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


if __name__ == "__main__":
    main()
