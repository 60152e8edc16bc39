// Shared by the dev/ programs (llm.c's dev/cuda/common.h in spirit): error checks, random inputs,
// validate_result and benchmark_kernel. Host code for a GPU machine; nothing here is in the library.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <cstdint>
#include <cuda_runtime.h>

#define cuda_check(call)                                                                      \
    do {                                                                                      \
        cudaError_t e_ = (call);                                                              \
        if (e_ != cudaSuccess) {                                                              \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e_)); \
            exit(1);                                                                          \
        }                                                                                     \
    } while (0)

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static inline uint32_t rand_u32() { // xorshift64*
    rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}
static inline float rand_uniform(float lo, float hi) { return lo + (hi - lo) * (rand_u32() >> 8) * (1.0f / 16777216.0f); }

template <class T>
static T* to_device(const T* host, size_t n) {
    T* d;
    cuda_check(cudaMalloc(&d, n * sizeof(T)));
    cuda_check(cudaMemcpy(d, host, n * sizeof(T), cudaMemcpyHostToDevice));
    return d;
}

// Every element checked: |out - ref| <= atol + rtol * |ref|; prints the first few mismatches, exits on any.
template <class T>
static void validate_result(const T* device, const T* ref, const char* name, size_t n, double atol, double rtol) {
    T* out = (T*)malloc(n * sizeof(T));
    cuda_check(cudaMemcpy(out, device, n * sizeof(T), cudaMemcpyDeviceToHost));
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        double r = (double)ref[i], o = (double)out[i];
        if (!(fabs(o - r) <= atol + rtol * fabs(r))) {
            if (bad < 5) printf("  %s[%zu]: %.9g, expected %.9g\n", name, i, o, r);
            bad++;
        }
    }
    free(out);
    if (bad) { printf("%s: %d of %zu wrong\n", name, bad, n); exit(1); }
    printf("%s: all %zu correct\n", name, n);
}

// Median of `repeats` timed launches (ms), each after flushing L2 with a 64 MB write.
template <class F>
static float benchmark_kernel(int repeats, F launch) {
    static char* flush = nullptr;
    const size_t flush_bytes = 64u << 20;
    if (!flush) cuda_check(cudaMalloc(&flush, flush_bytes));
    cudaEvent_t a, b;
    cuda_check(cudaEventCreate(&a));
    cuda_check(cudaEventCreate(&b));
    float* ms = (float*)malloc(repeats * sizeof(float));
    for (int i = 0; i < repeats; i++) {
        cuda_check(cudaMemset(flush, i, flush_bytes));
        cuda_check(cudaEventRecord(a));
        launch();
        cuda_check(cudaEventRecord(b));
        cuda_check(cudaEventSynchronize(b));
        cuda_check(cudaEventElapsedTime(&ms[i], a, b));
    }
    for (int i = 1; i < repeats; i++) // insertion sort: repeats is small
        for (int j = i; j > 0 && ms[j] < ms[j - 1]; j--) { float t = ms[j]; ms[j] = ms[j - 1]; ms[j - 1] = t; }
    float median = ms[repeats / 2];
    free(ms);
    return median;
}
