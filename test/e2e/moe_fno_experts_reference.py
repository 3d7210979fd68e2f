#!/usr/bin/python3
"""Independent check of a compiled routed FNO-expert layer
(Inputs/moe-fno-experts.mlir, fused into shodh.moe {expert = "fno"} by the
compiler): PyTorch autograd in double through the lift, patchify (token
p = i*2 + j holds rows 8i.., columns 8j..), the router on the flattened input
patches (softmax), the top-k gates (ROUTING top2: top-2 renormalised, the
model's @infer; switch: top-1 with the probability as the gate, its @switch)
and, per token and slot, the chosen expert's FNO block
gelu(spectral_conv_e(t) + wskip[e] t + bskip[e]) with its own mode count m_e
of (2, 3, 4) (torch.fft through torch_parity.spectral_conv2d on the
sub-block of the weights stacked at mmax = 4), weighted by its gate (what
dispatch -> expert_fno -> combine compute, written without any sorting:
every expert runs on every token and the chosen ones are gathered),
unpatchify and the projection; MSE loss and torch's Adam applied `steps`
times to the full batch, compared with the parameters Shodh exported. Also
compares the compiled forward (infer output) with torch, and prints how
many assignments each expert got and the smallest gap between a token's
k-th and (k+1)-th router probability over the steps (a near tie could flip
the routing between float32 and double).

usage: moe_fno_experts_reference.py ROUTING init.h5 data.h5 infer.h5 trained.h5 --steps S --lr LR --eps EPS [--tol T] [--grad-scale F]
"""
import sys

import torch
import torch.nn.functional as F

from torch_parity import run, spectral_conv2d

NAMES = ["lift_w", "lift_b", "w_r", "b_r", "wspec", "wskip", "bskip", "proj_w", "proj_b"]
MODES, MMAX, PATCH = (2, 3, 4), 4, 8
K, RENORMALIZE = 2, True
GAPS, COUNTS = [], []


def patchify(x):
    """[B, C, 16, 16] -> [B, 4, C, 8, 8], token p = i * 2 + j."""
    b, c, h, w = x.shape
    t = x.reshape(b, c, h // PATCH, PATCH, w // PATCH, PATCH)
    return t.permute(0, 2, 4, 1, 3, 5).reshape(b, -1, c, PATCH, PATCH)


def unpatchify(t, h, w):
    b, _, c = t.shape[:3]
    t = t.reshape(b, h // PATCH, w // PATCH, c, PATCH, PATCH)
    return t.permute(0, 3, 1, 4, 2, 5).reshape(b, c, h, w)


def forward(p, x):
    h = torch.einsum("bcxy,oc->boxy", x, p["lift_w"]) + p["lift_b"].reshape(1, -1, 1, 1)
    feat = patchify(x).flatten(2)  # [B, T, 128]
    probs = torch.softmax(feat @ p["w_r"].T + p["b_r"], dim=-1)
    ranked = torch.sort(probs.detach(), dim=-1, descending=True).values
    GAPS.append(float((ranked[..., K - 1] - ranked[..., K]).min()))
    top, experts = torch.topk(probs, K, dim=-1)
    gates = top / top.sum(-1, keepdim=True) if RENORMALIZE else top
    COUNTS.append(experts.flatten().bincount(minlength=len(MODES)).tolist())
    tok = patchify(h)  # [B, T, C, 8, 8]
    per_expert = torch.stack([
        F.gelu(spectral_conv2d(tok, p["wspec"][e], m, MMAX)
               + torch.einsum("btcxy,oc->btoxy", tok, p["wskip"][e])
               + p["bskip"][e].reshape(1, 1, -1, 1, 1))
        for e, m in enumerate(MODES)])  # [E, B, T, O, 8, 8]
    b, t = experts.shape[:2]
    bi = torch.arange(b).reshape(-1, 1, 1)
    ti = torch.arange(t).reshape(1, -1, 1)
    chosen = per_expert[experts, bi, ti]  # [B, T, K, O, 8, 8]
    y = (gates.reshape(b, t, K, 1, 1, 1) * chosen).sum(2)
    merged = unpatchify(y, x.shape[2], x.shape[3])
    return torch.einsum("bcxy,oc->boxy", merged, p["proj_w"]) + p["proj_b"].reshape(1, -1, 1, 1)


if __name__ == "__main__":
    routing = sys.argv.pop(1)
    if routing == "switch":
        K, RENORMALIZE = 1, False
    elif routing != "top2":
        sys.exit(f"ROUTING must be top2 or switch, got {routing!r}")
    code = run(NAMES, forward)
    print(f"assignments per expert {COUNTS[0]} at first, {COUNTS[-1]} in the last step; "
          f"smallest gap between the router's probabilities {K} and {K + 1}: {min(GAPS):.2e}")
    sys.exit(code)
