"""Imports timm on machines whose torchvision wheel cannot load its native ops.

The CPU-only torch in this project's local package index comes with a CUDA-built torchvision whose
_C extension fails to load; torchvision then dies registering fake kernels for ops that were never
defined. Defining the two ops it registers with register_fake lets `import timm` succeed; nothing
here uses them. On a machine where torchvision loads (the GPU machine), this is a no-op.
"""
import torch


def import_timm():
    try:
        import timm
        return timm
    except RuntimeError as e:
        if "torchvision::" not in str(e):
            raise
    lib = torch.library.Library("torchvision", "DEF")
    lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    import_timm.keep_alive = lib  # the definitions live as long as the Library object
    import timm
    return timm
