#!/usr/bin/python3
"""Independent check of the compiled attention layer (Inputs/attention.mlir):
h = x w0^T, then torch 1.13's multi-head attention (the functional form of
nn.MultiheadAttention(8, 2), i.e. F.multi_head_attention_forward with
in_proj / out_proj weights) in double with Shodh's initial weights; MSE loss
and torch's Adam applied `steps` times to the full batch, compared with the
parameters Shodh exported; also compares the compiled forward (infer output)
with torch (test/e2e/torch_parity.py).

usage: attention_reference.py init.h5 data.h5 infer.h5 trained.h5 --steps S --lr LR --eps EPS [--tol T]
"""
import sys

import torch.nn.functional as F

from torch_parity import run

EMBED, HEADS = 8, 2
NAMES = ["w0", "wqkv", "bqkv", "wo", "bo"]


def forward(p, x):
    h = (x @ p["w0"].T).transpose(0, 1)  # (T, B, C): the functional form is sequence-first
    y, _ = F.multi_head_attention_forward(
        h, h, h, EMBED, HEADS, p["wqkv"], p["bqkv"], None, None, False, 0.0,
        p["wo"], p["bo"], training=False, need_weights=False)
    return y.transpose(0, 1)


if __name__ == "__main__":
    sys.exit(run(NAMES, forward))
