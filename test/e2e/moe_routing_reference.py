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
import sys

import numpy as np
import torch

from torch_parity import run

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


if __name__ == "__main__":
    sys.exit(run(NAMES, forward))
