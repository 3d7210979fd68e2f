#!/usr/bin/env bash
# Installs Shodh's build and test dependencies from Debian's apt, idempotently.
# Prints nothing when everything is already installed; runs `apt-get update` only
# when something is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ make pkg-config
  libmlir-19-dev mlir-19-tools llvm-19-dev llvm-19-tools
  flatbuffers-compiler libflatbuffers-dev
  libfmt-dev libgtest-dev libcli11-dev
  libfftw3-dev libopenblas-dev libhdf5-dev
  python3-numpy python3-h5py
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
