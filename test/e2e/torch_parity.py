"""Shared driver of the PyTorch parity checks of compiled models
(moe_experts_reference.py, moe_routing_reference.py,
nn_autoencoder_reference.py, ...): each script defines its model's forward
pass in float64 torch and the names of its parameters, and calls `run`.

usage of a script: NAME_reference.py init.h5 data.h5 infer.h5 trained.h5 --steps S --lr LR --eps EPS [--tol T]
  init.h5     parameters before training (`shodh-run export` of the initial weights)
  data.h5     the training set (`inputs`, `targets`), used as one full batch
  infer.h5    the compiled forward pass on `inputs` (`shodh-run infer`)
  trained.h5  parameters after S Adam steps (`shodh-run export`)
Checks the forward pass (max abs error <= 1e-5) and that S steps of torch's
Adam on the MSE loss land on Shodh's parameters within `tol` of each
parameter's update size. Prints PASS or FAIL and returns the exit code.
"""
import argparse

import h5py
import numpy as np
import torch


def run(names, forward):
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
        init = {k: f[k][...].astype(np.float64) for k in names}
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
        got = {k: f[k][...].astype(np.float64) for k in names}
    worst, where = 0.0, ""
    for k in names:
        want = p[k].detach().numpy()
        moved = np.max(np.abs(want - init[k]))
        err = np.max(np.abs(got[k] - want)) / max(moved, 1e-30)
        if err > worst:
            worst, where = err, k
    ok = worst <= a.tol and fwd_err <= 1e-5
    print(f"{'PASS' if ok else 'FAIL'}: forward max error {fwd_err:.2e}; {a.steps} Adam steps, "
          f"worst parameter error {worst:.3e} of the update size ({where}, tolerance {a.tol:.0e})")
    return 0 if ok else 1
