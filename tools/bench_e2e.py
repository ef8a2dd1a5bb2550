#!/usr/bin/env python3
"""End-to-end benchmark runs for `make bench`: each scenario runs REPS times
as `aidcsim run --quiet --profile` under /usr/bin/time -v; prints the median
wall time with the CPU (user+sys) time beside it, events, events/s, peak RSS
and the engine/policy/models split from the run's own profile, then the
scaling ratios of a series (time per event at x4 and x16 over x1). Rows are
also written as CSV. Wall-clock figures only: nothing here is a test.

usage: bench_e2e.py --bin build/aidcsim [--reps 3] [--csv build/bench.csv]
                    [--series x1=A.json,x4=B.json,x16=C.json] SCENARIO...
"""
import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile


CSV_HEADER = ("kind,name,gpus,jobs,pending,ns_per_event,wall_s,cpu_s,events,events_per_s,rss_mb,"
              "engine_s,policy_s,models_s,setup_s,per_event_ratio\n")


def run_once(binary, scenario, out_dir):
    cmd = ["/usr/bin/time", "-v", binary, "run", scenario, "-o", out_dir, "--quiet", "--profile"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        raise SystemExit(f"bench: {scenario}: aidcsim exited {p.returncode}")
    err = p.stderr
    def grab(pattern):
        m = re.search(pattern, err)
        if not m:
            raise SystemExit(f"bench: {scenario}: no '{pattern}' in the output")
        return m.group(1)
    wall = grab(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)")
    parts = [float(x) for x in wall.split(":")]
    wall_s = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) > 2 else 0)
    cpu_s = float(grab(r"User time \(seconds\): (\S+)")) + float(grab(r"System time \(seconds\): (\S+)"))
    rss_mb = float(grab(r"Maximum resident set size \(kbytes\): (\d+)")) / 1024
    prof = dict(kv.split("=") for kv in grab(r"(?m)^profile: (.*)$").split())
    with open(os.path.join(out_dir, "summary.json")) as f:
        summary = json.load(f)
    return {"wall_s": wall_s, "cpu_s": cpu_s, "rss_mb": rss_mb,
            "events": int(prof["events"]), "engine_s": float(prof["engine_s"]),
            "policy_s": float(prof["policy_s"]), "models_s": float(prof["models_s"]),
            "setup_s": float(prof["setup_s"]), "run_s": float(prof["run_s"]),
            "gpus": summary["cluster"]["gpus"], "jobs": summary["jobs"]["in_workload"],
            "utilization": summary["gpu_utilization"]["mean"]}


def median_run(binary, scenario, reps):
    tmp = tempfile.mkdtemp(prefix="aidc-bench-")
    try:
        runs = [run_once(binary, scenario, os.path.join(tmp, "run")) for _ in range(reps)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    row = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    row["events"] = runs[0]["events"]  # the same every time (deterministic)
    row["wall_min_s"] = min(r["wall_s"] for r in runs)
    row["wall_max_s"] = max(r["wall_s"] for r in runs)
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/aidcsim")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--csv", default=None)
    ap.add_argument("--series", default="")
    ap.add_argument("scenarios", nargs="*")
    a = ap.parse_args()
    series = [kv.split("=", 1) for kv in a.series.split(",") if kv]
    order = list(a.scenarios) + [s for _, s in series if s not in a.scenarios]
    rows = {}
    print(f"end to end: median of {a.reps} runs of aidcsim run --profile (CPU = user+sys; "
          f"split of the median run's wall time from --profile)")
    head = (f"{'scenario':<28} {'GPUs':>7} {'jobs':>8} {'wall s':>8} {'cpu s':>8} {'events':>9} "
            f"{'events/s':>9} {'RSS MB':>7} {'engine':>7} {'policy':>7} {'models':>7} {'util':>5}")
    print(head)
    csv_rows = []
    for scn in order:
        r = median_run(a.bin, scn, a.reps)
        rows[scn] = r
        name = os.path.splitext(os.path.basename(scn))[0]
        tot = r["engine_s"] + r["policy_s"] + r["models_s"] or 1
        eps = r["events"] / r["wall_s"] if r["wall_s"] > 0 else 0
        print(f"{name:<28} {r['gpus']:>7} {r['jobs']:>8} {r['wall_s']:>8.2f} {r['cpu_s']:>8.2f} "
              f"{r['events']:>9} {eps:>9.0f} {r['rss_mb']:>7.0f} {100*r['engine_s']/tot:>6.1f}% "
              f"{100*r['policy_s']/tot:>6.1f}% {100*r['models_s']/tot:>6.1f}% {r['utilization']:>5.3f}")
        sys.stdout.flush()
        csv_rows.append(["e2e", name, r["gpus"], r["jobs"], "", "", f"{r['wall_s']:.3f}", f"{r['cpu_s']:.3f}",
                         r["events"], f"{eps:.0f}", f"{r['rss_mb']:.1f}", f"{r['engine_s']:.3f}",
                         f"{r['policy_s']:.3f}", f"{r['models_s']:.3f}", f"{r['setup_s']:.3f}", ""])
    if series:
        base_key, base_scn = series[0]
        b = rows[base_scn]
        print(f"scaling (same workload, jobs and GPUs x k): CPU time per event relative to {base_key}; "
              f"n log n predicts log(k n)/log(n), n^2 predicts k")
        for key, scn in series:
            r = rows[scn]
            k = r["events"] / b["events"]
            per_ev = (r["cpu_s"] / r["events"]) / (b["cpu_s"] / b["events"])
            nlogn = math.log(r["events"]) / math.log(b["events"])
            print(f"  {key:<4} events x{k:6.2f}  CPU s/event x{per_ev:6.2f}  "
                  f"(n log n: x{nlogn:.2f}, n^2: x{k:.2f})  {1e6 * r['cpu_s'] / r['events']:.2f} us/event")
            csv_rows.append(["scaling", key, r["gpus"], r["jobs"], "", "", f"{r['wall_s']:.3f}", f"{r['cpu_s']:.3f}",
                             r["events"], "", f"{r['rss_mb']:.1f}", "", "", "", "", f"{per_ev:.3f}"])
    if a.csv:
        new = not os.path.exists(a.csv)
        with open(a.csv, "a") as f:
            if new:
                f.write(CSV_HEADER)
            for row in csv_rows:
                f.write(",".join(str(x) for x in row) + "\n")


if __name__ == "__main__":
    main()
