"""Data and an independent check for `shodh-run eval`'s per-domain errors and
`--divergence` (test/tools/shodh-run-eval-domains.test). Needs numpy, h5py.

  make OUT.h5 [--n N] [--seed S] [--domains 0,1,..|none]
      smooth random velocities `inputs` [N, 3, 8, 8, 8] f32, `targets` a
      perturbed copy, and an i64 `domain` with `labels` [open-channel, porous]
  check JSON DATA.h5:OUT.h5 ... [--method spectral|fd2] [--below X] [--above X]
      recomputes every number of `eval --metrics-json` from the data and
      `shodh-run infer`'s outputs (the same predictions) with numpy: relative
      L2 (mean over samples of |p - t| / |t|), MSE, the same per target
      channel (named by the `fields` attribute), and the divergence figures
      of test/e2e/shodh_ae_check.py per sample (max and mean), per file, over
      all files and per domain; --below / --above bound the largest figure.
"""
import argparse
import json
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "e2e"))
from shodh_ae_check import fd2_divergence, spectral_divergence  # noqa: E402

LABELS = ["open-channel", "porous"]


def cmd_make(a):
    rng = np.random.default_rng(a.seed)
    n, res = a.n, 8
    spec = np.zeros((n, 3, res, res, res), complex)
    spec[:, :, :3, :3, :3] = rng.normal(size=(n, 3, 3, 3, 3)) + 1j * rng.normal(size=(n, 3, 3, 3, 3))
    u = np.real(np.fft.ifftn(spec, axes=(2, 3, 4))) * res ** 3 / 10
    with h5py.File(a.out, "w") as f:
        f["inputs"] = u.astype(np.float32)
        f["targets"] = (u * 0.8 + 0.1 * rng.normal(size=u.shape)).astype(np.float32)
        f["targets"].attrs["fields"] = ["u_x", "u_y", "u_z"]
        if a.domains != "none":
            ids = [int(v) for v in a.domains.split(",")]
            assert len(ids) == n, "one domain id per sample"
            f["domain"] = np.array(ids, np.int64)
            f["domain"].attrs["labels"] = LABELS
    print(f"wrote {a.out}: {n} samples")


def group(pred, targ, method):
    """The numbers of one group: samples [S, ...] of predictions and targets."""
    p, t = pred.astype(np.float64), targ.astype(np.float64)
    err = np.sqrt(((p - t) ** 2).reshape(len(p), -1).sum(1))
    norm = np.sqrt((t ** 2).reshape(len(t), -1).sum(1))
    rel = np.where(norm > 0, err / np.where(norm > 0, norm, 1), err)
    out = {"samples": len(p), "relative_l2": rel.mean(), "mse": ((p - t) ** 2).mean()}
    if method:
        f = spectral_divergence if method == "spectral" else fd2_divergence
        figs = [f(pred[s:s + 1]) for s in range(len(pred))]
        out["divergence_max"], out["divergence_mean"] = max(figs), float(np.mean(figs))
    else:
        out["divergence_max"] = out["divergence_mean"] = None
    return out


def channels(pred, targ):
    """Each target channel alone: relative L2 and MSE as `group` computes them."""
    out = []
    for c in range(targ.shape[1]):
        g = group(pred[:, c], targ[:, c], None)
        out.append({"channel": c, "name": ["u_x", "u_y", "u_z"][c],
                    "relative_l2": g["relative_l2"], "mse": g["mse"]})
    return out


def compare_channels(what, got, pred, targ, failures):
    want = channels(pred, targ)
    if len(got.get("channels", [])) != len(want):
        failures.append(f"{what}: {len(got.get('channels', []))} channels, numpy {len(want)}")
        return
    for g, w in zip(got["channels"], want):
        compare(f"{what} channel {w['channel']}", g, w, failures)


def compare(what, got, want, failures):
    for key, w in want.items():
        g = got.get(key)
        if w is None or isinstance(w, (int, str)):
            ok = g == w
        else:
            # Same f32 predictions, both sides in float64: only summation
            # order and FFT round-off (1e-16 of max |u_hat|) differ; the
            # JSON has 9 significant digits (5e-9 relative).
            ok = g is not None and abs(g - w) <= 2e-8 * abs(w) + 1e-13
        if not ok:
            failures.append(f"{what} {key}: eval {g}, numpy {w}")


def cmd_check(a):
    report = json.load(open(a.json))
    failures, preds, targs, doms = [], [], [], {}
    for i, pair in enumerate(a.pairs):
        data, out = pair.split(":")
        d = h5py.File(data, "r")
        p, t = h5py.File(out, "r")["outputs"][...], d["targets"][...]
        compare(f"file {i}", report["files"][i], group(p, t, a.method), failures)
        compare_channels(f"file {i}", report["files"][i], p, t, failures)
        preds.append(p), targs.append(t)
        if "domain" in d:
            labels = [s.decode() if isinstance(s, bytes) else s for s in d["domain"].attrs["labels"]]
            ids = d["domain"][...]
            for k in np.unique(ids):
                doms.setdefault((int(k), labels[k]), []).append((p[ids == k], t[ids == k]))
    compare("all", report["all"], group(np.concatenate(preds), np.concatenate(targs), a.method),
            failures)
    compare_channels("all", report["all"], np.concatenate(preds), np.concatenate(targs), failures)
    keys = sorted(doms)
    if [(g["domain"], g["name"]) for g in report["domains"]] != keys:
        failures.append(f"domains: eval {report['domains']}, numpy {keys}")
    for key, g in zip(keys, report["domains"]):
        p = np.concatenate([x for x, _ in doms[key]])
        t = np.concatenate([y for _, y in doms[key]])
        compare(f"domain {key[1]}", g, group(p, t, a.method), failures)
    worst = report["all"]["divergence_max"]
    if a.below is not None and not worst <= a.below:
        failures.append(f"divergence {worst} above {a.below}")
    if a.above is not None and not worst >= a.above:
        failures.append(f"divergence {worst} below {a.above}")
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print(f"PASS: {len(a.pairs)} files, {len(keys)} domains match numpy; "
              f"{a.method or 'no'} divergence max {worst}")
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("out")
    m.add_argument("--n", type=int, default=7)
    m.add_argument("--seed", type=int, default=1)
    m.add_argument("--domains", default="0,1,1,0,0,1,0")
    c = sub.add_parser("check")
    c.add_argument("json")
    c.add_argument("pairs", nargs="+")
    c.add_argument("--method", choices=["spectral", "fd2"])
    c.add_argument("--below", type=float)
    c.add_argument("--above", type=float)
    a = ap.parse_args()
    return {"make": cmd_make, "check": cmd_check}[a.cmd](a) or 0


if __name__ == "__main__":
    sys.exit(main())
