"""Trains the small ViT that `qvit demo` embeds, on the Java generator's synthetic shapes.

    ./qvit demo --generate-only --out /tmp/qvit-demo            # the images (train, id, ...) under /tmp/qvit-demo/data
    python weights-converter/train_demo_model.py --data /tmp/qvit-demo/data

Builds timm's VisionTransformer (64x64 input, 8x8 patches, width 128, depth 6, 4 heads, MLP ratio 3,
about 1M parameters, 4.1 MB), trains it on the CPU with fixed seeds (AdamW, lr 1e-3, linear warmup then
cosine decay, random flips and quarter turns: the figures are drawn at random rotations), reports top-1
on the ID test split and the MSP and energy AUROC of the ID test split against each OOD split, and
writes, in timm's layout (config.json's "training" entry records the settings, time and results):
  src/main/resources/io/qvit/demo/model.safetensors   the state_dict (F32, timm names)
  src/main/resources/io/qvit/demo/config.json         architecture, num_classes, model_args, pretrained_cfg, label_names
  src/test/resources/io/qvit/demo/fixture.json        logits of a few generated images, which the Java loader must reproduce
The preprocessing is timm's eval transform of that pretrained_cfg: at 64x64 with crop_pct 1.0 the
resize is the identity, so an image is just (pixel / 255 - 0.5) / 0.5.
"""
import argparse
import csv
import json
import math
import os
import sys
import time

import numpy as np
import torch
from PIL import Image
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timm_import import import_timm  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARCH = "vit_demo_patch8_64"
TAG = "synthetic"
MODEL_ARGS = dict(img_size=64, patch_size=8, embed_dim=128, depth=6, num_heads=4, mlp_ratio=3.0)
MEAN = STD = (0.5, 0.5, 0.5)
# images the fixture holds: (split, index), ID test images of several classes and two OOD images
FIXTURE = [("id", i) for i in range(8)] + [("near-ood", 0), ("far-ood", 1)]


def read_split(folder):
    """The labelled split written by SyntheticSets: images as a float tensor, labels, class names by index."""
    with open(os.path.join(folder, "labels.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    images = torch.stack([to_tensor(os.path.join(folder, r["file"])) for r in rows])
    labels = torch.tensor([int(r["class_index"]) for r in rows])
    names = {int(r["class_index"]): r["label"] for r in rows}
    return images, labels, [names[i] for i in range(len(names))]


def to_tensor(path):
    a = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255.0
    t = torch.from_numpy(a).permute(2, 0, 1)
    return (t - torch.tensor(MEAN).view(3, 1, 1)) / torch.tensor(STD).view(3, 1, 1)


def top1(model, images, labels):
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(images[i:i + 256]).argmax(1) for i in range(0, len(images), 256)])
    return (pred == labels).float().mean().item()


def logits_of(model, images):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(images[i:i + 256]) for i in range(0, len(images), 256)])


def auroc(id_scores, ood_scores):
    """P(an ID image scores higher than an OOD image), ties counted half: the AUROC with ID as positive."""
    a, b = id_scores.view(-1, 1), ood_scores.view(1, -1)
    return ((a > b).float().mean() + 0.5 * (a == b).float().mean()).item()


def ood_aurocs(model, id_x, data):
    """MSP and energy AUROC of the ID test split against each OOD split (higher score = more ID)."""
    scores = {"msp": lambda z: z.softmax(1).max(1).values, "energy": lambda z: torch.logsumexp(z, 1)}
    id_logits = logits_of(model, id_x)
    out = {}
    for split in ("near-ood", "far-ood"):
        folder = os.path.join(data, split)  # unlabelled: every png of the folder
        ood_x = torch.stack([to_tensor(os.path.join(folder, f)) for f in sorted(os.listdir(folder)) if f.endswith(".png")])
        ood_logits = logits_of(model, ood_x)
        out[split] = {name: round(auroc(f(id_logits), f(ood_logits)), 4) for name, f in scores.items()}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="the folder `qvit demo --generate-only --out DIR` wrote: DIR/data")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--warmup-epochs", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=1)  # 2 threads on 2 busy cores ran 10x slower
    ap.add_argument("--out", default=os.path.join(ROOT, "src/main/resources/io/qvit/demo"))
    ap.add_argument("--fixture", default=os.path.join(ROOT, "src/test/resources/io/qvit/demo/fixture.json"))
    args = ap.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    timm = import_timm()
    from timm.models.vision_transformer import VisionTransformer

    train_x, train_y, names = read_split(os.path.join(args.data, "train"))
    test_x, test_y, _ = read_split(os.path.join(args.data, "id"))
    model = VisionTransformer(num_classes=len(names), **MODEL_ARGS)
    params = sum(p.numel() for p in model.parameters())
    print(f"timm {timm.__version__}, {params} parameters, {len(train_x)} training images, classes {names}", flush=True)

    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    per_epoch = math.ceil(len(train_x) / args.batch)
    steps = args.epochs * per_epoch
    warmup = max(1, round(args.warmup_epochs * per_epoch))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warmup if s < warmup else 0.5 * (1 + math.cos(math.pi * (s - warmup) / max(1, steps - warmup))))
    gen = torch.Generator().manual_seed(1)
    start = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(train_x), generator=gen)
        total = 0.0
        for i in range(0, len(order), args.batch):
            idx = order[i:i + args.batch]
            x = train_x[idx]
            flip = torch.rand(len(idx), generator=gen) < 0.5  # the classes are mirror-symmetric
            x = torch.where(flip.view(-1, 1, 1, 1), x.flip(3), x)
            turns = torch.randint(0, 4, (len(idx),), generator=gen)  # and drawn at random rotations
            for k in (1, 2, 3):
                x[turns == k] = torch.rot90(x[turns == k], k, (2, 3))
            loss = torch.nn.functional.cross_entropy(model(x), train_y[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / len(train_x):.4f}, ID test top-1 {top1(model, test_x, test_y):.4f}"
              f" ({time.time() - start:.0f} s)", flush=True)
    seconds = time.time() - start
    final_loss = total / len(train_x)
    acc = top1(model, test_x, test_y)
    train_acc = top1(model, train_x, train_y)
    aurocs = ood_aurocs(model, test_x, args.data)
    print(f"trained in {seconds:.0f} s; ID test top-1 {acc:.4f} on {len(test_x)} images (training split {train_acc:.4f});"
          f" AUROC ID vs OOD {json.dumps(aurocs)}", flush=True)

    os.makedirs(args.out, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, os.path.join(args.out, "model.safetensors"), metadata={"format": "pt"})
    config = {
        "architecture": ARCH,
        "num_classes": len(names),
        "num_features": MODEL_ARGS["embed_dim"],
        "global_pool": "token",
        "model_args": MODEL_ARGS,
        "pretrained_cfg": {
            "tag": TAG, "custom_load": False, "input_size": [3, 64, 64], "fixed_input_size": True,
            "interpolation": "bicubic", "crop_pct": 1.0, "crop_mode": "center", "mean": list(MEAN), "std": list(STD),
            "num_classes": len(names), "pool_size": None, "first_conv": "patch_embed.proj", "classifier": "head",
        },
        "label_names": names,
        "training": {"script": "weights-converter/train_demo_model.py", "torch": torch.__version__, "timm": timm.__version__,
                     "threads": args.threads, "epochs": args.epochs, "batch": args.batch, "optimizer": "AdamW", "lr": args.lr,
                     "weight_decay": args.weight_decay, "warmup_steps": warmup, "schedule": "linear warmup, cosine decay to 0",
                     "augmentation": "random horizontal flip, random quarter turn", "train_images": len(train_x),
                     "seconds": round(seconds), "final_train_loss": round(final_loss, 4), "train_top1": round(train_acc, 4),
                     "id_test_top1": round(acc, 4), "id_test_images": len(test_x), "auroc_id_vs_ood": aurocs},
    }
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")

    model.eval()
    with torch.no_grad():
        x = torch.stack([to_tensor(os.path.join(args.data, s, file_of(args.data, s, i))) for s, i in FIXTURE])
        logits = model(x)
    os.makedirs(os.path.dirname(args.fixture), exist_ok=True)
    with open(args.fixture, "w") as f:
        json.dump({"images": [{"split": s, "index": i} for s, i in FIXTURE],
                   "logits": [[round(v, 7) for v in row] for row in logits.tolist()]}, f, indent=1)
        f.write("\n")
    print(f"wrote {args.out}/model.safetensors ({os.path.getsize(os.path.join(args.out, 'model.safetensors'))} bytes),"
          f" config.json and {args.fixture}")


def file_of(data, split, index):
    """The file of image `index` of a split: SyntheticSets names it <class>_<index:05d>.png."""
    suffix = f"_{index:05d}.png"
    return next(f for f in os.listdir(os.path.join(data, split)) if f.endswith(suffix))


if __name__ == "__main__":
    main()
