#!/usr/bin/env bash
# FNO-2D inference and training step (forward + MSE + backward + Adam): Shodh
# against the PyTorch peer (../shared/peers/torch_fno2d.py) in one run, same
# configuration and thread count. Prints the medians, their ratios and
# Markdown rows for docs/benchmarks.md.
#
# usage: bench/fno.sh [--batch 16] [--width 32] [--modes 12] [--res 64] [--layers 4]
#                     [--threads 2] [--iters 10] [--python /usr/bin/python3]
# Run from the repository root after `make`; the peer needs PyTorch
# (Debian: apt-get install python3-torch).
set -euo pipefail
batch=16 width=32 modes=12 res=64 layers=4 threads=2 iters=10 python=/usr/bin/python3
while [ $# -gt 0 ]; do
  case "$1" in
    --batch) batch=$2 ;; --width) width=$2 ;; --modes) modes=$2 ;; --res) res=$2 ;;
    --layers) layers=$2 ;; --threads) threads=$2 ;; --iters) iters=$2 ;; --python) python=$2 ;;
    *) echo "bench/fno.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
build=${BUILD:-build}
peer=${PEER:-../shared/peers/torch_fno2d.py}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$build/bin/shodhc" models/fno.mlir --train -o "$tmp/fno.fb" --set width="$width" \
  --set modes="$modes" --set res="$res" --set layers="$layers"
shodh_infer=$("$build/bin/shodh-run" bench "$tmp/fno.fb" --program infer --batch "$batch" \
  --threads "$threads" --iters "$iters" | tail -n 1)
shodh_train=$("$build/bin/shodh-run" bench "$tmp/fno.fb" --program train_step --batch "$batch" \
  --threads "$threads" --iters "$iters" | tail -n 1)
peer_json=$("$python" "$peer" --batch "$batch" --width "$width" --modes "$modes" --res "$res" \
  --layers "$layers" --threads "$threads" --iters "$iters")

"$python" - "$shodh_infer" "$shodh_train" "$peer_json" <<'PY'
import json, platform, sys, datetime
si, st, p = (json.loads(a) for a in sys.argv[1:4])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
cfg = f"B={p['batch']} {p['res']}² width {p['width']} modes {p['modes']} layers {p['layers']}"
for what, s, peer_ms in (("infer", si, p["infer_ms"]), ("train step", st, p["train_step_ms"])):
    ratio = peer_ms / s["median_ms"]
    print(f"{what}: shodh-run {s['median_ms']:.2f} ms, {p['peer']} {peer_ms:.2f} ms, speed-up {ratio:.2f}x")
    print(f"| {datetime.date.today()} | {cpu} | FNO-2D {what} {cfg} | {s['threads']} | {s['median_ms']:.2f} | {p['peer']}: {peer_ms:.2f} | {ratio:.2f}× |")
PY
