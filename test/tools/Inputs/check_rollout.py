"""Data and an independent check for `shodh-run eval --rollout`
(test/tools/shodh-run-eval-rollout.test). Needs numpy, h5py.

  make OUT.h5 --n N --t T --c C --win W --wout V [--res R] [--seed S]
      smooth random trajectories `traj` (N, T, C, R, R) f32, and for
      training a model of W -> V snapshots, `inputs` (N, W*C, R, R) and
      `targets` (N, V*C, R, R) cut from them (snapshot-major channels)
  check JSON MODEL WEIGHTS DATA.h5 ... --win W --wout V [--steps K]
        [--dataset NAME]
      repeats the rollout with `shodh-run infer` (one call per step on a
      file of the current windows, built here with numpy: the first W
      stored snapshots, then the last W of window + predictions) and
      recomputes every number of `eval --metrics-json`: per step and per
      file relative L2 (mean over trajectories of |p - t| / |t|) and MSE,
      the whole-trajectory figures over all predicted snapshots, and the
      same over all files
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def cmd_make(a):
    rng = np.random.default_rng(a.seed)
    n, t, c, r = a.n, a.t, a.c, a.res
    spec = np.zeros((n, t, c, r, r), complex)
    spec[..., :3, :3] = rng.normal(size=(n, t, c, 3, 3)) + 1j * rng.normal(size=(n, t, c, 3, 3))
    u = np.real(np.fft.ifftn(spec, axes=(3, 4))) * r * r / 10
    u = np.cumsum(u, axis=1) / np.sqrt(np.arange(1, t + 1))[None, :, None, None, None]
    with h5py.File(a.out, "w") as f:
        f["traj"] = u.astype(np.float32)
        f["inputs"] = u[:, : a.win].reshape(n, a.win * c, r, r).astype(np.float32)
        f["targets"] = u[:, a.win : a.win + a.wout].reshape(n, a.wout * c, r, r).astype(np.float32)


def rel_l2(p, t):
    p, t = p.reshape(len(p), -1).astype(np.float64), t.reshape(len(t), -1).astype(np.float64)
    err = np.sum((p - t) ** 2, axis=1)
    ref = np.sum(t * t, axis=1)
    return np.where(ref > 0, np.sqrt(err / np.where(ref > 0, ref, 1)), np.sqrt(err)), err


def rollout(model, weights, path, dataset, win, wout, steps, tmp):
    traj = h5py.File(path, "r")[dataset][:]
    n, t, c = traj.shape[:3]
    window = traj[:, :win].copy()
    preds = []
    for k in range(steps):
        x = os.path.join(tmp, "x.h5")
        y = os.path.join(tmp, "y.h5")
        with h5py.File(x, "w") as f:
            f["inputs"] = window.reshape(n, win * c, *traj.shape[3:])
        subprocess.run(["shodh-run", "infer", model, "--weights", weights, "--data", x,
                        "--out", y, "--batch", "3"], check=True, stdout=subprocess.DEVNULL)
        p = h5py.File(y, "r")["outputs"][:].reshape(n, wout, c, *traj.shape[3:])
        preds.append(p)
        window = np.concatenate([window, p], axis=1)[:, -win:]
    pred = np.concatenate(preds, axis=1)
    truth = traj[:, win : win + steps * wout]
    return pred, truth


def close(a, b, what, errors):
    if not np.isclose(a, b, rtol=2e-5, atol=1e-12):
        errors.append(f"{what}: eval {a} numpy {b}")


def check_group(g, pred, truth, wout, steps, what, errors):
    close(g["trajectories"], len(pred), f"{what} trajectories", errors)
    rel, err = rel_l2(pred, truth)
    close(g["relative_l2"], rel.mean(), f"{what} relative_l2", errors)
    close(g["mse"], err.sum() / truth.size, f"{what} mse", errors)
    if len(g["steps"]) != steps:
        errors.append(f"{what}: {len(g['steps'])} steps, expected {steps}")
        return
    for k, s in enumerate(g["steps"]):
        p, t = pred[:, k * wout : (k + 1) * wout], truth[:, k * wout : (k + 1) * wout]
        rel, err = rel_l2(p, t)
        close(s["relative_l2"], rel.mean(), f"{what} step {k + 1} relative_l2", errors)
        close(s["mse"], err.sum() / t.size, f"{what} step {k + 1} mse", errors)


def cmd_check(a):
    report = json.load(open(a.json))["rollout"]
    errors = []
    # Without --steps, as many as every file allows (the eval default),
    # computed from the data, not taken from the report under test.
    steps = a.steps or min(
        (h5py.File(path, "r")[a.dataset].shape[1] - a.win) // a.wout for path in a.data)
    if len(report["files"]) != len(a.data):
        errors.append(f"{len(report['files'])} files in the report, expected {len(a.data)}")
    for key, want in (("dataset", a.dataset), ("window_in", a.win), ("window_out", a.wout),
                      ("steps", steps)):
        if report[key] != want:
            errors.append(f"{key}: {report[key]}, expected {want}")
    all_pred, all_truth = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for f, path in zip(report["files"], a.data):
            pred, truth = rollout(a.model, a.weights, path, a.dataset, a.win, a.wout, steps, tmp)
            check_group(f, pred, truth, a.wout, steps, path, errors)
            all_pred.append(pred)
            all_truth.append(truth)
    check_group(report["all"], np.concatenate(all_pred), np.concatenate(all_truth), a.wout,
                steps, "all", errors)
    if errors:
        print("FAIL:\n" + "\n".join(errors))
        sys.exit(1)
    print(f"PASS: {len(a.data)} files, {steps} steps match shodh-run infer + numpy")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("out")
    for k in ("n", "t", "c", "win", "wout"):
        m.add_argument("--" + k, type=int, required=True)
    m.add_argument("--res", type=int, default=8)
    m.add_argument("--seed", type=int, default=0)
    c = sub.add_parser("check")
    c.add_argument("json")
    c.add_argument("model")
    c.add_argument("weights")
    c.add_argument("data", nargs="+")
    c.add_argument("--win", type=int, required=True)
    c.add_argument("--wout", type=int, required=True)
    c.add_argument("--steps", type=int, default=0)
    c.add_argument("--dataset", default="traj")
    a = ap.parse_args()
    {"make": cmd_make, "check": cmd_check}[a.cmd](a)


if __name__ == "__main__":
    main()
