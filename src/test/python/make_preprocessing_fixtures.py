"""Writes the Pillow/timm fixtures that prove qvit's image pipeline byte-exact.

Run from the repository root:  /work/pyenv/bin/python src/test/python/make_preprocessing_fixtures.py
Writes src/test/resources/fixtures/preprocessing/ (resize, eval transform and decoder cases, with a
manifest.json describing them) and, where ../shared/data is present, imagenet_jpeg_sha256.tsv: the
SHA-256 of Pillow's RGB decode of a few real ImageNet JPEGs.

Synthetic inputs are seeded numpy noise plus gradients, so the fixtures are reproducible. Expected
images are 8-bit RGB PNGs (lossless, small) or, for the decoder cases, raw interleaved RGB bytes (.rgb); expected tensors are float32 little-endian CHW, gzipped.
"""
import gzip
import hashlib
import io
import json
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "weights-converter"))
from timm_import import import_timm  # noqa: E402

timm = import_timm()
from timm.data import create_transform, resolve_data_config  # noqa: E402

OUT = os.path.join(ROOT, "src/test/resources/fixtures/preprocessing")
SHARED = os.path.join(ROOT, "..", "shared", "data")
RNG = np.random.default_rng(20240611)
FILTERS = {"nearest": Image.Resampling.NEAREST, "box": Image.Resampling.BOX, "bilinear": Image.Resampling.BILINEAR,
           "hamming": Image.Resampling.HAMMING, "bicubic": Image.Resampling.BICUBIC,
           "lanczos": Image.Resampling.LANCZOS}


def synthetic(w, h, noise=60.0):
    """Gradients and a ripple, plus noise: sharp enough to exercise the filters' overshoot and clipping.

    The noise is quantised to steps of 8 (noise=0 for none) so that large inputs stay small as PNG.
    """
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    base = np.stack([255 * x / max(w - 1, 1), 255 * y / max(h - 1, 1),
                     127.5 + 127.5 * np.sin((x + 2 * y) / 3.0)], axis=-1)
    img = base + 8 * np.rint(RNG.normal(0, noise / 8, size=(h, w, 3)))
    checker = ((x // 8 + y // 8) % 2 == 0) & (x < w / 3) & (y < h / 3)  # hard edges: overshoot and clipping
    img[checker] = 255 - img[checker] / 4
    return Image.fromarray(np.clip(np.rint(img), 0, 255).astype(np.uint8), "RGB")


def save_rgb(img, name):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(np.asarray(img.convert("RGB"), dtype=np.uint8).tobytes())


def save_f32(tensor, name):
    data = tensor.numpy().astype("<f4").tobytes()
    with gzip.GzipFile(os.path.join(OUT, name), "wb", mtime=0) as f:
        f.write(data)


def resize_cases():
    # (input w, h, output w, h, filter): up, down, mixed, one axis only, every Pillow filter.
    specs = [(37, 23, 64, 41, "bicubic"), (97, 61, 30, 45, "bilinear"), (61, 97, 61, 20, "bicubic"),
             (80, 50, 33, 50, "lanczos"), (50, 31, 17, 90, "nearest"), (45, 45, 19, 101, "box"),
             (29, 71, 88, 13, "hamming"), (240, 160, 41, 27, "bicubic"), (31, 17, 31, 17, "bilinear")]
    cases = []
    for i, (w, h, ow, oh, f) in enumerate(specs):
        src = synthetic(w, h)
        name = f"resize{i}"
        src.save(os.path.join(OUT, name + "_in.png"))
        src.resize((ow, oh), FILTERS[f]).save(os.path.join(OUT, name + "_out.png"))
        cases.append({"input": name + "_in.png", "expected": name + "_out.png", "width": ow, "height": oh,
                      "interpolation": f})
    return cases


def timm_eval_case(name, src, input_size, interpolation, crop_pct, mean, std, keep_tensor=True):
    """Runs timm's eval transform, keeping the uint8 image that enters ToTensor and the final tensor."""
    t = create_transform(input_size=input_size, is_training=False, interpolation=interpolation,
                         crop_pct=crop_pct, mean=mean, std=std)
    to_tensor_at = next(i for i, s in enumerate(t.transforms) if type(s).__name__ in ("MaybeToTensor", "ToTensor"))
    img = src
    for step in t.transforms[:to_tensor_at]:
        img = step(img)
    tensor = t(src)
    src.save(os.path.join(OUT, name + "_in.png"))
    img.save(os.path.join(OUT, name + "_crop.png"))
    if keep_tensor:
        save_f32(tensor, name + "_tensor.f32.gz")
    return {"input": name + "_in.png", "crop": name + "_crop.png",
            "tensor": name + "_tensor.f32.gz" if keep_tensor else None,
            "height": input_size[1], "width": input_size[2], "crop_pct": crop_pct,
            "interpolation": interpolation, "mean": list(mean), "std": list(std),
            "transform": repr(t).replace("\n", " ")}


def eval_cases():
    cases = []
    # ImageNet-sized inputs at 224: ViT-Tiny's own config from timm (bicubic, 0.9, mean=std=0.5), then the
    # same model's config with timm's default crop_pct 0.875 and bilinear, on a portrait image. Only the
    # first keeps its 600 KB tensor (the float step is the same code for every case).
    cfg = resolve_data_config({}, model=timm.create_model("vit_tiny_patch16_224", pretrained=False))
    cases.append(timm_eval_case("eval_vit_tiny_224", synthetic(500, 375, noise=0.0), cfg["input_size"],
                                cfg["interpolation"], cfg["crop_pct"], cfg["mean"], cfg["std"]))
    cfg = resolve_data_config({"crop_pct": 0.875, "interpolation": "bilinear"},
                              model=timm.create_model("vit_tiny_patch16_224", pretrained=False))
    cases.append(timm_eval_case("eval_portrait_224", synthetic(333, 500, noise=0.0), cfg["input_size"],
                                cfg["interpolation"], cfg["crop_pct"], cfg["mean"], cfg["std"], keep_tensor=False))
    inception = (0.5, 0.5, 0.5)
    imagenet = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    small = [((57, 41), 32, "bicubic", 0.875, *imagenet), ((41, 57), 32, "bilinear", 0.9, inception, inception),
             ((23, 30), 48, "bicubic", 1.0, *imagenet), ((64, 64), 40, "bilinear", 0.875, inception, inception),
             ((71, 52), 36, "bilinear", 0.95, *imagenet)]
    for i, ((w, h), size, interp, pct, mean, std) in enumerate(small):
        cases.append(timm_eval_case(f"eval_small{i}", synthetic(w, h), (3, size, size), interp, pct, mean, std))
    # A non-square input size: timm resizes with ResizeKeepRatio (always bilinear) instead of Resize.
    cases.append(timm_eval_case("eval_nonsquare", synthetic(90, 70), (3, 40, 56), "bicubic", 0.9, *imagenet))
    return cases


def png16(path, w, h, channels, samples):
    """Pillow cannot write 16-bit RGB(A) PNGs; a minimal PNG writer can (colour type 2 or 6, filter 0)."""
    colour_type = {2: 4, 3: 2, 4: 6}[channels]
    rows = samples.astype(">u2").reshape(h, w * channels)
    raw = b"".join(b"\x00" + r.tobytes() for r in rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, colour_type, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def decoder_cases():
    w, h = 13, 7
    rgb = synthetic(w, h)
    arr = np.asarray(rgb)
    grey = rgb.convert("L")
    alpha = Image.fromarray(RNG.integers(0, 256, (h, w), dtype=np.uint8), "L")
    files = {}
    grey.save(os.path.join(OUT, "dec_grey.png")); files["dec_grey.png"] = None
    grey.convert("1").save(os.path.join(OUT, "dec_bilevel.png")); files["dec_bilevel.png"] = None
    pal = rgb.quantize(colors=13)
    pal.info["transparency"] = 3
    pal.save(os.path.join(OUT, "dec_palette.png"), transparency=3); files["dec_palette.png"] = None
    rgb.quantize(colors=9).save(os.path.join(OUT, "dec_palette4bit.png"), bits=4); files["dec_palette4bit.png"] = None
    Image.merge("LA", (grey, alpha)).save(os.path.join(OUT, "dec_grey_alpha.png")); files["dec_grey_alpha.png"] = None
    Image.merge("RGBA", (*rgb.split(), alpha)).save(os.path.join(OUT, "dec_rgba.png")); files["dec_rgba.png"] = None
    g16 = (RNG.integers(0, 65536, (h, w))).astype(np.uint16)
    g16[0, :4] = [0, 255, 256, 65535]
    Image.fromarray(g16, "I;16").save(os.path.join(OUT, "dec_grey16.png")); files["dec_grey16.png"] = None
    png16(os.path.join(OUT, "dec_rgb16.png"), w, h, 3, RNG.integers(0, 65536, (h, w, 3)))
    files["dec_rgb16.png"] = None
    png16(os.path.join(OUT, "dec_rgba16.png"), w, h, 4, RNG.integers(0, 65536, (h, w, 4)))
    files["dec_rgba16.png"] = None
    png16(os.path.join(OUT, "dec_grey_alpha16.png"), w, h, 2, RNG.integers(0, 65536, (h, w, 2)))
    files["dec_grey_alpha16.png"] = None
    rgb.save(os.path.join(OUT, "dec_rgb.ppm")); files["dec_rgb.ppm"] = None
    grey.save(os.path.join(OUT, "dec_grey.pgm")); files["dec_grey.pgm"] = None
    with open(os.path.join(OUT, "dec_ascii.ppm"), "w") as f:  # P3 with a comment, as other tools write it
        f.write(f"P3\n# plain PPM\n{w} {h}\n255\n" + "\n".join(" ".join(map(str, r.ravel())) for r in arr) + "\n")
    files["dec_ascii.ppm"] = None
    with open(os.path.join(OUT, "dec_ascii.pgm"), "w") as f:
        f.write(f"P2\n{w} {h}\n255\n" + "\n".join(" ".join(map(str, r)) for r in np.asarray(grey)) + "\n")
    files["dec_ascii.pgm"] = None
    big = synthetic(48, 40, noise=20.0)
    big.save(os.path.join(OUT, "dec_ycbcr420.jpg"), quality=90); files["dec_ycbcr420.jpg"] = None
    big.save(os.path.join(OUT, "dec_ycbcr444.jpg"), quality=95, subsampling=0); files["dec_ycbcr444.jpg"] = None
    big.save(os.path.join(OUT, "dec_ycbcr422.jpg"), quality=90, subsampling=1); files["dec_ycbcr422.jpg"] = None
    big.save(os.path.join(OUT, "dec_progressive.jpg"), quality=80, progressive=True); files["dec_progressive.jpg"] = None
    big.convert("L").save(os.path.join(OUT, "dec_grey.jpg"), quality=90); files["dec_grey.jpg"] = None
    big.convert("CMYK").save(os.path.join(OUT, "dec_cmyk.jpg"), quality=95); files["dec_cmyk.jpg"] = None
    for name in files:
        with Image.open(os.path.join(OUT, name)) as im:
            files[name] = {"mode": im.mode, "width": im.width, "height": im.height,
                           "expected": name.replace(".", "_") + ".rgb"}
            save_rgb(im, files[name]["expected"])
    with open(os.path.join(OUT, "dec_ycbcr420.jpg"), "rb") as f:
        data = f.read()
    with open(os.path.join(OUT, "dec_truncated.jpg"), "wb") as f:
        f.write(data[: len(data) // 2])
    return files


def imagenet_hashes():
    """SHA-256 of Pillow's RGB decode of the first real ImageNet JPEGs, to check Java's JPEG decoder."""
    folder = os.path.join(SHARED, "imagenet-samples")
    if not os.path.isdir(folder):
        print("skipping imagenet_jpeg_sha256.tsv: ../shared/data/imagenet-samples is absent")
        return
    names = sorted(n for n in os.listdir(folder) if n.endswith(".JPEG"))[:24]
    with open(os.path.join(OUT, "imagenet_jpeg_sha256.tsv"), "w") as f:
        f.write("file\twidth\theight\tsha256_of_rgb\n")
        for n in names:
            with Image.open(os.path.join(folder, n)) as im:
                rgb = im.convert("RGB")
                f.write(f"{n}\t{rgb.width}\t{rgb.height}\t{hashlib.sha256(rgb.tobytes()).hexdigest()}\n")


def imagenet_tensor_hashes():
    """SHA-256 of the tensors timm's ViT-Tiny eval transform makes of real JPEGs: decode and transform together."""
    folder = os.path.join(SHARED, "imagenet-samples")
    if not os.path.isdir(folder):
        return
    cfg = resolve_data_config({}, model=timm.create_model("vit_tiny_patch16_224", pretrained=False))
    t = create_transform(**cfg)
    names = sorted(n for n in os.listdir(folder) if n.endswith(".JPEG"))[::125]
    with open(os.path.join(OUT, "imagenet_vit_tiny_tensor_sha256.tsv"), "w") as f:
        f.write(f"# {repr(t)}\n".replace("\n ", " ").replace("\n)", " )"))
        f.write("file\tsha256_of_float32_le_chw\n")
        for n in names:
            with Image.open(os.path.join(folder, n)) as im:
                data = t(im.convert("RGB")).numpy().astype("<f4").tobytes()
            f.write(f"{n}\t{hashlib.sha256(data).hexdigest()}\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    for n in os.listdir(OUT):
        os.remove(os.path.join(OUT, n))
    manifest = {"pillow": Image.__version__, "timm": timm.__version__,
                "resize": resize_cases(), "eval": eval_cases(), "decode": decoder_cases()}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    imagenet_hashes()
    imagenet_tensor_hashes()
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total / 1024:.0f} KiB, to {OUT}")


if __name__ == "__main__":
    main()
