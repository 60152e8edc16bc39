// dev/gemm_int: every version of the integer linear layer, its CPU reference, and a driver that
// checks and times each on a GPU (ViT-S shapes by default).
//
// version 0: one thread per output, scalar int32 dot product of unpacked codes (the reference on the GPU)
// version 1: the kept kernel (../gemm_int.cu): 64x64x32 tiles, nibbles widened in shared memory, mma.sync m16n8k32
//
// nvcc -O3 -arch=sm_90 -std=c++17 gemm_int.cu -o gemm_int && ./gemm_int [version] [M N K] [a_bits w_bits]
#include "common.cuh"
#include "../gemm_int.cu"

// ---- CPU reference (IntGemm.matmul): exact int32 sums with zero-point correction, three-rounding epilogue
static int code_at(const uint8_t* codes, int bits, int K, int r, int c, bool is_signed) {
    int v = bits <= 4 ? (codes[(size_t)r * (K / 2) + c / 2] >> ((c & 1) * 4)) & 0xf : codes[(size_t)r * K + c];
    if (is_signed) v = bits <= 4 ? (v << 28) >> 28 : (int8_t)v;
    return v;
}

static void gemm_int_cpu(const uint8_t* qa, const int* za, const float* sa, const uint8_t* qw, const float* sw,
                         const float* bias, float* y, int M, int N, int K, int ab, int wb) {
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) {
            int acc = 0;
            for (int k = 0; k < K; k++) acc += (code_at(qa, ab, K, m, k, false) - za[m]) * code_at(qw, wb, K, n, k, true);
            float scale = sa[m] * sw[n];
            y[(size_t)m * N + n] = (float)acc * scale + bias[n];
        }
}

// ---- version 0
__global__ void gemm_int_kernel0(const uint8_t* qa, const int* za, const float* sa, const uint8_t* qw, const float* sw,
                                 const float* bias, float* y, int M, int N, int K, int ab, int wb) {
    int n = blockIdx.x * blockDim.x + threadIdx.x, m = blockIdx.y;
    if (n >= N) return;
    int acc = 0;
    for (int k = 0; k < K; k++) {
        int a = ab <= 4 ? (qa[(size_t)m * (K / 2) + k / 2] >> ((k & 1) * 4)) & 0xf : qa[(size_t)m * K + k];
        int w = wb <= 4 ? (((qw[(size_t)n * (K / 2) + k / 2] >> ((k & 1) * 4)) & 0xf) << 28) >> 28 : (int8_t)qw[(size_t)n * K + k];
        acc += (a - za[m]) * w;
    }
    y[(size_t)m * N + n] = __fadd_rn(__fmul_rn((float)acc, __fmul_rn(sa[m], sw[n])), bias[n]);
}

int main(int argc, char** argv) {
    int version = argc > 1 ? atoi(argv[1]) : 1;
    int M = argc > 4 ? atoi(argv[2]) : 256 * 197, N = argc > 4 ? atoi(argv[3]) : 1152, K = argc > 4 ? atoi(argv[4]) : 384;
    int ab = argc > 6 ? atoi(argv[5]) : 4, wb = argc > 6 ? atoi(argv[6]) : 4;
    size_t abytes = ab <= 4 ? (size_t)M * K / 2 : (size_t)M * K, wbytes = wb <= 4 ? (size_t)N * K / 2 : (size_t)N * K;
    uint8_t *qa = (uint8_t*)malloc(abytes), *qw = (uint8_t*)malloc(wbytes);
    for (size_t i = 0; i < abytes; i++) qa[i] = rand_u32();
    for (size_t i = 0; i < wbytes; i++) qw[i] = rand_u32();
    int *za = (int*)malloc(M * 4), *zw = (int*)calloc(N, 4), *wsum = (int*)calloc(N, 4);
    float *sa = (float*)malloc(M * 4), *sw = (float*)malloc(N * 4), *bias = (float*)malloc(N * 4), *ref = (float*)malloc((size_t)M * N * 4);
    for (int m = 0; m < M; m++) { za[m] = rand_u32() % (1 << ab); sa[m] = rand_uniform(1e-3f, 1e-1f); }
    for (int n = 0; n < N; n++) {
        sw[n] = rand_uniform(1e-3f, 1e-1f); bias[n] = rand_uniform(-1, 1);
        for (int k = 0; k < K; k++) wsum[n] += code_at(qw, wb, K, n, k, true);
    }
    int check_rows = M < 2048 ? M : 2048; // the CPU reference on the first rows only: it is slow
    gemm_int_cpu(qa, za, sa, qw, sw, bias, ref, check_rows, N, K, ab, wb);
    uint8_t *d_qa = to_device(qa, abytes), *d_qw = to_device(qw, wbytes);
    int *d_za = to_device(za, M), *d_zw = to_device(zw, N), *d_wsum = to_device(wsum, N);
    float *d_sa = to_device(sa, M), *d_sw = to_device(sw, N), *d_bias = to_device(bias, N), *d_y;
    cuda_check(cudaMalloc(&d_y, (size_t)M * N * 4));
    auto launch = [&]() {
        if (version == 0) {
            gemm_int_kernel0<<<dim3((N + 127) / 128, M), 128>>>(d_qa, d_za, d_sa, d_qw, d_sw, d_bias, d_y, M, N, K, ab, wb);
        } else {
            dim3 grid((N + GI_BN - 1) / GI_BN, (M + GI_BM - 1) / GI_BM);
            auto k = ab <= 4 ? (wb <= 4 ? gemm_int_w4a4_kernel1 : gemm_int_w8a4_kernel1) : (wb <= 4 ? gemm_int_w4a8_kernel1 : gemm_int_w8a8_kernel1);
            k<<<grid, 128>>>(d_qa, d_za, d_sa, 1, d_qw, d_zw, d_sw, d_wsum, d_bias, 0, nullptr, nullptr, d_y, M, N, K);
        }
        cuda_check(cudaGetLastError());
    };
    cuda_check(cudaMemset(d_y, 0xff, (size_t)M * N * 4)); // poisoned: NaN everywhere
    launch();
    cuda_check(cudaDeviceSynchronize());
    validate_result(d_y, ref, "y", (size_t)check_rows * N, 0.0, 0.0); // bit-exact
    float ms = benchmark_kernel(50, launch);
    double tops = 2.0 * M * N * K / (ms * 1e-3) / 1e12;
    printf("version %d W%dA%d %dx%dx%d: %.4f ms, %.1f TOPS\n", version, wb, ab, M, N, K, ms, tops);
    return 0;
}
