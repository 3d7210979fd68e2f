"""compare.py CPU.h5 GPU.h5 GPU2.h5 [--tol T]: the GPU results agree with
the CPU's to float rounding of GEMMs and FFTs (max |cpu - gpu| / max(1,
max|cpu|) <= T, default 1e-4), and two GPU runs are bit-identical. Compares
dataset `outputs` (shodh-run infer), or every dataset (shodh-run export of
trained weights)."""
import argparse
import sys

import h5py
import numpy as np


def datasets(path):
    f = h5py.File(path, "r")
    names = ["outputs"] if "outputs" in f else sorted(f)
    return {n: f[n][()] for n in names}


ap = argparse.ArgumentParser()
ap.add_argument("files", nargs=3)
ap.add_argument("--tol", type=float, default=1e-4)
a = ap.parse_args()
cpu, gpu, gpu2 = (datasets(p) for p in a.files)
if sorted(cpu) != sorted(gpu) or sorted(gpu) != sorted(gpu2):
    sys.exit(f"different datasets: {sorted(cpu)} / {sorted(gpu)} / {sorted(gpu2)}")
worst = 0.0
for name in cpu:
    scale = max(1.0, float(np.abs(cpu[name]).max()))
    err = float(np.abs(cpu[name] - gpu[name]).max()) / scale
    worst = max(worst, err)
    if not np.isfinite(gpu[name]).all() or err > a.tol:
        sys.exit(f"{name}: cpu vs cuda: max error {err:.3g} (relative to {scale:.3g})")
    if not np.array_equal(gpu[name], gpu2[name]):
        sys.exit(f"{name}: two cuda runs differ")
print(f"cpu vs cuda: max error {worst:.3g} over {len(cpu)} datasets; cuda runs identical")
