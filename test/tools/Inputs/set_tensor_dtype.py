"""Rewrites the dtype of one tensor of a Shodh model file in place of its
stored value (runtime/format/model.fbs; header in ModelFile.h), to make model
files shodhc refuses to write, such as a program input of integers.

  set_tensor_dtype.py IN.fb TENSOR DTYPE OUT.fb

DTYPE is f32, f64, c64, c128, i32 or i64. The tensor must have a dtype stored
in the FlatBuffer (FlatBuffers leaves out the default, f32, so compile the
model with shodhc --precision f64). Needs only the standard library.
"""
import struct
import sys

DTYPES = {"f32": 0, "f64": 1, "c64": 2, "c128": 3, "i32": 4, "i64": 5}


def main():
    src, name, dtype, out = sys.argv[1:5]
    data = bytearray(open(src, "rb").read())
    assert data[:8] == b"SHODHMF\0", "not a Shodh model file"
    base = struct.unpack_from("<Q", data, 16)[0]  # FlatBuffer offset

    u32 = lambda p: struct.unpack_from("<I", data, p)[0]

    def field(table, index):  # absolute position of a field, or None
        vtable = table - struct.unpack_from("<i", data, table)[0]
        size = struct.unpack_from("<H", data, vtable)[0]
        slot = 4 + 2 * index
        if slot >= size:
            return None
        off = struct.unpack_from("<H", data, vtable + slot)[0]
        return table + off if off else None

    def deref(p):  # follows a uoffset
        return p + u32(p)

    root = deref(base)
    tensors = deref(field(root, 1))  # Model.tensors
    for i in range(u32(tensors)):
        t = deref(tensors + 4 + 4 * i)
        s = deref(field(t, 0))  # Tensor.name
        if bytes(data[s + 4:s + 4 + u32(s)]).decode() != name:
            continue
        p = field(t, 1)  # Tensor.dtype
        if p is None:
            sys.exit(f"tensor '{name}' has the default dtype (f32), not stored; "
                     "compile with --precision f64")
        data[p] = DTYPES[dtype]
        open(out, "wb").write(data)
        return
    sys.exit(f"no tensor '{name}'")


if __name__ == "__main__":
    main()
