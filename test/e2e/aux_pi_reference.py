#!/usr/bin/python3
"""Independent checks of auxiliary losses and the PI controller
(test/e2e/aux-loss-pi.test, model Inputs/mlp-aux.mlir).

  grad init.h5 data.h5 step1.h5 --lr LR
      One full-batch Adam step with eps = 1 moves every parameter by
      -lr * g / (|g| + 1), so g is recovered exactly from the update. The
      recovered gradient of every parameter is compared with central finite
      differences (float64) of the whole objective computed here in numpy:
          mse(mlp(x), t) + 2 * lambda0 * s^2 + 0.5 * (proj_w . v)
  trajectory init.h5 metrics.jsonl --lr LR --steps N
      Replays N steps of s (its gradient is only the aux term's,
      2 * lambda_t * 2 s) with PyTorch's Adam (eps = 1) and the PI law of
      docs/training.md, and compares the logged aux.sq (= s_t^2) and pi.bal
      (lambda_t used at step t) of every step.
  same a.h5 b.h5 metricsA metricsB
      The two exports hold bit-identical arrays and the metrics the same
      records (wall time aside): a resumed run equals an uninterrupted one.
"""
import argparse
import json
import sys

import h5py
import numpy as np

from reference_models import adam_eps1_gradient_error, gelu, linear

LAMBDA0, SETPOINT, KP, KI, LMIN, LMAX = 0.3, 0.25, 0.5, 0.2, 0.05, 0.6
C_SQ, C_DOT = 2.0, 0.5


def objective(p, x, t, lam):
    """The training objective of Inputs/mlp-aux.mlir at weight lam."""
    h0 = gelu(linear(x, p["lift_w"], p["lift_b"]))
    h1 = h0 + linear(h0, p["mix_w"], p["mix_b"])
    gated = h1 * gelu(linear(h1, p["gate_w"], p["gate_b"]))
    y = linear(gated, p["proj_w"], p["proj_b"])
    main = np.mean((y - t) ** 2)
    return main + C_SQ * lam * p["s"][0] ** 2 + C_DOT * float(p["proj_w"][0] @ p["v"])


def load(path, names=None):
    with h5py.File(path, "r") as f:
        return {k: f[k][...].astype(np.float64) for k in (names or f)}


def check_grad(a):
    p0 = load(a.init)
    p1 = load(a.step1, list(p0))
    with h5py.File(a.data, "r") as f:
        x, t = f["inputs"][...].astype(np.float64), f["targets"][...].astype(np.float64)
    worst, (k, j, got, fd) = adam_eps1_gradient_error(
        p0, p1, a.lr, lambda q: objective(q, x, t, LAMBDA0))
    if worst > a.tol:
        print(f"FAIL: {k}[{j}]: gradient {got:.8g}, finite differences {fd:.8g}")
        return 1
    print(f"PASS: gradient of loss + aux terms matches finite differences "
          f"(worst {worst:.2e} of the largest |g| per tensor, tolerance {a.tol:.0e})")
    return 0


def pi_step(lam_integral, measured):
    """The PI law of docs/training.md (conditional integration)."""
    _, integral = lam_integral
    e = measured - SETPOINT
    u = LAMBDA0 + KP * e + KI * integral
    if not ((u >= LMAX and e > 0) or (u <= LMIN and e < 0)):
        integral += e
    lam = min(LMAX, max(LMIN, LAMBDA0 + KP * e + KI * integral))
    return float(np.float32(lam)), integral


def check_trajectory(a):
    s = float(load(a.init, ["s"])["s"][0])
    records = [json.loads(line) for line in open(a.metrics)]
    if len(records) != a.steps:
        print(f"FAIL: {len(records)} metrics records, expected {a.steps}")
        return 1
    state, m, v, worst = (LAMBDA0, 0.0), 0.0, 0.0, 0.0
    lams = []
    for step in range(1, a.steps + 1):
        rec, lam = records[step - 1], state[0]
        sq = float(np.float32(np.float32(s) * np.float32(s)))
        for key, want in (("aux.sq", sq), ("pi.bal", lam)):
            err = abs(rec[key] - want) / max(abs(want), 1e-6)
            worst = max(worst, err)
            if err > a.tol:
                print(f"FAIL: step {step}: {key} = {rec[key]:.9g}, reference {want:.9g}")
                return 1
        lams.append(lam)
        g = C_SQ * lam * 2.0 * s
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        s -= a.lr * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1.0)
        state = pi_step(state, sq)
    print(f"PASS: {a.steps} steps of aux.sq and pi.bal match the reference "
          f"(worst {worst:.1e}); lambda {lams[0]:.4g} -> {min(lams):.4g} (min) -> {lams[-1]:.4g}")
    return 0


def check_same(a):
    pa, pb = load(a.a), load(a.b)
    if sorted(pa) != sorted(pb) or any(not np.array_equal(pa[k], pb[k]) for k in pa):
        print("FAIL: exported tensors differ")
        return 1
    def records(path):
        out = []
        for line in open(path):
            r = json.loads(line)
            r.pop("seconds")
            out.append(r)
        return out
    if records(a.ma) != records(a.mb):
        print("FAIL: metrics records differ")
        return 1
    print(f"PASS: {len(pa)} exported tensors bit-identical, "
          f"{len(records(a.ma))} metrics records identical")
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    g = sub.add_parser("grad")
    for n in ("init", "data", "step1"):
        g.add_argument(n)
    g.add_argument("--lr", type=float, required=True)
    # float32 parameters (ulp ~6e-8 of |p| <= 1) against updates ~1e-2:
    # ~1e-5 of the update, amplified near |r| = 1; FD error ~h^2 = 1e-10.
    g.add_argument("--tol", type=float, default=2e-3)
    t = sub.add_parser("trajectory")
    t.add_argument("init")
    t.add_argument("metrics")
    t.add_argument("--lr", type=float, required=True)
    t.add_argument("--steps", type=int, required=True)
    t.add_argument("--tol", type=float, default=1e-5)
    s = sub.add_parser("same")
    for n in ("a", "b", "ma", "mb"):
        s.add_argument(n)
    a = ap.parse_args()
    return {"grad": check_grad, "trajectory": check_trajectory, "same": check_same}[a.mode](a)


if __name__ == "__main__":
    sys.exit(main())
