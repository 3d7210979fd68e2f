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
import sys

import torch

from torch_parity import run

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


if __name__ == "__main__":
    sys.exit(run(NAMES, forward))
