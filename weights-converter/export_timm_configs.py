"""Exports the architectures and pretrained configs qvit knows from timm itself.

Writes src/main/resources/io/qvit/model/timm_models.json: for each architecture its structure
(read off a randomly initialised timm model, so nothing is typed by hand) and, for each
pretrained tag, the preprocessing of its pretrained_cfg.

Run from the repository root:  python weights-converter/export_timm_configs.py
(needs torch and timm; see README "Regenerating fixtures").
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from timm_import import import_timm  # noqa: E402

timm = import_timm()

ARCHS = [
    "vit_tiny_patch16_224", "vit_small_patch16_224", "vit_base_patch16_224",
    "deit_tiny_patch16_224", "deit_small_patch16_224", "deit_base_patch16_224",
    "deit_tiny_distilled_patch16_224", "deit_small_distilled_patch16_224", "deit_base_distilled_patch16_224",
    "deit3_small_patch16_224", "deit3_base_patch16_224",
]
TAGS = ["fb_in1k", "fb_in22k_ft_in1k", "augreg_in1k", "augreg_in21k_ft_in1k", "augreg2_in21k_ft_in1k"]
PREPROCESSING_KEYS = ["input_size", "interpolation", "crop_pct", "crop_mode", "mean", "std", "num_classes"]


def structure(name):
    m = timm.create_model(name, pretrained=False)
    blk = m.blocks[0]
    return {
        "img_size": list(m.patch_embed.img_size),
        "patch_size": list(m.patch_embed.patch_size),
        "in_chans": m.patch_embed.proj.in_channels,
        "embed_dim": m.embed_dim,
        "depth": len(m.blocks),
        "num_heads": blk.attn.num_heads,
        "mlp_hidden": blk.mlp.fc1.out_features,
        "qkv_bias": blk.attn.qkv.bias is not None,
        "class_token": m.cls_token is not None,
        "dist_token": getattr(m, "dist_token", None) is not None,
        "no_embed_class": bool(m.no_embed_class),
        "layer_scale": hasattr(blk.ls1, "gamma"),
        "norm_eps": m.norm.eps,
        "global_pool": m.global_pool,
        "num_classes": m.num_classes,
    }


def main():
    out = {"timm_version": timm.__version__, "architectures": {}}
    for name in ARCHS:
        tags = {}
        for tag in TAGS:
            if f"{name}.{tag}" not in timm.list_pretrained(name):
                continue
            cfg = timm.models.get_pretrained_cfg(f"{name}.{tag}")
            d = cfg.to_dict()
            tags[tag] = {k: d[k] for k in PREPROCESSING_KEYS}
        default_tag = timm.models.get_pretrained_cfg(name).to_dict()["tag"]
        out["architectures"][name] = {"structure": structure(name), "default_tag": default_tag, "tags": tags}
        print(name, "tags:", ", ".join(tags), "default:", default_tag)
    path = os.path.join(os.path.dirname(__file__), "..", "src", "main", "resources", "io", "qvit", "model", "timm_models.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
