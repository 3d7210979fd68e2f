#!/usr/bin/python3
"""Independent check of a physics penalty term (test/e2e/penalty.test, model
Inputs/mlp-penalty.mlir): the objective

    mse(y, t) + 0.7 * mean(div(y)^2),   div by periodic central differences
                                        on the unit square (fd2, dx = 1/N)

computed here in numpy (float64). One full-batch Adam step with eps = 1 moves
every parameter by -lr * g / (|g| + 1), so g is recovered exactly from the
update and compared with central finite differences of the objective; the
logged aux.div of step 1 is compared with mean(div(y)^2) at the initial
weights.

  penalty_reference.py init.h5 data.h5 step1.h5 metrics.jsonl --lr LR
      [--coefficient C] [--tol T]
"""
import argparse
import json
import sys

import h5py
import numpy as np

from reference_models import adam_eps1_gradient_error, gelu, linear


def divergence_fd2(u):
    """sum_c (u_c[i+1] - u_c[i-1]) / (2 dx) along axis c, periodic, dx = 1/N."""
    out = np.zeros(u.shape[:1] + (1,) + u.shape[2:])
    for c in range(u.shape[1]):
        axis = 2 + c
        dx = 1.0 / u.shape[axis]
        out[:, 0] += (np.roll(u[:, c], -1, axis=axis - 1) -
                      np.roll(u[:, c], 1, axis=axis - 1)) / (2 * dx)
    return out


def forward(p, x):
    h0 = gelu(linear(x, p["lift_w"], p["lift_b"]))
    h1 = gelu(linear(h0, p["mix_w"], p["mix_b"]))
    return linear(h1, p["proj_w"], p["proj_b"])


def objective(p, x, t, c):
    y = forward(p, x)
    return np.mean((y - t) ** 2) + c * np.mean(divergence_fd2(y) ** 2)


def load(path, names=None):
    with h5py.File(path, "r") as f:
        return {k: f[k][...].astype(np.float64) for k in (names or f)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("init")
    ap.add_argument("data")
    ap.add_argument("step1")
    ap.add_argument("metrics")
    ap.add_argument("--lr", type=float, required=True)
    ap.add_argument("--coefficient", type=float, default=0.7)
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    p0 = load(a.init)
    p1 = load(a.step1, list(p0))
    with h5py.File(a.data, "r") as f:
        x, t = f["inputs"][...].astype(np.float64), f["targets"][...].astype(np.float64)
    first = json.loads(open(a.metrics).readline())
    want = np.mean(divergence_fd2(forward(p0, x)) ** 2)
    if abs(first["aux.div"] - want) > 1e-5 * abs(want):
        print(f"FAIL: aux.div at step 1 is {first['aux.div']:.8g}, expected {want:.8g}")
        return 1
    worst, (k, j, got, fd) = adam_eps1_gradient_error(
        p0, p1, a.lr, lambda q: objective(q, x, t, a.coefficient))
    if worst > a.tol:
        print(f"FAIL: {k}[{j}]: gradient {got:.8g}, finite differences {fd:.8g}")
        return 1
    print(f"PASS: aux.div {want:.6g}; gradient of loss + {a.coefficient:g} * penalty "
          f"matches finite differences (worst {worst:.2e}, tolerance {a.tol:.0e})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
