"""losses.py CPU GPU GPU2 [--steps N] [--tol T]: the training losses of three
`shodh-run train` runs (their metrics.jsonl): N steps each, the GPU's within
relative T (default 1e-3) of the CPU's, and the two GPU runs identical."""
import argparse
import json
import sys

ap = argparse.ArgumentParser()
ap.add_argument("runs", nargs=3)
ap.add_argument("--steps", type=int, default=3)
ap.add_argument("--tol", type=float, default=1e-3)
a = ap.parse_args()
runs = []
for r in a.runs:
    with open(r + "/metrics.jsonl") as f:
        runs.append([json.loads(x)["loss"] for x in f if '"loss"' in x])
cpu, gpu, gpu2 = runs
print("losses:", runs)
if not (len(cpu) == len(gpu) == len(gpu2) == a.steps):
    sys.exit(f"expected {a.steps} losses per run")
if gpu != gpu2:
    sys.exit("the two GPU runs differ")
if any(abs(c - g) > a.tol * abs(c) for c, g in zip(cpu, gpu)):
    sys.exit(f"GPU losses differ from the CPU's by more than {a.tol} (relative)")
print("PASS")
