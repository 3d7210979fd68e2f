"""compare.py CPU.h5 GPU.h5 GPU2.h5: the GPU outputs agree with the CPU's to
float rounding of GEMMs and FFTs, and two GPU runs are bit-identical."""
import sys

import h5py
import numpy as np

cpu, gpu, gpu2 = (h5py.File(p, "r")["outputs"][()] for p in sys.argv[1:4])
scale = max(1.0, float(np.abs(cpu).max()))
err = float(np.abs(cpu - gpu).max()) / scale
if not np.isfinite(gpu).all() or err > 1e-4:
    sys.exit(f"cpu vs cuda: max error {err:.3g} (relative to {scale:.3g})")
if not np.array_equal(gpu, gpu2):
    sys.exit("two cuda runs differ")
print(f"cpu vs cuda: max error {err:.3g}; cuda runs identical")
