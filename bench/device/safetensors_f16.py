"""Writes a copy of a .safetensors file with every F32 tensor as F16 (round to nearest even), for
bench/device/pack.sh when the F32 weights do not fit what a device run can send. qvit reads F16
safetensors (io.qvit.model.weights) and widens them to F32.

Usage: python3 safetensors_f16.py IN.safetensors OUT.safetensors   (needs numpy)
"""
import json
import os
import struct
import sys

import numpy as np


def main(src, dst):
    with open(src, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        body = f.read()
    out_header, chunks, offset = {}, [], 0
    for name, t in header.items():
        if name == "__metadata__":
            out_header[name] = t
            continue
        start, end = t["data_offsets"]
        data = body[start:end]
        dtype = t["dtype"]
        if dtype == "F32":
            data = np.frombuffer(data, dtype="<f4").astype("<f2").tobytes()
            dtype = "F16"
        out_header[name] = {"dtype": dtype, "shape": t["shape"], "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(out_header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the format pads the header to 8 bytes
    tmp = dst + ".part"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)
    os.replace(tmp, dst)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python3 safetensors_f16.py IN.safetensors OUT.safetensors")
    main(sys.argv[1], sys.argv[2])
