"""steady_state.py SHORT.json LONG.json --mode train|infer --data D.h5
--batch B --more N: the CUDA host emulator's counts (SHODH_CUDAEMU_STATS)
of two runs of one model that differ only by N more training steps, or N
more inference batches, show the steady state issue 9 asks for: no device
allocation, cuFFT plan or cuBLAS handle after the start (plans made in
prepare, buffers planned once), and per step or batch only the batch
uploaded (weights uploaded once) and, in training, only scalars
downloaded (the loss; weights stay on the device). Batch bytes come from
the data file's shapes, float32: inputs and targets per training step,
inputs up and outputs (the targets' shape) down per inference batch. Up
to 64 bytes per step of scalars either way (the learning rate, the loss)."""
import argparse
import json
import sys

import h5py
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("short")
ap.add_argument("long")
ap.add_argument("--mode", choices=["train", "infer"], required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--batch", type=int, required=True)
ap.add_argument("--more", type=int, required=True)
a = ap.parse_args()

s, l = (json.load(open(p)) for p in (a.short, a.long))
d = {k: l[k] - s[k] for k in s}
with h5py.File(a.data, "r") as f:
    sample = {k: int(np.prod(f[k].shape[1:])) * 4 for k in ("inputs", "targets")}
n, slack = a.more, 64 * a.more
if a.mode == "train":
    up = n * a.batch * (sample["inputs"] + sample["targets"])
    down = 0
else:
    up = n * a.batch * sample["inputs"]
    down = n * a.batch * sample["targets"]
checks = [
    # What the start does, so that the zeros below are not a dead counter's.
    ("the start allocated, planned FFTs, made a cuBLAS handle",
     s["mallocs"] > 0 and s["fft_plans"] > 0 and s["blas_handles"] > 0,
     "%d, %d, %d" % (s["mallocs"], s["fft_plans"], s["blas_handles"])),
    ("no cudaMalloc after the start", d["mallocs"] == 0, d["mallocs"]),
    ("no cudaFree after the start", d["frees"] == 0, d["frees"]),
    ("no cuFFT plan after the start", d["fft_plans"] == 0, d["fft_plans"]),
    ("no cuBLAS handle after the start", d["blas_handles"] == 0, d["blas_handles"]),
    ("bytes up = the batches' %d (+ <= %d of scalars)" % (up, slack),
     up <= d["copies_to_device_bytes"] <= up + slack, d["copies_to_device_bytes"]),
    ("bytes down = %d (+ <= %d of scalars)" % (down, slack),
     down <= d["copies_to_host_bytes"] <= down + slack, d["copies_to_host_bytes"]),
    ("kernels ran in the extra steps", d["launches"] >= n, d["launches"]),
]
ok = True
for what, good, got in checks:
    print("%s %s: %s" % ("ok  " if good else "FAIL", what, got))
    ok = ok and good
sys.exit(0 if ok else 1)
