// im2col: images [B,C,H,W] -> rows [B*(H/p)*(W/p), C*p*p], patch (y, x) row-major within an image and
// each row ordered (c, dy, dx) like the flattened conv weight [D, C, p, p]; the patch embedding is then
// gemm_f32 with the conv weight as w. CPU twin: Im2col.rows. One thread per output element.
extern "C" __global__ void im2col_kernel1(const float* __restrict__ images, float* __restrict__ rows,
                                          int B, int C, int H, int W, int p) {
    int gw = W / p, patches = (H / p) * gw, k = C * p * p;
    int total = B * patches * k;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
        int col = i % k;
        int r = i / k;
        int b = r / patches, patch = r % patches;
        int c = col / (p * p), dy = (col / p) % p, dx = col % p;
        int yy = (patch / gw) * p + dy, xx = (patch % gw) * p + dx;
        rows[i] = images[((b * C + c) * H + yy) * W + xx];
    }
}
