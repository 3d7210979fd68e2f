"""Files in the layout of The Well (docs/data_format.md of PolymathicAI's
the_well) and an independent check of `shodh-data well`
(test/tools/shodh-data-well.test). Needs numpy, h5py.

  make OUT.h5 [--t2 dd|flat]
      2-D, 3 trajectories x 6 steps on 8 x 8: t0_fields density, tracer and
      a time-constant `mask` (T, H, W); t1_fields velocity (..., 2);
      t2_fields stress (..., 2, 2), or (..., 4) with --t2 flat;
      dimensions x, y (cell centres of a 2 x 1 box), spatial_dims ['x', 'y']
  check IN.h5 OUT.h5 [--fields a,b] [--samples N] [--every K]
        [--window W --window-out V --window-stride S]
      recomputes `trajectories` (one channel per component, in the order
      of --fields or of t0, t1, t2 and field_names), the pairs and the
      attributes with numpy and compares them bit for bit
"""
import argparse
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from check_pdebench import add_check_parser, check_import, report, strings  # noqa: E402


def make(a):
    rng = np.random.default_rng(3)
    n, t, h, w = 3, 6, 8, 8
    with h5py.File(a.out, "w") as f:
        f.attrs["dataset_name"] = "shear_flow_test"
        f.attrs["n_spatial_dims"] = 2
        f.attrs["n_trajectories"] = n
        d = f.create_group("dimensions")
        d.attrs["spatial_dims"] = ["x", "y"]
        d["x"] = (np.arange(h) + 0.5) * 2.0 / h
        d["y"] = (np.arange(w) + 0.5) * 1.0 / w
        d["time"] = np.linspace(0, 1, t).astype(np.float32)
        g0 = f.create_group("t0_fields")
        g0.attrs["field_names"] = ["density", "mask", "tracer"]
        g0["density"] = rng.normal(size=(n, t, h, w)).astype(np.float32)
        g0["mask"] = np.ones((t, h, w), np.float32)
        g0["tracer"] = rng.normal(size=(n, t, h, w)).astype(np.float32)
        g1 = f.create_group("t1_fields")
        g1.attrs["field_names"] = ["velocity"]
        g1["velocity"] = rng.normal(size=(n, t, h, w, 2)).astype(np.float32)
        g2 = f.create_group("t2_fields")
        g2.attrs["field_names"] = ["stress"]
        shape = (n, t, h, w, 2, 2) if a.t2 == "dd" else (n, t, h, w, 4)
        g2["stress"] = rng.normal(size=shape).astype(np.float32)


FIELDS = {"density": ("t0_fields/density", ["density"]),
          "tracer": ("t0_fields/tracer", ["tracer"]),
          "velocity": ("t1_fields/velocity", ["velocity_x", "velocity_y"]),
          "stress": ("t2_fields/stress", ["stress_xx", "stress_xy", "stress_yx", "stress_yy"])}


def check(a):
    src, out = h5py.File(a.input, "r"), h5py.File(a.out, "r")
    names = a.fields.split(",") if a.fields else ["density", "tracer", "velocity", "stress"]
    n = a.samples or 3
    chans, labels = [], []
    for name in names:
        path, lab = FIELDS[name]
        v = src[path][:n]
        v = v.reshape(v.shape[:4] + (-1,))  # components last
        chans += [v[..., c] for c in range(v.shape[4])]
        labels += lab
    traj = np.stack(chans, axis=2)[:, :: a.every].astype(np.float32)
    errors = check_import(out, traj, labels, a)
    if not np.allclose(out.attrs["extent"], [2.0, 1.0]):
        errors.append(f"extent {list(out.attrs['extent'])}")
    if strings(out.attrs["pde"]) != ["shear_flow_test"]:
        errors.append(f"pde {out.attrs['pde']}")
    report(errors, f"{traj.shape} with channels {','.join(labels)}")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("out")
    m.add_argument("--t2", default="dd", choices=["dd", "flat"])
    add_check_parser(sub)
    a = ap.parse_args()
    {"make": make, "check": check}[a.cmd](a)


if __name__ == "__main__":
    main()
