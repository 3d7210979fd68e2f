#!/usr/bin/env bash
# FNO-2D on NS-2D (nu = 1e-3, 64^2) with FNO's 10 -> 10 protocol, evaluated
# by autoregressive rollout (docs/results.md § FNO rollout on NS-2D).
# Usage: bash experiments/rollout/run.sh [BUILD] [WORK]   (about 1 h on 2 cores,
# almost all of it data generation)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$REPO/build}" && pwd)
WORK=${2:-/tmp/shodh-rollout}
B=$BUILD/bin
mkdir -p "$WORK"
cd "$WORK"
# Run A's training set: 100 trajectories of 20 snapshots (one 10 -> 10 pair
# each, t = 1..10 -> 11..20); run B's: 30 snapshots (pairs at 1..10 and
# 11..20); the test set: 20 trajectories of 30 snapshots, other seed.
"$B/shodh-data" ns2d --nu 1e-3 --n 100 --res 64 --steps 20 --window 10 --seed 1 --threads 2 --out train20.h5
"$B/shodh-data" ns2d --nu 1e-3 --n 100 --res 64 --steps 30 --window 10 --seed 1 --threads 2 --out train30.h5
"$B/shodh-data" ns2d --nu 1e-3 --n 20 --res 64 --steps 30 --window 10 --seed 2 --threads 2 --out test.h5
# FNO's NS configuration: 4 layers, width 20, 12 modes; 10 snapshots in, 10 out.
"$B/shodhc" "$REPO/models/fno.mlir" --train -o ns10.fb --set res=64 --set cin=10 \
    --set cout=10 --set width=20 --set modes=12 --set train.schedule=cosine
for run in 20 30; do
  "$B/shodh-run" train ns10.fb --data train$run.h5 --steps 2000 --batch 10 --out run$run --threads 2 --log-every 500
  "$B/shodh-run" eval ns10.fb --weights run$run/latest.fb --data test.h5 --rollout vorticity \
      --threads 2 --metrics-json rollout-$run.json
  "$B/shodh-run" eval ns10.fb --weights run$run/latest.fb --data test.h5 --threads 2
done
