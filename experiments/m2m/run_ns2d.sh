#!/bin/sh
# M²M vs FNO on NS-2D vorticity (FNO's forcing), one-step prediction
# w(t) → w(t+1) (record interval 1), ν = 1e-3 (and 1e-4), 64² (solved on 64²).
# A small-budget run: 24 training / 6 test trajectories of 9 records
# (192 / 48 pairs), 400 steps. Write-up: docs/results.md § M²M vs FNO.
#   BIN (build/bin), WORK (/tmp/m2m-ns), STEPS (400), THREADS (2),
#   NUS ("1e-3 1e-4"), SOLVE_1E4 (solver options for ν = 1e-4, default
#   "--solve-res 128 --dt-max 1e-3": shodh-data's defaults for ν < 1e-3,
#   256² and dt ≤ 1e-4 as in FNO's recipe, cost ~12 CPU-s per record and
#   trajectory, and agree with 128² / dt ≤ 1e-3 to 2.2e-7 relative L2 at 64²
#   over these 9 records; docs/results.md § M²M vs FNO).
set -e
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=${BIN:-$ROOT/build/bin}
WORK=${WORK:-/tmp/m2m-ns}
STEPS=${STEPS:-400}
THREADS=${THREADS:-2}
NUS=${NUS:-"1e-3 1e-4"}
SOLVE_1E4=${SOLVE_1E4:-"--solve-res 128 --dt-max 1e-3"}
RES=$ROOT/experiments/m2m/results
mkdir -p "$WORK" "$RES"
cd "$WORK"
TRAIN="--train --set train.schedule=cosine --set cin=1 --set cout=1"
"$BIN/shodhc" "$ROOT/models/m2m.mlir" $TRAIN -o m2m.fb
"$BIN/shodhc" "$ROOT/models/fno.mlir" $TRAIN --set modes=14 -o fno.fb
for nu in $NUS; do
  solve=""
  [ "$nu" = 1e-4 ] && solve=$SOLVE_1E4
  for part in "train 24 1" "test 6 2"; do
    set -- $part
    /usr/bin/time -v -o "$RES/time_ns_data_${nu}_$1.txt" nice -n 5 "$BIN/shodh-data" ns2d \
        --nu "$nu" --n "$2" --res 64 --steps 9 --record-every 1 --window 1 \
        --seed "$3" --threads "$THREADS" $solve --out "ns_${nu}_$1.h5" > /dev/null
  done
  for m in m2m fno; do
    rm -rf "run_${m}_$nu"
    /usr/bin/time -v -o "$RES/time_ns_${m}_$nu.txt" nice -n 5 "$BIN/shodh-run" train "$m.fb" \
        --data "ns_${nu}_train.h5" --val "ns_${nu}_test.h5" --steps "$STEPS" --batch 16 \
        --threads "$THREADS" --val-every "$STEPS" --log-every 10 --ckpt-every "$STEPS" \
        --seed 0 --out "run_${m}_$nu" > "$RES/train_ns_${m}_$nu.log" 2>&1 &
  done
  wait
  for m in m2m fno; do
    extra=""
    [ "$m" = m2m ] && extra="--routing-json $RES/routing_ns_${m}_$nu.json"
    "$BIN/shodh-run" eval "$m.fb" --weights "run_${m}_$nu/latest.fb" \
        --data "ns_${nu}_test.h5" --threads "$THREADS" $extra > "$RES/eval_ns_${m}_$nu.log" 2>&1
  done
done
