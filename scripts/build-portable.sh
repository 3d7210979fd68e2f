#!/usr/bin/env bash
# Builds the portable shodh-run (docs/cuda.md § Portable build): the runtime
# only (no MLIR), CPU dependencies and libstdc++/libgcc linked statically,
# the CUDA backend with a static cudart when nvcc is available (cuBLAS and
# cuFFT stay shared). Result: build-portable/tools/shodh-run/shodh-run, plus
# the list of its shared libraries (ldd) for checking what must be on the
# target machine.
#   scripts/build-portable.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-portable}
shift || true
jobs=${JOBS:-$(nproc)}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSHODH_PORTABLE=ON -DSHODH_ENABLE_COMPILER=OFF -DSHODH_ENABLE_TESTS=OFF "$@"
cmake --build "$build" -j "$jobs" --target shodh-run
mkdir -p "$build/tools/shodh-run"
# CMAKE_RUNTIME_OUTPUT_DIRECTORY puts binaries in bin/; the documented path
# is tools/shodh-run/shodh-run.
cp -f "$build/bin/shodh-run" "$build/tools/shodh-run/shodh-run"
echo "portable: $build/tools/shodh-run/shodh-run"
ldd "$build/tools/shodh-run/shodh-run" | sed 's/ (0x[0-9a-f]*)//'
