"""timm's ViT-S-sized architectures, randomly initialised (pretrained=False, fixed seed, constants
perturbed), each written with its fp32 logits for a fixed random input as qvit's timm check reads them
(weights-converter/timm_random.py): OUT/<architecture>/{model.safetensors, config.json, input.f32,
logits.f32, features.f32}. The references are computed on the CPU in fp32 (on a GPU, cuDNN's TF32
convolutions would move them by about 1e-3). Run by bench/device/run.sh on the GPU machine, where
torch and timm are installed; the files are never committed.

Usage: python3 export_timm_random.py OUT [BATCH]
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "weights-converter"))
from timm_import import import_timm  # noqa: E402
from timm_random import perturb, write_reference  # noqa: E402

timm = import_timm()

MODELS = ["deit_small_patch16_224", "deit3_small_patch16_224", "vit_small_patch16_224", "deit_small_distilled_patch16_224"]
SEED = 20261206


def main(out, batch):
    for i, name in enumerate(MODELS):
        t0 = time.time()
        torch.manual_seed(SEED + i)
        model = timm.create_model(name, pretrained=False).eval()
        perturb(model)
        x = torch.randn(batch, 3, 224, 224)
        logits = write_reference(model, name, x, os.path.join(out, name))
        print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, logits[0,:3] {logits[0, :3].tolist()}, {time.time() - t0:.1f} s", flush=True)
    print("timm", timm.__version__, "torch", torch.__version__)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python3 export_timm_random.py OUT [BATCH]")
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 2)
