#!/usr/bin/env bash
# Proves the runtime builds without MLIR: configures a separate build with the
# compiler switched off, builds shodh-run, and checks that neither the binary's
# dynamic dependencies nor its compile commands mention MLIR or LLVM.
# Usage: check-runtime-standalone.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
dir=$2
cmake -S "$src" -B "$dir" -G Ninja -DSHODH_ENABLE_COMPILER=OFF -DSHODH_ENABLE_TESTS=OFF \
  >"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
cmake --build "$dir" --target shodh-run -j 2 >>"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
bin=$dir/bin/shodh-run
if ldd "$bin" | grep -Ei 'mlir|llvm'; then
  echo "FAIL: shodh-run links MLIR/LLVM libraries"; exit 1
fi
if grep -Ei 'llvm-19|mlir' "$dir/compile_commands.json"; then
  echo "FAIL: runtime compile commands reference MLIR/LLVM"; exit 1
fi
"$bin" --help >/dev/null
echo "runtime-standalone: shodh-run built without MLIR ($(ldd "$bin" | wc -l) shared libraries)"
