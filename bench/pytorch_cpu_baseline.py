"""PyTorch CPU baseline for the qvit CPU backend, at the shapes of GemmBenchmark.

Times torch.nn.functional.linear at the ViT-Tiny/Small GEMM shapes (M = 32 * 197) (--gemm) and
timm's vit_tiny_patch16_224 and vit_small_patch16_224 forward at batch 32 (--models; eval, no_grad,
random weights); both when neither flag is given. Each line: `gemm torch M N K threads median_ms best_ms GFLOP/s GFLOP/s_best` or
`model torch NAME batch threads median_ms best_ms images/s images/s_best` (the best run shows
capacity when other processes share the cores).

    /work/pyenv/bin/python bench/pytorch_cpu_baseline.py --threads 2 --repeats 10 [--gemm] [--models]
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "weights-converter"))
from timm_import import import_timm  # noqa: E402

M = 32 * 197
SHAPES = [(576, 192), (192, 192), (768, 192), (192, 768),  # tiny: qkv, proj, fc1, fc2
          (1152, 384), (384, 384), (1536, 384), (384, 1536)]  # small


def times_ms(fn, repeats, warmup=3):
    """(median, best) wall time of fn in ms; the best shows capacity on shared cores."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--gemm", action="store_true", help="time F.linear at the GEMM shapes")
    ap.add_argument("--models", action="store_true", help="time whole timm ViT forwards at batch 32")
    args = ap.parse_args()
    if not (args.gemm or args.models):
        args.gemm = args.models = True
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    with torch.no_grad():
        for n, k in SHAPES if args.gemm else []:
            x, w, b = torch.rand(M, k) * 2 - 1, torch.rand(n, k) * 2 - 1, torch.rand(n) * 2 - 1
            ms, best = times_ms(lambda: F.linear(x, w, b), args.repeats)
            flop = 2 * M * n * k
            print(f"gemm torch {M} {n} {k} {args.threads} {ms:.3f} {best:.3f} {flop / ms / 1e6:.1f} {flop / best / 1e6:.1f}", flush=True)
        if args.models:
            timm = import_timm()
            for name in ("vit_tiny_patch16_224", "vit_small_patch16_224"):
                model = timm.create_model(name, pretrained=False).eval()
                images = torch.randn(32, 3, 224, 224)
                ms, best = times_ms(lambda: model(images), args.repeats, warmup=2)
                print(f"model torch {name} 32 {args.threads} {ms:.3f} {best:.3f} {32 / ms * 1e3:.1f} {32 / best * 1e3:.1f}", flush=True)


if __name__ == "__main__":
    main()
