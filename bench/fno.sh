#!/usr/bin/env bash
# FNO-2D inference and training step (forward + MSE + backward + Adam): Shodh
# against the PyTorch peer (../shared/peers/torch_fno2d.py under Debian's
# torch) in one run, same configuration and thread count. A thin wrapper over
# bench/run.py, which prints the medians, the memory of a training run, the
# speed-up and Markdown rows for docs/benchmarks.md; add more peers with
# --peers torch-debian,torch-venv,neuralop (after scripts/setup-bench-venv.sh).
#
# usage: bench/fno.sh [--batch 16] [--width 32] [--modes 12] [--res 64] [--layers 4]
#                     [--threads 2] [--iters 10] [--python /usr/bin/python3]
#                     [any other bench/run.py option]
# Run from the repository root after `make`; BUILD and PEER (environment) name
# the build folder and the peer script as before.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec /usr/bin/python3 "$here/run.py" --peers torch-debian "$@"
