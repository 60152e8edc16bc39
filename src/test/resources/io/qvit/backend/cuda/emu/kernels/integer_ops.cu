// Integer instruction families, 16 results per element: shifts with counts of 32 and more (inline
// asm, since C++ makes them undefined), prmt, mul.hi, popc, clz, brev, div/rem, min/max, bfe, bfind.
extern "C" __global__ void integer_ops(const unsigned* a, const unsigned* b, unsigned* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  unsigned x = a[i], y = b[i];
  unsigned* o = out + 16 * i;
  o[0] = x << (y & 31);
  o[1] = x >> (y & 31);
  o[2] = (int)x >> (y & 31);
  o[3] = __byte_perm(x, y, y);
  o[4] = __umulhi(x, y);
  o[5] = __popc(x) + __clz(y);
  o[6] = __brev(x);
  o[7] = (x / (y | 1)) ^ (x % (y | 1));
  o[8] = ((int)x) / ((int)y | 1);
  o[9] = min((int)x, (int)y);
  o[10] = max(x, y);
  unsigned r;
  asm("bfe.u32 %0, %1, %2, %3;" : "=r"(r) : "r"(x), "r"(y & 63), "r"((y >> 8) & 63));
  o[11] = r;
  asm("bfe.s32 %0, %1, %2, %3;" : "=r"(r) : "r"(x), "r"(y & 63), "r"((y >> 8) & 63));
  o[12] = r;
  asm("shl.b32 %0, %1, %2;" : "=r"(r) : "r"(x), "r"(y & 63));
  o[13] = r;
  asm("shr.s32 %0, %1, %2;" : "=r"(r) : "r"(x), "r"(y & 63));
  o[14] = r;
  o[15] = __ffs(x) + (x & y) - (x | ~y);
}

// 64-bit forms: mul.hi.s64, mul.wide.s32, shifts of 64-bit values by counts up to 127, signed rem.
extern "C" __global__ void integer_ops64(const long long* a, const long long* b, long long* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  long long x = a[i], y = b[i];
  long long* o = out + 6 * i;
  o[0] = __mul64hi(x, y);
  o[1] = (long long)(int)x * (long long)(int)y;
  long long r;
  asm("shl.b64 %0, %1, %2;" : "=l"(r) : "l"(x), "r"((unsigned)(y & 127)));
  o[2] = r;
  asm("shr.s64 %0, %1, %2;" : "=l"(r) : "l"(x), "r"((unsigned)(y & 127)));
  o[3] = r;
  o[4] = x % (y | 1);
  o[5] = (unsigned long long)x / ((unsigned long long)y | 1);
}
