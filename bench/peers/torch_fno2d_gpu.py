#!/usr/bin/env python3
"""PyTorch peer for Shodh's GPU benchmarks: FNO-2D inference and training step.

The model of shared/peers/torch_fno2d.py (the CPU peer, which allocates its
spectra on the CPU only), with every tensor on --device: a 1x1 lift, `layers`
Fourier layers (rfft2, the 2*modes x modes corner block contracted with two
complex weights w1/w2, irfft2, plus a 1x1 skip, GELU between layers), then a
128-wide 1x1 projection MLP. Its parameter count equals that of
models/fno.mlir compiled with the same sizes (`shodh-run inspect`, a complex
weight counting 2): 16,802,561 at the issue's configuration
(--batch 64 --res 128 --width 64 --modes 16).

  python bench/peers/torch_fno2d_gpu.py --device cuda --batch 64 --res 128 --width 64 --modes 16
  python bench/peers/torch_fno2d_gpu.py --device cuda ... --compile      # torch.compile (mode default)

Timing on cuda: every run is bracketed by CUDA events and the stream is
synchronised after it (as `shodh-run bench`, whose invoke returns with its
outputs downloaded); the median of --iters runs after --warmup runs (the
first compiled run, which compiles, is timed apart as compile_s). TF32 is
off unless --tf32 (cuBLAS and cuDNN then round like Shodh's f32 GEMMs);
the 1x1 convolutions go through cuDNN, the FFTs through cuFFT. The training
step is zero_grad + forward + MSE + backward + Adam (PyTorch's default
implementation for the device).

--spectral-eager (with --compile) wraps every SpectralConv2d.forward in
torch.compiler.disable: the FFTs and complex contractions run eagerly between
compiled graphs of the rest. A fallback measure: inductor fails to
differentiate this model's complex spectral layer (PyTorch 2.15 on CPU:
"self.stride(-1) must be 1 to view ComplexFloat as Float").

Prints a JSON line (the last one printed counts; one marked "partial" after
each program), the fields of the CPU peer plus "device", "compile",
"compile_s", "tf32", "max_mem_mib" (torch.cuda.max_memory_allocated) and,
on failure, "error" or "<program>_error" (exit status 1; the other
program's time is still given): a torch.compile that fails is reported,
never retried in eager mode.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from peer_common import SpectralConv2d, count_params


class FNO2d(nn.Module):
    """Lift, `layers` Fourier layers with 1x1 skips (GELU between), projection MLP."""

    def __init__(self, cin, cout, width, modes, layers, proj=128):
        super().__init__()
        self.lift = nn.Conv2d(cin, width, 1)
        self.spec = nn.ModuleList(SpectralConv2d(width, width, modes) for _ in range(layers))
        self.skip = nn.ModuleList(nn.Conv2d(width, width, 1) for _ in range(layers))
        self.proj1 = nn.Conv2d(width, proj, 1)
        self.proj2 = nn.Conv2d(proj, cout, 1)

    def forward(self, x):
        x = self.lift(x)
        for i, (s, k) in enumerate(zip(self.spec, self.skip)):
            x = s(x) + k(x)
            if i < len(self.spec) - 1:
                x = F.gelu(x)
        return self.proj2(F.gelu(self.proj1(x)))


def make_timer(device):
    """Returns run(fn) -> milliseconds of one synchronised call of fn."""
    if device.type == "cuda":
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)

        def run(fn):
            start.record()
            fn()
            end.record()
            end.synchronize()
            return start.elapsed_time(end)
        return run

    def run(fn):
        t = time.perf_counter()
        fn()
        return (time.perf_counter() - t) * 1e3
    return run


def median_ms(fn, timer, iters, warmup):
    for _ in range(warmup):
        timer(fn)
    return statistics.median(timer(fn) for _ in range(iters))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--modes", type=int, default=16)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--res", type=int, default=128)
    p.add_argument("--cin", type=int, default=3)
    p.add_argument("--device", default="cuda", help="cuda (GPU 0) or cpu")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (cpu; 0: torch's default)")
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--compile", action="store_true", help="time torch.compile(model) (mode default)")
    p.add_argument("--tf32", action="store_true", help="allow TF32 in cuBLAS and cuDNN (off by default)")
    p.add_argument("--programs", default="infer,train_step", help="comma-separated: infer, train_step")
    p.add_argument("--spectral-eager", action="store_true",
                   help="with --compile: leave the spectral convolutions out of the compiled graphs "
                        "(torch.compiler.disable; inductor compiles the rest)")
    p.add_argument("--params-only", action="store_true", help="print the parameter count and exit")
    return p.parse_args(argv)


def record(a, device):
    return {"peer": f"torch {torch.__version__}", "device": str(device), "threads": torch.get_num_threads(),
            "batch": a.batch, "width": a.width, "modes": a.modes, "layers": a.layers, "res": a.res,
            "compile": a.compile, "tf32": a.tf32,
            "spectral_eager": a.spectral_eager}


def bench(a, device, rec):
    """Fills rec with params, infer_ms, train_step_ms, compile_s, max_mem_mib."""
    torch.manual_seed(0)
    model = FNO2d(a.cin, 1, a.width, a.modes, a.layers).to(device)
    rec["params"] = count_params(model)
    if a.params_only:
        return
    x = torch.randn(a.batch, a.cin, a.res, a.res, device=device)
    y = torch.randn(a.batch, 1, a.res, a.res, device=device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    run = model
    if a.compile:
        if not hasattr(torch, "compile"):
            raise RuntimeError(f"torch.compile needs PyTorch 2.x (this is {torch.__version__})")
        if a.spectral_eager:
            disable = getattr(torch, "compiler", None) and torch.compiler.disable or torch._dynamo.disable
            for layer in model.spec:
                layer.forward = disable(layer.forward)
        run = torch.compile(model)

    def infer():
        with torch.no_grad():
            run(x)

    def train_step():
        opt.zero_grad(set_to_none=True)
        F.mse_loss(run(x), y).backward()
        opt.step()

    timer = make_timer(device)
    programs = {"infer": infer, "train_step": train_step}
    rec["compile_s"] = 0.0
    for name in a.programs.split(","):
        try:
            fn = programs[name]
            if a.compile:  # the first call compiles this program's graphs
                t = time.perf_counter()
                timer(fn)
                rec["compile_s"] = round(rec["compile_s"] + time.perf_counter() - t, 2)
            rec[f"{name}_ms"] = round(median_ms(fn, timer, a.iters, a.warmup), 3)
        except Exception as e:  # one program failing (e.g. compiling) leaves the other's time
            rec[f"{name}_error"] = f"{type(e).__name__}: {e}".splitlines()[0][:400]
        # A partial record after each program: a caller that kills a long
        # compile still has the programs done so far (the last line counts).
        print(json.dumps(dict(rec, partial=True)), flush=True)
    if device.type == "cuda":
        rec["max_mem_mib"] = round(torch.cuda.max_memory_allocated(device) / 2**20, 1)


def main(argv=None):
    a = parse_args(argv)
    device = torch.device(a.device)
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = a.tf32
        torch.backends.cudnn.allow_tf32 = a.tf32
    rec = record(a, device)
    status = 0
    try:
        if device.type == "cuda":
            if not torch.cuda.is_available():
                raise RuntimeError("torch.cuda.is_available() is False")
            rec["gpu"] = torch.cuda.get_device_name(device)
        bench(a, device, rec)
    except Exception as e:  # reported in the JSON line, never hidden
        rec["error"] = f"{type(e).__name__}: {e}".splitlines()[0][:400]
    if "error" in rec or any(k.endswith("_error") for k in rec):
        status = 1
    print(json.dumps(rec), flush=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
