#!/usr/bin/python3
"""PyTorch peer for Shodh benchmarks: Shodh-MoE, the layout of models/shodh_moe.mlir.

Written the same way as ../shared/peers/torch_fno2d.py and torch_m2m2d.py
(eager PyTorch, no custom kernels): the "what a researcher writes today"
baseline for the sparse-expert latent transformer. On a velocity
u [B, 3, res, res, res] on the periodic unit box:

  encode       z = conv3(gelu(layer_norm_c(conv4_s2(u))))      circular padding
  latent_step  tokens = patchify_{patch^3}(z)                   [B, P, latent*patch^3]
               h = emb(tokens)
               `blocks` times:
                 h += attention(ln1(h))                         4 heads
                 a = ln2(h); probs = softmax(router(a))
                 gate, e = max(probs)                           top-1, no renormalisation
                 h += gate * expert_e(a) + shared(a)            sparse dispatch (index_select
                                                                / index_add per expert)
               z += unpatchify(head(lnf(h)))                    head initialised to zero
  decode       y = leray(conv3(gelu(conv_transpose2_s2(gelu(conv3(z))))))
  loss         mse(y, target) + sum over blocks of
               0.01 * E * sum_i f_i P_i                         Switch load balance
               + 0.03 * (KL(mean probs || uniform)
                         + mean_b H(mean of sample b's probs))  = log E - I(sample; expert)

The Leray projection is torch.fft: u_hat -= k (k . u_hat) / |k|^2 on the
real FFT's wavevectors, k = 0 kept and the Nyquist frequency of an even axis
taken as wavenumber 0 (docs/compiler.md § Physics ops).

Run: /usr/bin/python3 torch_shodh_moe.py --batch 4 --res 32 --width 16
Prints one JSON line with median milliseconds per inference and per training
step (forward + MSE + aux losses + backward + Adam), like torch_m2m2d.py.
"""
import argparse
import json

import torch
import torch.nn as nn
import torch.nn.functional as F

from peer_common import count_params, median_ms

BALANCE_COEF = 0.01  # shodh.aux_loss of load_balance_loss
ROUTING_COEF = 0.03  # shodh.aux_loss of router_kl_loss {entropy_over = "samples"}


def channel_norm(norm, x):
    """LayerNorm over the channels of a field [B, C, ...] at every voxel."""
    return norm(x.movedim(1, -1)).movedim(-1, 1)


def wavenumbers(n, last):
    """Signed integer frequencies of one FFT axis, Nyquist (even n) as 0."""
    k = torch.fft.rfftfreq(n, 1.0 / n) if last else torch.fft.fftfreq(n, 1.0 / n)
    if n % 2 == 0:
        k[n // 2] = 0.0
    return k


def leray_project(v):
    """Periodic Leray projection of a 3-D velocity [B, 3, D, H, W]; the box's
    lengths only scale k, which the projection does not see."""
    d, h, w = v.shape[-3:]
    vf = torch.fft.rfftn(v, dim=(-3, -2, -1))
    k = (wavenumbers(d, False)[:, None, None], wavenumbers(h, False)[None, :, None],
         wavenumbers(w, True)[None, None, :])
    k2 = (k[0] ** 2 + k[1] ** 2 + k[2] ** 2).clamp_min(1.0)  # k = 0: k . v = 0 anyway
    div = (k[0] * vf[:, 0] + k[1] * vf[:, 1] + k[2] * vf[:, 2]) / k2
    vf = vf - torch.stack([k[0] * div, k[1] * div, k[2] * div], 1)
    return torch.fft.irfftn(vf, s=(d, h, w), dim=(-3, -2, -1))


class Encoder(nn.Module):
    def __init__(self, width, latent):
        super().__init__()
        self.down = nn.Conv3d(3, width, 4, stride=2, padding=1, padding_mode="circular")
        self.norm = nn.LayerNorm(width)
        self.out = nn.Conv3d(width, latent, 3, padding=1, padding_mode="circular")

    def forward(self, u):
        return self.out(F.gelu(channel_norm(self.norm, self.down(u))))


class Decoder(nn.Module):
    def __init__(self, width, latent):
        super().__init__()
        self.inp = nn.Conv3d(latent, width, 3, padding=1, padding_mode="circular")
        self.up = nn.ConvTranspose3d(width, width, 2, stride=2)
        self.out = nn.Conv3d(width, 3, 3, padding=1, padding_mode="circular")

    def forward(self, z):
        return leray_project(self.out(F.gelu(self.up(F.gelu(self.inp(z))))))


def mlp(dim, hidden):
    return nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))


class MoEBlock(nn.Module):
    """Pre-norm attention, then top-1 routed MLP experts plus a shared MLP."""

    def __init__(self, dim, heads, hidden, shared, experts):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(dim)
        self.router = nn.Linear(dim, experts)
        self.experts = nn.ModuleList(mlp(dim, hidden) for _ in range(experts))
        self.shared = mlp(dim, shared)

    def routed(self, a, gate, ids):
        """gate * expert_ids(a), each expert run only on the tokens sent to it."""
        x, g, ids = a.reshape(-1, a.shape[-1]), gate.reshape(-1, 1), ids.reshape(-1)
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            rows = (ids == e).nonzero(as_tuple=True)[0]
            if rows.numel():
                y = expert(x.index_select(0, rows)) * g.index_select(0, rows)
                out = out.index_add(0, rows, y)
        return out.reshape(a.shape)

    def forward(self, h):
        a = self.ln1(h)
        h = h + self.attn(a, a, a, need_weights=False)[0]
        a = self.ln2(h)
        probs = F.softmax(self.router(a), -1)
        gate, ids = probs.max(-1)
        return h + self.routed(a, gate, ids) + self.shared(a), (probs, ids)


def patchify(z, p):
    """[B, C, D, H, W] -> [B, (D/p)(H/p)(W/p), C*p^3], tokens row-major by position."""
    b, c, d, h, w = z.shape
    z = z.reshape(b, c, d // p, p, h // p, p, w // p, p).permute(0, 2, 4, 6, 1, 3, 5, 7)
    return z.reshape(b, (d // p) * (h // p) * (w // p), c * p ** 3)


def unpatchify(t, c, p, grid):
    b, d, h, w = t.shape[0], grid[0] // p, grid[1] // p, grid[2] // p
    t = t.reshape(b, d, h, w, c, p, p, p).permute(0, 4, 1, 5, 2, 6, 3, 7)
    return t.reshape(b, c, *grid)


class LatentTransformer(nn.Module):
    def __init__(self, latent, patch, dim, heads, hidden, shared, experts, blocks):
        super().__init__()
        self.latent, self.patch = latent, patch
        self.emb = nn.Linear(latent * patch ** 3, dim)
        self.blocks = nn.ModuleList(MoEBlock(dim, heads, hidden, shared, experts)
                                    for _ in range(blocks))
        self.lnf = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, latent * patch ** 3)
        nn.init.zeros_(self.head.weight)  # the step starts as the identity (as the model)
        nn.init.zeros_(self.head.bias)

    def forward(self, z):
        h = self.emb(patchify(z, self.patch))
        routing = []
        for block in self.blocks:
            h, r = block(h)
            routing.append(r)
        dz = unpatchify(self.head(self.lnf(h)), self.latent, self.patch, z.shape[-3:])
        return z + dz, routing


class ShodhMoE(nn.Module):
    def __init__(self, width=16, latent=8, patch=4, dim=64, heads=4, hidden=128, shared=128,
                 experts=2, blocks=2):
        super().__init__()
        self.encoder = Encoder(width, latent)
        self.step = LatentTransformer(latent, patch, dim, heads, hidden, shared, experts, blocks)
        self.decoder = Decoder(width, latent)

    def forward(self, u):
        """(u(t+1), [(probs, ids) per block])."""
        z, routing = self.step(self.encoder(u))
        return self.decoder(z), routing


def switch_balance(probs, ids):
    """E * sum_i f_i P_i: f_i the share of tokens sent to i, P_i its mean probability."""
    e = probs.shape[-1]
    f = torch.bincount(ids.reshape(-1), minlength=e).to(probs.dtype) / ids.numel()
    return e * (f * probs.reshape(-1, e).mean(0)).sum()


def sample_routing(probs):
    """KL(mean probs || uniform) + mean over samples of H(the sample's mean probs)."""
    e = probs.shape[-1]
    a = probs.reshape(-1, e).mean(0)
    kl = (a * (a.clamp_min(1e-30) * e).log()).sum()
    m = probs.mean(1)
    return kl - (m * m.clamp_min(1e-30).log()).sum(-1).mean()


def aux_loss(routing):
    return sum(BALANCE_COEF * switch_balance(p, i) + ROUTING_COEF * sample_routing(p)
               for p, i in routing)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, default in (("batch", 4), ("res", 32), ("width", 16), ("latent", 8), ("patch", 4),
                          ("dim", 64), ("heads", 4), ("hidden", 128), ("shared", 128),
                          ("experts", 2), ("blocks", 2), ("threads", 2), ("iters", 10)):
        p.add_argument(f"--{name}", type=int, default=default)
    a = p.parse_args(argv)
    if a.res % (2 * a.patch):
        p.error(f"--res {a.res}: expected a multiple of 2 * patch = {2 * a.patch}")
    return a


def build(a):
    """The model, its inputs and Adam: returns (model, infer(), train_step())."""
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = ShodhMoE(a.width, a.latent, a.patch, a.dim, a.heads, a.hidden, a.shared, a.experts,
                     a.blocks)
    u = torch.randn(a.batch, 3, a.res, a.res, a.res)
    target = torch.randn(a.batch, 3, a.res, a.res, a.res)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def infer():
        model.eval()
        with torch.no_grad():
            model(u)

    def train_step():
        model.train()
        opt.zero_grad(set_to_none=True)
        y, routing = model(u)
        (F.mse_loss(y, target) + aux_loss(routing)).backward()
        opt.step()

    train_step.optimizer = opt  # peer_memory.py allocates its state at "load"
    return model, infer, train_step


def main():
    a = parse_args()
    model, infer, train_step = build(a)
    print(json.dumps({
        "peer": f"torch {torch.__version__}", "model": "shodh_moe", "threads": a.threads,
        "batch": a.batch, "res": a.res, "width": a.width, "latent": a.latent, "patch": a.patch,
        "dim": a.dim, "hidden": a.hidden, "shared": a.shared, "experts": a.experts,
        "blocks": a.blocks, "params": count_params(model),
        "infer_ms": round(median_ms(infer, a.iters), 2),
        "train_step_ms": round(median_ms(train_step, a.iters), 2),
    }))


if __name__ == "__main__":
    main()
