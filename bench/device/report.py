"""The device run's report: gathers what bench/device/run.sh left in OUTDIR (env.json, checks.jsonl,
steps.jsonl) and a bench.json found under BENCH_DIR into OUTDIR/<date>-<device>-<suite>.json and its
Markdown twin (both written whole, then renamed), and prints a short table: each group of checks with
its counts, and every check that failed in full.

Usage: python3 report.py OUTDIR [BENCH_DIR]   (standard library only)
"""
import glob
import json
import os
import re
import sys


def read_jsonl(path):
    out = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    out.append(json.loads(line))
    return out


def slug(device, kind):
    if kind != "cuda":
        return "emulator"
    m = re.search(r"\b([A-Z]+\d+[A-Za-z]*)\b", device)
    return m.group(1).lower() if m else "gpu"


def group(name):
    """Checks grouped for the table: kernel checks by what they compare with, the rest by their first words."""
    if name.startswith("kernel"):
        return "kernels vs the emulator" if name.endswith("vs the emulator") else "kernels vs CPU"
    return name


def write_whole(path, text):
    tmp = path + ".part"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def markdown(report):
    env = report["environment"]
    lines = [f"# Device run: {env['device']} ({env['suite']}), {env['date']}", "",
             f"- device: {env['device']}; driver {env['driver'] or 'none'}; CUDA {env['cuda_version']}",
             f"- clocks as found: {env['clocks_as_found']}" if env.get("clocks_as_found") else "- clocks: not applicable",
             f"- commit {env['commit']}; {env['java']}; packed: {env['packed'] or 'not packed'}",
             f"- started {env['started']}; {report['totals']['seconds']:.0f} s of steps; "
             f"{report['totals']['passed']} passed, {report['totals']['failed']} failed, {report['totals']['skipped']} skipped", "",
             "| check | status | detail | s |", "| --- | --- | --- | ---: |"]
    for c in report["checks"]:
        detail = c["detail"].replace("|", "\\|")
        lines.append(f"| {c['name']} | {c['status']} | {detail} | {c['seconds']:.1f} |")
    lines += ["", "| step | exit | s |", "| --- | ---: | ---: |"]
    lines += [f"| {s['step']} | {s['rc']} | {s['seconds']} |" for s in report["steps"]]
    if report.get("bench"):
        lines += ["", "## bench.json", "", "```json", json.dumps(report["bench"], indent=1)[:20000], "```"]
    return "\n".join(lines) + "\n"


def main(outdir, bench_dir):
    env = json.load(open(os.path.join(outdir, "env.json")))
    checks = read_jsonl(os.path.join(outdir, "checks.jsonl"))
    steps = read_jsonl(os.path.join(outdir, "steps.jsonl"))
    bench = None
    found = sorted(glob.glob(os.path.join(bench_dir, "**", "bench.json"), recursive=True)) if bench_dir else []
    if found:
        bench = json.load(open(found[0]))
    totals = {"passed": sum(c["status"] == "pass" for c in checks), "failed": sum(c["status"] == "fail" for c in checks),
              "skipped": sum(c["status"] == "skip" for c in checks), "seconds": sum(s["seconds"] for s in steps)}
    report = {"environment": env, "totals": totals, "checks": checks, "steps": steps, "bench": bench}
    base = os.path.join(outdir, f"{env['date']}-{slug(env['device'], env['device_kind'])}-{env['suite']}")
    write_whole(base + ".json", json.dumps(report, indent=1) + "\n")
    write_whole(base + ".md", markdown(report))

    groups = {}
    for c in checks:
        g = groups.setdefault(group(c["name"]), {"pass": 0, "fail": 0, "skip": 0, "detail": c["detail"], "seconds": 0.0})
        g[c["status"]] += 1
        g["seconds"] += c["seconds"]
    print()
    print(f"device run: {env['device']}, driver {env['driver'] or 'none'}, CUDA {env['cuda_version']}, commit {env['commit'][:12]}")
    print(f"{'check':<64} {'pass':>4} {'fail':>4} {'skip':>4} {'s':>6}  detail")
    for name, g in groups.items():
        detail = g["detail"] if g["pass"] + g["fail"] + g["skip"] == 1 else ""
        print(f"{name[:64]:<64} {g['pass']:>4} {g['fail']:>4} {g['skip']:>4} {g['seconds']:>6.1f}  {detail[:110]}")
    for c in checks:
        if c["status"] == "fail":
            print(f"FAILED {c['name']}: {c['detail']}")
    print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped; report {base}.json and .md")
    return 1 if totals["failed"] else 0


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python3 report.py OUTDIR [BENCH_DIR]")
    main(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)
