"""Randomly initialised timm models as references: perturbing what timm initialises to constants, and
writing a model with its logits for a fixed input in the layout qvit's timm checks read.

Used by src/test/python/make_timm_reference_fixtures.py (micro models, committed fixtures) and
bench/device/export_timm_random.py (ViT-S-sized models on the GPU machine, never committed).
"""
import json
import os

import torch
from safetensors.torch import save_file


def perturb(model):
    """timm starts norms at 1/0, LayerScale at 1e-6 and biases at 0: make them all count."""
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if p.dim() == 1:
                p.copy_(torch.randn_like(p) * 0.2 + (1.0 if pname.endswith("norm1.weight") or pname.endswith("norm2.weight") or pname == "norm.weight" else 0.0))
            if "gamma" in pname:
                p.copy_(torch.rand_like(p) * 0.5 + 0.1)


def write_reference(model, name, x, out_dir, model_args=None):
    """Writes into out_dir: model.safetensors (the state_dict), config.json (a Hugging Face timm config),
    input.f32 (x, float32 NCHW), logits.f32 and features.f32 (timm's eval-mode outputs for x, fp32)."""
    model = model.eval()
    with torch.no_grad():
        logits = model(x)
        features = model.forward_head(model.forward_features(x), pre_logits=True)
    os.makedirs(out_dir, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(out_dir, "model.safetensors"))
    size = x.shape[-1]
    config = {
        "architecture": name,
        "num_classes": model.num_classes,
        "pretrained_cfg": {
            "tag": "random", "input_size": [3, size, size],
            "interpolation": "bicubic", "crop_pct": 0.9, "crop_mode": "center",
            "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "num_classes": model.num_classes,
        },
    }
    if model_args:
        config["model_args"] = model_args
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    x.numpy().astype("<f4").tofile(os.path.join(out_dir, "input.f32"))
    logits.numpy().astype("<f4").tofile(os.path.join(out_dir, "logits.f32"))
    features.numpy().astype("<f4").tofile(os.path.join(out_dir, "features.f32"))
    return logits
