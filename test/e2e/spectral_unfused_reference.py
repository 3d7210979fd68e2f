#!/usr/bin/python3
"""Independent check of compiled spectral convolutions that training keeps
apart from fourier_layer: PyTorch autograd in double through torch.fft's
rfft2 / irfft2 (torch_parity.spectral_conv2d), GELU and the 1x1 linears, MSE
loss and torch's Adam applied `steps` times to the full batch, compared with
the parameters Shodh exported; also compares the compiled forward (infer
output) with torch. MODEL is
  conv-gelu  Inputs/spectral-conv-gelu.mlir: y = gelu(spectral_conv(x, spec_w))
  unfused    Inputs/spectral-unfused.mlir: h = lift(x),
             z = gelu(spectral_conv(h, spec_w) + skip(x)), y = spectral_conv(z, filt)
             with the fixed filter filt = the initial spec_w (init.h5)

usage: spectral_unfused_reference.py MODEL init.h5 data.h5 infer.h5 trained.h5 --steps S --lr LR --eps EPS [--tol T] [--grad-scale F]
"""
import sys

import h5py
import torch
import torch.nn.functional as F

from torch_parity import run, spectral_conv2d

MODES = 3


def linear(x, w, b):
    """1x1 channel mixing over axis 1 of [B, I, N1, N2]."""
    return torch.einsum("oi,bixy->boxy", w, x) + b.reshape(1, -1, 1, 1)


def conv_gelu(p, x):
    return F.gelu(spectral_conv2d(x, p["spec_w"], MODES))


def unfused(filt):
    def forward(p, x):
        h = linear(x, p["lift_w"], p["lift_b"])
        z = F.gelu(spectral_conv2d(h, p["spec_w"], MODES) + linear(x, p["skip_w"], p["skip_b"]))
        return spectral_conv2d(z, filt, MODES)
    return forward


if __name__ == "__main__":
    model = sys.argv.pop(1)
    if model == "conv-gelu":
        sys.exit(run(["spec_w"], conv_gelu))
    with h5py.File(sys.argv[1], "r") as f:  # the initial spec_w, never trained
        filt = torch.tensor(f["spec_w"][...], dtype=torch.float64)
    sys.exit(run(["lift_w", "lift_b", "spec_w", "skip_w", "skip_b"], unfused(filt)))
