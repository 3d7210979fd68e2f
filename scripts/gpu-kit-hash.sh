#!/usr/bin/env bash
# Prints a short hash of the sources built into the GPU kit's binaries
# (runtime/, tools/shodh-run/, test/unit/cuda/, CMakeLists.txt). gpu-kit.sh
# records it in gpu-kit/MANIFEST.txt; gpu-check.sh recomputes it on the
# device (coreutils and findutils only) to flag a kit older than the tree.
set -euo pipefail
cd "$(dirname "$0")/.."
find runtime tools/shodh-run test/unit/cuda CMakeLists.txt -type f \
  \( -name '*.cpp' -o -name '*.h' -o -name '*.cu' -o -name '*.cuh' -o -name '*.fbs' \
     -o -name CMakeLists.txt \) -print0 | LC_ALL=C sort -z | xargs -0 sha256sum |
  sha256sum | cut -c1-16
