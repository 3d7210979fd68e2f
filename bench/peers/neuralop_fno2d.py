#!/usr/bin/env python3
"""neuraloperator peer for Shodh benchmarks: `neuralop.models.FNO` (2-D).

Same command line and JSON line as shared/peers/torch_fno2d.py (median
milliseconds per inference and per training step: forward + MSE + backward +
Adam, after 3 warm-up runs), plus "arch" describing the model. Run it with a
Python that has torch and neuraloperator (.venv-bench/, see
scripts/setup-bench-venv.sh):
  .venv-bench/bin/python bench/peers/neuralop_fno2d.py --batch 16 --width 32 --modes 12 --res 64

--arch matched (default) configures FNO as close to models/fno.mlir as the
API allows: the same kept modes (n_modes = (2*modes, 2*modes - 1): neuralop
keeps n rows centred on frequency 0 and n // 2 + 1 rfft columns, i.e. the
2*modes x modes corner block of ours), a single linear lift, no positional
embedding, no channel MLP, linear skips, projection width 128. What remains
different: the spectral conv has a bias and the skip has none (the same
parameter count as ours), and each layer does two fftshift copies.
--arch default keeps neuralop's defaults for everything else: a grid
positional embedding (+2 input channels), a 2-layer lifting MLP (ratio 2),
a channel MLP (expansion 0.5, soft-gating skip) in every Fourier block.
"""
import argparse
import json

import torch
import torch.nn.functional as F

from peer_common import count_params, median_ms

PROJ = 128  # projection width of models/fno.mlir and torch_fno2d.py

ARCH = {
    "matched": "single linear lift, no positional embedding, no channel MLP, linear skip "
               "(no bias), spectral bias, projection MLP width 128",
    "default": "neuralop defaults: grid embedding, lifting MLP ratio 2, channel MLP per "
               "block (expansion 0.5, soft-gating skip), linear skip, projection MLP width 128",
}


def build_model(cin, cout, width, modes, layers, arch="matched"):
    """neuralop's FNO keeping the same 2*modes x modes spectral block as ours."""
    from neuralop.models import FNO
    common = dict(n_modes=(2 * modes, 2 * modes - 1), in_channels=cin, out_channels=cout,
                  hidden_channels=width, n_layers=layers,
                  projection_channel_ratio=PROJ / width)
    if arch == "matched":
        return FNO(**common, lifting_channel_ratio=0, positional_embedding=None,
                   use_channel_mlp=False, fno_skip="linear")
    return FNO(**common)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, default in (("batch", 16), ("width", 32), ("modes", 12), ("layers", 4),
                          ("res", 64), ("cin", 3), ("threads", 2), ("iters", 10)):
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--arch", choices=sorted(ARCH), default="matched")
    a = p.parse_args()
    if 2 * a.modes > a.res:
        p.error(f"--modes {a.modes}: expected at most res / 2 = {a.res // 2}")
    import neuralop
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = build_model(a.cin, 1, a.width, a.modes, a.layers, a.arch)
    x = torch.randn(a.batch, a.cin, a.res, a.res)
    y = torch.randn(a.batch, 1, a.res, a.res)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def infer():
        with torch.no_grad():
            model(x)

    def train_step():
        opt.zero_grad(set_to_none=True)
        F.mse_loss(model(x), y).backward()
        opt.step()

    print(json.dumps({
        "peer": f"neuralop {neuralop.__version__} on torch {torch.__version__}",
        "threads": a.threads, "batch": a.batch, "width": a.width, "modes": a.modes,
        "layers": a.layers, "res": a.res, "params": count_params(model),
        "arch": f"{a.arch}: {ARCH[a.arch]}",
        "infer_ms": round(median_ms(infer, a.iters), 2),
        "train_step_ms": round(median_ms(train_step, a.iters), 2),
    }))


if __name__ == "__main__":
    main()
