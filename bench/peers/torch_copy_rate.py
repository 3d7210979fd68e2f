#!/usr/bin/env python3
"""Device-to-device copy rate with PyTorch: the bandwidth reference of
scripts/gpu-check.sh's HBM fraction (docs/gpu-check.md).

  python bench/peers/torch_copy_rate.py --device cuda --mib 1024

Copies one f32 tensor of --mib MiB into another (`dst.copy_(src)`, a
cudaMemcpyAsync device to device on cuda) --iters times after --warmup
copies; every copy is bracketed by CUDA events. The rate counts the bytes
read and the bytes written (2 x size) over the median time, in GB/s
(10^9 bytes). On cpu it times the same copy with perf_counter (a smoke
test of the script, or the host's memcpy rate). Prints one JSON line;
"error" and exit status 1 on failure.
"""
import argparse
import json
import statistics
import time

import torch


def copy_ms(src, dst, iters, warmup):
    if src.device.type == "cuda":
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)

        def once():
            start.record()
            dst.copy_(src)
            end.record()
            end.synchronize()
            return start.elapsed_time(end)
    else:
        def once():
            t = time.perf_counter()
            dst.copy_(src)
            return (time.perf_counter() - t) * 1e3
    for _ in range(warmup):
        once()
    return statistics.median(once() for _ in range(iters))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--mib", type=int, default=1024, help="size of the copied tensor")
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    a = p.parse_args()
    device = torch.device(a.device)
    rec = {"peer": f"torch {torch.__version__}", "device": str(device), "mib": a.mib}
    try:
        if device.type == "cuda":
            if not torch.cuda.is_available():
                raise RuntimeError("torch.cuda.is_available() is False")
            rec["gpu"] = torch.cuda.get_device_name(device)
        n = a.mib * 2**20 // 4
        src = torch.ones(n, dtype=torch.float32, device=device)
        dst = torch.empty_like(src)
        ms = copy_ms(src, dst, a.iters, a.warmup)
        rec.update(median_ms=round(ms, 4), bytes=2 * n * 4, copy_gbs=round(2 * n * 4 / ms / 1e6, 1))
    except Exception as e:
        rec["error"] = f"{type(e).__name__}: {e}".splitlines()[0][:400]
        print(json.dumps(rec), flush=True)
        return 1
    print(json.dumps(rec), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
