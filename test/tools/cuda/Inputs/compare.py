"""compare.py CPU.h5 GPU.h5 GPU2.h5 [--tol T] [--spread | --init INIT.h5]:
the GPU results agree with the CPU's to float rounding of GEMMs and FFTs,
and two GPU runs are bit-identical. Compares dataset `outputs` (shodh-run
infer), or every dataset (shodh-run export of trained weights).

The error max|cpu - gpu| is measured against a scale that the result under
test must move by, so that a GPU path contributing nothing cannot pass:
- default: max(1, max|cpu|) (outputs of order one);
- --spread: max|cpu - mean(cpu)|, the outputs' input-dependent part (an
  untrained model's outputs are nearly constant, and an absolute tolerance
  would not see its spectral layers);
- --init INIT.h5: per parameter, max|cpu - init|, the update the training
  run made (INIT.h5 from `shodh-run infer --dump-params` before training;
  other datasets, the normalisation statistics, take the default scale).
"""
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
mode = ap.add_mutually_exclusive_group()
mode.add_argument("--spread", action="store_true")
mode.add_argument("--init")
a = ap.parse_args()
cpu, gpu, gpu2 = (datasets(p) for p in a.files)
if sorted(cpu) != sorted(gpu) or sorted(gpu) != sorted(gpu2):
    sys.exit(f"different datasets: {sorted(cpu)} / {sorted(gpu)} / {sorted(gpu2)}")
init = datasets(a.init) if a.init else None
if init is not None and not set(init) <= set(cpu):
    sys.exit(f"--init has datasets {sorted(set(init) - set(cpu))} the runs lack")


def scale_of(name):
    c = cpu[name].astype(np.float64)
    if a.spread:
        return float(np.abs(c - c.mean()).max())
    if init is not None and name in init:
        return float(np.abs(c - init[name]).max())
    return max(1.0, float(np.abs(c).max()))


worst = 0.0
for name in cpu:
    scale = scale_of(name)
    diff = float(np.abs(cpu[name].astype(np.float64) - gpu[name]).max())
    if scale == 0:  # e.g. a tensor training left unchanged: so must the GPU
        scale = 1.0 if diff == 0 else 0.0
    err = diff / scale if scale > 0 else float("inf")
    worst = max(worst, err)
    if not np.isfinite(gpu[name]).all() or err > a.tol:
        sys.exit(f"{name}: cpu vs cuda: max error {err:.3g} (relative to {scale:.3g})")
    if not np.array_equal(gpu[name], gpu2[name]):
        sys.exit(f"{name}: two cuda runs differ")
print(f"cpu vs cuda: max error {worst:.3g} over {len(cpu)} datasets; cuda runs identical")
