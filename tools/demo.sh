#!/usr/bin/env bash
# The README's main command: installs what is missing, builds the release preset and runs the
# Tesla/X 2024 scenario, writing out/tesla-x-2024/ and printing the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target poweron_cli >/dev/null
build/release/poweron --version
build/release/poweron validate scenarios/tesla_x_2024.yaml
build/release/poweron run scenarios/tesla_x_2024.yaml
