#!/usr/bin/env python3
"""Plots poweron's CSV outputs (SPEC section 5) as PNG files.

    tools/plot.py timeline OUT/timeline.csv -o DIR [--include-ordered]
        one PNG per owner (timeline_<owner>.png): stacked areas of chip states summed over the owner's
        sites (ordered only with --include-ordered), lines for total slots and power_slots
    tools/plot.py bands OUT/bands.csv -o DIR
        one PNG per owner (bands_<owner>.png): P10-P90 band and P50 line of powered and warehouse chips
    tools/plot.py compare OUT/compare.csv -o DIR
        one PNG per metric (compare_<metric>.png): mean_diff (B - A) per owner with its 95% CI as error bars,
        green where B is probably better (p_b_better > 0.5), red where worse, grey where undirected

Input is checked before anything is drawn: a missing column, a bad date or number gives
`plot.py: error: FILE:LINE: message` and exit code 2; an unreadable file or a missing matplotlib exit 1.
Uses the non-interactive Agg backend; PNGs are written atomically (temporary file, then rename).
"""

import argparse
import csv
import datetime
import math
import os
import re
import sys

# Chip states in pipeline order (SPEC 1); the stack is drawn bottom (powered) to top (in transit).
STACK_STATES = ("powered", "installed", "burn_in", "installing", "queued", "rma", "warehouse", "in_transit",
                "ordered")
STATE_COLORS = {
    "powered": "#2ca02c", "installed": "#bcbd22", "burn_in": "#17becf", "installing": "#9467bd",
    "queued": "#8c564b", "rma": "#e377c2", "warehouse": "#d62728", "in_transit": "#ff7f0e",
    "ordered": "#c7c7c7",
}
KNOWN_TIMELINE_STATES = set(STACK_STATES) | {"slots", "power_slots"}
BAND_STATES = ("powered", "warehouse")

TIMELINE_COLUMNS = ("date", "owner", "site", "state", "gpus")
BANDS_COLUMNS = ("date", "owner", "state", "p10", "p50", "p90", "mean")
COMPARE_COLUMNS = ("owner", "metric", "mean_a", "mean_b", "mean_diff", "ci95_low", "ci95_high", "p_b_better")


class InputError(Exception):
    """Bad input; the message is `FILE[:LINE]: text`."""


def read_csv(path, required):
    """Rows of a CSV file with the required columns, as (line number, dict) pairs."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames
            if not header:
                raise InputError(f"{path}:1: empty file (expected a header row: {','.join(required)})")
            missing = [column for column in required if column not in header]
            if missing:
                raise InputError(f"{path}:1: missing column(s) {', '.join(missing)} "
                                 f"(expected a header row: {','.join(required)})")
            rows = []
            for row in reader:
                if None in row or any(row[column] is None for column in required):
                    raise InputError(f"{path}:{reader.line_num}: expected {len(header)} fields")
                rows.append((reader.line_num, row))
    except OSError as error:
        raise OSError(f"{path}: cannot read: {error.strerror}") from error
    except (csv.Error, UnicodeDecodeError) as error:
        raise InputError(f"{path}: malformed CSV: {error}") from error
    if not rows:
        raise InputError(f"{path}: no data rows")
    return rows


def parse_date(path, line, text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{path}:{line}: expected a YYYY-MM-DD date, got {text!r}") from None


def parse_number(path, line, column, text, allow_empty=False):
    if text == "" and allow_empty:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{path}:{line}: {column}: expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise InputError(f"{path}:{line}: {column}: expected a finite number, got {text!r}")
    return value


def safe_name(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text) or "_"


def load_pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as pyplot
        import matplotlib.dates  # noqa: F401  (date axes)
    except ImportError:
        raise RuntimeError(f"matplotlib is not available to {sys.executable}; install it (Debian: apt-get "
                           "install python3-matplotlib) or run this script with a Python that has it "
                           "(e.g. /usr/bin/python3)") from None
    return pyplot


def save(pyplot, figure, out_dir, file_name, written):
    final = os.path.join(out_dir, file_name)
    temporary = final + ".tmp"
    figure.savefig(temporary, format="png", dpi=110)
    pyplot.close(figure)
    os.replace(temporary, final)
    written.append(final)


# ---------------------------------------------------------------------------------------------- timeline

def read_timeline(path):
    """{owner: {state: {date: gpus summed over sites}}} plus the sorted dates."""
    data = {}
    dates = set()
    for line, row in read_csv(path, TIMELINE_COLUMNS):
        date = parse_date(path, line, row["date"])
        owner = row["owner"]
        if not owner:
            raise InputError(f"{path}:{line}: owner: empty")
        state = row["state"]
        gpus = parse_number(path, line, "gpus", row["gpus"])
        if state not in KNOWN_TIMELINE_STATES:
            continue  # an extension state: not drawn
        dates.add(date)
        per_state = data.setdefault(owner, {})
        per_date = per_state.setdefault(state, {})
        per_date[date] = per_date.get(date, 0.0) + gpus
    return data, sorted(dates)


def plot_timeline(args, pyplot, written):
    data, dates = read_timeline(args.csv)
    states = [s for s in STACK_STATES if s != "ordered" or args.include_ordered]
    for owner in sorted(data):
        per_state = data[owner]
        figure, axes = pyplot.subplots(figsize=(11, 5.5))
        drawn = [s for s in states if s in per_state]
        series = [[per_state[s].get(d, 0.0) for d in dates] for s in drawn]
        if series:
            axes.stackplot(dates, series, labels=drawn, colors=[STATE_COLORS[s] for s in drawn], alpha=0.85,
                           linewidth=0)
        if "slots" in per_state:
            axes.plot(dates, [per_state["slots"].get(d, 0.0) for d in dates], color="black", linewidth=1.4,
                      label="slots (ready capacity)")
        if "power_slots" in per_state:
            axes.plot(dates, [per_state["power_slots"].get(d, 0.0) for d in dates], color="black",
                      linewidth=1.2, linestyle="--", label="power_slots (sites with limited supply)")
        axes.set_title(f"{owner}: chips by state (summed over sites)")
        axes.set_ylabel("GPUs")
        axes.grid(True, alpha=0.3)
        axes.legend(loc="upper left", fontsize=8, ncol=2)
        figure.autofmt_xdate()
        figure.tight_layout()
        save(pyplot, figure, args.out, f"timeline_{safe_name(owner)}.png", written)


# ------------------------------------------------------------------------------------------------- bands

def read_bands(path):
    """{owner: {state: [(date, p10, p50, p90)]}} for BAND_STATES, dates ascending."""
    data = {}
    for line, row in read_csv(path, BANDS_COLUMNS):
        date = parse_date(path, line, row["date"])
        values = [parse_number(path, line, c, row[c]) for c in ("p10", "p50", "p90", "mean")]
        if not values[0] <= values[1] <= values[2]:
            raise InputError(f"{path}:{line}: expected p10 <= p50 <= p90")
        if row["state"] not in BAND_STATES:
            continue
        data.setdefault(row["owner"], {}).setdefault(row["state"], []).append((date, *values[:3]))
    for per_state in data.values():
        for points in per_state.values():
            points.sort()
    return data


def plot_bands(args, pyplot, written):
    data = read_bands(args.csv)
    if not data:
        raise InputError(f"{args.csv}: no rows for states {', '.join(BAND_STATES)}")
    for owner in sorted(data):
        figure, axes = pyplot.subplots(figsize=(11, 5.5))
        for state in BAND_STATES:
            points = data[owner].get(state)
            if not points:
                continue
            dates = [p[0] for p in points]
            color = STATE_COLORS[state]
            axes.fill_between(dates, [p[1] for p in points], [p[3] for p in points], color=color, alpha=0.25,
                              linewidth=0, label=f"{state} P10-P90")
            axes.plot(dates, [p[2] for p in points], color=color, linewidth=1.6, label=f"{state} P50")
        axes.set_title(f"{owner}: Monte Carlo bands")
        axes.set_ylabel("GPUs")
        axes.grid(True, alpha=0.3)
        axes.legend(loc="upper left", fontsize=8)
        figure.autofmt_xdate()
        figure.tight_layout()
        save(pyplot, figure, args.out, f"bands_{safe_name(owner)}.png", written)


# ----------------------------------------------------------------------------------------------- compare

def read_compare(path):
    """{metric: [(owner, mean_diff, ci_low, ci_high, p_b_better)]} in file order; rows without a numeric
    mean_diff are skipped (e.g. a target never reached)."""
    data = {}
    for line, row in read_csv(path, COMPARE_COLUMNS):
        diff = parse_number(path, line, "mean_diff", row["mean_diff"], allow_empty=True)
        low = parse_number(path, line, "ci95_low", row["ci95_low"], allow_empty=True)
        high = parse_number(path, line, "ci95_high", row["ci95_high"], allow_empty=True)
        better = parse_number(path, line, "p_b_better", row["p_b_better"], allow_empty=True)
        if diff is None:
            continue  # e.g. a target never reached in either scenario
        data.setdefault(row["metric"], []).append((row["owner"], diff, low, high, better))
    return data


def plot_compare(args, pyplot, written):
    data = read_compare(args.csv)
    if not data:
        raise InputError(f"{args.csv}: no row with a numeric mean_diff")
    for metric, rows in data.items():
        figure, axes = pyplot.subplots(figsize=(max(5, 1.2 * len(rows) + 2), 4.5))
        owners = [r[0] for r in rows]
        diffs = [r[1] for r in rows]
        below = [r[1] - r[2] if r[2] is not None else 0.0 for r in rows]
        above = [r[3] - r[1] if r[3] is not None else 0.0 for r in rows]
        # Green: B is probably better (p_b_better > 0.5); red: probably worse; grey: no direction (energy).
        colors = ["#7f7f7f" if r[4] is None else "#2ca02c" if r[4] > 0.5 else "#d62728" for r in rows]
        axes.bar(owners, diffs, yerr=[[max(0.0, b) for b in below], [max(0.0, a) for a in above]],
                 color=colors, capsize=5)
        axes.axhline(0, color="black", linewidth=0.8)
        axes.set_title(f"{metric}: B - A (mean, 95% CI; green = B better)")
        axes.grid(True, axis="y", alpha=0.3)
        figure.tight_layout()
        save(pyplot, figure, args.out, f"compare_{safe_name(metric)}.png", written)


def main(argv):
    parser = argparse.ArgumentParser(prog="plot.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("timeline", "stacked chip states per owner from timeline.csv"),
                            ("bands", "P10-P90 bands per owner from bands.csv"),
                            ("compare", "mean differences with 95%% CI from compare.csv")):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("csv", help="input CSV file")
        sub.add_argument("-o", "--out", required=True, help="output folder (created if missing)")
        if name == "timeline":
            sub.add_argument("--include-ordered", action="store_true",
                             help="also stack chips still `ordered` (not shipped)")
    args = parser.parse_args(argv)
    plotters = {"timeline": plot_timeline, "bands": plot_bands, "compare": plot_compare}
    written = []
    try:
        # Parse first so bad input is reported even where matplotlib is missing.
        {"timeline": read_timeline, "bands": read_bands, "compare": read_compare}[args.command](args.csv)
        pyplot = load_pyplot()
        os.makedirs(args.out, exist_ok=True)
        plotters[args.command](args, pyplot, written)
    except InputError as error:
        print(f"plot.py: error: {error}", file=sys.stderr)
        return 2
    except (OSError, RuntimeError) as error:
        print(f"plot.py: error: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
