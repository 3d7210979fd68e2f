#!/usr/bin/python3
"""Expert-layer cost: a routed MoE layer against one dense expert (docs/benchmarks.md).

Issue target: the fused MoE layer with E experts and top-1 routing costs at
most 1.3x one dense expert of the same size at equal tokens. Both layers map
tokens x (B, T, F) to (B, T, F) and are timed by `shodh-run bench` (infer and
train_step: forward + MSE + backward + Adam), compiled by shodhc from the two
models this script writes:

  dense   y = w2 . gelu(w1 . x + b1) + b2                 (shodh.linear over axis 2)
  moe     probs = router(x); gates, ids = top_k(probs, 1)
          y = combine(expert_mlp(dispatch(x, ids)), gates)  -> fused to shodh.moe
          (E experts of the dense expert's size, each token through one of them)

so at equal tokens both do the same GEMM FLOPs; the MoE layer adds the router,
sorting, the gather/scatter and the gates. `--no-fuse` compiles the MoE layer
unfused for comparison.

usage: bench/moe_layer.py [--build build] [--batch 16] [--tokens 512] [--features 64]
                          [--hidden 256] [--experts 8] [--threads 2] [--iters 20]
                          [--json-out FILE]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

DENSE = """module attributes {{shodh.hyperparams = {{f = {f} : i64, h = {h} : i64}}}} {{
  shodh.param @w1 {{dims = ["h", "f"], init = {{kind = "fan_in_uniform", fan = "f", seed = 1 : i64}}}} : tensor<?x?xf32>
  shodh.param @b1 {{dims = ["h"], init = {{kind = "fan_in_uniform", fan = "f", seed = 2 : i64}}}} : tensor<?xf32>
  shodh.param @w2 {{dims = ["f", "h"], init = {{kind = "fan_in_uniform", fan = "h", seed = 3 : i64}}}} : tensor<?x?xf32>
  shodh.param @b2 {{dims = ["f"], init = {{kind = "fan_in_uniform", fan = "h", seed = 4 : i64}}}} : tensor<?xf32>
  func.func @infer(%x: tensor<?x{t}x?xf32> {{shodh.dims = ["B", {t}, "f"], shodh.name = "x"}})
      -> (tensor<?x{t}x?xf32> {{shodh.name = "y"}}) {{
    %w1 = shodh.read @w1 : tensor<?x?xf32>
    %b1 = shodh.read @b1 : tensor<?xf32>
    %w2 = shodh.read @w2 : tensor<?x?xf32>
    %b2 = shodh.read @b2 : tensor<?xf32>
    %h = shodh.linear %x, %w1, %b1 {{axis = 2 : i64}}
        : (tensor<?x{t}x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x{t}x?xf32>
    %g = shodh.gelu %h : (tensor<?x{t}x?xf32>) -> tensor<?x{t}x?xf32>
    %y = shodh.linear %g, %w2, %b2 {{axis = 2 : i64}}
        : (tensor<?x{t}x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x{t}x?xf32>
    return %y : tensor<?x{t}x?xf32>
  }}
}}
"""

MOE = """module attributes {{shodh.hyperparams = {{f = {f} : i64, h = {h} : i64, e = {e} : i64}}}} {{
  shodh.param @wr {{dims = ["e", "f"], init = {{kind = "fan_in_uniform", fan = "f", seed = 5 : i64}}}} : tensor<?x?xf32>
  shodh.param @w1 {{dims = ["e", "h", "f"], init = {{kind = "fan_in_uniform", fan = "f", seed = 1 : i64}}}} : tensor<?x?x?xf32>
  shodh.param @b1 {{dims = ["e", "h"], init = {{kind = "fan_in_uniform", fan = "f", seed = 2 : i64}}}} : tensor<?x?xf32>
  shodh.param @w2 {{dims = ["e", "f", "h"], init = {{kind = "fan_in_uniform", fan = "h", seed = 3 : i64}}}} : tensor<?x?x?xf32>
  shodh.param @b2 {{dims = ["e", "f"], init = {{kind = "fan_in_uniform", fan = "h", seed = 4 : i64}}}} : tensor<?x?xf32>
  func.func @infer(%x: tensor<?x{t}x?xf32> {{shodh.dims = ["B", {t}, "f"], shodh.name = "x"}})
      -> (tensor<?x{t}x?xf32> {{shodh.name = "y"}}) {{
    %wr = shodh.read @wr : tensor<?x?xf32>
    %logits, %probs = shodh.router %x, %wr
        : (tensor<?x{t}x?xf32>, tensor<?x?xf32>) -> (tensor<?x{t}x?xf32>, tensor<?x{t}x?xf32>)
    %gates, %ids = shodh.top_k %probs {{k = 1 : i64, renormalize = false}}
        : (tensor<?x{t}x?xf32>) -> (tensor<?x{t}x1xf32>, tensor<?x{t}x1xi64>)
    %sorted, %offsets, %source = shodh.dispatch %x, %ids {{num_experts = "e"}}
        : (tensor<?x{t}x?xf32>, tensor<?x{t}x1xi64>) -> (tensor<?x{t}x?xf32>, tensor<?xi64>, tensor<?x{t}xi64>)
    %w1 = shodh.read @w1 : tensor<?x?x?xf32>
    %b1 = shodh.read @b1 : tensor<?x?xf32>
    %w2 = shodh.read @w2 : tensor<?x?x?xf32>
    %b2 = shodh.read @b2 : tensor<?x?xf32>
    %out = shodh.expert_mlp %sorted, %offsets, %w1, %b1, %w2, %b2
        : (tensor<?x{t}x?xf32>, tensor<?xi64>, tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?x?xf32>)
        -> tensor<?x{t}x?xf32>
    %y = shodh.combine %out, %gates, %source, %offsets
        : (tensor<?x{t}x?xf32>, tensor<?x{t}x1xf32>, tensor<?x{t}xi64>, tensor<?xi64>) -> tensor<?x{t}x?xf32>
    return %y : tensor<?x{t}x?xf32>
  }}
}}
"""


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"moe_layer: {' '.join(map(str, cmd))} failed:\n{p.stderr.strip()}")
    return p.stdout


def bench(build, fb, program, a):
    out = run([build / "bin/shodh-run", "bench", fb, "--program", program, "--batch", str(a.batch),
               "--threads", str(a.threads), "--iters", str(a.iters), "--warmup", "3"])
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    return json.loads(line)["median_ms"]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default=os.environ.get("BUILD", "build"))
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--tokens", type=int, default=512)
    p.add_argument("--features", type=int, default=64)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--experts", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--json-out")
    a = p.parse_args(argv)
    if min(a.batch, a.tokens, a.features, a.hidden, a.experts, a.threads, a.iters) < 1:
        sys.exit("moe_layer: every size must be >= 1")
    build = Path(a.build).resolve()
    if not (build / "bin/shodhc").exists():
        sys.exit(f"moe_layer: no {build}/bin/shodhc: build first (make)")
    sizes = dict(f=a.features, h=a.hidden, e=a.experts, t=a.tokens)
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        variants = [("dense", DENSE, []), ("moe (fused)", MOE, []), ("moe (unfused)", MOE, ["--no-fuse"])]
        for name, text, flags in variants:
            src = tmp / (re.sub(r"\W+", "_", name) + ".mlir")
            src.write_text(text.format(**sizes))
            fb = src.with_suffix(".fb")
            run([build / "bin/shodhc", src, "--train", "-o", fb, *flags])
            rows[name] = {prog: bench(build, fb, prog, a) for prog in ("infer", "train_step")}
    dense = rows["dense"]
    print(f"expert layer: B={a.batch} T={a.tokens} F={a.features} H={a.hidden} E={a.experts} top-1, "
          f"{a.threads} threads, median of {a.iters}")
    print(f"{'layer':<16}{'infer ms':>10}{'ratio':>8}{'train ms':>10}{'ratio':>8}")
    for name, r in rows.items():
        print(f"{name:<16}{r['infer']:>10.3f}{r['infer'] / dense['infer']:>8.2f}"
              f"{r['train_step']:>10.3f}{r['train_step'] / dense['train_step']:>8.2f}")
    if a.json_out:
        Path(a.json_out).write_text(json.dumps({"config": vars(a), "results": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
