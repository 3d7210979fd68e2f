#!/usr/bin/python3
"""Independent numpy implementations of Shodh's models, for parity tests.

Reads the parameters dumped by `shodh-run infer --dump-params` (complex
parameters are stored as float32 with a trailing axis of 2 = real, imaginary),
the inputs, and Shodh's outputs; recomputes the outputs in float64 and
checks the largest relative error against a tolerance.

usage: reference_models.py MODEL params.h5 inputs.h5 outputs.h5 [--tol T] [--set k=v ...]
MODEL: mlp | fno | fno3d
"""
import argparse
import math
import sys

import h5py
import numpy as np

_erf = np.vectorize(math.erf, otypes=[np.float64])


def gelu(x):
    """Exact GELU (PyTorch's default): x * Phi(x)."""
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def linear(x, w, b=None):
    """1x1 channel mixing over axis 1: y[b,o,...] = sum_i w[o,i] x[b,i,...] + b[o]."""
    y = np.einsum("oi,bi...->bo...", w, x)
    if b is not None:
        y = y + b.reshape((1, -1) + (1,) * (x.ndim - 2))
    return y


def complex_param(p, name):
    a = p[name]
    return a[..., 0] + 1j * a[..., 1]


def spectral_conv2d(x, w, m):
    """FNO spectral convolution: keep m x m modes in both rfft corners."""
    b, _, h, wd = x.shape
    xf = np.fft.rfft2(x)
    out = np.zeros((b, w.shape[1], h, wd // 2 + 1), dtype=np.complex128)
    out[:, :, :m, :m] = np.einsum("bixy,ioxy->boxy", xf[:, :, :m, :m], w[:, :, :m, :])
    out[:, :, h - m:, :m] = np.einsum("bixy,ioxy->boxy", xf[:, :, h - m:, :m], w[:, :, m:, :])
    return np.fft.irfft2(out, s=(h, wd))


def spectral_conv_nd(x, w, m):
    """FNO spectral convolution over all spatial axes of x [B, I, N_1..N_d]:
    keep the m lowest and m highest frequencies of each full axis and the m
    lowest of the rfft axis (2^(d-1) corner blocks), gathered with index
    arrays (written independently of spectral_conv2d's explicit corners)."""
    grid = x.shape[2:]
    axes = tuple(range(2, x.ndim))
    xf = np.fft.rfftn(x, axes=axes)
    idx = [np.concatenate([np.arange(m), np.arange(n - m, n)]) for n in grid[:-1]] + [np.arange(m)]
    sel = np.ix_(np.arange(x.shape[0]), np.arange(x.shape[1]), *idx)
    kept = np.einsum("bi...,io...->bo...", xf[sel], w)
    out = np.zeros((x.shape[0], w.shape[1]) + xf.shape[2:], dtype=np.complex128)
    out[np.ix_(np.arange(x.shape[0]), np.arange(w.shape[1]), *idx)] = kept
    return np.fft.irfftn(out, s=grid, axes=axes)


def mlp_forward(x, p, hp):
    """models/mlp.mlir written out by hand."""
    h = gelu(linear(x, p["lift_w"], p["lift_b"]))
    h = linear(h, p["mix_w"], p["mix_b"]) + h
    gate = gelu(linear(h, p["gate_w"], p["gate_b"]))
    h = h * gate
    return linear(h, p["proj_w"], p["proj_b"])


def fno_forward(x, p, hp, spectral=spectral_conv2d):
    """FNO as in shared/peers/torch_fno2d.py (lift, L x (spectral + skip), projection)."""
    layers, m = hp["layers"], hp["modes"]
    h = linear(x, p["lift_w"], p["lift_b"])
    for l in range(layers):
        # Layers 0..L-2 come from shodh.repeat (suffix _l), the last is spelled out.
        last = l == layers - 1
        spec = complex_param(p, "spec_last_w" if last else f"spec_w_{l}")
        skip = ("skip_last_w", "skip_last_b") if last else (f"skip_w_{l}", f"skip_b_{l}")
        h = spectral(h, spec, m) + linear(h, p[skip[0]], p[skip[1]])
        if l < layers - 1:
            h = gelu(h)
    return linear(gelu(linear(h, p["proj1_w"], p["proj1_b"])), p["proj2_w"], p["proj2_b"])


def fno3d_forward(x, p, hp):
    """models/fno3d.mlir: the same network over three spatial axes."""
    return fno_forward(x, p, hp, spectral=spectral_conv_nd)


MODELS = {
    "mlp": (mlp_forward, {}),
    "fno": (fno_forward, {"layers": 4, "modes": 12}),
    "fno3d": (fno3d_forward, {"layers": 2, "modes": 4}),
}


def adam_eps1_gradient_error(p0, p1, lr, objective, h=1e-5, per_tensor=24):
    """Recovers each parameter's gradient from one Adam step with eps = 1
    (the update is -lr * g / (|g| + 1), inverted exactly) and compares up to
    `per_tensor` elements of each with central finite differences of
    `objective(params)`. Returns (worst error relative to the tensor's
    largest |g|, (name, index, gradient, fd) of the worst element)."""
    worst, where = 0.0, None
    for k in sorted(p0):
        r = (p0[k] - p1[k]) / lr            # = g / (|g| + 1)
        got = r / (1.0 - np.abs(r))
        flat, scale = p0[k].reshape(-1), max(np.max(np.abs(got)), 1e-3)
        for j in range(0, flat.size, max(1, flat.size // per_tensor)):
            q = {n: v.copy() for n, v in p0.items()}
            q[k].reshape(-1)[j] = flat[j] + h
            plus = objective(q)
            q[k].reshape(-1)[j] = flat[j] - h
            fd = (plus - objective(q)) / (2 * h)
            err = abs(got.reshape(-1)[j] - fd) / scale
            if err >= worst:
                worst, where = err, (k, j, got.reshape(-1)[j], fd)
    return worst, where


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model", choices=sorted(MODELS))
    ap.add_argument("params")
    ap.add_argument("inputs")
    ap.add_argument("outputs")
    ap.add_argument("--tol", type=float, default=1e-5)
    ap.add_argument("--set", action="append", default=[])
    a = ap.parse_args()
    forward, hp = MODELS[a.model]
    hp = dict(hp)
    for kv in a.set:
        k, v = kv.split("=")
        hp[k] = int(v)
    with h5py.File(a.params, "r") as f:
        p = {k: f[k][...].astype(np.float64) for k in f.keys()}
    x = h5py.File(a.inputs, "r")["inputs"][...].astype(np.float64)
    got = h5py.File(a.outputs, "r")["outputs"][...].astype(np.float64)
    want = forward(x, p, hp)
    if got.shape != want.shape:
        print(f"FAIL: shape {got.shape} != reference {want.shape}")
        return 1
    err = np.max(np.abs(got - want)) / max(np.max(np.abs(want)), 1e-30)
    status = "PASS" if err <= a.tol else "FAIL"
    print(f"{status}: {a.model} max relative error {err:.3e} (tolerance {a.tol:.0e}) over {got.size} values")
    return 0 if err <= a.tol else 1


if __name__ == "__main__":
    sys.exit(main())
