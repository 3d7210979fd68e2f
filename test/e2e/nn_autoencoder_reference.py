#!/usr/bin/python3
"""Independent check of the compiled conv autoencoder (Inputs/nn-autoencoder.mlir):
torch 1.13 autograd in double through conv2d (circular: F.pad then an
unpadded conv), layer_norm over the channel axis, gelu, a circular 3x3 conv
and conv_transpose2d, MSE loss and torch's Adam applied `steps` times to the
full batch, compared with the parameters Shodh exported; also compares the
compiled forward (infer output) with torch.
usage: nn_autoencoder_reference.py init.h5 data.h5 infer.h5 trained.h5 --steps S --lr LR --eps EPS [--tol T]
"""
import argparse
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F

NAMES = ["w1", "b1", "g", "beta", "w2", "w3", "b3"]


def forward(p, x):
    z = F.conv2d(F.pad(x, (1, 1, 1, 1), mode="circular"), p["w1"], p["b1"], stride=2)
    n = F.layer_norm(z.movedim(1, -1), (4,), p["g"], p["beta"], eps=1e-5).movedim(-1, 1)
    c = F.conv2d(F.pad(F.gelu(n), (1, 1, 1, 1), mode="circular"), p["w2"])
    return F.conv_transpose2d(c, p["w3"], p["b3"], stride=2, padding=1)


def main():
    ap = argparse.ArgumentParser()
    for name in ["init", "data", "infer", "trained"]:
        ap.add_argument(name)
    ap.add_argument("--steps", type=int, required=True)
    ap.add_argument("--lr", type=float, required=True)
    ap.add_argument("--eps", type=float, required=True)
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    torch.set_num_threads(1)
    with h5py.File(a.init, "r") as f:
        init = {k: f[k][...].astype(np.float64) for k in NAMES}
    with h5py.File(a.data, "r") as f:
        x = torch.tensor(f["inputs"][...], dtype=torch.float64)
        t = torch.tensor(f["targets"][...], dtype=torch.float64)
    p = {k: torch.tensor(v, requires_grad=True) for k, v in init.items()}
    with h5py.File(a.infer, "r") as f:
        y_shodh = f[list(f.keys())[0]][...]
    fwd_err = np.max(np.abs(forward(p, x).detach().numpy() - y_shodh))
    opt = torch.optim.Adam(list(p.values()), lr=a.lr, eps=a.eps)
    for _ in range(a.steps):
        opt.zero_grad()
        loss = torch.mean((forward(p, x) - t) ** 2)
        loss.backward()
        opt.step()
    with h5py.File(a.trained, "r") as f:
        got = {k: f[k][...].astype(np.float64) for k in NAMES}
    worst, where = 0.0, ""
    for k in NAMES:
        want = p[k].detach().numpy()
        moved = np.max(np.abs(want - init[k]))
        err = np.max(np.abs(got[k] - want)) / max(moved, 1e-30)
        if err > worst:
            worst, where = err, k
    ok = worst <= a.tol and fwd_err <= 1e-5
    print(f"{'PASS' if ok else 'FAIL'}: forward max error {fwd_err:.2e}; {a.steps} Adam steps, "
          f"worst parameter error {worst:.3e} of the update size ({where}, tolerance {a.tol:.0e})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
