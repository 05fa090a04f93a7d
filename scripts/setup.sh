#!/usr/bin/env bash
# Installs what building, testing and running pipeline need on Debian/Ubuntu; does nothing when all is there.
set -euo pipefail

APT_PACKAGES=(
  pkg-config libhdf5-dev hdf5-tools libopenblas-dev liblapacke-dev libyaml-dev zlib1g-dev libssl-dev
  dataset-fashion-mnist
)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The schema test validates pipelines/*.yaml with Python's jsonschema and PyYAML.
if ! python3 -c 'import jsonschema, yaml' >/dev/null 2>&1; then
  echo "setup: installing jsonschema and PyYAML for python3"
  python3 -m pip install --quiet jsonschema pyyaml
fi

command -v swift >/dev/null || { echo "setup: Swift 6 toolchain not found on PATH" >&2; exit 1; }
