#!/usr/bin/env bash
# `make run-fno` (the default job before Shodh-MoE): generate a small input, compile
# the FNO from models/, inspect it, run inference and print a summary.
set -euo pipefail
build=${1:-build}
bin=$build/bin
out=out/demo
mkdir -p "$out"

echo "== 1. generate 16 samples of 3 Gaussian random fields on a 32x32 grid"
"$bin/shodh-data" grf --n 16 --channels 3 --res 32 --seed 0 --out "$out/inputs.h5"
echo "== 2. compile models/fno.mlir (FNO-2D, width 32, 12 modes, 4 layers) for 32x32 inputs"
"$bin/shodhc" models/fno.mlir -o "$out/fno.fb" --set res=32
echo "== 3. inspect the model file"
"$bin/shodh-run" inspect "$out/fno.fb" --batch 8
echo "== 4. run inference"
"$bin/shodh-run" infer "$out/fno.fb" --data "$out/inputs.h5" --out "$out/outputs.h5" --batch 8 \
  --threads 2
echo "demo finished: files in $out/"
