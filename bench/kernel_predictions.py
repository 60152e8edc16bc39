#!/usr/bin/env python3
"""Roofline floors for the kept kernels at ViT-S/16 shapes (batch 256, 197 tokens) on an H100 SXM.

For each kernel launch: the operations it must do and the bytes it must move (each operand read
once, each result written once), and the two times they bound it by: operations over the tensor-core
(or fp32) rate, bytes over HBM bandwidth. The larger is the floor no kernel can beat. Prints the
markdown table that bench/KERNELS.md holds; rerun it rather than editing the numbers.
"""

# H100 SXM5 (dense, no sparsity), from NVIDIA's H100 datasheet; HBM as DESIGN.md measured it.
INT8_TOPS = 1979e12      # tensor cores, INT8 (mma.sync reaches roughly 2/3 of it on Hopper; wgmma the rest)
FP16_TFLOPS = 989e12     # tensor cores, FP16 with FP32 accumulation (cuBLAS GemmEx, the aim's yardstick)
FP32_TFLOPS = 67e12      # CUDA cores, FP32 FMA
HBM_BYTES = 3.0e12       # about 3 TB/s measured (DESIGN.md); the datasheet says 3.35

B, T, D, H, MLP = 256, 197, 384, 6, 1536
M = B * T
HD = D // H

def gemm(name, m, n, k, a_bits, w_bits, out_bytes, rate, rate_name):
    ops = 2 * m * n * k
    moved = m * k * a_bits / 8 + n * k * w_bits / 8 + m * n * out_bytes + 8 * (m + n)
    return name, f"{m}x{n}x{k}", ops, moved, rate, rate_name

rows = []
for label, a, w in (("W4A4", 4, 4), ("W8A8", 8, 8)):
    for layer, n, k in (("qkv", 3 * D, D), ("proj", D, D), ("fc1", MLP, D), ("fc2", D, MLP)):
        # output fp32 today; with requantize-and-pack the next layer's codes (a bits) instead
        rows.append(gemm(f"gemm_int {label} {layer} (fp32 out)", M, n, k, a, w, 4, INT8_TOPS, "INT8 TC"))
        rows.append(gemm(f"gemm_int {label} {layer} (packed out)", M, n, k, a, w, a / 8, INT8_TOPS, "INT8 TC"))
for layer, n, k in (("qkv", 3 * D, D), ("fc1", MLP, D)):
    rows.append(gemm(f"cuBLAS FP16 {layer} (peer)", M, n, k, 16, 16, 2, FP16_TFLOPS, "FP16 TC"))
    rows.append(gemm(f"gemm_f32 {layer}", M, n, k, 32, 32, 4, FP32_TFLOPS, "FP32"))

# attention_int: per (image, head) T x T scores of hd-long int dots and P.V; reads the codes, writes fp32 out
att_ops = 2 * (2 * B * H * T * T * HD)
att_bytes = 3 * M * D + 8 * 2 * M * H + M * D * 4
rows.append(("attention_int", f"B{B} H{H} T{T} hd{HD}", att_ops, att_bytes, INT8_TOPS, "INT8 TC (if on tensor cores)"))
# quantize_rows on fc1's input: read fp32 rows, write 4-bit codes and a scale and zero point per row
qr_bytes = M * D * 4 + M * D / 2 + 8 * M
rows.append(("quantize_rows (4-bit, K=384)", f"{M}x{D}", 0, qr_bytes, FP32_TFLOPS, "-"))
ln_bytes = 2 * M * D * 4
rows.append(("layernorm", f"{M}x{D}", 0, ln_bytes, FP32_TFLOPS, "-"))

print("| kernel | shape | GOP | MB moved | compute floor (µs) | memory floor (µs) | floor (µs) | bound by |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
for name, shape, ops, moved, rate, rate_name in rows:
    tc, tm = ops / rate * 1e6, moved / HBM_BYTES * 1e6
    print(f"| {name} | {shape} | {ops / 1e9:.1f} | {moved / 1e6:.1f} | {tc:.1f} | {tm:.1f} | {max(tc, tm):.1f} | "
          f"{(rate_name if tc >= tm else 'HBM')} |")
