#!/usr/bin/env python3
"""Generates scenarios/world_hopper.yaml: every Hopper-generation GPU cluster of Epoch AI's
"Data on GPU Clusters" as a poweron site with a matching order.

    tools/gen_world_hopper.py [CLUSTERS_CSV] [--hardware HARDWARE_CSV] [-o OUT]

Defaults (relative to the repository root): ../shared/data/epoch_gpu_clusters.csv,
../shared/data/epoch_ml_hardware.csv, scenarios/world_hopper.yaml ("-" writes to stdout).

Rules (each one an assumption, repeated in the output's header):
- a cluster is kept when its primary chip type is Hopper-generation (H100, H200, H800, GH200) and it has a
  first operational date and a whole positive chip count; every such row is kept (Epoch's status, certainty
  and possible-duplicate columns are recorded in a comment, not used to filter);
- the cluster becomes a site of its owner (slugified Epoch `Owner`; empty -> `unknown`) with one phase of
  `chip count` slots ready at the first operational date; no power limit and instant install;
- its order has quantity = chip count in lots of ~1024 GPUs (two 512-GPU pods, FACTS H8; at most 30 lots)
  shipped one day apart, 14 days in transit, fixed to the site; the last lot arrives on the first
  operational date (so chips wait at most 29 days in the warehouse);
- per-chip IT power scales FACTS H3 (1.4 kW for an H100 at 700 W TDP) by the chip's TDP in Epoch's
  "Machine Learning Hardware" data; tflops is that data's dense BF16 figure (FACTS H7 for the H100);
  price is FACTS H6's $30k for every Hopper part (assumption: no public list prices for the others).

Deterministic: the output depends only on the two input files. Python 3 standard library only.
"""

import argparse
import csv
import datetime
import math
import os
import re
import sys
import unicodedata

HOPPER_MARKERS = ("H100", "H200", "H800", "GH200")
H100_POWER_KW = 1.4          # FACTS H3
H100_TDP_W = 700.0           # FACTS H1
H100_TFLOPS = 989            # FACTS H7
PRICE_USD = 30000            # FACTS H6
TRANSIT_DAYS = 14            # assumption
GPUS_PER_LOT = 1024          # assumption: two 512-GPU pods (FACTS H8)
MAX_LOTS = 30                # assumption
LOT_INTERVAL_DAYS = 1        # assumption
END_MARGIN_DAYS = 90         # the simulation runs this long past the last readiness
COST_OF_CAPITAL = 0.10       # assumption: one rate for every owner

CLUSTERS_COLUMNS = ("Name", "Chip type (primary)", "Chip quantity (primary)", "Owner",
                    "First Operational Date")
HARDWARE_COLUMNS = ("Hardware name", "TDP (W)", "Tensor-FP16/BF16 performance (FLOP/s)")


class InputError(Exception):
    """A problem with an input file, reported as `FILE:LINE: message`."""


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def slugify(text):
    """Lower-case ASCII id matching [a-z0-9-]+; '' when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def sku_id(chip_type):
    """Stable SKU id for an Epoch chip type, e.g. 'NVIDIA H100 SXM5 80GB' -> 'H100-SXM'."""
    known = {
        "NVIDIA H100 SXM5 80GB": "H100-SXM",
        "NVIDIA H200 SXM": "H200-SXM",
        "NVIDIA H800 SXM5": "H800-SXM",
        "NVIDIA GH200": "GH200",
    }
    if chip_type in known:
        return known[chip_type]
    ascii_text = unicodedata.normalize("NFKD", chip_type).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text.replace("NVIDIA", "")).strip("-") or "hopper"


def is_hopper(chip_type):
    return any(marker in chip_type for marker in HOPPER_MARKERS)


def read_rows(path, required):
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(f"{path}:1: missing column(s): {', '.join(missing)}")
            return [(reader.line_num, row) for row in reader]
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from error
    except (csv.Error, UnicodeDecodeError) as error:
        raise InputError(f"{path}: malformed CSV: {error}") from error


def parse_count(text):
    """A whole positive chip count ('200000.0' is accepted), else None."""
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value <= 0 or value != int(value):
        return None
    return int(value)


def parse_date(text):
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


def fmt_number(value):
    """Shortest form: integers without '.0'."""
    if float(value) == int(value):
        return str(int(value))
    return repr(round(float(value), 6))


def load_hardware(path):
    """Chip name -> (tdp_w, bf16_tflops or None)."""
    table = {}
    for _, row in read_rows(path, HARDWARE_COLUMNS):
        try:
            tdp = float(row["TDP (W)"])
        except ValueError:
            continue
        try:
            tflops = float(row["Tensor-FP16/BF16 performance (FLOP/s)"]) / 1e12
        except ValueError:
            tflops = None
        table[row["Hardware name"].strip()] = (tdp, tflops)
    return table


def sku_spec(chip_type, hardware):
    """(power_kw, tflops, comment) for a Hopper chip type."""
    tdp, tflops = hardware.get(chip_type, (None, None))
    if sku_id(chip_type) == "H100-SXM":
        return H100_POWER_KW, H100_TFLOPS, "H3 (power), H6 (price), H7 (tflops)"
    if tdp is None:
        return H100_POWER_KW, tflops or H100_TFLOPS, "assumption: no TDP in Epoch hardware data, H100's H3 used"
    power_kw = round(H100_POWER_KW * tdp / H100_TDP_W, 3)
    return (power_kw, round(tflops, 1) if tflops else H100_TFLOPS,
            f"H3 scaled by Epoch TDP {fmt_number(tdp)} W / 700 W; tflops Epoch BF16; price assumption (H6)")


def build(clusters_path, hardware_path):
    hardware = load_hardware(hardware_path)
    clusters = []
    for line, row in read_rows(clusters_path, CLUSTERS_COLUMNS):
        chip_type = row["Chip type (primary)"].strip()
        if not is_hopper(chip_type):
            continue
        count = parse_count(row["Chip quantity (primary)"].strip())
        ready = parse_date(row["First Operational Date"])
        if count is None or ready is None:
            continue
        clusters.append((line, row, chip_type, count, ready))
    if not clusters:
        raise InputError(f"{clusters_path}: no Hopper cluster with a first operational date and a chip count")

    site_ids = set()
    sites = []
    for line, row, chip_type, count, ready in clusters:
        base = slugify(row["Name"]) or f"cluster-{line}"
        site = base
        suffix = 2
        while site in site_ids:
            site = f"{base}-{suffix}"
            suffix += 1
        site_ids.add(site)
        owner = slugify(row["Owner"]) or "unknown"
        sites.append({"id": site, "owner": owner, "sku": sku_id(chip_type), "chip_type": chip_type,
                      "count": count, "ready": ready, "row": row})

    for s in sites:
        s["lots"] = max(1, min(MAX_LOTS, s["count"], math.ceil(s["count"] / GPUS_PER_LOT)))
        s["ship"] = s["ready"] - datetime.timedelta(days=TRANSIT_DAYS + (s["lots"] - 1) * LOT_INTERVAL_DAYS)
    start = min(s["ship"] for s in sites).replace(day=1)
    end = max(s["ready"] for s in sites) + datetime.timedelta(days=END_MARGIN_DAYS)
    return sites, start, end, hardware


def quoted(text):
    """A YAML double-quoted scalar (for comments we only need it to stay on one line)."""
    return text.replace("\n", " ").replace("\r", " ")


def render(sites, start, end, hardware, command):
    out = []
    w = out.append
    w("# GENERATED FILE - do not edit. Regenerate with:")
    w(f"#   {command}")
    w("#")
    w("# Data: Epoch AI, Data on GPU Clusters, epoch.ai (CC BY 4.0); chip specs: Epoch AI, Data on Machine")
    w("# Learning Hardware, epoch.ai (CC BY 4.0). See /work/shared/data/SOURCE.md.")
    w("#")
    w("# Every Hopper-generation cluster (H100/H200/H800/GH200) with a first operational date and a chip count")
    w("# becomes a site (one phase of that many slots, ready at the first operational date; unlimited power,")
    w(f"# instant install) and an order fixed to it (all chips in lots of ~{GPUS_PER_LOT} GPUs (H8), at most "
      f"{MAX_LOTS} lots,")
    w(f"# {LOT_INTERVAL_DAYS} day apart, {TRANSIT_DAYS} days in transit, the last lot arriving on the first "
      "operational date).")
    w("# These are assumptions, as are the per-owner cost of capital and the non-H100 prices. Epoch's")
    w("# Status/Certainty are kept as comments: some rows are planned, unlikely or possible duplicates;")
    w("# nothing is filtered on them.")
    w("")
    w("name: world-hopper")
    w(f"description: {len(sites)} Hopper-generation GPU clusters from Epoch AI's Data on GPU Clusters")
    w(f"start: {start.isoformat()}   # the first day of the month of the earliest shipment")
    w(f"end: {end.isoformat()}     # {END_MARGIN_DAYS} days after the last readiness")
    w("seed: 1")
    w("")
    w("skus:")
    for chip_type in sorted({s["chip_type"] for s in sites}, key=sku_id):
        power_kw, tflops, note = sku_spec(chip_type, hardware)
        w(f"  {sku_id(chip_type)}: {{power_kw: {fmt_number(power_kw)}, price: {PRICE_USD}, "
          f"tflops: {fmt_number(tflops)}}}   # {quoted(chip_type)}: {note}")
    w("")
    w("owners:")
    for owner in sorted({s["owner"] for s in sites}):
        w(f"  {owner}: {{cost_of_capital: {fmt_number(COST_OF_CAPITAL)}}}")
    w("")
    w("sites:")
    for s in sorted(sites, key=lambda s: s["id"]):
        row = s["row"]
        w(f"  # {quoted(row['Name'])} ({quoted(row.get('Status', ''))}, {quoted(row.get('Certainty', ''))}); "
          f"owner {quoted(row['Owner']) or '(empty)'}")
        w(f"  {s['id']}:")
        w(f"    owner: {s['owner']}")
        w(f"    phases: {{main: {{gpus: {s['count']}, ready: {s['ready'].isoformat()}}}}}")
    w("")
    w("orders:")
    for s in sorted(sites, key=lambda s: s["id"]):
        w(f"  {s['id']}: {{owner: {s['owner']}, sku: {s['sku']}, quantity: {s['count']}, "
          f"ship: {s['ship'].isoformat()}, lots: {s['lots']}, lot_interval_days: {LOT_INTERVAL_DAYS}, "
          f"transit_days: {TRANSIT_DAYS}, site: {s['id']}}}")
    return "\n".join(out) + "\n"


def main(argv):
    root = repo_root()
    default_data = os.path.normpath(os.path.join(root, "..", "shared", "data"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clusters", nargs="?", default=os.path.join(default_data, "epoch_gpu_clusters.csv"),
                        help="Epoch AI GPU clusters CSV (default: ../shared/data/epoch_gpu_clusters.csv)")
    parser.add_argument("--hardware", default=os.path.join(default_data, "epoch_ml_hardware.csv"),
                        help="Epoch AI ML hardware CSV (default: ../shared/data/epoch_ml_hardware.csv)")
    parser.add_argument("-o", "--output", default=os.path.join(root, "scenarios", "world_hopper.yaml"),
                        help="output YAML file, '-' for stdout (default: scenarios/world_hopper.yaml)")
    args = parser.parse_args(argv)
    try:
        sites, start, end, hardware = build(args.clusters, args.hardware)
    except InputError as error:
        print(f"gen_world_hopper.py: error: {error}", file=sys.stderr)
        return 2
    # The command is recorded with paths relative to the repository so the output does not depend on
    # where the repository lives.
    command = "tools/gen_world_hopper.py ../shared/data/epoch_gpu_clusters.csv " \
              "--hardware ../shared/data/epoch_ml_hardware.csv -o scenarios/world_hopper.yaml"
    text = render(sites, start, end, hardware, command)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    temporary = args.output + ".tmp"
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temporary, args.output)
    except OSError as error:
        print(f"gen_world_hopper.py: error: {args.output}: cannot write: {error.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}: {len(sites)} sites", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
