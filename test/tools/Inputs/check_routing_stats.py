#!/usr/bin/python3
"""Data and an independent check for test/tools/shodh-run-eval-routing.test.

  make OUT.h5
      6 samples of 4 patch tokens (1, 4, 4), each a constant, a single
      low mode cos(2πx/4) (|k| = 1: energy band 1 of 3) or the checkerboard
      (-1)^(x+y) (|k| = |k|max: band 2), with random amplitudes, `targets` =
      `inputs`, and the integer dataset `domain` (3 samples each of 0 and 1).
  check OUT.h5 WEIGHTS.h5 ROUTING.json --batch B
      Recomputes the routing of Inputs/routing-stats.mlir from the exported
      router weight: features one-hot in the band of each token (zero for a
      constant), top-1 expert = argmax of w_r·f (ties: lower id), dropped =
      per batch of B samples, assignments past cap = ceil(R / 2) per expert;
      and compares every number of the JSON report.
"""
import json
import math
import sys

import h5py
import numpy as np

PATTERNS = 3  # constant, low mode, checkerboard


def tokens(kinds, amps):
    x = np.arange(4)
    low = np.cos(2 * np.pi * x / 4)[None, :] * np.ones((4, 1))
    checker = (-1.0) ** (x[:, None] + x[None, :])
    base = [np.ones((4, 4)), low, checker]
    return np.stack([a * base[k] for k, a in zip(kinds, amps)])[:, None]


def make(path):
    r = np.random.default_rng(7)
    kinds = r.integers(0, PATTERNS, size=(6, 4))
    amps = r.uniform(0.5, 2.0, size=(6, 4))
    x = np.stack([tokens(k, a) for k, a in zip(kinds, amps)]).astype(np.float32)
    with h5py.File(path, "w") as f:
        f["inputs"] = x
        f["targets"] = x
        f["domain"] = np.array([0, 0, 0, 1, 1, 1], dtype=np.int32)
        f["kinds"] = kinds


def check(path, weights, report, batch):
    with h5py.File(path, "r") as f:
        kinds, domain = f["kinds"][...], f["domain"][...]
    w = h5py.File(weights, "r")["w_r"][...].astype(np.float64)
    feats = np.zeros(kinds.shape + (3,))
    for band, kind in ((1, 1), (2, 2)):
        feats[kinds == kind, band] = 1.0
    experts = np.argmax(feats @ w.T, axis=-1)  # softmax keeps the order
    experts[kinds == 0] = np.argmax(np.zeros(2))  # all-zero features: a tie
    assigned = np.bincount(experts.reshape(-1), minlength=2)
    dropped = 0
    for start in range(0, len(kinds), batch):
        e = experts[start:start + batch].reshape(-1)
        cap = math.ceil(e.size / 2)
        dropped += sum(max(0, c - cap) for c in np.bincount(e, minlength=2))
    layer = json.load(open(report))["layers"][0]
    want = {"name": "routing.0", "experts": 2, "k": 1, "tokens": kinds.size,
            "assignments": kinds.size, "dropped": dropped, "bands": 3,
            "assigned": assigned.tolist()}
    for key, value in want.items():
        if layer[key] != value:
            print(f"FAIL: {key} = {layer[key]}, expected {value}")
            return 1
    for e in range(2):
        mean = feats.reshape(-1, 3)[experts.reshape(-1) == e].mean(axis=0) \
            if assigned[e] else np.zeros(3)
        if np.max(np.abs(np.array(layer["mean_energy"][e]) - mean)) > 1e-5:
            print(f"FAIL: expert {e} mean energy {layer['mean_energy'][e]}, expected {mean}")
            return 1
    domains = {d["domain"]: d["assigned"] for d in layer["domains"]}
    for d in (0, 1):
        want_d = np.bincount(experts[domain == d].reshape(-1), minlength=2).tolist()
        if domains.get(d) != want_d:
            print(f"FAIL: domain {d} assigned {domains.get(d)}, expected {want_d}")
            return 1
    print(f"PASS: routing statistics match ({assigned.tolist()} assigned, "
          f"{dropped} dropped)")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
        sys.exit(0)
    sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[6])))
