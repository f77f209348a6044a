#!/usr/bin/env python3
"""Regenerates the README story "Did the swap cost Tesla anything?": runs the scenarios, a sweep and a
paired comparison with the built `poweron`, draws the figures into docs/, and rewrites the README section
between `<!-- story:begin -->` and `<!-- story:end -->` with the numbers just produced.

    tools/story.py [--build build/release] [--runs 2000] [--python /usr/bin/python3] [--check]

--check regenerates into a temporary README text and exits 1 if the README differs (numbers stale).
Nothing in the story is typed by hand: every figure below comes from these outputs.
"""
import argparse
import csv
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = "scenarios/tesla_x_2024.yaml"
NO_SWAP = "scenarios/whatif/no_swap.yaml"
GTS_LATE = "scenarios/whatif/gts_late.yaml"
NO_SWAP_GTS_LATE = "scenarios/whatif/no_swap_gts_late.yaml"
X_NO_RENTED = "scenarios/whatif/x_no_rented.yaml"
OUT = "out/story"


def run(command):
    print("+ " + " ".join(command), file=sys.stderr)
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def read_rows(path):
    with open(os.path.join(ROOT, path), newline="") as handle:
        return list(csv.DictReader(handle))


def metrics(folder):
    """{(owner, metric): value text} of a run's metrics.csv."""
    return {(r["owner"], r["metric"]): r["value"] for r in read_rows(f"{folder}/metrics.csv")}


def millions(text):
    return f"{float(text) / 1e6:.2f}M"


def dollars_m(text):
    return f"${float(text) / 1e6:.1f}M"


def point_table(runs):
    lines = ["| scenario | Tesla powered GPU-days | Tesla warehouse GPU-days | Tesla idle capital | "
             "X powered GPU-days | X idle GPU-days | Tesla reaches 85k |",
             "|---|---|---|---|---|---|---|"]
    for label, folder in runs:
        m = metrics(folder)
        reached = m[("tesla", "target.fleet-85k.date")] or "not in window"
        shortfall = float(m[("tesla", "target.fleet-85k.shortfall")])
        if shortfall > 0:
            reached += f" (short {shortfall:,.0f} on 2024-12-31)"
        lines.append(f"| {label} | {millions(m[('tesla', 'powered_gpu_days')])} | "
                     f"{millions(m[('tesla', 'warehouse_gpu_days')])} | {dollars_m(m[('tesla', 'idle_capital_cost')])} | "
                     f"{millions(m[('x', 'powered_gpu_days')])} | {millions(m[('x', 'idle_gpu_days')])} | {reached} |")
    return "\n".join(lines)


def compare_table(path):
    wanted = [("tesla", "powered_gpu_days"), ("tesla", "warehouse_gpu_days"), ("tesla", "idle_capital_cost"),
              ("tesla", "target.fleet-85k.date"), ("x", "powered_gpu_days"), ("x", "idle_gpu_days"),
              ("all", "powered_gpu_days"), ("all", "compute_eflop_days")]
    rows = {(r["owner"], r["metric"]): r for r in read_rows(path)}
    lines = ["| owner | metric | with swap (A) | no swap (B) | B - A | 95% CI | P(B better) |",
             "|---|---|---|---|---|---|---|"]
    for key in wanted:
        r = rows[key]
        def fmt(text, date=False):
            if text == "" or date:
                return text or "-"
            value = float(text)
            return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
        is_date = key[1].endswith(".date")
        diff = fmt(r["mean_diff"]) + (" days" if is_date else "")
        ci = f"[{fmt(r['ci95_low'])}, {fmt(r['ci95_high'])}]"
        lines.append(f"| {key[0]} | {key[1]} | {fmt(r['mean_a'], is_date)} | {fmt(r['mean_b'], is_date)} | "
                     f"{diff} | {ci} | {r['p_b_better'] or '-'} |")
    return "\n".join(lines)


def sweep_table(folder):
    targets = read_rows(f"{folder}/targets.csv")
    summary = {(r["owner"], r["metric"]): r for r in read_rows(f"{folder}/summary.csv")}
    lines = ["| owner | target | P(met) | P10 date | P50 date | P90 date |", "|---|---|---|---|---|---|"]
    for t in targets:
        lines.append(f"| {t['owner']} | {t['target']} | {float(t['probability_met']):.2f} | "
                     f"{t['p10_date'] or 'never'} | {t['p50_date'] or 'never'} | {t['p90_date'] or 'never'} |")
    powered = summary[("tesla", "powered_gpu_days")]
    lines.append("")
    lines.append(f"Tesla powered GPU-days: mean {millions(powered['mean'])} (P10 {millions(powered['p10'])}, "
                 f"P90 {millions(powered['p90'])}).")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    poweron = os.path.join(ROOT, args.build, "poweron")
    runs = [("with swap (as reported)", f"{OUT}/base", BASE), ("no swap", f"{OUT}/no_swap", NO_SWAP),
            ("Giga Texas 2 months late, with swap", f"{OUT}/gts_late", GTS_LATE),
            ("Giga Texas 2 months late, no swap", f"{OUT}/no_swap_gts_late", NO_SWAP_GTS_LATE),
            ("X without rented capacity", f"{OUT}/x_no_rented", X_NO_RENTED)]
    for _, folder, scenario in runs:
        run([poweron, "run", scenario, "--out", folder])
    runs_text = str(args.runs)
    run([poweron, "sweep", BASE, "--runs", runs_text, "--out", f"{OUT}/sweep"])
    run([poweron, "compare", BASE, NO_SWAP, "--runs", runs_text, "--out", f"{OUT}/compare"])
    run([poweron, "compare", GTS_LATE, NO_SWAP_GTS_LATE, "--runs", runs_text, "--out", f"{OUT}/compare_late"])
    if not args.check:
        plot = os.path.join(ROOT, "tools", "plot.py")
        run([args.python, plot, "timeline", f"{OUT}/base/timeline.csv", "-o", "docs/with_swap"])
        run([args.python, plot, "timeline", f"{OUT}/no_swap/timeline.csv", "-o", "docs/no_swap"])
        run([args.python, plot, "bands", f"{OUT}/sweep/bands.csv", "-o", "docs/sweep"])
        run([args.python, plot, "compare", f"{OUT}/compare/compare.csv", "-o", "docs/compare"])

    story = "\n".join([
        "<!-- story:begin (generated by tools/story.py; do not edit by hand) -->",
        "Point values (`poweron run SCENARIO`), 2023-12-01 to 2025-03-31:",
        "",
        point_table([(label, folder) for label, folder, _ in runs]),
        "",
        f"Paired Monte Carlo, {args.runs} replications with common random numbers "
        f"(`poweron compare {BASE} {NO_SWAP} --runs {args.runs}`), B = no swap, A = the swap as reported:",
        "",
        compare_table(f"{OUT}/compare/compare.csv"),
        "",
        f"The same comparison with Giga Texas two months late (`poweron compare {GTS_LATE} {NO_SWAP_GTS_LATE} "
        f"--runs {args.runs}`):",
        "",
        compare_table(f"{OUT}/compare_late/compare.csv"),
        "",
        f"How sure are we (`poweron sweep {BASE} --runs {args.runs}`):",
        "",
        sweep_table(f"{OUT}/sweep"),
        "<!-- story:end -->",
    ])
    readme_path = os.path.join(ROOT, "README.md")
    with open(readme_path) as handle:
        readme = handle.read()
    begin = readme.index("<!-- story:begin")
    end = readme.index("<!-- story:end -->") + len("<!-- story:end -->")
    updated = readme[:begin] + story + readme[end:]
    if args.check:
        sys.exit(0 if updated == readme else 1)
    with open(readme_path, "w") as handle:
        handle.write(updated)
    print(story)


if __name__ == "__main__":
    main()
