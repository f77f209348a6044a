#!/usr/bin/env python3
"""Times poweron's end-to-end performance targets and prints a Markdown table for BENCHMARKS.md.

Each case runs REPEAT times, interleaved: a round runs every selected case once, so a drift of the
machine's speed in the middle falls on all cases alike (the million-run sweep runs in the first round
only). The table gives each case's median wall time and its largest peak resident memory (the child's
ru_maxrss, read with os.wait4); the sweep speed-up is the median of the rounds' 1-thread / 2-thread
ratios. Usage: tools/bench.py [--build build/release] [--repeat 5] [--only NAME ...]. Builds nothing:
run `cmake --build --preset release` first.

Each round first times a machine reference: a fixed pure-Python loop that runs no poweron code, once on
each CPU. On a shared virtual machine a CPU's speed drifts for minutes at a time (seen here: one of the
two at about half to two thirds of the other's); a round whose reference is slow on a CPU ran on a slower
machine, whatever the build. The rounds are listed with it after the table, and with each two-thread sweep's
split of the replications between its threads (from its debug log): the threads take work as they
finish it, so an uneven split means one CPU ran slower during that very run.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_once(command):
    """Wall seconds, peak RSS (MiB) and standard error of one run of `command`; exits on failure."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    errors = process.stderr.read().decode()  # to the end first: a full pipe would block the child
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"bench: {' '.join(command)} exited {code}: {errors[:2000]}")
    return wall, usage.ru_maxrss / 1024.0, errors


def thread_split(errors):
    """The replications per thread a sweep's debug log reports ("4912/5088"), or None."""
    match = re.search(r"replications per thread ([0-9 /]+)", errors)
    return match.group(1).replace(" ", "") if match else None


def machine_reference():
    """Wall seconds of a fixed CPU-bound loop (an LCG, about 0.1 s here) on each CPU in turn: the speed of
    each of the machine's CPUs, not poweron's."""
    def loop():
        start = time.perf_counter()
        x = 1
        for _ in range(1_000_000):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        return time.perf_counter() - start

    cpus = sorted(os.sched_getaffinity(0))
    seconds = []
    for cpu in cpus:
        os.sched_setaffinity(0, {cpu})
        seconds.append(loop())
    os.sched_setaffinity(0, cpus)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    poweron = os.path.join(args.build, "poweron")
    work = tempfile.mkdtemp(prefix="poweron-bench-")
    large = os.path.join(work, "large.yaml")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_large_scenario.py"), "--sites", "1000",
                    "--orders", "10000", "--lots", "50000", "--years", "3", "--seed", "1", "-o", large], check=True)
    tesla = os.path.join(ROOT, "scenarios", "tesla_x_2024.yaml")
    out = os.path.join(work, "out")
    cases = [
        ("validate-large", "validate, 1,000 sites / 10,000 orders", [poweron, "validate", large], "< 0.5 s"),
        ("run-tesla", "run tesla_x_2024", [poweron, "run", tesla, "--out", out + "/t"], "< 50 ms"),
        ("run-large", "run, 1,000 sites / 10,000 orders / 50,000 lots / 3 years",
         [poweron, "run", large, "--out", out + "/l"], "< 2 s, < 500 MB"),
        ("sweep-1t", "sweep tesla_x_2024 --runs 10000 --threads 1",
         [poweron, "--log-level", "debug", "sweep", tesla, "--runs", "10000", "--threads", "1", "--out", out + "/s1"], "(reference)"),
        ("sweep-2t", "sweep tesla_x_2024 --runs 10000 --threads 2",
         [poweron, "--log-level", "debug", "sweep", tesla, "--runs", "10000", "--threads", "2", "--out", out + "/s2"], "< 1 s; >= 1.8x 1 thread"),
        ("sweep-1m", "sweep tesla_x_2024 --runs 1000000 --threads 2",
         [poweron, "--log-level", "debug", "sweep", tesla, "--runs", "1000000", "--threads", "2", "--out", out + "/sm"], "peak < 1 GiB"),
    ]
    print(f"poweron benchmarks, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, median of {args.repeat}\n")
    print("| case | command | median wall | peak RSS | target |")
    print("|---|---|---|---|---|")
    selected = [case for case in cases if not args.only or case[0] in args.only]
    walls = {name: [] for name, _, _, _ in selected}
    peaks = {name: 0.0 for name, _, _, _ in selected}
    splits = {name: [] for name, _, _, _ in selected}
    references = []
    for round_index in range(args.repeat):
        references.append(machine_reference())
        for name, _, command, _ in selected:
            if name == "sweep-1m" and round_index > 0:
                continue
            wall, peak, errors = run_once(command)
            walls[name].append(wall)
            splits[name].append(thread_split(errors))
            peaks[name] = max(peaks[name], peak)
    for name, label, _, target in selected:
        wall = statistics.median(walls[name])
        print(f"| {name} | `{label}` | {wall * 1000:.1f} ms | {peaks[name]:.0f} MiB | {target} |", flush=True)
    if "sweep-1t" in walls and "sweep-2t" in walls:
        ratios = [one / two for one, two in zip(walls["sweep-1t"], walls["sweep-2t"])]
        print(f"\nsweep speed-up, 2 threads over 1: {statistics.median(ratios):.2f}x (median of {len(ratios)} rounds; "
              f"rounds {min(ratios):.2f}-{max(ratios):.2f}x)")
    print("\nmachine reference before each round (a fixed Python loop, no poweron code), ms on each CPU:")
    for round_index, reference in enumerate(references):
        times = []
        for name, _, _, _ in selected:
            if round_index < len(walls[name]):
                split = splits[name][round_index]
                per_thread = f" ({split} per thread)" if split and "/" in split else ""
                times.append(f"{name} {walls[name][round_index] * 1000:.0f} ms{per_thread}")
        cpus = " / ".join(f"{seconds * 1000:.0f}" for seconds in reference)
        print(f"- round {round_index + 1}: reference {cpus}; " + "; ".join(times))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
