#!/usr/bin/env bash
# The built-in small default job (`make run`): generate a small input, compile
# a model from models/, inspect it, run inference and print a summary.
set -euo pipefail
build=${1:-build}
bin=$build/bin
out=out/demo
mkdir -p "$out"

echo "== 1. generate 8 samples of 3 Gaussian random fields on an 8x8 grid"
"$bin/shodh-data" grf --n 8 --channels 3 --res 8 --seed 0 --out "$out/inputs.h5"
echo "== 2. compile models/mlp.mlir"
"$bin/shodhc" models/mlp.mlir -o "$out/mlp.fb"
echo "== 3. inspect the model file"
"$bin/shodh-run" inspect "$out/mlp.fb" --batch 8
echo "== 4. run inference"
"$bin/shodh-run" infer "$out/mlp.fb" --data "$out/inputs.h5" --out "$out/outputs.h5" --threads 2
echo "demo finished: files in $out/"
