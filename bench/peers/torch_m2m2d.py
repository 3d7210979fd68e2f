#!/usr/bin/python3
"""PyTorch peer for Shodh benchmarks: the M²M-2D layout of models/m2m.mlir.

Written the same way as ../shared/peers/torch_fno2d.py (eager PyTorch, no
custom kernels), so it is the "what a researcher writes today" baseline for
the sparse-expert model:

  h      = lift(x)                                   1x1, cin -> width
  tokens = patchify(h)                               (B, s*s, width, p, p), p = res/s
  feat   = band energy fractions of patchify(x)      (B, s*s, bands), no gradient
  probs  = softmax((feat @ Wr^T + br) / temperature)
  gates, experts = top-k(probs)                      (renormalised when k > 1)
  expert e (modes m_e): `depth` blocks  t = gelu(spectral_conv_{m_e}(t) + skip_e(t))
  h      = unpatchify(sum_j gates_j * expert_{e_j}(tokens))
  h      = spectral_conv_global(h) + skip_global(h)  global FNO block (smooths seams)
  y      = proj2(gelu(proj1(h)))
  loss   = mse(y, target) + lambda * (KL(mean probs || uniform) + beta * mean entropy)

Run: /usr/bin/python3 torch_m2m2d.py --batch 16 --res 64 --width 32
Prints one JSON line with median milliseconds per inference and per training
step (forward + backward + Adam), like torch_fno2d.py.
"""
import argparse
import json

import torch
import torch.nn as nn
import torch.nn.functional as F

from peer_common import SpectralConv2d, median_ms


class FnoExpert(nn.Module):
    """`depth` FNO blocks at one mode count, applied to a group of patches."""

    def __init__(self, width, modes, depth):
        super().__init__()
        self.spec = nn.ModuleList(SpectralConv2d(width, width, modes) for _ in range(depth))
        self.skip = nn.ModuleList(nn.Conv2d(width, width, 1) for _ in range(depth))

    def forward(self, t):
        for s, k in zip(self.spec, self.skip):
            t = F.gelu(s(t) + k(t))
        return t


def band_energy(patches, bands):
    """Fraction of each patch's fluctuation energy (DC excluded) per radial band."""
    b, n, c, p, q = patches.shape
    f = torch.fft.rfft2(patches.reshape(b * n, c, p, q))
    e = f.real ** 2 + f.imag ** 2
    e[..., 1:(q + 1) // 2] *= 2  # Hermitian doubling of the columns not stored twice
    e = e.sum(1)
    ky = torch.fft.fftfreq(p, 1.0 / p).abs()
    kx = torch.fft.rfftfreq(q, 1.0 / q)
    k = torch.sqrt(ky[:, None] ** 2 + kx[None, :] ** 2)
    k = k / k.max()
    idx = torch.clamp((k * bands).ceil().long() - 1, 0, bands - 1)
    idx[0, 0] = -1
    feats = torch.stack([(e * (idx == i)).sum((-2, -1)) for i in range(bands)], -1)
    total = feats.sum(-1, keepdim=True)
    return torch.where(total > 0, feats / total.clamp_min(1e-30), torch.zeros_like(feats)).reshape(b, n, bands)


class M2M2d(nn.Module):
    def __init__(self, cin, cout, width, scale, expert_modes, depth, global_modes, bands, k,
                 temperature, proj=128):
        super().__init__()
        self.scale, self.bands, self.k, self.temperature = scale, bands, k, temperature
        self.lift = nn.Conv2d(cin, width, 1)
        self.router = nn.Linear(bands, len(expert_modes))
        self.experts = nn.ModuleList(FnoExpert(width, m, depth) for m in expert_modes)
        self.gspec = SpectralConv2d(width, width, global_modes)
        self.gskip = nn.Conv2d(width, width, 1)
        self.proj1 = nn.Conv2d(width, proj, 1)
        self.proj2 = nn.Conv2d(proj, cout, 1)

    def patchify(self, x):
        b, c, h, w = x.shape
        s = self.scale
        x = x.reshape(b, c, s, h // s, s, w // s).permute(0, 2, 4, 1, 3, 5)
        return x.reshape(b, s * s, c, h // s, w // s)

    def unpatchify(self, t, h, w):
        b, n, c, p, q = t.shape
        s = self.scale
        return t.reshape(b, s, s, c, p, q).permute(0, 3, 1, 4, 2, 5).reshape(b, c, h, w)

    def forward(self, x):
        b, _, h, w = x.shape
        hid = self.lift(x)
        tokens = self.patchify(hid)
        with torch.no_grad():
            feats = band_energy(self.patchify(x), self.bands)
        probs = F.softmax(self.router(feats) / self.temperature, -1)
        gates, experts = probs.topk(self.k, -1)
        if self.k > 1:
            gates = gates / gates.sum(-1, keepdim=True)
        flat = tokens.reshape(b * tokens.shape[1], *tokens.shape[2:])
        out = torch.zeros_like(flat)
        for e, expert in enumerate(self.experts):
            rows, slot = (experts.reshape(-1, self.k) == e).nonzero(as_tuple=True)
            if rows.numel() == 0:
                continue
            y = expert(flat.index_select(0, rows))
            g = gates.reshape(-1, self.k)[rows, slot].reshape(-1, 1, 1, 1)
            out = out.index_add(0, rows, g * y)
        hid = self.unpatchify(out.reshape(tokens.shape), h, w)
        hid = self.gspec(hid) + self.gskip(hid)
        return self.proj2(F.gelu(self.proj1(hid))), probs


def router_loss(probs, beta):
    a = probs.reshape(-1, probs.shape[-1]).mean(0)
    prior = torch.full_like(a, 1.0 / a.numel())
    kl = (a * (a.clamp_min(1e-12) / prior).log()).sum()
    ent = -(probs * probs.clamp_min(1e-12).log()).sum(-1).mean()
    return kl + beta * ent


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--res", type=int, default=64)
    p.add_argument("--cin", type=int, default=3)
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--scale", type=int, default=2)
    p.add_argument("--expert-modes", default="4,8,16")
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--global-modes", type=int, default=12)
    p.add_argument("--bands", type=int, default=4)
    p.add_argument("--k", type=int, default=1)
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--lam", type=float, default=0.01)
    p.add_argument("--beta", type=float, default=0.1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iters", type=int, default=10)
    a = p.parse_args(argv)
    a.modes = [int(m) for m in a.expert_modes.split(",")]
    return a


def build(a):
    """The model, its inputs and Adam: returns (model, infer(), train_step())
    (bench/peers/peer_memory.py --model script uses it too)."""
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = M2M2d(a.cin, 1, a.width, a.scale, a.modes, a.depth, a.global_modes, a.bands, a.k,
                  a.temperature)
    x = torch.randn(a.batch, a.cin, a.res, a.res)
    y = torch.randn(a.batch, 1, a.res, a.res)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def infer():
        with torch.no_grad():
            model(x)

    def train_step():
        opt.zero_grad(set_to_none=True)
        pred, probs = model(x)
        (F.mse_loss(pred, y) + a.lam * router_loss(probs, a.beta)).backward()
        opt.step()

    train_step.optimizer = opt  # peer_memory.py allocates its state at "load"
    return model, infer, train_step


def main():
    a = parse_args()
    model, infer, train_step = build(a)
    print(json.dumps({
        "peer": f"torch {torch.__version__}", "model": "m2m", "threads": a.threads,
        "batch": a.batch, "res": a.res, "width": a.width, "scale": a.scale,
        "expert_modes": a.modes, "depth": a.depth, "k": a.k,
        "params": sum(q.numel() * (2 if q.is_complex() else 1) for q in model.parameters()),
        "infer_ms": round(median_ms(infer, a.iters), 2),
        "train_step_ms": round(median_ms(train_step, a.iters), 2),
    }))


if __name__ == "__main__":
    main()
