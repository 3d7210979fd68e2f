"""numpy reference of shodh.div_free_project for test/e2e/physics-project.test.

Projects every sample of inputs [S, 2, H, W] with np.fft on the box
`--lengths` (Nyquist wavenumbers 0, as docs/compiler.md § Physics ops
defines), compares with the outputs written by shodh-run, and checks the
spectral divergence of the outputs.
"""
import argparse
import sys

import h5py
import numpy as np


def wavenumbers(n, length):
    m = np.fft.fftfreq(n, 1.0 / n)
    if n % 2 == 0:
        m[n // 2] = 0.0
    return 2.0 * np.pi * m / length


def project(u, lengths):
    axes = tuple(range(2, u.ndim))
    uh = np.fft.fftn(u, axes=axes)
    ks = np.meshgrid(*[wavenumbers(n, l) for n, l in zip(u.shape[2:], lengths)], indexing="ij")
    k2 = sum(k * k for k in ks)
    dot = sum(k * uh[:, c] for c, k in enumerate(ks))
    safe = np.where(k2 > 0, k2, 1.0)
    for c, k in enumerate(ks):
        uh[:, c] -= np.where(k2 > 0, k * dot / safe, 0.0)
    return np.real(np.fft.ifftn(uh, axes=axes)), ks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inputs")
    ap.add_argument("outputs")
    ap.add_argument("--lengths", type=float, nargs="+", required=True)
    ap.add_argument("--tol", type=float, default=1e-5)
    a = ap.parse_args()
    x = h5py.File(a.inputs, "r")["inputs"][...].astype(np.float64)
    got = h5py.File(a.outputs, "r")["outputs"][...].astype(np.float64)
    want, ks = project(x, a.lengths)
    err = np.max(np.abs(got - want)) / np.max(np.abs(want))
    gh = np.fft.fftn(got, axes=tuple(range(2, got.ndim)))
    div = np.max(np.abs(sum(k * gh[:, c] for c, k in enumerate(ks))))
    kmax = np.sqrt(np.max(sum(k * k for k in ks)))
    ratio = div / (kmax * np.max(np.abs(gh)))
    ok = err <= a.tol and ratio <= 1e-6
    print(f"{'PASS' if ok else 'FAIL'}: div_free_project max relative error {err:.3e} "
          f"(tolerance {a.tol:.0e}), spectral divergence {ratio:.1e} over {got.size} values")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
