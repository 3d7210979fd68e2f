"""Pieces shared by the PyTorch peers of bench/ (imported from the script's
own folder, so each peer still runs as `python bench/peers/NAME.py`):
the FNO spectral convolution of ../shared/peers/torch_fno2d.py, the
parameter count as `shodh-run inspect` counts floats, and the CPU timer.
"""
import statistics
import time

import torch
import torch.nn as nn


class SpectralConv2d(nn.Module):
    """rfft2 -> keep rows :m and -m: of columns :m -> per-mode channel mix -> irfft2
    (the layer of ../shared/peers/torch_fno2d.py, on the input's device)."""

    def __init__(self, cin, cout, modes):
        super().__init__()
        self.modes = modes
        scale = 1.0 / (cin * cout)
        self.w1 = nn.Parameter(scale * torch.rand(cin, cout, modes, modes, dtype=torch.cfloat))
        self.w2 = nn.Parameter(scale * torch.rand(cin, cout, modes, modes, dtype=torch.cfloat))

    def forward(self, x):
        b, _, h, w = x.shape
        m = self.modes
        xf = torch.fft.rfft2(x)
        out = torch.zeros(b, self.w1.shape[1], h, w // 2 + 1, dtype=torch.cfloat, device=x.device)
        out[:, :, :m, :m] = torch.einsum("bixy,ioxy->boxy", xf[:, :, :m, :m], self.w1)
        out[:, :, -m:, :m] = torch.einsum("bixy,ioxy->boxy", xf[:, :, -m:, :m], self.w2)
        return torch.fft.irfft2(out, s=(h, w))


def count_params(model):
    """Real values, a complex parameter counting 2 (as shodh-run inspect's floats)."""
    return sum(p.numel() * (2 if p.is_complex() else 1) for p in model.parameters())


def median_ms(fn, iters, warmup=3):
    """Median wall milliseconds of `iters` calls of fn after `warmup` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iters):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)
