#!/usr/bin/env bash
# Installs the release build into a temporary prefix and builds tests/consumer against it with
# find_package(poweron): proves the installed CMake package is usable by another project.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix/install" >/dev/null
cmake -S tests/consumer -B "$prefix/consumer" -DCMAKE_PREFIX_PATH="$prefix/install" >/dev/null
cmake --build "$prefix/consumer" -j"$(nproc)" >/dev/null
"$prefix/consumer/consumer"
