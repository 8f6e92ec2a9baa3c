"""Kill -9 at random points of gridplan's long commands; check that every kill is survived.

Run through tools/chaos. Works on copies of a plan built from the shipped sample (GeoData/chikan,
streets and communities, as tools/demo imports them) and on generated inputs; never on anything
else. For each command:

1. an uninterrupted reference run on a fresh copy: its result (row counts and a SHA-256 of the
   relevant tables' content, or of the output file) and how long it took;
2. for each kill: a fresh copy, the command started and killed with SIGKILL after a seeded random
   share of the reference time; then SQLite's `PRAGMA integrity_check` on the plan (it must say
   ok); then the same command run again until it ends (it resumes, or starts over), and its
   result compared with the reference. A kill is survived when the plan is intact and the final
   result is the reference's.

Commands: `import` (areas under the communities), `cases import` (N generated rows, batches of
5,000), `partition` (one community cut into units), `geocode` (a file of N addresses, batches
of 2,000). Prints one line per kill and "survived K of N kills"; exits 1 when one was not.
"""
import argparse
import csv
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "GeoData" / "chikan"

# Columns that say when something happened, not what: left out of the comparison.
VOLATILE = {"imported_at", "import_run", "filing", "created_at", "updated_at", "assigned_at", "status_at", "at", "last_change"}
TABLES = {
    "import": ["grids", "plan_versions"],
    "cases": ["cases_with_grids", "case_assignments"],
    "partition": ["grids", "plan_versions", "plan_changes"],
}


def default_binary():
    if os.environ.get("GRIDPLAN"):
        return os.environ["GRIDPLAN"]
    release = ROOT / ".build" / "release" / "gridplan"
    return str(release if release.exists() else ROOT / ".build" / "debug" / "gridplan")


def run(binary, args, check=True):
    result = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    # 1: done, with rejected rows or findings.
    if check and result.returncode not in (0, 1):
        raise RuntimeError(f"gridplan {' '.join(map(str, args))} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def base_plan(binary, work):
    """Streets and communities of the sample, with its gazetteer: the plan every copy starts from."""
    db = work / "base.gpkg"
    for level, name in [("street", "streets"), ("community", "communities")]:
        parent = [] if level == "street" else ["--parent-field", "parent"]
        run(binary, ["import", SAMPLE / f"{name}.geojson", "--db", db, "--level", level, "--crs", "cgcs2000",
                     "--valid-from", "2024-01-01", *parent])
    run(binary, ["gazetteer", "import", "--defaults", "--db", db])
    return db


def generated_cases(path, rows, rng):
    """`rows` cases drawn from the sample backlog with new ids and jittered points (about 100 m)."""
    with open(SAMPLE / "cases_2024.csv", encoding="utf-8") as f:
        sample = list(csv.DictReader(f))
    fields = list(sample[0].keys())
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for i in range(rows):
            r = dict(sample[i % len(sample)])
            r["id"] = f"X{i:07d}"
            r["lon"] = f"{float(r['lon']) + rng.uniform(-0.001, 0.001):.7f}" if r["lon"] else ""
            r["lat"] = f"{float(r['lat']) + rng.uniform(-0.001, 0.001):.7f}" if r["lat"] else ""
            w.writerow(r)


def generated_addresses(path, rows):
    with open(SAMPLE / "gazetteer" / "testset.csv", encoding="utf-8") as f:
        addresses = [r["address"] for r in csv.DictReader(f)]
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,address\n")
        for i in range(rows):
            f.write(f"A{i},{addresses[i % len(addresses)]}\n")


def integrity(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        return c.execute("PRAGMA integrity_check").fetchone()[0]


def fingerprint(db, tables):
    """Row count and SHA-256 of each table's rows, volatile columns left out, in a stable order."""
    out = {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        for table in tables:
            columns = [r[1] for r in c.execute(f"PRAGMA table_info({table})") if r[1] not in VOLATILE]
            select = ", ".join(f"quote({col})" for col in columns)
            digest = hashlib.sha256()
            n = 0
            for row in c.execute(f"SELECT {select} FROM {table} ORDER BY {select}"):
                digest.update("|".join(row).encode())
                n += 1
            out[table] = (n, digest.hexdigest()[:16])
    return out


def file_fingerprint(path):
    data = Path(path).read_bytes()
    return {"out": (data.count(b"\n"), hashlib.sha256(data).hexdigest()[:16])}


def commands(binary, work, rows, rng):
    """Each command: its arguments for a plan copy (and the output path), and what to compare."""
    cases = work / "cases.csv"
    generated_cases(cases, rows, rng)
    addresses = work / "addresses.csv"
    generated_addresses(addresses, rows)
    return {
        "import": lambda db, out: (["import", SAMPLE / "areas.geojson", "--db", db, "--level", "area", "--crs", "cgcs2000",
                                    "--parent-field", "parent", "--valid-from", "2024-03-01"], None),
        "cases": lambda db, out: (["cases", "import", cases, "--db", db, "--crs", "cgcs2000", "--batch-size", "5000",
                                   "--rejects", out.with_suffix(".rejects.csv")], None),
        "partition": lambda db, out: (["partition", "--db", db, "--parent", "金沙湾社区", "--barriers", SAMPLE / "roads.geojson",
                                       "--buildings", SAMPLE / "buildings.geojson", "--valid-from", "2024-03-01"], None),
        "geocode": lambda db, out: (["geocode", addresses, "--address-field", "address", "--db", db, "--out", out,
                                     "--batch-size", "2000"], out),
    }


def result_of(name, db, out):
    return file_fingerprint(out) if name == "geocode" else fingerprint(db, TABLES[name])


def chaos(binary, names, kills, rows, seed, work, say=print):
    rng = random.Random(seed)
    base = base_plan(binary, work)
    table = commands(binary, work, rows, rng)
    survived = total = 0
    for name in names:
        make = table[name]
        ref_db, ref_out = work / f"{name}-ref.gpkg", work / f"{name}-ref.csv"
        shutil.copy(base, ref_db)
        args, _ = make(ref_db, ref_out)
        started = time.monotonic()
        run(binary, args)
        seconds = time.monotonic() - started
        reference = result_of(name, ref_db, ref_out)
        if seconds < 3:
            # A short command: time it once more, warm, so that kills land inside it.
            again_db, again_out = work / f"{name}-ref2.gpkg", work / f"{name}-ref2.csv"
            shutil.copy(base, again_db)
            started = time.monotonic()
            run(binary, make(again_db, again_out)[0])
            seconds = min(seconds, time.monotonic() - started)
        before = None if name == "geocode" else result_of(name, base, None)
        say(f"{name}: reference run {seconds:.2f} s, {reference}")
        for k in range(kills):
            total += 1
            db, out = work / f"{name}-{k}.gpkg", work / f"{name}-{k}.csv"
            shutil.copy(base, db)
            args, _ = make(db, out)
            delay = rng.uniform(0.05, 0.95) * seconds
            process = subprocess.Popen([binary, *map(str, args)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            finished_first = process.poll() is not None
            if not finished_first:
                process.send_signal(signal.SIGKILL)
            process.wait()
            problems = []
            resumed = False
            if finished_first:
                if result_of(name, db, out) != reference:
                    problems.append("ran to the end before the kill, with another result")
            else:
                check = integrity(db)
                if check != "ok":
                    problems.append(f"integrity_check: {check}")
                now = result_of(name, db, out) if name != "geocode" or out.exists() else None
                if now != reference:
                    # Not done yet: a one-transaction command must have left the plan as it was.
                    if name in ("import", "partition") and now != before:
                        problems.append(f"partly applied: {now}")
                    again = run(binary, args, check=False)
                    resumed = "resumed" in again.stdout
                    if again.returncode not in (0, 1):
                        problems.append(f"rerun failed ({again.returncode}): {again.stderr.strip()[:200]}")
                    elif result_of(name, db, out) != reference:
                        problems.append(f"result differs: {result_of(name, db, out)} != {reference}")
            leftovers = [p.name for p in work.iterdir() if p.name.startswith(".gridplan-tmp-")]
            if leftovers:
                problems.append(f"temporary files left: {leftovers}")
            when = "finished before the kill" if finished_first else f"killed after {delay:.2f} s"
            if problems:
                say(f"  {name} #{k + 1}: {when}: NOT survived: {'; '.join(problems)}")
            else:
                survived += 1
                say(f"  {name} #{k + 1}: {when}: survived{' (resumed)' if resumed else ''}")
            for p in (db, out):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(p) + suffix).unlink(missing_ok=True)
    say(f"survived {survived} of {total} kills")
    return survived, total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gridplan", default=default_binary(), help="the binary (default: $GRIDPLAN, else the release build, else debug)")
    parser.add_argument("--commands", default="import,cases,partition,geocode", help="comma-separated: import, cases, partition, geocode")
    parser.add_argument("--kills", type=int, default=4, help="kills per command (default 4)")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the generated cases and addresses (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    a = parser.parse_args()
    names = [n for n in a.commands.split(",") if n]
    unknown = [n for n in names if n not in ("import", "cases", "partition", "geocode")]
    if unknown or a.kills < 1 or a.rows < 1:
        parser.error(f"--commands: unknown {unknown}" if unknown else "--kills and --rows must be at least 1")
    work = Path(tempfile.mkdtemp(prefix="gridplan-chaos-"))
    print(f"gridplan: {a.gridplan}; working in {work}; seed {a.seed}")
    try:
        survived, total = chaos(a.gridplan, names, a.kills, a.rows, a.seed, work)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if survived == total else 1)


if __name__ == "__main__":
    main()
