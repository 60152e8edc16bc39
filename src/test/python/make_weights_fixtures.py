"""Writes the checkpoint fixtures for io.qvit.model.weights tests.

Run from the repository root:  /work/pyenv/bin/python src/test/python/make_weights_fixtures.py

For every fixture checkpoint F it writes F.expected.json (tensor names as stored, their timm names,
shapes, dtypes, the state-dict key a reader should pick, metadata) and F.expected.f32: every tensor's
values as computed by torch's .float(), little-endian float32, concatenated in the JSON's order.
The Java tests compare every element bit for bit against these, so no expected number is typed by hand.
"""
import io
import json
import os
import pickle
import struct
import zipfile
from collections import OrderedDict

import torch
from safetensors.torch import save_file

OUT = os.path.join("src", "test", "resources", "fixtures", "weights")


def base_tensors():
    g = torch.Generator().manual_seed(20240607)
    return OrderedDict([
        ("patch_embed.proj.weight", torch.randn(6, 3, 2, 2, generator=g)),
        ("blocks.0.attn.qkv.weight", torch.randn(18, 6, generator=g)),
        ("blocks.0.attn.qkv.bias", torch.randn(18, generator=g) * 1e-3),
        ("blocks.0.gamma_1", torch.full((6,), 1e-5) + torch.rand(6, generator=g) * 1e-6),
        ("blocks.0.gamma_2", torch.rand(6, generator=g) * 1e4),
        ("norm.weight", torch.randn(6, generator=g)),
        ("cls_token", torch.randn(1, 1, 6, generator=g)),
        ("head.bias", torch.zeros(0)),  # zero elements: offsets must still line up
        ("scale", torch.tensor(3.25)),  # a 0-d tensor: empty shape
    ])


def timm_name(name):
    # Mirrors TimmNames' rules; the Java test checks the mapping against this list.
    for prefix in ("module.", "model."):
        if name.startswith(prefix):
            name = name[len(prefix):]
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == "blocks" and parts[2] in ("gamma_1", "gamma_2"):
        return f"blocks.{parts[1]}.ls{parts[2][-1]}.gamma"
    return name


def write_expected(path, tensors, key=None, metadata=None):
    entries, blob = [], bytearray()
    for name, t in tensors.items():
        entries.append({"name": name, "timm_name": timm_name(name), "shape": list(t.shape),
                        "dtype": {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}[t.dtype]})
        blob += t.detach().float().contiguous().numpy().astype("<f4").tobytes()
    with open(path + ".expected.json", "w") as f:
        json.dump({"state_dict_key": key, "metadata": metadata or {}, "tensors": entries}, f, indent=1)
    with open(path + ".expected.f32", "wb") as f:
        f.write(bytes(blob))


def save_safetensors(tensors, path, metadata=None):
    """save_file lays tensors out in its own order; the expected order is the file's data order."""
    save_file(tensors, path, metadata=metadata)
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    order = sorted((k for k in header if k != "__metadata__"), key=lambda k: tuple(header[k]["data_offsets"]))
    write_expected(path, OrderedDict((k, tensors[k]) for k in order), metadata=metadata)


def special_halves():
    """Bit patterns that exercise every branch of a half-to-float conversion."""
    f16 = set(range(0, 0x400)) | set(range(0x8000, 0x8400))  # zeros and all subnormals
    bf16 = set(range(0, 0x80)) | set(range(0x8000, 0x8080))
    for sign in (0, 0x8000):
        for exp in range(32):  # every exponent including inf/NaN, a spread of mantissas
            for mant in (0, 1, 2, 0x155, 0x200, 0x2aa, 0x3fe, 0x3ff):
                f16.add(sign | exp << 10 | mant)
        for exp in range(256):
            for mant in (0, 1, 0x40, 0x55, 0x7f):
                bf16.add(sign | exp << 7 | mant)
    as_tensor = lambda codes, dt: torch.tensor(sorted(codes), dtype=torch.int32).to(torch.int16).view(dt)
    return OrderedDict([("f16_codes", as_tensor(f16, torch.float16)), ("bf16_codes", as_tensor(bf16, torch.bfloat16))])


def main():
    os.makedirs(OUT, exist_ok=True)
    base = base_tensors()
    meta = {"format": "pt"}  # one key: safetensors writes metadata in hash order, and fixtures should regenerate identically

    # Same tensors in three float types; gamma names are kept DeiT-style in every file.
    for dtype, tag in ((torch.float32, "f32"), (torch.float16, "f16"), (torch.bfloat16, "bf16")):
        sd = OrderedDict((k, v.to(dtype)) for k, v in base.items())
        save_safetensors(sd, os.path.join(OUT, f"tensors_{tag}.safetensors"), meta)
    save_safetensors(special_halves(), os.path.join(OUT, "halves.safetensors"))

    # A real module's state_dict is an OrderedDict with a _metadata attribute (pickled with BUILD)
    # and Parameters (pickled with _rebuild_parameter).
    module = torch.nn.Linear(6, 4)
    with torch.no_grad():
        module.weight.copy_(base["blocks.0.attn.qkv.weight"][:4])
        module.bias.copy_(base["norm.weight"][:4])
    plain = module.state_dict()
    plain.update(base)
    torch.save(plain, os.path.join(OUT, "plain.pth"))
    write_expected(os.path.join(OUT, "plain.pth"), plain)

    # The original DeiT repository's release format: {'model': state_dict} with gamma_1/gamma_2.
    deit = {"model": OrderedDict(("module." + k if k.startswith("blocks") else k, v) for k, v in base.items())}
    torch.save(deit, os.path.join(OUT, "deit_model.pth"))
    write_expected(os.path.join(OUT, "deit_model.pth"), deit["model"], key="model")

    # Views: F16/BF16 storages, a slice with a storage offset, views sharing one storage, a transpose,
    # a strided column; wrapped as a training checkpoint with non-tensor siblings.
    big = torch.randn(10, 6, generator=torch.Generator().manual_seed(7))
    views = OrderedDict([
        ("half", base["blocks.0.attn.qkv.weight"].half()),
        ("bfloat", base["blocks.0.attn.qkv.weight"].bfloat16()),
        ("rows_3_to_7", big[3:7]),  # storage offset 18 into big's storage
        ("row_9", big[9]),
        ("transposed", big.t()),  # non-contiguous
        ("column_2", big[:, 2]),  # stride 6
        ("half_transposed", big.half()[2:5].t()),
    ])
    assert not views["transposed"].is_contiguous() and views["rows_3_to_7"].storage_offset() == 18
    training = {"epoch": 3, "state_dict": views, "optimizer": {"lr": 0.5, "betas": (0.9, 0.999)}}
    torch.save(training, os.path.join(OUT, "views.pth"))
    write_expected(os.path.join(OUT, "views.pth"), views, key="state_dict")

    # Pickle protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL) with Python values beside the
    # weights (a long int, floats, booleans, None, lists, a long string) that a reader must step over.
    extras = {"state_dict": plain, "step": 2 ** 70, "lr": 0.1, "flags": [True, False, None, -1, 70000],
              "note": "x" * 300, "nested": {"betas": (0.9, 0.999), "ids": list(range(1200))}}
    torch.save(extras, os.path.join(OUT, "protocol4.pth"), pickle_protocol=4)
    write_expected(os.path.join(OUT, "protocol4.pth"), plain, key="state_dict")

    # A torch-style zip whose pickle calls os.system when unpickled: must be refused, never run.
    class Exploit:
        def __reduce__(self):
            return (os.system, ("echo qvit-exploit-ran > /tmp/qvit-exploit",))

    with zipfile.ZipFile(os.path.join(OUT, "exploit.pth"), "w", zipfile.ZIP_STORED) as z:
        for name, data in (("exploit/data.pkl", pickle.dumps({"weight": Exploit()}, protocol=2)), ("exploit/byteorder", b"little")):
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)


if __name__ == "__main__":
    main()
