#!/usr/bin/env bash
# Installs what building, testing and running pipeline need on Debian/Ubuntu; does nothing when all is there.
set -euo pipefail

APT_PACKAGES=(
  pkg-config libhdf5-dev hdf5-tools libopenblas-dev liblapacke-dev libyaml-dev zlib1g-dev libssl-dev
  dataset-fashion-mnist
  openmpi-bin libopenmpi-dev
  chromium
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

# Tests check the tool against independent readers: jsonschema + PyYAML validate pipelines/*.yaml
# against the schema, h5py reads the tool's HDF5 artifacts.
if ! python3 -c 'import jsonschema, yaml, h5py' >/dev/null 2>&1; then
  echo "setup: installing jsonschema, PyYAML and h5py for python3"
  python3 -m pip install --quiet --root-user-action=ignore jsonschema pyyaml h5py
fi

command -v swift >/dev/null || { echo "setup: Swift 6 toolchain not found on PATH" >&2; exit 1; }
