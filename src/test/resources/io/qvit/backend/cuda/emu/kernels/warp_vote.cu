// Warp collectives the interpreter implements itself: ballot/all/any, __syncwarp, redux.sync and match.sync.
extern "C" __global__ void warp_vote(const int* in, unsigned* out) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;
  int v = in[t];
  unsigned* o = out + 6 * t;
  o[0] = __ballot_sync(0xffffffffu, v > 0);
  o[1] = __all_sync(0xffffffffu, v > -50);
  // only the lower half-warp takes part in the first vote: a member mask must hold the lane giving it
  o[2] = ((threadIdx.x & 31) < 16 ? __any_sync(0x0000ffffu, v > 90) : 0) | 2u * __any_sync(0xffffffffu, v > 90);
  __syncwarp();
  o[3] = __reduce_add_sync(0xffffffffu, (unsigned)v);
  o[4] = (unsigned)__reduce_max_sync(0xffffffffu, v);
  o[5] = __match_any_sync(0xffffffffu, v & 3);
}
