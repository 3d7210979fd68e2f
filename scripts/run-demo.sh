#!/usr/bin/env bash
# The built-in small default job (`make run`): a small Shodh-MoE
# (models/shodh_moe.mlir) trained on generated 32³ open-channel and porous
# flow, in about 30 s on 2 cores. Prints per-domain error, the
# divergence of the decoded velocity and the routing table. The stages are
# those of experiments/shodh_moe/run.sh at a tenth of the size
# (docs/shodh-moe.md explains each one).
set -euo pipefail
build=${1:-build}
bin=$build/bin
out=out/demo
model=models/shodh_moe.mlir
threads=${THREADS:-2}
mkdir -p "$out"
start=$SECONDS

echo "== 1. generate 32³ flows: 3 open-channel and 3 porous trajectories (train), 1 + 1 (test)"
for d in channel3d porous3d; do
  seed=1; [ $d = porous3d ] && seed=2
  "$bin/shodh-data" $d --pairs --n 3 --res 32 --steps 4 --seed $seed --threads "$threads" \
    --out "$out/${d}_train.h5" | tail -1
  "$bin/shodh-data" $d --snapshots --n 3 --res 32 --steps 4 --seed $seed --threads "$threads" \
    --out "$out/${d}_snap.h5" > /dev/null
  "$bin/shodh-data" $d --pairs --n 1 --res 32 --steps 4 --seed $((seed + 10)) \
    --threads "$threads" --out "$out/${d}_test.h5" > /dev/null
done
"$bin/shodh-data" merge "$out/channel3d_snap.h5" "$out/porous3d_snap.h5" --shuffle \
  --out "$out/snapshots.h5"
"$bin/shodh-data" merge "$out/channel3d_test.h5" "$out/porous3d_test.h5" --out "$out/test.h5"

echo "== 2. compile models/shodh_moe.mlir: the autoencoder, the encoder, the latent MoE transformer, the whole model"
"$bin/shodhc" $model --entry autoencode --set train.lr=2.0e-3 -o "$out/ae.fb"
"$bin/shodhc" $model --entry encode -o "$out/encode.fb"
"$bin/shodhc" $model --entry latent_step --set train.schedule=cosine -o "$out/latent.fb"
"$bin/shodhc" $model -o "$out/shodh_moe.fb"
# The whole listing goes to a file (piping it into `head` would end inspect
# with SIGPIPE, which pipefail turns into a failed demo).
"$bin/shodh-run" inspect "$out/latent.fb" --batch 16 > "$out/latent.inspect.txt"
head -4 "$out/latent.inspect.txt"

echo "== 3. train the divergence-free autoencoder (32³ velocity -> 16³ x 8 latent grid)"
rm -rf "$out/run_ae"
"$bin/shodh-run" train "$out/ae.fb" --data "$out/snapshots.h5" --steps 150 --batch 8 \
  --threads "$threads" --no-normalize --log-every 50 --out "$out/run_ae"

echo "== 4. encode the flows: latent pairs z(t) -> z(t+1)"
for f in channel3d_train porous3d_train test; do
  "$bin/shodh-run" infer "$out/encode.fb" --weights "$out/run_ae/latest.fb" \
    --data "$out/$f.h5" --map inputs,targets --copy domain --threads "$threads" \
    --out "$out/latent_$f.h5" > /dev/null
done
"$bin/shodh-data" merge "$out/latent_channel3d_train.h5" "$out/latent_porous3d_train.h5" \
  --shuffle --out "$out/latent_train.h5"

echo "== 5. train the latent transformer (Top-1 router, 2 routed experts + 1 shared)"
rm -rf "$out/run_latent"
"$bin/shodh-run" train "$out/latent.fb" --data "$out/latent_train.h5" --steps 400 --batch 16 \
  --threads "$threads" --no-normalize --log-every 100 --out "$out/run_latent"

echo "== 6. evaluate on held-out flows: u(t) -> encode -> latent step -> decode -> u(t+1)"
"$bin/shodh-run" eval "$out/latent.fb" --weights "$out/run_latent/latest.fb" \
  --data "$out/latent_test.h5" --threads "$threads" | sed -n '1,4p'
"$bin/shodh-run" eval "$out/shodh_moe.fb" --weights "$out/run_ae/latest.fb" \
  --weights "$out/run_latent/latest.fb" --data "$out/test.h5" --divergence spectral \
  --threads "$threads"
echo "demo finished in $((SECONDS - start)) s: files in $out/ (docs/shodh-moe.md)"
