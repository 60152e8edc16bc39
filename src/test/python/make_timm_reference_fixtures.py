"""Small timm models of each family qvit runs, with their logits and features, as test fixtures.

For ViT (qkv bias, class token), DeiT3 (LayerScale, position embedding without the class token)
and distilled DeiT (distillation token, two heads averaged), builds a randomly initialised timm
model at a small size (so the files stay small), perturbs the parameters that timm initialises to
constants (LayerNorm, LayerScale, biases) so that every one of them matters, and writes into
src/test/resources/fixtures/timm/<name>/:
  model.safetensors   the state_dict
  config.json         a Hugging Face timm config (architecture, num_classes, pretrained_cfg, model_args)
  input.f32           a seeded random input, float32 NCHW
  logits.f32          timm's eval-mode logits for it
  features.f32        timm's pre-logits features (forward_head(..., pre_logits=True))

Run from the repository root:  python src/test/python/make_timm_reference_fixtures.py
(needs torch, timm, safetensors).
"""
import json
import os
import sys

import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "weights-converter"))
from timm_import import import_timm  # noqa: E402

timm = import_timm()
from timm.models.deit import VisionTransformerDistilled  # noqa: E402
from timm.models.vision_transformer import VisionTransformer  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "timm")
COMMON = dict(img_size=32, patch_size=8, embed_dim=48, depth=2, num_heads=3, mlp_ratio=4.0, num_classes=10)
MODELS = {
    "vit_micro_patch8_32": (VisionTransformer, dict(qkv_bias=True)),
    "deit3_micro_patch8_32": (VisionTransformer, dict(no_embed_class=True, init_values=1e-6)),
    "deit_micro_distilled_patch8_32": (VisionTransformerDistilled, dict()),
}
BATCH = 3


def main():
    torch.manual_seed(20261123)
    for name, (cls, extra) in MODELS.items():
        model = cls(**COMMON, **extra).eval()
        with torch.no_grad():
            for pname, p in model.named_parameters():
                # timm starts norms at 1/0, LayerScale at 1e-6 and biases at 0: make them all count.
                if p.dim() == 1:
                    p.copy_(torch.randn_like(p) * 0.2 + (1.0 if pname.endswith("norm1.weight") or pname.endswith("norm2.weight") or pname == "norm.weight" else 0.0))
                if "gamma" in pname:
                    p.copy_(torch.rand_like(p) * 0.5 + 0.1)
            x = torch.randn(BATCH, 3, COMMON["img_size"], COMMON["img_size"])
            logits = model(x)
            features = model.forward_head(model.forward_features(x), pre_logits=True)
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(d, "model.safetensors"))
        config = {
            "architecture": name,
            "num_classes": COMMON["num_classes"],
            "model_args": {"num_heads": COMMON["num_heads"]},
            "pretrained_cfg": {
                "tag": "random", "input_size": [3, COMMON["img_size"], COMMON["img_size"]],
                "interpolation": "bicubic", "crop_pct": 0.9, "crop_mode": "center",
                "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "num_classes": COMMON["num_classes"],
            },
        }
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(config, f, indent=1)
        x.numpy().astype("<f4").tofile(os.path.join(d, "input.f32"))
        logits.numpy().astype("<f4").tofile(os.path.join(d, "logits.f32"))
        features.numpy().astype("<f4").tofile(os.path.join(d, "features.f32"))
        print(name, "params", sum(p.numel() for p in model.parameters()), "logits[0,:3]", logits[0, :3].tolist())
    print("timm", timm.__version__, "torch", torch.__version__)


if __name__ == "__main__":
    main()
