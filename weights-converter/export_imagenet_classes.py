"""Exports the ImageNet-1k class list from timm's own class info (timm.data.ImageNetInfo).

Writes src/main/resources/io/qvit/data/imagenet1k_classes.tsv: index, wnid, name, one class a line,
in the standard order (sorted wnids) of a 1000-class head; the name is timm's description (the
WordNet lemmas, e.g. "tench, Tinca tinca").

Run from the repository root:  python weights-converter/export_imagenet_classes.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from timm_import import import_timm  # noqa: E402

timm = import_timm()
from timm.data import ImageNetInfo  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                   "src/main/resources/io/qvit/data/imagenet1k_classes.tsv")


def main():
    info = ImageNetInfo("imagenet-1k")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# ImageNet-1k classes from timm {timm.__version__} (timm.data.ImageNetInfo); "
                "written by weights-converter/export_imagenet_classes.py\n")
        f.write("index\twnid\tname\n")
        for i in range(info.num_classes()):
            name = info.index_to_description(i)
            assert "\t" not in name and "\n" not in name, name
            f.write(f"{i}\t{info.index_to_label_name(i)}\t{name}\n")
    print(f"wrote {info.num_classes()} classes to {OUT}")


if __name__ == "__main__":
    main()
