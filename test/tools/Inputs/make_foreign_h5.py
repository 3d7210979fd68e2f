"""Writes HDF5 files as other tools leave them (test/tools/hdf5-foreign-files.test).

usage: make_foreign_h5.py DIR
Every file holds inputs X (32, 2, 8, 8) and targets Y or a variant of them.
"""
import os
import sys

import h5py
import numpy as np

os.chdir(sys.argv[1])
rng = np.random.default_rng(0)
X = rng.standard_normal((32, 2, 8, 8)).astype(np.float32)
Y = (0.5 * X + 0.1).astype(np.float32)


def write(name, **kw):
    with h5py.File(name, 'w') as f:
        f.create_dataset('inputs', data=X, **kw)
        f.create_dataset('targets', data=Y, **kw)


write('plain.h5')
write('gzip.h5', chunks=(4, 2, 8, 8), compression='gzip', shuffle=True)
write('pixel-chunks.h5', chunks=(32, 1, 1, 1), compression='gzip')
# LZF keeps chunks it cannot shrink raw (h5py registers it as optional), so
# random data would read: these values compress.
with h5py.File('lzf.h5', 'w') as f:
    f.create_dataset('inputs', data=np.round(X), chunks=(4, 2, 8, 8), compression='lzf')
    f.create_dataset('targets', data=np.round(Y), chunks=(4, 2, 8, 8), compression='lzf')
with h5py.File('unwritten.h5', 'w') as f:
    f.create_dataset('inputs', shape=X.shape, dtype='f4')
    f['targets'] = Y
with h5py.File('partial.h5', 'w') as f:  # a writer loop that stopped at row 16
    i = f.create_dataset('inputs', shape=X.shape, dtype='f4', chunks=(4, 2, 8, 8))
    t = f.create_dataset('targets', shape=Y.shape, dtype='f4', chunks=(4, 2, 8, 8))
    for r in range(16):
        i[r], t[r] = X[r], Y[r]
with h5py.File('partial-gzip.h5', 'w') as f:  # compressed: HDF5 calls even full data "partly allocated"
    i = f.create_dataset('inputs', shape=X.shape, dtype='f4', chunks=(4, 2, 8, 8), compression='gzip')
    f['targets'] = Y
    for r in range(28):
        i[r] = X[r]
with h5py.File('virtual-missing.h5', 'w') as f:
    for name, data in (('inputs', X), ('targets', Y)):
        layout = h5py.VirtualLayout(shape=data.shape, dtype='f4')
        for k in range(2):
            layout[16 * k:16 * (k + 1)] = h5py.VirtualSource(f'missing{k}.h5', 'x', shape=(16, 2, 8, 8))
        f.create_virtual_dataset(name, layout, fillvalue=0)
with h5py.File('group.h5', 'w') as f:
    g = f.create_group('train')
    g['inputs'], g['targets'] = X, Y
with h5py.File('dangling.h5', 'w') as f:
    f['inputs'] = h5py.SoftLink('/nothing')
    f['targets'] = Y
with h5py.File('external.h5', 'w') as f:
    f['inputs'] = h5py.ExternalLink('absent.h5', '/inputs')
    f['targets'] = Y
with h5py.File('inputs-group.h5', 'w') as f:
    f.create_group('inputs')['x'] = X
    f['targets'] = Y
