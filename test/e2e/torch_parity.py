"""Shared driver of the PyTorch parity checks of compiled models
(moe_experts_reference.py, moe_routing_reference.py,
nn_autoencoder_reference.py, ...): each script defines its model's forward
pass in float64 torch and the names of its parameters, and calls `run`.

usage of a script: NAME_reference.py init.h5 data.h5 infer.h5 trained.h5 --steps S --lr LR --eps EPS [--tol T] [--grad-scale F]
  init.h5     parameters before training (`shodh-run export` of the initial weights)
  data.h5     the training set (`inputs`, `targets`), used as one full batch
  infer.h5    the compiled forward pass on `inputs` (`shodh-run infer`)
  trained.h5  parameters after S Adam steps (`shodh-run export`)
Checks the forward pass (max abs error <= 1e-5) and that S steps of torch's
Adam on the MSE loss land on Shodh's parameters within `tol` of each
parameter's update size. Prints PASS or FAIL and returns the exit code.
--grad-scale F multiplies torch's gradients by F before every Adam step, to
show that the tolerance catches a gradient a little off (expect FAIL).
Complex parameters are float [..., 2] (real, imaginary) as Shodh writes
them, trained as real pairs like Shodh's Adam; `spectral_conv2d` reads them.
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
    ap.add_argument("--grad-scale", type=float, default=1.0)
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
        if a.grad_scale != 1.0:
            for v in p.values():
                v.grad.mul_(a.grad_scale)
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


def spectral_conv2d(x, w, m, mmax=None):
    """FNO spectral convolution of x [..., I, N1, N2] (torch rfft2 / irfft2,
    norm "backward") with the complex weight w [I, O, 2*mmax, mmax, 2] (real,
    imaginary last, as Shodh stores it; mmax = m by default): the m lowest
    and m highest frequencies of axis -2 and the m lowest of the rfft axis
    meet weight rows [0, m) and [2*mmax - m, 2*mmax), columns [0, m); the
    other frequencies are dropped. Returns [..., O, N1, N2]."""
    mmax = m if mmax is None else mmax
    w = torch.view_as_complex(w)
    n1, n2 = x.shape[-2:]
    xf = torch.fft.rfft2(x)
    lead = xf.shape[:-3]
    low = torch.einsum("...ixy,ioxy->...oxy", xf[..., :m, :m], w[:, :, :m, :m])
    high = torch.einsum("...ixy,ioxy->...oxy", xf[..., n1 - m:, :m], w[:, :, 2 * mmax - m:, :m])
    o = w.shape[1]
    gap = torch.zeros(lead + (o, n1 - 2 * m, m), dtype=low.dtype)
    cols = torch.cat([low, gap, high], dim=-2)
    rest = torch.zeros(lead + (o, n1, n2 // 2 + 1 - m), dtype=low.dtype)
    return torch.fft.irfft2(torch.cat([cols, rest], dim=-1), s=(n1, n2))
