#!/usr/bin/env python3
"""The peer benchmark's runner and report (tests/bench/WORKLOAD.md, BENCHMARKS.md).

    report.py run NAME -- COMMAND...   run COMMAND, its output to the terminal and to
                                       build/bench/logs/NAME.log; exits with its status
    report.py report [--data DIR] [--logs DIR] [--out DIR] [--charts DIR]
                                       collect every RESULT line of the logs into
                                       build/bench/results.json, check each contender's
                                       points against the reference, print the comparison
                                       table and the targets, write build/bench/report.md,
                                       draw docs/bench/scaling.png and docs/bench/peers.png

A RESULT line is ``RESULT <name> key=value ...``. The workload contenders
print ``purchases=N stride=S ... ns_per_purchase=X per_s=Y sum=Z checksum=C``:
the points of purchases 0, S, 2S, ... (N of them), whose sum and checksum the
report recomputes from purchases.csv; a contender whose figures disagree fails
the report (exit 1) before any time is shown. Java's lines (java.*) carry
``ops_per_s`` and are checked by the Java bench itself.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "workload"))
import reference as ref  # noqa: E402

RESULT = re.compile(r"^RESULT\s+(\S+)((?:\s+\S+=\S*)*)\s*$")

#: the workload contenders, in table order: (name, what it is)
CONTENDERS = [
    ("c.score_columns", "libloyalty C: loyalty_calculator_score_columns, all purchases in one call"),
    ("c.score", "libloyalty C: loyalty_calculator_score, one call per purchase"),
    ("c.compute", "libloyalty C: loyalty_calculator_compute, one receipt per purchase"),
    ("py.score_columns.buffer", "Python: Calculator.score_columns on array columns (in place)"),
    ("py.score_columns.numpy", "Python: Calculator.score_columns on numpy columns (in place)"),
    ("py.score_columns.list", "Python: Calculator.score_columns from lists"),
    ("py.score", "Python: Calculator.score, one call per purchase"),
    ("py.compute", "Python: Calculator.compute, one receipt per purchase"),
    ("py.record_purchase", "Python: Program.record_purchase, one recording call per purchase"),
    ("py.reference", "plain Python loop (exact integers)"),
    ("node.plain", "plain Node.js loop"),
    ("node.json_rules_engine", "json-rules-engine 7, one purchase at a time"),
    ("node.zen_engine", "GoRules zen-engine, one evaluate() per purchase"),
]
BATCH = "c.score_columns"
PER_CALL = "c.score"

#: (description, contender, baseline, factor): contender must be >= factor times
#: as fast as baseline (factor < 1: no slower than baseline / factor ... see check_targets)
TARGETS = [
    ("Python batch scoring (array columns) >= 20x the plain-Python reference", "py.score_columns.buffer", "py.reference", 20.0),
    ("Python batch scoring (from lists) >= 20x the plain-Python reference", "py.score_columns.list", "py.reference", 20.0),
    ("Python recording call no slower than the reference's per-purchase cost", "py.record_purchase", "py.reference", 1.0),
    ("libloyalty >= 500x the throughput of json-rules-engine", BATCH, "node.json_rules_engine", 500.0),
    ("libloyalty >= 1,000x the throughput of zen-engine", BATCH, "node.zen_engine", 1000.0),
    ("libloyalty >= 5x a plain Node.js loop", BATCH, "node.plain", 5.0),
]

#: Absolute targets of issue 7, per core: (description, result name, field filter, value field,
#: "max" (the value must be at most the limit) or "min" (at least), the limit, how several lines
#: of that name combine: "worst" or "best").
ABSOLUTE = [
    ("calculator: at most 100 ns per purchase (C score_columns)", "c.score_columns", {}, "ns_per_purchase",
     "max", 100.0, "worst"),
    ("recording in memory: at most 500 ns per purchase, at every number of customers measured",
     "program.record.call", {}, "ns_per_purchase", "max", 500.0, "worst"),
    ("journal: at least 500,000 acknowledged purchases/s in batches with sync=always",
     "program.durable.batch", {"sync": "always"}, "purchases_per_s", "min", 500_000.0, "best"),
    ("replay: at least 3,000,000 journal records/s when reopening", "journal.replay", {}, "records_per_s",
     "min", 3_000_000.0, "best"),
    ("memory: at most 256 bytes per customer without history", "program.enroll", {}, "bytes_per_customer",
     "max", 256.0, "worst"),
    ("Java: batch scoring at least 5,000,000 purchases/s", "java.score_columns_100000", {}, "per_s", "min",
     5_000_000.0, "best"),
    ("Java: batch recording at least 5,000,000 purchases/s", "java.record_batch_10000", {}, "per_s", "min",
     5_000_000.0, "best"),
]


def check_absolute(results: List[dict]) -> List[dict]:
    out = []
    for text, name, where, field, kind, limit, combine in ABSOLUTE:
        values = [float(r["fields"][field]) for r in results
                  if r["name"] == name and field in r["fields"]
                  and all(str(r["fields"].get(k)) == v for k, v in where.items())]
        if not values:
            out.append({"target": text, "status": "not measured", "ratio": None, "measured": "-"})
            continue
        worst = max(values) if kind == "max" else min(values)
        best = min(values) if kind == "max" else max(values)
        v = worst if combine == "worst" else best
        ok = v <= limit if kind == "max" else v >= limit
        out.append({"target": text, "status": "met" if ok else "missed", "ratio": None,
                    "measured": f"{fmt_ns(v)} {field.replace('_', ' ')}"})
    # flat: the slowest over the fastest recording call across the numbers of customers
    calls = {int(r["fields"]["customers"]): float(r["fields"]["ns_per_purchase"]) for r in results
             if r["name"] == "program.record.call" and "customers" in r["fields"]}
    if len(calls) >= 2:
        spread = max(calls.values()) / min(calls.values())
        out.append({"target": f"recording flat in the number of customers ({min(calls):,} to {max(calls):,}; "
                              "flat = the slowest within 1.5x of the fastest)",
                    "status": "met" if spread <= 1.5 else "missed", "ratio": None,
                    "measured": f"{spread:.2f}x spread"})
    return out


# ---- run --------------------------------------------------------------------------------------------


def cmd_run(a: argparse.Namespace) -> int:
    os.makedirs(a.logs, exist_ok=True)
    command = a.command[1:] if a.command and a.command[0] == "--" else a.command
    if not command:
        print("report.py run: no command", file=sys.stderr)
        return 2
    path = os.path.join(a.logs, f"{a.name}.log")
    print(f"==================== {a.name}: {' '.join(command)}", flush=True)
    with open(path, "w") as log:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            log.write(line)
        status = proc.wait()
    if status != 0:
        print(f"report.py: {a.name} failed with status {status} (log: {path})", file=sys.stderr)
    return status


# ---- collect and check ----------------------------------------------------------------------------------


def parse_logs(logs: str) -> List[dict]:
    out = []
    for name in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
        if not name.endswith(".log"):
            continue
        with open(os.path.join(logs, name), errors="replace") as f:
            for line in f:
                m = RESULT.match(line.strip())
                if not m:
                    continue
                fields: Dict[str, object] = {}
                for pair in m.group(2).split():
                    k, _, v = pair.partition("=")
                    try:
                        fields[k] = int(v)
                    except ValueError:
                        try:
                            fields[k] = float(v)
                        except ValueError:
                            fields[k] = v
                out.append({"name": m.group(1), "log": name, "fields": fields})
    return out


def reference_points(data: str) -> List[int]:
    pts = []
    with open(os.path.join(data, "purchases.csv")) as f:
        next(f)
        for line in f:
            pts.append(int(line.rsplit(",", 1)[1]))
    return pts


def check_agreement(results: List[dict], expected: List[int]) -> List[str]:
    """Problems: a workload contender whose sum or checksum differs from the reference's."""
    problems = []
    cache: Dict[Tuple[int, int], Tuple[int, int]] = {}
    for r in results:
        f = r["fields"]
        if "sum" not in f or "checksum" not in f or "purchases" not in f:
            continue
        n, stride = int(f["purchases"]), int(f.get("stride", 1))
        if (n, stride) not in cache:
            idx = range(0, n * stride, stride)
            if n * stride - stride >= len(expected):
                problems.append(f"{r['name']}: {n} purchases with stride {stride} is beyond the data set")
                continue
            cache[(n, stride)] = ref.checksum([expected[i] for i in idx])
        want = cache[(n, stride)]
        got = (int(f["sum"]), int(f["checksum"]))
        r["agrees"] = got == want
        if got != want:
            problems.append(f"{r['name']}: points sum {got[0]} checksum {got[1]} over {n} purchases (stride {stride}), "
                            f"the reference {want[0]} / {want[1]}")
    return problems


def ns_per_purchase(f: dict) -> Optional[float]:
    if "ns_per_purchase" in f:
        return float(f["ns_per_purchase"])
    for k in ("per_s", "ops_per_s", "purchases_per_s"):
        if k in f and float(f[k]) > 0:
            return 1e9 / float(f[k])
    return None


# ---- the machine ------------------------------------------------------------------------------------------


def version_of(cmd: List[str]) -> str:
    exe = shutil.which(cmd[0])
    if exe is None:
        return "not found"
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        text = (out.stdout or out.stderr).strip().splitlines()
        return text[0] if text else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine() -> dict:
    cpu, mem = "?", "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    mem = f"{int(line.split()[1]) / 1048576:.1f} GiB"
                    break
    except OSError:
        pass
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    os_name = platform.platform()
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": os_name, "kernel": platform.release(),
        "load_average": load, "gcc": version_of(["gcc", "--version"]), "node": version_of(["node", "--version"]),
        "python": sys.version.split()[0], "java": version_of(["java", "-version"]),
    }


# ---- the report -----------------------------------------------------------------------------------------


def fmt_int(x: float) -> str:
    return f"{x:,.0f}"


def fmt_ns(x: float) -> str:
    return f"{x:,.1f}" if x < 1000 else f"{x:,.0f}"


def fmt_ratio(x: Optional[float]) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}" if x >= 10 else f"{x:.2f}"


def table_rows(latest: Dict[str, dict]) -> List[dict]:
    names = [n for n, _ in CONTENDERS if n in latest]
    names += sorted(n for n in latest if n.startswith("java.") and n not in names)
    batch = ns_per_purchase(latest[BATCH]["fields"]) if BATCH in latest else None
    call = ns_per_purchase(latest[PER_CALL]["fields"]) if PER_CALL in latest else None
    rows = []
    for n in names:
        f = latest[n]["fields"]
        ns = ns_per_purchase(f)
        if ns is None:
            continue
        rows.append({
            "name": n, "what": dict(CONTENDERS).get(n, "Java (tests/bench/java)"),
            "purchases": f.get("purchases"), "stride": f.get("stride", 1), "runs": f.get("runs"),
            "ns": ns, "per_s": 1e9 / ns,
            "vs_batch": ns / batch if batch else None, "vs_call": ns / call if call else None,
            "agrees": latest[n].get("agrees"),
        })
    return rows


def check_targets(latest: Dict[str, dict]) -> List[dict]:
    out = []
    for text, who, base, factor in TARGETS:
        if who not in latest or base not in latest:
            out.append({"target": text, "status": "not measured", "ratio": None})
            continue
        ratio = ns_per_purchase(latest[base]["fields"]) / ns_per_purchase(latest[who]["fields"])
        out.append({"target": text, "contender": who, "baseline": base, "factor": factor, "ratio": ratio,
                    "status": "met" if ratio >= factor else "missed"})
    return out


def render(rows: List[dict], targets: List[dict], mach: dict, missing: List[str]) -> str:
    lines = [
        f"Measured {mach['date']}: {mach['cores']} cores of an {mach['cpu']}, {mach['memory']}, {mach['os']}, "
        f"{mach['gcc']}, Node.js {mach['node']}, Python {mach['python']} (load average at the end: "
        f"{mach['load_average']}).",
        "",
        "| contender | purchases evaluated | purchases/s | ns/purchase | time / C score_columns | time / C score |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        evaluated = "-" if r["purchases"] is None else fmt_int(r["purchases"])
        if r["stride"] and r["stride"] != 1:
            evaluated += f" (stride {r['stride']})"
        lines.append(f"| `{r['name']}` {r['what']} | {evaluated} | {fmt_int(r['per_s'])} | {fmt_ns(r['ns'])} | "
                     f"{fmt_ratio(r['vs_batch'])} | {fmt_ratio(r['vs_call'])} |")
    lines += ["", "The last two columns: the contender's time per purchase over libloyalty's (above 1: slower "
              "than libloyalty; stride S: every S-th purchase of the data set, spread over the year).",
              "", "| target | measured | |", "| --- | ---: | --- |"]
    for t in targets:
        measured = t.get("measured") or ("-" if t["ratio"] is None else f"{fmt_ratio(t['ratio'])}x")
        lines.append(f"| {t['target']} | {measured} | **{t['status']}** |")
    if missing:
        lines += ["", "Not measured in this run: " + ", ".join(f"`{m}`" for m in missing) + "."]
    return "\n".join(lines) + "\n"


def print_table(rows: List[dict], targets: List[dict]) -> None:
    print()
    print(f"{'contender':<26} {'evaluated':>17} {'purchases/s':>14} {'ns/purchase':>13} {'vs batch':>9} {'vs call':>9}")
    for r in rows:
        ev = "-" if r["purchases"] is None else f"{r['purchases']:,}"
        if r["stride"] and r["stride"] != 1:
            ev += f"/{r['stride']}"
        print(f"{r['name']:<26} {ev:>17} {fmt_int(r['per_s']):>14} {fmt_ns(r['ns']):>13} "
              f"{fmt_ratio(r['vs_batch']):>9} {fmt_ratio(r['vs_call']):>9}")
    print("(evaluated N/S: every S-th purchase; vs batch / vs call: how many times slower than libloyalty's "
          f"{BATCH} / {PER_CALL})")
    print()
    for t in targets:
        measured = t.get("measured") or ("-" if t["ratio"] is None else f"{fmt_ratio(t['ratio'])}x")
        print(f"  [{t['status']:>12}] {t['target']}: {measured}")
    print()


# ---- charts ------------------------------------------------------------------------------------------------


def draw(results: List[dict], rows: List[dict], charts: str) -> List[str]:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report.py: matplotlib is not installed: no charts", file=sys.stderr)
        return []
    os.makedirs(charts, exist_ok=True)
    written = []

    # ns per recorded purchase against the number of customers (bench_program)
    series: Dict[str, List[Tuple[int, float]]] = {}
    for r in results:
        f = r["fields"]
        if r["name"].startswith("program.record") and "customers" in f and "ns_per_purchase" in f:
            series.setdefault(r["name"], []).append((int(f["customers"]), float(f["ns_per_purchase"])))
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, pts in sorted(series.items()):
        pts = sorted(dict(pts).items())
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("customers in the program")
    ax.set_ylabel("ns per recorded purchase")
    ax.set_title("libloyalty: recording a purchase vs program size (bench_program)")
    ax.grid(True, which="both", alpha=0.3)
    if series:
        ax.set_ylim(bottom=0)
        ax.legend()
    else:
        ax.text(0.5, 0.5, "no 'RESULT program.record... customers=N ns_per_purchase=X'\nlines in this run",
                ha="center", va="center", transform=ax.transAxes)
    fig.tight_layout()
    path = os.path.join(charts, "scaling.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    written.append(path)

    # the contenders side by side
    if rows:
        fig, ax = plt.subplots(figsize=(8, 0.38 * len(rows) + 1.2))
        names = [r["name"] for r in rows][::-1]
        vals = [r["per_s"] for r in rows][::-1]
        colors = ["#2b6cb0" if n.startswith(("c.", "py.score", "py.compute", "py.record", "java.")) and
                  not n.startswith("java.reference") else "#a0a0a0" for n in names]
        ax.barh(names, vals, color=colors)
        ax.set_xscale("log")
        ax.set_xlabel("purchases per second (log scale; blue: libloyalty)")
        ax.set_title("The same workload: libloyalty and its peers (one run)")
        for y, v in enumerate(vals):
            ax.text(v, y, f" {v:,.0f}", va="center", fontsize=8)
        ax.grid(True, axis="x", which="both", alpha=0.3)
        fig.tight_layout()
        path = os.path.join(charts, "peers.png")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def cmd_report(a: argparse.Namespace) -> int:
    results = parse_logs(a.logs)
    if not results:
        print(f"report.py: no RESULT lines in {a.logs}", file=sys.stderr)
        return 1
    problems = check_agreement(results, reference_points(a.data))
    if problems:
        for p in problems:
            print(f"report.py: DISAGREEMENT: {p}", file=sys.stderr)
        print("report.py: contenders disagree with the reference: no times are reported", file=sys.stderr)
        return 1
    latest: Dict[str, dict] = {}
    for r in results:
        latest[r["name"]] = r
    rows = table_rows(latest)
    targets = check_targets(latest) + check_absolute(results)
    missing = [n for n, _ in CONTENDERS if n not in latest]
    if not any(n.startswith("java.") for n in latest):
        missing.append("java.* (tests/bench/java or make bench-java absent, or it failed)")
    mach = machine()
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"machine": mach, "results": results, "table": rows, "targets": targets, "missing": missing},
                  f, indent=1)
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write(render(rows, targets, mach, missing))
    print_table(rows, targets)
    for path in draw(results, rows, a.charts):
        print(f"report.py: wrote {os.path.relpath(path, ROOT)}")
    print(f"report.py: wrote {os.path.relpath(os.path.join(a.out, 'results.json'), ROOT)} and report.md")
    if missing:
        print("report.py: not measured: " + ", ".join(missing))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run a contender, logging its output")
    r.add_argument("name")
    r.add_argument("--logs", default=os.path.join(ROOT, "build", "bench", "logs"))
    r.add_argument("command", nargs=argparse.REMAINDER)
    p = sub.add_parser("report", help="collect, check, print, draw")
    p.add_argument("--data", default=os.path.join(ROOT, "build", "bench", "data"))
    p.add_argument("--logs", default=os.path.join(ROOT, "build", "bench", "logs"))
    p.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    p.add_argument("--charts", default=os.path.join(ROOT, "docs", "bench"))
    a = ap.parse_args()
    return cmd_run(a) if a.cmd == "run" else cmd_report(a)


if __name__ == "__main__":
    sys.exit(main())
