#!/usr/bin/env bash
# Installs, from Debian 12 packages only, whatever poweron needs to build, test, benchmark and plot.
# Idempotent and quiet when everything is already there. Needs root (or sudo) only when installing.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libboost-graph-dev libeigen3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libcli11-dev libbenchmark-dev
  openmpi-bin libopenmpi-dev
  python3 python3-matplotlib
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
