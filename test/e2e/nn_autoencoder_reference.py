#!/usr/bin/python3
"""Independent check of the compiled conv autoencoder (Inputs/nn-autoencoder.mlir):
torch 1.13 autograd in double through conv2d (circular: F.pad then an
unpadded conv), layer_norm over the channel axis, gelu, a circular 3x3 conv
and conv_transpose2d, MSE loss and torch's Adam applied `steps` times to the
full batch, compared with the parameters Shodh exported; also compares the
compiled forward (infer output) with torch.
usage: nn_autoencoder_reference.py init.h5 data.h5 infer.h5 trained.h5 --steps S --lr LR --eps EPS [--tol T]
"""
import sys

import torch.nn.functional as F

from torch_parity import run

NAMES = ["w1", "b1", "g", "beta", "w2", "w3", "b3"]


def forward(p, x):
    z = F.conv2d(F.pad(x, (1, 1, 1, 1), mode="circular"), p["w1"], p["b1"], stride=2)
    n = F.layer_norm(z.movedim(1, -1), (4,), p["g"], p["beta"], eps=1e-5).movedim(-1, 1)
    c = F.conv2d(F.pad(F.gelu(n), (1, 1, 1, 1), mode="circular"), p["w2"])
    return F.conv_transpose2d(c, p["w3"], p["b3"], stride=2, padding=1)


if __name__ == "__main__":
    sys.exit(run(NAMES, forward))
