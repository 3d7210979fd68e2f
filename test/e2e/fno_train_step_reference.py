#!/usr/bin/python3
"""Independent check of a compiled FNO training step (models/fno.mlir).

Gradients come from central finite differences of reference_models.py's
float64 numpy FNO forward and the loss, so they are independent of Shodh's
hand-written backward rules (spectral_conv_grad_*, rfft_grad, gelu_grad, ...).
They are then clipped like torch.nn.utils.clip_grad_norm_ and applied with
PyTorch's Adam / AdamW formulas, `steps` times on the full batch, and the
result is compared with the parameters Shodh exported.

usage: fno_train_step_reference.py init.h5 data.h5 trained.h5 --steps S --lr LR
           --eps EPS [--loss mse|rel_l2] [--optimizer adam|adamw]
           [--weight-decay WD] [--clip-norm C] [--set layers=L --set modes=M]
           [--grad-scale F] [--tol T]
init.h5: parameters before training (shodh-run infer --dump-params; complex
         ones as float32 [..., 2] = real, imaginary)
data.h5: `inputs`/`targets` (trained with --no-normalize and --batch = N)
trained.h5: parameters after training (shodh-run export)
--grad-scale F multiplies the reference gradients by F, to show that the
tolerance catches a gradient that is off by a small factor (expect FAIL).
"""
import argparse
import sys

import h5py
import numpy as np

import reference_models
from reference_models import fno_forward

try:  # The same exact GELU with a vectorised erf: ~1e4 forward passes per run.
    from scipy.special import erf as _erf_fast

    reference_models.gelu = lambda x: 0.5 * x * (1.0 + _erf_fast(x / np.sqrt(2.0)))
except ImportError:  # pragma: no cover - slower but identical
    pass

# Central-difference step. Parameters are O(0.03..0.6) and the loss O(1):
# the truncation error is ~h^2 * |L'''| ~ 1e-12 and the rounding error
# ~1e-16 * |L| / h ~ 1e-10, both far below float32 (~1e-7) effects.
FD_STEP = 1e-6


def loss_fn(kind, y, t):
    """mse: mean of (y - t)^2; rel_l2: mean over samples of |y_b - t_b| / |t_b|
    (|t_b| := 1 when t_b = 0), as docs/runtime.md's mse_loss / rel_l2_loss."""
    if kind == "mse":
        return np.mean((y - t) ** 2)
    b = y.shape[0]
    diff = np.sqrt(np.sum((y - t).reshape(b, -1) ** 2, axis=1))
    norm = np.sqrt(np.sum(t.reshape(b, -1) ** 2, axis=1))
    return np.mean(diff / np.where(norm == 0, 1.0, norm))


def fd_gradients(p, x, t, hp, kind):
    """Loss and d(loss)/d(every real of every parameter) by central differences."""
    def loss():
        return loss_fn(kind, fno_forward(x, p, hp), t)

    grads = {}
    for k in p:
        g = np.zeros_like(p[k])
        flat, gflat = p[k].reshape(-1), g.reshape(-1)  # views into p[k], g
        for i in range(flat.size):
            saved = flat[i]
            flat[i] = saved + FD_STEP
            up = loss()
            flat[i] = saved - FD_STEP
            down = loss()
            flat[i] = saved
            gflat[i] = (up - down) / (2 * FD_STEP)
        grads[k] = g
    return loss(), grads


def clip(grads, max_norm):
    """torch.nn.utils.clip_grad_norm_: scale by min(1, max_norm / (norm + 1e-6))
    with the norm over every real of every gradient. True if it clipped."""
    norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
    coef = max_norm / (norm + 1e-6)
    if coef >= 1.0:
        return False
    for k in grads:
        grads[k] = grads[k] * coef
    return True


def adam(p, g, state, step, a):
    """torch.optim.Adam / AdamW (amsgrad off), complex parameters as real
    pairs (torch.view_as_real), in double precision."""
    b1, b2 = 0.9, 0.999
    for k in p:
        grad = g[k]
        if a.optimizer == "adamw":
            p[k] = p[k] * (1 - a.lr * a.weight_decay)
        elif a.weight_decay:
            grad = grad + a.weight_decay * p[k]
        m, v = state.setdefault(k, (np.zeros_like(p[k]), np.zeros_like(p[k])))
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad * grad
        state[k] = (m, v)
        denom = np.sqrt(v) / np.sqrt(1 - b2 ** step) + a.eps
        p[k] = p[k] - a.lr / (1 - b1 ** step) * m / denom


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("init")
    ap.add_argument("data")
    ap.add_argument("trained")
    ap.add_argument("--steps", type=int, required=True)
    ap.add_argument("--lr", type=float, required=True)
    ap.add_argument("--eps", type=float, required=True)
    ap.add_argument("--loss", choices=["mse", "rel_l2"], default="mse")
    ap.add_argument("--optimizer", choices=["adam", "adamw"], default="adam")
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--clip-norm", type=float, default=0.0)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--grad-scale", type=float, default=1.0)
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    hp = {"layers": 4, "modes": 12}
    for kv in a.set:
        k, v = kv.split("=")
        hp[k] = int(v)
    with h5py.File(a.init, "r") as f:
        init = {k: f[k][...].astype(np.float64) for k in f}
    with h5py.File(a.data, "r") as f:
        x, t = f["inputs"][...].astype(np.float64), f["targets"][...].astype(np.float64)
    with h5py.File(a.trained, "r") as f:
        got = {k: f[k][...].astype(np.float64) for k in init}
    p = {k: v.copy() for k, v in init.items()}
    state, clipped = {}, 0
    for step in range(1, a.steps + 1):
        loss, g = fd_gradients(p, x, t, hp, a.loss)
        g = {k: v * a.grad_scale for k, v in g.items()}
        if a.clip_norm > 0:
            clipped += clip(g, a.clip_norm)
        adam(p, g, state, step, a)
    worst, worst_name = 0.0, ""
    for k in p:
        moved = np.max(np.abs(p[k] - init[k]))
        err = np.max(np.abs(got[k] - p[k])) / max(moved, 1e-30)
        if err > worst:
            worst, worst_name = err, k
    status = "PASS" if worst <= a.tol else "FAIL"
    print(f"{status}: {a.steps} {a.optimizer} steps ({a.loss}), worst parameter error "
          f"{worst:.3e} of the update size in {worst_name} (tolerance {a.tol:.0e}), "
          f"clipped in {clipped} of {a.steps} steps, "
          f"{sum(v.size for v in p.values())} reals, loss before the last step {loss:.6g}")
    return 0 if worst <= a.tol else 1


if __name__ == "__main__":
    sys.exit(main())
