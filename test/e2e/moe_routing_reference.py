#!/usr/bin/python3
"""Independent check of a compiled routed layer (Inputs/moe-routing.mlir):
PyTorch autograd through lift, router (softmax of logits / 1.5), top-2 with
renormalised gates, dispatch written as a gather in the documented order
(stable sort of the assignments by expert id), the stand-in expert (gelu,
then a linear map over the sorted-row axis) and combine as a gather back
weighted by the gates; MSE loss and torch's Adam,
applied `steps` times to the full batch, compared with the parameters Shodh
exported. Also compares the compiled forward (infer output) with torch.

usage: moe_routing_reference.py init.h5 data.h5 infer.h5 trained.h5 --steps S --lr LR --eps EPS [--tol T]
"""
import argparse
import sys

import h5py
import numpy as np
import torch

NAMES = ["w_in", "w_r", "b_r", "w_mix"]


def forward(p, x):
    h = torch.einsum("btc,oc->bto", x, p["w_in"])
    logits = torch.einsum("btf,ef->bte", h, p["w_r"]) + p["b_r"]
    probs = torch.softmax(logits / 1.5, dim=-1)
    top, experts = torch.topk(probs, 2, dim=-1)
    gates = top / top.sum(-1, keepdim=True)
    b, t, k = experts.shape
    ids = experts.reshape(-1).numpy()
    source = torch.tensor(np.argsort(ids, kind="stable"))  # row -> assignment
    row_of = torch.argsort(source)  # assignment -> row
    tokens = h.reshape(b * t, -1)
    sorted_rows = tokens[source // k].reshape(b, t * k, -1)
    out = torch.einsum("rs,bsf->brf", p["w_mix"], torch.nn.functional.gelu(sorted_rows))
    per_slot = out.reshape(b * t * k, -1)[row_of].reshape(b, t, k, -1)
    return (gates.unsqueeze(-1) * per_slot).sum(2)


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
    worst = 0.0
    for k in NAMES:
        want = p[k].detach().numpy()
        moved = np.max(np.abs(want - init[k]))
        worst = max(worst, np.max(np.abs(got[k] - want)) / max(moved, 1e-30))
    ok = worst <= a.tol and fwd_err <= 1e-5
    print(f"{'PASS' if ok else 'FAIL'}: forward max error {fwd_err:.2e}; {a.steps} Adam steps, "
          f"worst parameter error {worst:.3e} of the update size (tolerance {a.tol:.0e})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
