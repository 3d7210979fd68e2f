#!/usr/bin/env bash
# Crash safety of `shodh-run train` (docs/reliability.md): trains a small FNO
# once without interruption (the reference), then again while SIGKILLing it
# at pseudo-random moments and resuming with --resume after every kill, until
# the run completes. After every kill, every checkpoint in the run folder
# (latest.fb and each ckpt-STEP.fb) must load (`shodh-run eval`); at the end
# the exported parameters and statistics must equal the reference bit for bit
# and metrics.jsonl must hold the reference's records (wall time aside).
#
#   kill-resume.sh WORKDIR SRC_ROOT [KILLS] [SEED]
#
# shodhc, shodh-run and shodh-data are taken from PATH. Kill delays come from
# bash's $RANDOM seeded with SEED, so the delays are deterministic (the step
# each kill lands on depends on the machine's speed). Kills land in start-up,
# data loading, mid-step and mid-checkpoint (--ckpt-every 3 writes a
# checkpoint every ~25 ms).
set -euo pipefail

work=${1:?usage: kill-resume.sh WORKDIR SRC_ROOT [KILLS] [SEED]}
src=${2:?usage: kill-resume.sh WORKDIR SRC_ROOT [KILLS] [SEED]}
kills_wanted=${3:-24}
RANDOM=${4:-20240611}
python=${PYTHON:-python3}

# Long enough that KILLS kills never finish it: a kill lands at most ~0.25 s
# after start-up, ~50 steps on average at today's ~1.5 ms per step (the run
# took ~6 s at 1500 steps when this was written, 2.2 s after the thread
# pool's polling hand-off, when 24 kills could finish it).
steps=4000
train_args=(--data "$work/train.h5" --val "$work/val.h5" --steps $steps
            --batch 8 --threads 2 --lr 3e-3 --log-every 5 --val-every 50
            --ckpt-every 3)

rm -rf "$work" && mkdir -p "$work"
shodh-data poisson --n 32 --res 16 --seed 1 --out "$work/train.h5" >/dev/null 2>&1
shodh-data poisson --n 8 --res 16 --seed 2 --out "$work/val.h5" >/dev/null 2>&1
shodhc "$src/models/fno.mlir" --train -o "$work/fno.fb" --set res=16 \
  --set cin=4 --set width=8 --set modes=4 --set layers=2

# The reference: one uninterrupted run.
shodh-run train "$work/fno.fb" "${train_args[@]}" --out "$work/ref" \
  >/dev/null 2>&1

# Checks that every checkpoint in the run folder loads; prints latest's step
# (0 when there is no checkpoint yet).
check_checkpoints() {
  local f step=0
  for f in "$work"/run/ckpt-*.fb "$work"/run/latest.fb; do
    [ -e "$f" ] || continue
    if ! out=$(shodh-run eval "$work/fno.fb" --weights "$f" \
                 --data "$work/val.h5" 2>&1); then
      echo "FAIL: checkpoint '$f' does not load after kill $kills:" >&2
      echo "$out" >&2
      exit 1
    fi
    if [ "$f" = "$work/run/latest.fb" ]; then
      step=$(sed -n 's/.*(step \([0-9]*\)).*/\1/p' <<<"$out")
    fi
  done
  echo "$step"
}

kills=0
step=0
progress=""
while :; do
  if [ -e "$work/run/latest.fb" ]; then
    start=(--resume "$work/run")
  else
    start=(--out "$work/run")
  fi
  if [ "$kills" -ge "$kills_wanted" ]; then
    # Enough kills: let this one finish.
    shodh-run train "$work/fno.fb" "${train_args[@]}" "${start[@]}" \
      >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }
    break
  fi
  # 0..0.35 s: start-up takes ~0.1 s, a step ~1.5 ms, the whole run ~6 s,
  # so most kills land after some progress and the run is not over before
  # KILLS kills.
  delay=$(printf '0.%03d' $((RANDOM % 350)))
  shodh-run train "$work/fno.fb" "${train_args[@]}" "${start[@]}" \
    >"$work/last.log" 2>&1 &
  pid=$!
  sleep "$delay"
  if kill -KILL "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    kills=$((kills + 1))
  else
    # It ended before the kill: it must have finished the run.
    wait "$pid" || { cat "$work/last.log" >&2; exit 1; }
  fi
  step=$(check_checkpoints)
  progress="$progress $step"
  [ "$step" -ge "$steps" ] && break
done

step=$(check_checkpoints)
if [ "$kills" -lt "$kills_wanted" ]; then
  echo "FAIL: the run finished after $kills kills, fewer than $kills_wanted" >&2
  exit 1
fi
leftover=$(find "$work/run" -name '*.tmp.*' | wc -l)
echo "kill-resume: $kills kills (latest.fb step after each:$progress)," \
     "every checkpoint loadable, $leftover temp files left"

shodh-run export "$work/fno.fb" --weights "$work/ref/latest.fb" \
  --out "$work/ref.h5" >/dev/null
shodh-run export "$work/fno.fb" --weights "$work/run/latest.fb" \
  --out "$work/run.h5" >/dev/null
"$python" - "$work" <<'EOF'
import json, sys
import h5py, numpy as np
work = sys.argv[1]
a, b = h5py.File(f"{work}/ref.h5", "r"), h5py.File(f"{work}/run.h5", "r")
assert sorted(a) == sorted(b), (sorted(a), sorted(b))
diff = [k for k in a if a[k][...].tobytes() != b[k][...].tobytes()]
assert not diff, f"parameters differ from the uninterrupted run: {diff}"
def records(path):
    out = []
    for line in open(path):
        r = json.loads(line)
        del r["seconds"], r["val_seconds"]  # wall times
        out.append(r)
    return out
ra, rb = records(f"{work}/ref/metrics.jsonl"), records(f"{work}/run/metrics.jsonl")
assert ra == rb, f"metrics.jsonl differs: {len(ra)} vs {len(rb)} records"
print(f"kill-resume: {len(a)} exported tensors bit-identical, "
      f"{len(ra)} metrics records identical")
EOF
