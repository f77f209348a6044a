#!/usr/bin/env bash
# Times the event kernel's hold model (bench/kernel_bench.cpp): configures and builds a Release tree
# (default build-kernel-rel, or $1) if needed, then runs kernel_bench with 5 repetitions and prints
# the median items/s (events per second) for each N. Extra arguments after $1 go to kernel_bench.
# Run it on a quiet machine (check `uptime`); timings under load are not comparable.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-kernel-rel}
shift || true
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build_dir" -j2 --target kernel_bench >/dev/null
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build_dir/bench/kernel_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true "$@" |
  grep -E '^(Benchmark|-+$|BM_.*_median)'
