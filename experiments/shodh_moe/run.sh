#!/bin/sh
# Shodh-MoE on mixed open-channel / porous 3-D flow at 32³ (docs/results.md
# § Shodh-MoE). Stages: data → autoencoder (models/shodh_moe.mlir
# --entry autoencode) → latent data sets (--entry encode, shodh-run infer
# --map) → latent transformer runs (--entry latent_step): MoE and dense
# (--set experts=1: one feed-forward expert + the shared one, the same
# active parameters per token), each trained jointly and on one domain →
# evaluation (latent and decoded per-domain MSE, divergence, routing
# tables, routing fractions over training). Work files go to
# ${WORK:-/tmp/shodh_moe}; small results land in results/.
#   THREADS (2), BIN (build/bin), AE_STEPS (1500), STEPS (2000),
#   NTRAIN (24 trajectories per domain), NTEST (6), T (8 records each);
#   STAGES ("data ae latent train eval"; add "long" for the 8000-step joint
#   MoE run, "onset" for its routing every 10 steps up to step 300,
#   "variants" for the router variants) picks what to run.
set -e
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=${BIN:-$ROOT/build/bin}
WORK=${WORK:-/tmp/shodh_moe}
THREADS=${THREADS:-2}
AE_STEPS=${AE_STEPS:-1500}
STEPS=${STEPS:-2000}
NTRAIN=${NTRAIN:-24}
NTEST=${NTEST:-6}
T=${T:-8}
STAGES=${STAGES:-"data ae latent train eval"}
RES=$ROOT/experiments/shodh_moe/results
MODEL=$ROOT/models/shodh_moe.mlir
mkdir -p "$WORK" "$RES"
cd "$WORK"
has() { case " $STAGES " in *" $1 "*) return 0 ;; esac; return 1; }
timed() { name=$1; shift; /usr/bin/time -v -o "$RES/time_$name.txt" "$@"; }
# routing_steps RUN_DIR SUFFIX [MAX_STEP]: the routing of moe.fb on the
# held-out latent tokens at every checkpoint of RUN_DIR (up to MAX_STEP)
# into results/routing_steps$SUFFIX/step_N.json, for the plots.
routing_steps() {
  mkdir -p "$RES/routing_steps$2"
  for c in "$1"/ckpt-*.fb; do
    step=$(basename "$c" .fb); step=${step#ckpt-}
    [ -z "${3:-}" ] || [ "$step" -le "$3" ] || continue
    "$BIN/shodh-run" eval moe.fb --weights "$c" --data lat_test.h5 --threads "$THREADS" \
        --routing-json "$RES/routing_steps$2/step_$step.json" > /dev/null
  done
}

if has data; then
  for d in channel3d porous3d; do
    seed=1; [ $d = porous3d ] && seed=2
    "$BIN/shodh-data" $d --pairs --n "$NTRAIN" --res 32 --steps "$T" --seed $seed \
        --threads "$THREADS" --out ${d}_train.h5
    "$BIN/shodh-data" $d --snapshots --n "$NTRAIN" --res 32 --steps "$T" --seed $seed \
        --threads "$THREADS" --out ${d}_snap.h5
    "$BIN/shodh-data" $d --pairs --n "$NTEST" --res 32 --steps "$T" --seed $((seed + 10)) \
        --threads "$THREADS" --out ${d}_test.h5
  done > "$RES/data.log" 2>&1
  "$BIN/shodh-data" merge channel3d_snap.h5 porous3d_snap.h5 --shuffle --out snap.h5
  "$BIN/shodh-data" merge channel3d_test.h5 porous3d_test.h5 --out test.h5
fi

# Compile every entry once.
"$BIN/shodhc" "$MODEL" --entry autoencode --set train.lr=2.0e-3 --set train.schedule=cosine -o ae.fb
"$BIN/shodhc" "$MODEL" --entry encode -o encode.fb
"$BIN/shodhc" "$MODEL" --entry latent_step --set train.schedule=cosine -o moe.fb
"$BIN/shodhc" "$MODEL" --entry latent_step --set experts=1 --set train.schedule=cosine -o dense.fb
"$BIN/shodhc" "$MODEL" -o full.fb
"$BIN/shodhc" "$MODEL" --set experts=1 -o full_dense.fb

if has ae; then
  rm -rf run_ae
  timed ae nice -n 5 "$BIN/shodh-run" train ae.fb --data snap.h5 --steps "$AE_STEPS" --batch 8 \
      --threads "$THREADS" --no-normalize --log-every 50 --ckpt-every 500 --seed 0 --out run_ae \
      > "$RES/train_ae.log" 2>&1
  cp run_ae/metrics.jsonl "$RES/metrics_ae.jsonl"
fi

if has latent; then
  for f in channel3d_train porous3d_train test; do
    "$BIN/shodh-run" infer encode.fb --weights run_ae/latest.fb --data $f.h5 \
        --map inputs,targets --copy domain --threads "$THREADS" --out lat_$f.h5
  done > "$RES/latent.log" 2>&1
  "$BIN/shodh-data" merge lat_channel3d_train.h5 lat_porous3d_train.h5 --shuffle --out lat_joint.h5
  ln -sf lat_channel3d_train.h5 lat_channel.h5
  ln -sf lat_porous3d_train.h5 lat_porous.h5
fi

# Latent runs: model × training set, two at a time, one thread each.
RUNS="moe_joint dense_joint moe_channel dense_channel moe_porous dense_porous"
if has train; then
  set -- $RUNS
  while [ $# -gt 0 ]; do
    for r in $1 $2; do
      m=${r%%_*}; data=lat_${r#*_}.h5
      rm -rf run_$r
      timed $r nice -n 5 "$BIN/shodh-run" train $m.fb --data $data --steps "$STEPS" --batch 16 \
          --threads 1 --no-normalize --log-every 25 --ckpt-every 150 --keep 100 --seed 0 \
          --out run_$r > "$RES/train_$r.log" 2>&1 &
    done
    wait
    shift 2
  done
  for r in $RUNS; do cp run_$r/metrics.jsonl "$RES/metrics_$r.jsonl"; done
fi

# Evaluation: latent MSE per domain (latent test pairs), decoded MSE and
# divergence per domain (the whole model with the autoencoder's and the run's
# checkpoints), routing tables; the joint MoE run's routing at every kept
# checkpoint for the bifurcation plot; the autoencoder's reconstruction.
if has eval; then
  for d in channel3d porous3d; do
    seed=1; [ $d = porous3d ] && seed=2
    "$BIN/shodh-data" $d --snapshots --n "$NTEST" --res 32 --steps "$T" --seed $((seed + 10)) \
        --threads "$THREADS" --out ${d}_test_snap.h5 > /dev/null
  done
  "$BIN/shodh-data" merge channel3d_test_snap.h5 porous3d_test_snap.h5 --out test_snap.h5
  "$BIN/shodh-run" eval ae.fb --weights run_ae/latest.fb --data test_snap.h5 --divergence spectral \
      --threads "$THREADS" --metrics-json "$RES/eval_ae.json" > "$RES/eval_ae.log"
  for r in $RUNS; do
    m=${r%%_*}; full=full.fb; [ $m = dense ] && full=full_dense.fb
    routing=""; [ $m = moe ] && routing="--routing-json $RES/routing_$r.json"
    "$BIN/shodh-run" eval $m.fb --weights run_$r/latest.fb --data lat_test.h5 \
        --threads "$THREADS" --metrics-json "$RES/eval_latent_$r.json" $routing \
        > "$RES/eval_latent_$r.log"
    timed eval_$r "$BIN/shodh-run" eval $full --weights run_ae/latest.fb --weights run_$r/latest.fb \
        --data test.h5 --divergence spectral --threads "$THREADS" \
        --metrics-json "$RES/eval_full_$r.json" > "$RES/eval_full_$r.log"
  done
  routing_steps run_moe_joint ""
  /usr/bin/python3 "$ROOT/experiments/shodh_moe/summarize.py" "$RES" lat_test.h5 test.h5
fi

# Longer joint MoE run (LONG_STEPS, default 8000, cosine; 2 threads) with its
# routing at every kept checkpoint: does the routing keep separating?
LONG_STEPS=${LONG_STEPS:-8000}
if has long; then
  rm -rf run_moe_joint_long
  timed moe_joint_long nice -n 5 "$BIN/shodh-run" train moe.fb --data lat_joint.h5 \
      --steps "$LONG_STEPS" --batch 16 --threads "$THREADS" --no-normalize --log-every 50 \
      --ckpt-every 500 --keep 100 --seed 0 --out run_moe_joint_long \
      > "$RES/train_moe_joint_long.log" 2>&1
  cp run_moe_joint_long/metrics.jsonl "$RES/metrics_moe_joint_long.jsonl"
  "$BIN/shodh-run" eval moe.fb --weights run_moe_joint_long/latest.fb --data lat_test.h5 \
      --threads "$THREADS" --metrics-json "$RES/eval_latent_moe_joint_long.json" \
      --routing-json "$RES/routing_moe_joint_long.json" > "$RES/eval_latent_moe_joint_long.log"
  "$BIN/shodh-run" eval full.fb --weights run_ae/latest.fb --weights run_moe_joint_long/latest.fb \
      --data test.h5 --divergence spectral --threads "$THREADS" \
      --metrics-json "$RES/eval_full_moe_joint_long.json" > "$RES/eval_full_moe_joint_long.log"
  routing_steps run_moe_joint_long _long
  /usr/bin/python3 "$ROOT/experiments/shodh_moe/summarize.py" "$RES" lat_test.h5 test.h5
fi

# The onset of the routing split: the joint MoE run again (same seed, same
# steps, so the same trajectory) with a checkpoint every 10 steps, its
# routing on the held-out tokens at steps 10..300.
if has onset; then
  rm -rf run_moe_joint_onset
  nice -n 5 "$BIN/shodh-run" train moe.fb --data lat_joint.h5 --steps "$STEPS" --batch 16 \
      --threads 1 --no-normalize --log-every 25 --ckpt-every 10 --keep 1000 --seed 0 \
      --out run_moe_joint_onset > "$RES/train_moe_joint_onset.log" 2>&1
  routing_steps run_moe_joint_onset _onset 300
  /usr/bin/python3 "$ROOT/experiments/shodh_moe/summarize.py" "$RES" lat_test.h5 test.h5
fi

# Router variants of the joint MoE run (STEPS, one thread each, two at a
# time; VARIANTS picks some). Each is models/shodh_moe.mlir with one edit:
#   nomi     without the sample-level routing term (Switch load balance
#            only: the router of sessions 1-4)
#   tokens   the routing term over tokens instead of samples
#            (entropy_over = "tokens": each token confident, batch balanced)
#   c01      the sample-level term with coefficient 0.1 instead of 0.03
#   pre      route on the block's input (layer_norm before attention)
#   temp     router temperature 0.25
VARIANTS=${VARIANTS:-"nomi tokens c01 pre"}
ROUTER='%logits, %probs = shodh.router %a2, %router_w, %router_b'
variant_edit() {
  case $1 in
    nomi) echo '/%mi = shodh.router_kl_loss/,/shodh.aux_loss %mi/d' ;;
    tokens) echo 's/entropy_over = "samples"/entropy_over = "tokens"/' ;;
    c01) echo 's/shodh.aux_loss %mi {coefficient = 0.03 : f64}/shodh.aux_loss %mi {coefficient = 0.1 : f64}/' ;;
    pre) echo "s/$ROUTER\$/%logits, %probs = shodh.router %a1, %router_w, %router_b/" ;;
    temp) echo "s/$ROUTER\$/$ROUTER {temperature = 0.25 : f64}/" ;;
    *) echo "run.sh: unknown variant '$1' (known: nomi tokens c01 pre temp)" >&2; return 1 ;;
  esac
}
if has variants; then
  set -- $VARIANTS
  while [ $# -gt 0 ]; do
    for r in $1 ${2:-}; do
      variant_edit $r > $r.sed
      sed -f $r.sed "$MODEL" > $r.mlir
      if cmp -s "$MODEL" $r.mlir; then echo "run.sh: variant $r changed nothing" >&2; exit 1; fi
      "$BIN/shodhc" $r.mlir --entry latent_step --set train.schedule=cosine -o $r.fb
      rm -rf run_$r
      timed moe_joint_$r nice -n 5 "$BIN/shodh-run" train $r.fb --data lat_joint.h5 --steps "$STEPS" \
          --batch 16 --threads 1 --no-normalize --log-every 100 --ckpt-every 500 --keep 100 --seed 0 \
          --out run_$r > "$RES/train_moe_joint_$r.log" 2>&1 &
    done
    wait
    if [ $# -ge 2 ]; then shift 2; else shift; fi
  done
  for r in $VARIANTS; do
    "$BIN/shodh-run" eval $r.fb --weights run_$r/latest.fb --data lat_test.h5 --threads "$THREADS" \
        --metrics-json "$RES/eval_latent_moe_joint_$r.json" --routing-json "$RES/routing_moe_joint_$r.json" \
        > "$RES/eval_latent_moe_joint_$r.log"
  done
fi
