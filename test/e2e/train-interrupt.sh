#!/usr/bin/env bash
# Ctrl-C during `shodh-run train` (docs/training.md § Resume): SIGINT
# finishes the current step, writes a checkpoint, prints where to continue
# and ends by the signal (exit status 130); `--resume` then continues from
# that step, and the result equals an uninterrupted run's bit for bit.
# SIGTERM (a batch system's time limit) does the same (143); two signals at
# once make one clean stop. A second Ctrl-C 0.2 s later ends the run at once:
# test/unit/train/StopSignalsTest.cpp.
#
#   train-interrupt.sh WORKDIR SRC_ROOT
#
# shodhc, shodh-run and shodh-data are taken from PATH.
set -euo pipefail
work=${1:?usage: train-interrupt.sh WORKDIR SRC_ROOT}
src=${2:?usage: train-interrupt.sh WORKDIR SRC_ROOT}
python=${PYTHON:-python3}
rm -rf "$work" && mkdir -p "$work" && cd "$work"

shodhc "$src/models/mlp.mlir" --train --set cin=4 -o m.fb
shodh-data poisson --n 8 --res 8 --seed 2 --out d.h5 > /dev/null 2>&1
args=(--data d.h5 --batch 2 --seed 5 --log-every 10)

# A run far too long to finish, interrupted once it is training.
( rc=0; shodh-run train m.fb "${args[@]}" --steps 100000000 --out run \
    > run.out 2> run.err || rc=$?; echo $rc > run.rc ) &
for _ in $(seq 3000); do [ -s run/metrics.jsonl ] && break; sleep 0.01; done
[ -s run/metrics.jsonl ] || { echo "FAIL: the run never logged a step" >&2; exit 1; }
sleep 0.2
pkill -INT -f "shodh-run train m.fb .*--out run$" || true
wait
echo "exit: $(cat run.rc)"
tail -n 1 run.out | sed 's/step [0-9]*;/step N;/; s/ckpt-[0-9]*/ckpt-N/'
step=$(sed -n 's/^interrupted (SIGINT) after step \([0-9]*\);.*/\1/p' run.out)
[ -n "$step" ] || { echo "FAIL: no step in: $(tail -n 1 run.out)" >&2; exit 1; }
[ -e "run/ckpt-$step.fb" ] && echo "checkpoint of the step written"
cmp -s "run/ckpt-$step.fb" run/latest.fb && echo "latest.fb is that checkpoint"

# Five more steps after the interruption, against one run of step + 5.
total=$((step + 5))
shodh-run train m.fb "${args[@]}" --steps $total --resume run > resume.out 2>&1
grep -o "resuming '.*' at step [0-9]*" resume.out | sed "s/step $step\$/the interrupted step/"
shodh-run train m.fb "${args[@]}" --steps $total --out straight > /dev/null 2>&1
shodh-run export m.fb --weights run/latest.fb --out a.h5 > /dev/null
shodh-run export m.fb --weights straight/latest.fb --out b.h5 > /dev/null
"$python" - a.h5 b.h5 <<'PY'
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
same = sorted(a) == sorted(b) and all(np.array_equal(a[k][()], b[k][()]) for k in a)
print(f"resumed run equals the uninterrupted one: {same} ({len(list(a))} datasets)")
sys.exit(0 if same else 1)
PY

# SIGTERM, as SLURM sends at the time limit: the same clean stop.
( rc=0; shodh-run train m.fb "${args[@]}" --steps 100000000 --out term \
    > term.out 2> term.err || rc=$?; echo $rc > term.rc ) &
for _ in $(seq 3000); do [ -s term/metrics.jsonl ] && break; sleep 0.01; done
sleep 0.2
pkill -TERM -f "shodh-run train m.fb .*--out term$" || true
wait
echo "SIGTERM exit: $(cat term.rc)"
tail -n 1 term.out | sed 's/step [0-9]*;/step N;/; s/ckpt-[0-9]*/ckpt-N/'

# Two signals at once (GNU timeout sends its signal to the run and then to
# its process group): one clean stop. Both are made pending while the
# process is stopped, so they arrive together whatever the machine's speed.
( rc=0; shodh-run train m.fb "${args[@]}" --steps 100000000 --ckpt-every 50 \
    --out twice > twice.out 2> twice.err || rc=$?; echo $rc > twice.rc ) &
for _ in $(seq 3000); do [ -e twice/latest.fb ] && break; sleep 0.01; done
pid=$(pgrep -f "shodh-run train m.fb .*--out twice$")
kill -STOP "$pid"; kill -TERM "$pid"; kill -INT "$pid"; kill -CONT "$pid"
wait
rc=$(cat twice.rc)
{ [ "$rc" = 130 ] || [ "$rc" = 143 ]; } && echo "two signals: exit 128 + the first"
step=$(sed -n 's/^interrupted (SIG[A-Z]*) after step \([0-9]*\);.*/\1/p' twice.out)
[ -n "$step" ] && cmp -s "twice/ckpt-$step.fb" twice/latest.fb && echo "one clean stop, its checkpoint written"
echo "temporaries left: $(find twice -name '*.tmp.*' | wc -l)"
