"""Checks for test/e2e/shodh-moe.test (models/shodh_moe.mlir end to end).

  same A.h5 DATASET B.h5 DATASET --tol T
      the two datasets hold the same values (max |a - b| <= T * max |b|):
      the whole model equals its entries composed by hand
  beats DATA.h5 EVAL.json --ratio R
      the latent step's MSE (eval --metrics-json, "all") is below R times
      the MSE of persistence z(t+1) = z(t) (the untrained residual model)
  splits ROUTING.json --min S
      in every routing layer (eval --routing-json) the two domains lean to
      different experts and each sends at least S of its tokens to its own:
      the domain bifurcation of the sample-level routing term
"""
import argparse
import json
import sys

import h5py
import numpy as np


def same(args):
    a = h5py.File(args.a, "r")[args.da][...].astype(np.float64)
    b = h5py.File(args.b, "r")[args.db][...].astype(np.float64)
    if a.shape != b.shape:
        sys.exit(f"FAIL: shapes {a.shape} and {b.shape} differ")
    diff = np.abs(a - b).max() / max(np.abs(b).max(), 1e-30)
    verdict = "PASS" if diff <= args.tol else "FAIL"
    print(f"{verdict}: {args.da} {a.shape} relative max difference {diff:.2e} (tolerance {args.tol:g})")
    if verdict == "FAIL":
        sys.exit(1)


def beats(args):
    f = h5py.File(args.data, "r")
    z0, z1 = f["inputs"][...].astype(np.float64), f["targets"][...].astype(np.float64)
    persistence = float(((z1 - z0) ** 2).mean())
    mse = json.load(open(args.eval))["all"]["mse"]
    verdict = "PASS" if mse < args.ratio * persistence else "FAIL"
    print(f"{verdict}: latent MSE {mse:.4g} vs persistence {persistence:.4g} (ratio bound {args.ratio:g})")
    if verdict == "FAIL":
        sys.exit(1)


def splits(args):
    layers = json.load(open(args.routing))["layers"]
    worst = 1.0
    for layer in layers:
        shares = []
        for d in layer["domains"]:
            total = sum(d["assigned"])
            shares.append([a / total for a in d["assigned"]])
        if len(shares) != 2:
            sys.exit(f"FAIL: {layer['name']} has {len(shares)} domains, expected 2")
        own = [int(np.argmax(s)) for s in shares]
        split = min(shares[0][own[0]], shares[1][own[1]]) if own[0] != own[1] else 0.0
        print(f"{layer['name']}: " + " vs ".join("/".join(f"{x:.3f}" for x in s) for s in shares))
        worst = min(worst, split)
    verdict = "PASS" if layers and worst >= args.min else "FAIL"
    print(f"{verdict}: smallest share of a domain on its own expert {worst:.3f} (bound {args.min:g})")
    if verdict == "FAIL":
        sys.exit(1)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("same")
    s.add_argument("a"), s.add_argument("da"), s.add_argument("b"), s.add_argument("db")
    s.add_argument("--tol", type=float, required=True)
    s.set_defaults(fn=same)
    s = sub.add_parser("beats")
    s.add_argument("data"), s.add_argument("eval")
    s.add_argument("--ratio", type=float, required=True)
    s.set_defaults(fn=beats)
    s = sub.add_parser("splits")
    s.add_argument("routing")
    s.add_argument("--min", type=float, required=True)
    s.set_defaults(fn=splits)
    args = p.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
