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
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "weights-converter"))
from timm_import import import_timm  # noqa: E402
from timm_random import perturb, write_reference  # noqa: E402

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
        perturb(model)
        x = torch.randn(BATCH, 3, COMMON["img_size"], COMMON["img_size"])
        logits = write_reference(model, name, x, os.path.join(OUT, name), model_args={"num_heads": COMMON["num_heads"]})
        print(name, "params", sum(p.numel() for p in model.parameters()), "logits[0,:3]", logits[0, :3].tolist())
    print("timm", timm.__version__, "torch", torch.__version__)


if __name__ == "__main__":
    main()
