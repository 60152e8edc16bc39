// __shfl_*_sync in every mode, with whole-warp and 8-lane segments (width), for the PTX shfl.sync clamp and segment mask.
extern "C" __global__ void warp_shuffle(const int* in, const int* lanes, int* out) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;
  int v = in[t], s = lanes[t];
  int* o = out + 8 * t;
  o[0] = __shfl_sync(0xffffffffu, v, s);
  o[1] = __shfl_sync(0xffffffffu, v, s, 8);
  o[2] = __shfl_up_sync(0xffffffffu, v, s & 7);
  o[3] = __shfl_up_sync(0xffffffffu, v, s & 7, 8);
  o[4] = __shfl_down_sync(0xffffffffu, v, s & 7);
  o[5] = __shfl_down_sync(0xffffffffu, v, s & 7, 8);
  o[6] = __shfl_xor_sync(0xffffffffu, v, s & 31);
  o[7] = __shfl_xor_sync(0xffffffffu, v, s & 31, 8);
}
