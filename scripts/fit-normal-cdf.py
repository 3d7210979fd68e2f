#!/usr/bin/python3
"""Fits the rational approximation of the normal CDF used by vecmath::normalCdf
(runtime/kernels/cpu/VecMath.h):

    Phi(x) ~= 1/2 + x P(x^2) / Q(x^2),  |x| <= C (clamped beyond),

P and Q of the given degrees, Q(0) = 1, minimising the largest absolute
error on [0, C] (the form is odd about 1/2, so one side suffices). Method:
linearised least squares x P - g Q ~ 0 weighted by 1 / Q_previous
(Sanathanan–Koerner), with Lawson's multiplicative weights driving the
least-squares solution towards the minimax one; the reference values come
from mpmath at 40 digits. Prints the coefficients rounded to float as C++
literals and the error of the float-rounded fit evaluated in double.

With --density, fits instead the polynomial of vecmath::normalPdf:
2^f / sqrt(2 pi) ~= D(f) on |f| <= 1/2, minimising the largest relative
error (Lawson's weights on weighted least squares), and reports the error
of D evaluated in float (Horner, as the C++ does).

Run under Debian's Python (numpy, mpmath):  /usr/bin/python3 scripts/fit-normal-cdf.py
Not used by the build; kept so the constants can be re-derived.
"""
import argparse

import mpmath as mp
import numpy as np


def fit(deg_p, deg_q, clamp, points=3000, iters=60):
    k = np.arange(points)
    x = clamp * (0.5 - 0.5 * np.cos(np.pi * (k + 0.5) / points))  # Chebyshev
    mp.mp.dps = 40
    g = np.array([float(mp.ncdf(v) - mp.mpf(0.5)) for v in x])
    s = x * x
    cols = [x * s**i for i in range(deg_p + 1)] + [-g * s**i for i in range(1, deg_q + 1)]
    a = np.vstack(cols).T
    weight, q_prev = np.full(points, 1.0 / points), np.ones(points)
    best = None
    for _ in range(iters):
        row = weight / q_prev
        sol, *_ = np.linalg.lstsq(a * row[:, None], g * row, rcond=None)
        p, q = sol[: deg_p + 1], np.concatenate([[1.0], sol[deg_p + 1 :]])
        q_prev = np.polyval(q[::-1], s)
        err = x * np.polyval(p[::-1], s) / q_prev - g
        worst = np.abs(err).max()
        if best is None or worst < best[0]:
            best = (worst, p, q)
        weight = weight * (np.abs(err) + 1e-30)
        weight /= weight.sum()
    return best


def fit_density(degree, points=4001, iters=200):
    f = 0.5 * np.cos(np.linspace(0.0, np.pi, points))
    exact = 2.0**f / np.sqrt(2.0 * np.pi)
    basis = np.vander(f, degree + 1, increasing=True)
    weight = np.full(points, 1.0 / points)
    best = None
    for _ in range(iters):
        row = np.sqrt(weight) / exact
        coef, *_ = np.linalg.lstsq(basis * row[:, None], exact * row, rcond=None)
        err = basis @ coef / exact - 1.0
        worst = np.abs(err).max()
        if best is None or worst < best[0]:
            best = (worst, coef)
        weight = weight * (np.abs(err) + 1e-30)
        weight /= weight.sum()
    return best


def report_density(degree):
    worst, coef = fit_density(degree)
    cf = coef.astype(np.float32)
    f = np.linspace(-0.5, 0.5, 200001).astype(np.float32)
    p = np.full_like(f, cf[-1])
    for c in cf[-2::-1]:
        p = (p * f + c).astype(np.float32)
    exact = 2.0 ** f.astype(np.float64) / np.sqrt(2.0 * np.pi)
    print(f"max relative error of the fit: {worst:.3g}; evaluated in float: "
          f"{np.abs(p / exact - 1.0).max():.3g}")
    print("D, highest degree first:")
    for v in cf[::-1]:
        print(f"  {v:.9e}f")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--deg-p", type=int, default=5)
    ap.add_argument("--deg-q", type=int, default=5)
    ap.add_argument("--clamp", type=float, default=5.5)
    ap.add_argument("--density", action="store_true",
                    help="fit normalPdf's polynomial for 2^f / sqrt(2 pi) instead")
    ap.add_argument("--deg-d", type=int, default=5, help="its degree")
    args = ap.parse_args()
    if args.density:
        report_density(args.deg_d)
        return
    worst, p, q = fit(args.deg_p, args.deg_q, args.clamp)
    pf, qf = p.astype(np.float32), q.astype(np.float32)
    x = np.linspace(-args.clamp - 1, args.clamp + 1, 20001)
    c = np.clip(x, -args.clamp, args.clamp)
    s = c * c
    approx = 0.5 + c * np.polyval(pf[::-1].astype(np.float64), s) / np.polyval(
        qf[::-1].astype(np.float64), s)
    ref = np.array([float(mp.ncdf(v)) for v in x])
    print(f"max |error| of the fit: {worst:.3g}; with float coefficients: "
          f"{np.abs(approx - ref).max():.3g} (over [-C-1, C+1], double arithmetic)")
    print("P, highest degree first:")
    for v in pf[::-1]:
        print(f"  {v:.9e}f")
    print("Q, highest degree first:")
    for v in qf[::-1]:
        print(f"  {v:.9e}f")


if __name__ == "__main__":
    main()
