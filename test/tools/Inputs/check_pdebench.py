"""PDEBench-layout files and an independent check of `shodh-data pdebench`
(test/tools/shodh-data-pdebench.test). Needs numpy, h5py.

  make-scalar OUT.h5   `tensor` (3, 11, 16) f32 with x-/t-coordinate (1-D)
  make-cfd OUT.h5 [--dims 2|3]
                       density, pressure, Vx, Vy[, Vz] (2, 7, 8, 8[, 4]) f64
                       with x-/y-[z-]coordinate (cell centres of [0, 2])
  check IN.h5 OUT.h5 [--fields a,b] [--samples N] [--every K]
        [--window W --window-out V --window-stride S]
                       recomputes `trajectories` (samples, kept times,
                       fields, spatial...), the pairs and every attribute
                       with numpy and compares them bit for bit
"""
import argparse
import sys

import h5py
import numpy as np


def coords(f, names, sizes, length):
    for name, n in zip(names, sizes):
        f[name] = (np.arange(n) + 0.5) * length / n


def make_scalar(a):
    rng = np.random.default_rng(1)
    with h5py.File(a.out, "w") as f:
        f["tensor"] = rng.normal(size=(3, 11, 16)).astype(np.float32)
        coords(f, ["x-coordinate"], [16], 1.0)
        f["t-coordinate"] = np.linspace(0, 2, 12)


def make_cfd(a):
    rng = np.random.default_rng(2)
    spatial = (8, 8) if a.dims == 2 else (8, 8, 4)
    names = ["density", "pressure", "Vx", "Vy"] + (["Vz"] if a.dims == 3 else [])
    with h5py.File(a.out, "w") as f:
        for k, name in enumerate(names):
            f[name] = rng.normal(size=(2, 7) + spatial) + k
        coords(f, ["x-coordinate", "y-coordinate", "z-coordinate"][: a.dims], spatial, 2.0)
        f["t-coordinate"] = np.linspace(0, 1, 8)


def strings(v):
    return [s.decode() if isinstance(s, bytes) else s for s in v]


def check_import(out, traj, channels, a):
    """The errors of `shodh-data pdebench|well`'s output `out` (an open
    h5py file) against the expected `trajectories` `traj` (N, T', C,
    spatial...) and channel names, with a's --window options."""
    errors = []

    def same(name, want):
        got = out[name][:]
        if got.dtype != np.float32 or got.shape != want.shape or not np.array_equal(got, want):
            errors.append(f"{name}: {got.shape} {got.dtype} differs from numpy's {want.shape}")

    same("trajectories", traj)
    if strings(out["trajectories"].attrs["fields"]) != channels:
        errors.append(f"fields {strings(out['trajectories'].attrs['fields'])}, expected {channels}")
    attrs = out.attrs
    n, t, c, spatial = traj.shape[0], traj.shape[1], traj.shape[2], traj.shape[3:]
    if list(attrs["grid"]) != list(spatial):
        errors.append(f"grid {list(attrs['grid'])}")
    if not a.window:
        if "inputs" in out or "targets" in out:
            errors.append("pairs written without --window")
        return errors
    w, v, s = a.window, a.window_out or a.window, a.window_stride or a.window
    starts = list(range(0, t - w - v + 1, s))
    same("inputs", np.stack([traj[i, j : j + w].reshape(w * c, *spatial)
                             for i in range(n) for j in starts]))
    same("targets", np.stack([traj[i, j + w : j + w + v].reshape(v * c, *spatial)
                              for i in range(n) for j in starts]))
    for name, first, count in (("inputs", 0, w), ("targets", w, v)):
        want = [f"{f}[{k}]" for k in range(first, first + count) for f in channels]
        if strings(out[name].attrs["fields"]) != want:
            errors.append(f"{name} fields {strings(out[name].attrs['fields'])}")
    for key, val in (("window", w), ("window_out", v), ("window_stride", s),
                     ("windows_per_sample", len(starts))):
        if list(attrs[key]) != [val]:
            errors.append(f"{key} {list(attrs[key])}, expected {val}")
    return errors


def report(errors, what):
    if errors:
        print("FAIL:\n" + "\n".join(errors))
        sys.exit(1)
    print(f"PASS: {what} match numpy")


def add_check_parser(sub):
    """The `check IN.h5 OUT.h5 [--fields] [--samples] [--every] [--window
    ...]` subcommand both checkers share."""
    c = sub.add_parser("check")
    c.add_argument("input")
    c.add_argument("out")
    c.add_argument("--fields", default="")
    for k in ("samples", "window", "window-out", "window-stride"):
        c.add_argument("--" + k, type=int, default=0)
    c.add_argument("--every", type=int, default=1)


def check(a):
    src, out = h5py.File(a.input, "r"), h5py.File(a.out, "r")
    fields = a.fields.split(",") if a.fields else (
        ["tensor"] if "tensor" in src else
        [n for n in ["density", "pressure", "Vx", "Vy", "Vz"] if n in src])
    n = a.samples or src[fields[0]].shape[0]
    traj = np.stack([src[name][:n].astype(np.float32) for name in fields], axis=2)[:, :: a.every]
    errors = check_import(out, traj, fields, a)
    spatial = traj.shape[3:]
    names = ["x-coordinate", "y-coordinate", "z-coordinate"]
    extent = [(src[names[i]][1] - src[names[i]][0]) * spatial[i] for i in range(len(spatial))]
    if not np.allclose(out.attrs["extent"], extent, rtol=1e-12):
        errors.append(f"extent {list(out.attrs['extent'])} vs {extent}")
    if list(out.attrs["time_indices"]) != list(range(0, src[fields[0]].shape[1], a.every)):
        errors.append(f"time_indices {list(out.attrs['time_indices'])}")
    report(errors, f"{traj.shape} and {'pairs' if a.window else 'no pairs'}")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("make-scalar").add_argument("out")
    m = sub.add_parser("make-cfd")
    m.add_argument("out")
    m.add_argument("--dims", type=int, default=2)
    add_check_parser(sub)
    a = ap.parse_args()
    {"make-scalar": make_scalar, "make-cfd": make_cfd, "check": check}[a.cmd](a)


if __name__ == "__main__":
    main()
