#!/usr/bin/env bash
# The README's test command: installs what is missing, builds with a CMake preset (default: release)
# and runs every test with CTest. Usage: tools/test.sh [release|debug|asan]
set -euo pipefail
preset=${1:-release}
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j"$(nproc)"
ctest --preset "$preset" -j"$(nproc)"
