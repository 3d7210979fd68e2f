#!/usr/bin/python3
"""Independent check of a compiled training step: numpy backpropagation by
hand through models/mlp.mlir's network, MSE loss and PyTorch's Adam, applied
`steps` times to the full batch, compared with the parameters Shodh exported.

usage: train_step_reference.py init.h5 data.h5 trained.h5 --steps S --lr LR --eps EPS [--tol T]
init.h5: parameters before training (shodh-run infer --dump-params)
data.h5: `inputs`/`targets` (trained with --no-normalize and --batch = N)
trained.h5: parameters after training (shodh-run export)
"""
import argparse
import math
import sys

import h5py
import numpy as np

from reference_models import gelu, linear

NAMES = ["lift", "mix", "gate", "proj"]


def gelu_grad(x):
    """d/dx of x * Phi(x) = Phi(x) + x * phi(x)."""
    cdf = 0.5 * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))
    return cdf + x * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def linear_back(p, name, x_in, dy, grads):
    """Accumulates dW, db of a channel linear and returns dx."""
    b = dy.shape[0]
    grads[name + "_w"] = np.einsum("bos,bis->oi", dy.reshape(b, dy.shape[1], -1),
                                   x_in.reshape(b, x_in.shape[1], -1))
    grads[name + "_b"] = dy.sum(axis=tuple(i for i in range(dy.ndim) if i != 1))
    return np.einsum("oi,bo...->bi...", p[name + "_w"], dy)


def gradients(p, x, t):
    """Loss and parameter gradients of mean((mlp(x) - t)^2)."""
    lifted = linear(x, p["lift_w"], p["lift_b"])
    h0 = gelu(lifted)
    h1 = h0 + linear(h0, p["mix_w"], p["mix_b"])
    gate_pre = linear(h1, p["gate_w"], p["gate_b"])
    gate = gelu(gate_pre)
    gated = h1 * gate
    y = linear(gated, p["proj_w"], p["proj_b"])
    loss = np.mean((y - t) ** 2)
    g = {}
    dgated = linear_back(p, "proj", gated, 2.0 * (y - t) / y.size, g)
    dh1 = dgated * gate
    dh1 = dh1 + linear_back(p, "gate", h1, dgated * h1 * gelu_grad(gate_pre), g)
    dh0 = dh1 + linear_back(p, "mix", h0, dh1, g)
    linear_back(p, "lift", x, dh0 * gelu_grad(lifted), g)
    return loss, g


def adam(p, g, state, step, lr, eps, b1=0.9, b2=0.999):
    """torch.optim.Adam (no weight decay), in double precision."""
    for k in p:
        m, v = state.setdefault(k, (np.zeros_like(p[k]), np.zeros_like(p[k])))
        m = b1 * m + (1 - b1) * g[k]
        v = b2 * v + (1 - b2) * g[k] ** 2
        state[k] = (m, v)
        mhat, vhat = m / (1 - b1 ** step), v / (1 - b2 ** step)
        p[k] = p[k] - lr * mhat / (np.sqrt(vhat) + eps)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("init")
    ap.add_argument("data")
    ap.add_argument("trained")
    ap.add_argument("--steps", type=int, required=True)
    ap.add_argument("--lr", type=float, required=True)
    ap.add_argument("--eps", type=float, required=True)
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    with h5py.File(a.init, "r") as f:
        p = {k: f[k][...].astype(np.float64) for k in f}
    with h5py.File(a.data, "r") as f:
        x, t = f["inputs"][...].astype(np.float64), f["targets"][...].astype(np.float64)
    with h5py.File(a.trained, "r") as f:
        got = {k: f[k][...].astype(np.float64) for k in p}
    state = {}
    for step in range(1, a.steps + 1):
        loss, g = gradients(p, x, t)
        adam(p, g, state, step, a.lr, a.eps)
    worst = 0.0
    for k in p:
        moved = np.max(np.abs(p[k] - h5py.File(a.init, "r")[k][...]))
        err = np.max(np.abs(got[k] - p[k])) / max(moved, 1e-30)
        worst = max(worst, err)
    status = "PASS" if worst <= a.tol else "FAIL"
    print(f"{status}: {a.steps} Adam steps, worst parameter error {worst:.3e} of the update size "
          f"(tolerance {a.tol:.0e}), final loss {loss:.6g}")
    return 0 if worst <= a.tol else 1


if __name__ == "__main__":
    sys.exit(main())
