#!/usr/bin/env bash
# Seed corpora for the fuzzers (docs/reliability.md), made with the tools of
# a normal build:
#   OUT/model_file_fuzzer/   models/*.mlir compiled small (with and without
#                            --train, static and dynamic batch) and a
#                            training checkpoint (data section, ckpt.* keys)
#   OUT/hdf5_reader_fuzzer/  shodh-data outputs (grf, poisson, advdiff,
#                            helmholtz; 2 samples on small grids)
#   OUT/shodhc_fuzzer/       models/*.mlir and every .mlir under test/, split
#                            at `// -----`; the models and whole test inputs
#                            also with `// shodhc-options:` lines (--train,
#                            --no-fuse, --batch, --set); needs no tools
#
#   make-corpus.sh BIN_DIR SRC_ROOT OUT
set -euo pipefail
bin=${1:?usage: make-corpus.sh BIN_DIR SRC_ROOT OUT}
src=${2:?usage: make-corpus.sh BIN_DIR SRC_ROOT OUT}
out=${3:?usage: make-corpus.sh BIN_DIR SRC_ROOT OUT}
models=$out/model_file_fuzzer data=$out/hdf5_reader_fuzzer tmp=$out/tmp
sources=$out/shodhc_fuzzer
mkdir -p "$models" "$data" "$tmp" "$sources"

# shodhc_fuzzer: FILE's `// -----` splits as NAME-1.mlir, NAME-2.mlir, ...
split_source() {
  awk -v prefix="$sources/$2-" '
    /^\/\/ -----/ { n++; next }
    { print > (prefix (n + 1) ".mlir") }' "$1"
}
# shodhc_fuzzer: FILE with an option line in front, as NAME.mlir.
with_options() {
  { echo "// shodhc-options: $3"; cat "$1"; } >"$sources/$2.mlir"
}
for f in "$src"/models/*.mlir $(find "$src/test" -name '*.mlir' | sort); do
  name=$(echo "${f#"$src"/}" | tr / _)
  name=${name%.mlir}
  split_source "$f" "$name"
  if ! grep -q '^// -----' "$f"; then
    with_options "$f" "$name-train" "--train --batch 4"
    with_options "$f" "$name-nofuse" "--no-fuse --set res=8 --set width=4 --set modes=2"
  fi
done

fno=(--set res=8 --set cin=4 --set width=4 --set modes=2 --set layers=2)
if [ -x "$bin/shodhc" ]; then
  "$bin/shodhc" "$src/models/fno.mlir" "${fno[@]}" -o "$models/fno.fb"
  "$bin/shodhc" "$src/models/fno.mlir" "${fno[@]}" --batch 2 -o "$models/fno-b2.fb"
  "$bin/shodhc" "$src/models/fno.mlir" "${fno[@]}" --train -o "$models/fno-train.fb"
  "$bin/shodhc" "$src/models/mlp.mlir" --set width=4 -o "$models/mlp.fb"
  "$bin/shodhc" "$src/models/fno3d.mlir" --set res=8 --set width=4 --set modes=2 \
    -o "$models/fno3d.fb" 2>/dev/null || true
fi
for pde in grf poisson advdiff helmholtz; do
  "$bin/shodh-data" $pde --n 2 --res 8 --seed 1 --out "$data/$pde.h5" >/dev/null 2>&1
done
if [ -x "$bin/shodhc" ]; then
  "$bin/shodh-data" poisson --n 8 --res 8 --seed 1 --out "$tmp/train.h5" >/dev/null 2>&1
  "$bin/shodh-run" train "$models/fno-train.fb" --data "$tmp/train.h5" --steps 2 \
    --batch 4 --out "$tmp/run" >/dev/null 2>&1
  cp "$tmp/run/latest.fb" "$models/checkpoint.fb"
fi
rm -rf "$tmp"
echo "corpus: $(ls "$models" | wc -l) model files, $(ls "$data" | wc -l) data files," \
  "$(ls "$sources" | wc -l) model sources in $out"
