"""Checks and data helpers for the autoencoder of models/shodh_moe.mlir (test/e2e/shodh-ae.test,
docs/results.md "Physics-informed autoencoder"). Needs numpy, h5py (torch
for `f64`).

  mix OUT A.h5 B.h5 ...    concatenate `inputs`, `targets`, `domain` (axis 0)
  div FILE [--dataset D] [--below X] [--above X]
                           divergence of a velocity [S, 3, D, H, W]
  check IN OUT RUN         e2e: loss falls, output divergence at round-off
  upsample IN OUT --res R  spectral zero-padding of `inputs` rows to R^3
  f64 WEIGHTS IN OUT [--below X]
                           the trained model's forward in float64 (torch),
                           compared with shodh-run's OUT (f32, or f64 from
                           shodhc --precision f64)

Velocities are channel-first with channel c the component along spatial
axis c (shodh-data --snapshots writes (u_z, u_y, u_x) for axes (z, y, x)),
on the periodic unit box. Spectral divergence as the physics tests and
shodh-data define it: max |k . u_hat| / (k_max max |u_hat|) with integer
wavenumbers, Nyquist wavenumber 0 and k_max = n/2 - 1; the second-order
central difference divergence is reported as max |div u| dx / max |u|.
"""
import argparse
import json
import sys

import h5py
import numpy as np


def wavenumbers(n):
    m = np.fft.fftfreq(n, 1.0 / n)
    if n % 2 == 0:
        m[n // 2] = 0.0
    return m


def grids(shape):
    return np.meshgrid(*[wavenumbers(n) for n in shape], indexing="ij")


def spectral_divergence(u):
    """Largest relative spectral divergence over the samples of u [S, 3, ...]."""
    ks = grids(u.shape[2:])
    kmax = u.shape[2] // 2 - 1
    worst = 0.0
    for s in range(u.shape[0]):
        uh = np.fft.fftn(u[s].astype(np.float64), axes=(1, 2, 3))
        div = np.max(np.abs(sum(k * uh[c] for c, k in enumerate(ks))))
        worst = max(worst, div / (kmax * np.max(np.abs(uh))))
    return worst


def fd2_divergence(u):
    """max |div u| dx / max |u|, periodic central differences (dx cancels)."""
    worst = 0.0
    for s in range(u.shape[0]):
        v = u[s].astype(np.float64)
        div = sum(0.5 * (np.roll(v[c], -1, axis=c) - np.roll(v[c], 1, axis=c)) for c in range(3))
        worst = max(worst, np.max(np.abs(div)) / np.max(np.abs(v)))
    return worst


def project(u):
    """Periodic Leray projection of u [S, 3, ...] (k = 0 kept, Nyquist k = 0)."""
    ks = grids(u.shape[2:])
    k2 = sum(k * k for k in ks)
    safe = np.where(k2 > 0, k2, 1.0)
    uh = np.fft.fftn(u, axes=(2, 3, 4))
    dot = sum(k * uh[:, c] for c, k in enumerate(ks))
    for c, k in enumerate(ks):
        uh[:, c] -= np.where(k2 > 0, k * dot / safe, 0.0)
    return np.real(np.fft.ifftn(uh, axes=(2, 3, 4)))


def cmd_mix(a):
    parts = [h5py.File(p, "r") for p in a.files]
    with h5py.File(a.out, "w") as f:
        for name in ("inputs", "targets", "domain"):
            f[name] = np.concatenate([p[name][...] for p in parts], axis=0)
        for name in ("inputs", "targets"):
            f[name].attrs["fields"] = parts[0][name].attrs["fields"]
        for key in ("grid", "extent"):
            f.attrs[key] = parts[0].attrs[key]
        f["domain"].attrs["labels"] = parts[0]["domain"].attrs["labels"]
        f.attrs["generator"] = "shodh_ae_check.py mix " + " ".join(a.files)
        print(f"wrote {a.out}: inputs {f['inputs'].shape}, domains "
              f"{np.bincount(f['domain'][...]).tolist()}")


def cmd_div(a):
    u = h5py.File(a.file, "r")[a.dataset][...]
    div = spectral_divergence(u)
    ok = (a.below is None or div <= a.below) and (a.above is None or div >= a.above)
    bounds = "".join(f", must be {w} {v:.0e}" for w, v in (("<=", a.below), (">=", a.above))
                     if v is not None)
    print(f"{'PASS' if ok else 'FAIL'}: {a.dataset} {u.shape} {u.dtype}: spectral divergence "
          f"{div:.2e}{bounds}; fd2 divergence*dx/max|u| {fd2_divergence(u):.2e}")
    return 0 if ok else 1


def cmd_check(a):
    x = h5py.File(a.inputs, "r")[a.dataset][...]
    y = h5py.File(a.outputs, "r")["outputs"][...]
    losses = [json.loads(l)["loss"] for l in open(f"{a.run}/metrics.jsonl") if "\"loss\"" in l]
    first, last = np.mean(losses[:3]), np.mean(losses[-3:])
    dx, dy = spectral_divergence(x), spectral_divergence(y)
    ok = len(losses) >= 6 and last < a.loss_ratio * first and dy <= a.tol and np.all(np.isfinite(y))
    print(f"{'PASS' if ok else 'FAIL'}: loss {first:.3e} -> {last:.3e} over {len(losses)} steps "
          f"(must fall below {a.loss_ratio} x); spectral divergence of the input {dx:.1e}, "
          f"of the decoded output {dy:.1e} (tolerance {a.tol:.0e})")
    return 0 if ok else 1


def cmd_upsample(a):
    src = h5py.File(a.inputs, "r")
    rows = [int(r) for r in a.rows.split(",")]
    u = src["inputs"][rows].astype(np.float64)
    n, r = u.shape[2], a.res
    uh = np.fft.fftn(u, axes=(2, 3, 4))
    big = np.zeros(u.shape[:2] + (r, r, r), dtype=complex)
    # Keep |m| < n/2 on every axis (the Nyquist plane has no unique partner).
    h = n // 2
    idx = [np.r_[0:h, r - h + 1:r] for _ in range(3)]
    sub = [np.r_[0:h, n - h + 1:n] for _ in range(3)]
    big[np.ix_(range(u.shape[0]), range(3), *idx)] = uh[np.ix_(range(u.shape[0]), range(3), *sub)]
    up = np.real(np.fft.ifftn(big, axes=(2, 3, 4))) * (r / n) ** 3
    with h5py.File(a.out, "w") as f:
        f["inputs"] = up.astype(np.float32)
        f["targets"] = up.astype(np.float32)
        f.attrs["generator"] = f"shodh_ae_check.py upsample {a.inputs} rows {a.rows} to {r}^3"
    print(f"wrote {a.out}: inputs {up.shape}")


def cmd_f64(a):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(a.threads)
    p = {k: torch.tensor(v[...], dtype=torch.float64) for k, v in h5py.File(a.weights, "r").items()
         if isinstance(v, h5py.Dataset)}
    x = torch.tensor(h5py.File(a.inputs, "r")["inputs"][...], dtype=torch.float64)
    circ = lambda t: F.pad(t, (1, 1, 1, 1, 1, 1), mode="circular")
    outs = []
    with torch.no_grad():
        for s in range(x.shape[0]):
            u = x[s:s + 1]
            c1 = F.conv3d(circ(u), p["enc_w"], p["enc_b"], stride=2)
            n1 = F.layer_norm(c1.movedim(1, -1), (c1.shape[1],), p["enc_gamma"], p["enc_beta"],
                              eps=1e-5).movedim(-1, 1)
            z = F.conv3d(circ(F.gelu(n1)), p["lat_w"], p["lat_b"])
            d1 = F.gelu(F.conv3d(circ(z), p["dec_w"], p["dec_b"]))
            d2 = F.gelu(F.conv_transpose3d(d1, p["up_w"], p["up_b"], stride=2))
            outs.append(F.conv3d(circ(d2), p["out_w"], p["out_b"]).numpy())
    v = np.concatenate(outs)
    y = project(v)
    stored = h5py.File(a.outputs, "r")["outputs"]
    got = stored[...].astype(np.float64)
    err = np.max(np.abs(got - y)) / np.max(np.abs(y))
    ok = a.below is None or err <= a.below
    bound = f", must be <= {a.below:.0e}" if a.below is not None else ""
    print(f"{'PASS' if ok else 'FAIL'}: float64 forward of {a.weights} on {tuple(x.shape)}: "
          f"spectral divergence {spectral_divergence(y):.2e}, fd2 divergence*dx/max|u| "
          f"{fd2_divergence(y):.2e}; before the projection {spectral_divergence(v):.2e}; "
          f"shodh-run {stored.dtype} output vs torch float64: max relative difference "
          f"{err:.1e}{bound}")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("mix")
    m.add_argument("out")
    m.add_argument("files", nargs="+")
    d = sub.add_parser("div")
    d.add_argument("file")
    d.add_argument("--dataset", default="outputs")
    d.add_argument("--below", type=float, help="fail unless the spectral divergence is <= this")
    d.add_argument("--above", type=float, help="fail unless the spectral divergence is >= this")
    c = sub.add_parser("check")
    c.add_argument("inputs")
    c.add_argument("outputs")
    c.add_argument("run")
    c.add_argument("--dataset", default="inputs")
    c.add_argument("--tol", type=float, default=1e-5)
    c.add_argument("--loss-ratio", type=float, default=0.7)
    u = sub.add_parser("upsample")
    u.add_argument("inputs")
    u.add_argument("out")
    u.add_argument("--res", type=int, default=128)
    u.add_argument("--rows", default="0")
    f = sub.add_parser("f64")
    f.add_argument("weights")
    f.add_argument("inputs")
    f.add_argument("outputs")
    f.add_argument("--threads", type=int, default=2)
    f.add_argument("--below", type=float,
                   help="fail unless max|OUT - torch f64| / max|torch f64| is <= this")
    a = ap.parse_args()
    return {"mix": cmd_mix, "div": cmd_div, "check": cmd_check, "upsample": cmd_upsample,
            "f64": cmd_f64}[a.cmd](a) or 0


if __name__ == "__main__":
    sys.exit(main())
