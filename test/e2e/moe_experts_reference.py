#!/usr/bin/python3
"""Independent check of a compiled routed MLP-expert layer
(Inputs/moe-experts.mlir, fused into shodh.moe by the compiler): PyTorch
autograd through lift, router (softmax), top-2 with renormalised gates and,
per token and slot, the chosen expert's MLP w2[e] gelu(w1[e] h + b1[e]) +
b2[e] weighted by its gate (what dispatch -> expert_mlp -> combine compute,
written without any sorting); MSE loss and torch's Adam applied `steps`
times to the full batch, compared with the parameters Shodh exported. Also
compares the compiled forward (infer output) with torch.

usage: moe_experts_reference.py init.h5 data.h5 infer.h5 trained.h5 --steps S --lr LR --eps EPS [--tol T]
"""
import argparse
import sys

import h5py
import numpy as np
import torch

NAMES = ["w_in", "w_r", "b_r", "w1", "b1", "w2", "b2"]


def forward(p, x):
    h = torch.einsum("btc,oc->bto", x, p["w_in"])
    probs = torch.softmax(torch.einsum("btf,ef->bte", h, p["w_r"]) + p["b_r"], dim=-1)
    top, experts = torch.topk(probs, 2, dim=-1)
    gates = top / top.sum(-1, keepdim=True)
    w1, b1, w2, b2 = (p[k][experts] for k in ["w1", "b1", "w2", "b2"])  # per slot
    hidden = torch.nn.functional.gelu(torch.einsum("btjhf,btf->btjh", w1, h) + b1)
    out = torch.einsum("btjgh,btjh->btjg", w2, hidden) + b2
    return (gates.unsqueeze(-1) * out).sum(2)


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
