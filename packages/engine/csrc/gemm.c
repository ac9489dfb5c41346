/*
 * Packed-weight GEMM for @mrcnn/engine's wasm kernels (float32, SIMD128), computing in the tfjs-wasm
 * backend's memory like roi_align.c and winograd.c (no libc, no data segment, no shadow stack;
 * pointers are byte offsets into that memory):
 *
 *   C[b][i, j] = act(bias[b][j] + sum_p A[b][i, p] * B[b][p, j] (+ R[i, j]))      b < batch
 *
 * B is packed once (at model load, src/ops/packed_gemm_layout.ts) into panels of 8 columns:
 * panel q holds columns 8q..8q+7 as [k][8] (zero past n), so the micro-kernel reads 8 consecutive
 * floats per step. A is read where it lies: row i of image-major 1x1-conv input at
 *   a + (i / (ho * wo)) * a_sb + ((i % (ho * wo)) / wo) * a_sy + (i % wo) * a_sx      (floats)
 * which is a plain [m, k] matrix with ho = 1, wo = m, a_sx = k, and a strided 1x1 convolution's
 * sampled pixels otherwise (no im2col copy).
 *
 * Blocking (Goto/BLIS order): a work item is one (batch, mc rows, nc columns) block; inside it
 * K runs in kc steps, each 8-column panel of the kc x nc block of B stays in L1 while the mc rows
 * of A pass it 4 at a time (4x8 micro-kernel: 8 accumulators, one splatted A value and two B
 * vectors per step; load32_splat keeps the splat off the FP pipes). The first K step starts the
 * accumulators from the bias (as XNNPACK does, so a GEMM without R sums in XNNPACK's order); the
 * last adds R and applies relu. fc6 (1000 x 12544 x 1024) at kc = 512 re-reads its 51 MB weight
 * matrix once per mc rows instead of once per 4 rows: benchmarks/levers/README.md.
 *
 * Threads: work items are claimed with a compare-exchange on `next` = (generation << 16) | item,
 * so the main thread and any helper threads (src/kernels/wasm/gemm_threads.ts) share one job;
 * a helper that wakes late for a finished job claims nothing. The plain (non-shared) build has no
 * atomics feature: clang lowers the atomic builtins to plain loads and stores, right for one thread.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

#ifdef GEMM_FMA
/* relaxed-simd f32x4.relaxed_madd: acc + a * b, fused where the CPU has FMA. clang 14 encodes its
 * prototype `f32x4.fma` (0xfd 0xaf 0x01, operands c, a, b → c + a*b); scripts/build-wasm.mjs
 * re-encodes each one as the final relaxed_madd (0xfd 0x85 0x02, operands a, b, c → a*b + c), so the
 * operands are pushed here in the final order. */
#define MADD(acc, a, b) __builtin_wasm_fma_f32x4((a), (b), (acc))
#else
#define MADD(acc, a, b) wasm_f32x4_add((acc), wasm_f32x4_mul((a), (b)))
#endif

/* The job every thread reads (32 int32 fields, written by the TypeScript kernel): a GEMM, or a
 * Winograd transform (kind) on the same threads. */
typedef struct {
  int32_t wake;      /* 0: helpers wait on this word; the caller stores the generation and notifies */
  int32_t next;      /* 1: (generation << 16) | next item */
  int32_t finished;  /* 2: items done */
  int32_t items;     /* 3 */
  int32_t m, n, k;   /* 4..6 */
  int32_t mc, nc, kc;/* 7..9: block sizes (mc % 4 == 0, nc % 8 == 0) */
  int32_t relu;      /* 10 */
  int32_t a;         /* 11: byte offset of A */
  int32_t a_wo, a_ho, a_sx, a_sy, a_sb; /* 12..16: row addressing (floats) */
  int32_t b;         /* 17: packed B */
  int32_t bias;      /* 18: [n] or 0 */
  int32_t r, ldr;    /* 19, 20: residual [m, ldr] or 0 */
  int32_t c, ldc;    /* 21, 22 */
  int32_t batch;     /* 23 */
  int32_t a_bs, b_bs, c_bs, bias_bs; /* 24..27: strides between batch entries (floats) */
  int32_t kind;      /* 28: JOB_GEMM, or a Winograd transform (below) */
  int32_t per;       /* 29: tiles per work item of a transform */
  int32_t pad[2];
} Job;

/*
 * Transform jobs (csrc/winograd.c's tile loops, split into work items of `per` tiles) reuse the
 * fields: batch = n, m = h, n = w, k = c, kc = output tile (2 or 4);
 *   JOB_WINOGRAD_INPUT:  a = x [n,h,w,c], b = offset table, mc = first position, nc = count;
 *   JOB_WINOGRAD_OUTPUT: a = offset table, bias, c = out [n,h,w,c], relu.
 */
enum { JOB_GEMM = 0, JOB_WINOGRAD_INPUT = 1, JOB_WINOGRAD_OUTPUT = 2 };

void winograd_input_tiles(const float* x, int h, int w, int c, const int32_t* out, int first, int count, int64_t t0, int64_t t1);
void winograd4_input_tiles(const float* x, int h, int w, int c, const int32_t* out, int first, int count, int64_t t0, int64_t t1);
void winograd_output_tiles(const int32_t* m, const float* bias, float* out, int h, int w, int c, int relu, int64_t t0, int64_t t1);
void winograd4_output_tiles(const int32_t* m, const float* bias, float* out, int h, int w, int c, int relu, int64_t t0, int64_t t1);

static inline const float* a_row(const Job* j, const float* a, int i) {
  const int hw = j->a_ho * j->a_wo;
  const int img = i / hw, rem = i - img * hw;
  const int y = rem / j->a_wo, x = rem - y * j->a_wo;
  return a + (int64_t)img * j->a_sb + (int64_t)y * j->a_sy + (int64_t)x * j->a_sx;
}

/* Stores the first `cols` (1..8) lanes of (v0, v1) at p. */
static inline void store_cols(float* p, v128_t v0, v128_t v1, int cols) {
  if (cols == 8) { wasm_v128_store(p, v0); wasm_v128_store(p + 4, v1); return; }
  if (cols >= 4) { wasm_v128_store(p, v0); v0 = v1; p += 4; cols -= 4; }
  if (cols >= 2) { wasm_v128_store64_lane(p, v0, 0); v0 = wasm_i64x2_shuffle(v0, v0, 1, 1); p += 2; cols -= 2; }
  if (cols >= 1) wasm_v128_store32_lane(p, v0, 0);
}

static inline v128_t load_part(const float* p, int cols) { /* lanes past cols: 0 */
  if (cols >= 4) return wasm_v128_load(p);
  v128_t v = wasm_f32x4_splat(0.0f);
  if (cols > 0) v = wasm_v128_load32_lane(p, v, 0);
  if (cols > 1) v = wasm_v128_load32_lane(p + 1, v, 1);
  if (cols > 2) v = wasm_v128_load32_lane(p + 2, v, 2);
  return v;
}

/*
 * One 4x8 tile: rows a0..a3 (kc floats each), B micro-panel bp (kc x 8), C rows c0..c3 (row stride
 * ldc), `rows` (1..4) and `cols` (1..8) of it stored. first: start from bias (bias: 8 floats or 0);
 * else from C. last: + R (r0.., row stride ldr, or 0), relu.
 */
static inline void tile_4x8(int kc, const float* a0, const float* a1, const float* a2, const float* a3,
    const float* bp, float* c, int ldc, int rows, int cols, int first, const float* bias,
    int last, const float* r, int ldr, int relu) {
  v128_t c00, c01, c10, c11, c20, c21, c30, c31;
  if (first) {
    const v128_t z = wasm_f32x4_splat(0.0f);
    const v128_t b0 = bias ? load_part(bias, cols) : z, b1 = bias ? load_part(bias + 4, cols - 4) : z;
    c00 = c10 = c20 = c30 = b0;
    c01 = c11 = c21 = c31 = b1;
  } else if (rows == 4 && cols == 8) {
    c00 = wasm_v128_load(c); c01 = wasm_v128_load(c + 4);
    c10 = wasm_v128_load(c + ldc); c11 = wasm_v128_load(c + ldc + 4);
    c20 = wasm_v128_load(c + 2 * ldc); c21 = wasm_v128_load(c + 2 * ldc + 4);
    c30 = wasm_v128_load(c + 3 * ldc); c31 = wasm_v128_load(c + 3 * ldc + 4);
  } else {
    const int rr = rows - 1; /* rows past `rows` re-read the last one (never stored) */
    const float* p1 = c + (rr < 1 ? rr : 1) * ldc;
    const float* p2 = c + (rr < 2 ? rr : 2) * ldc;
    const float* p3 = c + rr * ldc;
    c00 = load_part(c, cols); c01 = load_part(c + 4, cols - 4);
    c10 = load_part(p1, cols); c11 = load_part(p1 + 4, cols - 4);
    c20 = load_part(p2, cols); c21 = load_part(p2 + 4, cols - 4);
    c30 = load_part(p3, cols); c31 = load_part(p3 + 4, cols - 4);
  }
  for (int p = 0; p < kc; p++) {
    const v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
    bp += 8;
    v128_t a = wasm_v128_load32_splat(a0 + p);
    c00 = MADD(c00, a, b0); c01 = MADD(c01, a, b1);
    a = wasm_v128_load32_splat(a1 + p);
    c10 = MADD(c10, a, b0); c11 = MADD(c11, a, b1);
    a = wasm_v128_load32_splat(a2 + p);
    c20 = MADD(c20, a, b0); c21 = MADD(c21, a, b1);
    a = wasm_v128_load32_splat(a3 + p);
    c30 = MADD(c30, a, b0); c31 = MADD(c31, a, b1);
  }
  if (last) {
    if (r) {
      const int rr = rows - 1;
      const float* q1 = r + (rr < 1 ? rr : 1) * ldr;
      const float* q2 = r + (rr < 2 ? rr : 2) * ldr;
      const float* q3 = r + rr * ldr;
      c00 = wasm_f32x4_add(c00, load_part(r, cols)); c01 = wasm_f32x4_add(c01, load_part(r + 4, cols - 4));
      c10 = wasm_f32x4_add(c10, load_part(q1, cols)); c11 = wasm_f32x4_add(c11, load_part(q1 + 4, cols - 4));
      c20 = wasm_f32x4_add(c20, load_part(q2, cols)); c21 = wasm_f32x4_add(c21, load_part(q2 + 4, cols - 4));
      c30 = wasm_f32x4_add(c30, load_part(q3, cols)); c31 = wasm_f32x4_add(c31, load_part(q3 + 4, cols - 4));
    }
    if (relu) { /* pmax(x, 0) keeps NaN, as tf.relu */
      const v128_t z = wasm_f32x4_splat(0.0f);
      c00 = wasm_f32x4_pmax(c00, z); c01 = wasm_f32x4_pmax(c01, z);
      c10 = wasm_f32x4_pmax(c10, z); c11 = wasm_f32x4_pmax(c11, z);
      c20 = wasm_f32x4_pmax(c20, z); c21 = wasm_f32x4_pmax(c21, z);
      c30 = wasm_f32x4_pmax(c30, z); c31 = wasm_f32x4_pmax(c31, z);
    }
  }
  store_cols(c, c00, c01, cols);
  if (rows > 1) store_cols(c + ldc, c10, c11, cols);
  if (rows > 2) store_cols(c + 2 * ldc, c20, c21, cols);
  if (rows > 3) store_cols(c + 3 * ldc, c30, c31, cols);
}

/* Work item `item`: (batch entry, row block, column block). */
static void run_item(const Job* j, int item) {
  const int mblocks = (j->m + j->mc - 1) / j->mc, nblocks = (j->n + j->nc - 1) / j->nc;
  const int bi = item / (mblocks * nblocks), rem = item - bi * mblocks * nblocks;
  const int ib = rem / nblocks, jb = rem - ib * nblocks;
  const int i0 = ib * j->mc, i1 = i0 + j->mc < j->m ? i0 + j->mc : j->m;
  const int j0 = jb * j->nc, j1 = j0 + j->nc < j->n ? j0 + j->nc : j->n;
  const int k = j->k;
  const float* a = (const float*)(uintptr_t)j->a + (int64_t)bi * j->a_bs;
  const float* b = (const float*)(uintptr_t)j->b + (int64_t)bi * j->b_bs;
  float* c = (float*)(uintptr_t)j->c + (int64_t)bi * j->c_bs;
  const float* bias = j->bias ? (const float*)(uintptr_t)j->bias + (int64_t)bi * j->bias_bs : 0;
  const float* r = j->r ? (const float*)(uintptr_t)j->r : 0;
  for (int p0 = 0; p0 < k; p0 += j->kc) {
    const int kc = p0 + j->kc < k ? j->kc : k - p0;
    const int first = p0 == 0, last = p0 + kc >= k;
    for (int col = j0; col < j1; col += 8) {
      const int cols = j1 - col < 8 ? j1 - col : 8;
      const float* bp = b + (int64_t)col * k + (int64_t)p0 * 8; /* panel col/8, step p0 */
      const float* bb = first && bias ? bias + col : 0;
      for (int i = i0; i < i1; i += 4) {
        const int rows = i1 - i < 4 ? i1 - i : 4;
        const float* a0 = a_row(j, a, i) + p0;
        const float* a1 = rows > 1 ? a_row(j, a, i + 1) + p0 : a0;
        const float* a2 = rows > 2 ? a_row(j, a, i + 2) + p0 : a1;
        const float* a3 = rows > 3 ? a_row(j, a, i + 3) + p0 : a2;
        tile_4x8(kc, a0, a1, a2, a3, bp, c + (int64_t)i * j->ldc + col, j->ldc, rows, cols, first, bb,
          last, r ? r + (int64_t)i * j->ldr + col : 0, j->ldr, j->relu);
      }
    }
  }
}

/* Transform work item `item`: tiles item * per .. of the job's n * ceil(h/tile) * ceil(w/tile). */
static void run_transform_item(const Job* j, int item) {
  const int tile = j->kc;
  const int64_t total = (int64_t)j->batch * ((j->m + tile - 1) / tile) * ((j->n + tile - 1) / tile);
  const int64_t t0 = (int64_t)item * j->per, t1 = t0 + j->per < total ? t0 + j->per : total;
  if (t0 >= t1) return;
  if (j->kind == JOB_WINOGRAD_INPUT) {
    const float* x = (const float*)(uintptr_t)j->a;
    const int32_t* table = (const int32_t*)(uintptr_t)j->b;
    if (tile == 2) winograd_input_tiles(x, j->m, j->n, j->k, table, j->mc, j->nc, t0, t1);
    else winograd4_input_tiles(x, j->m, j->n, j->k, table, j->mc, j->nc, t0, t1);
  } else {
    const int32_t* table = (const int32_t*)(uintptr_t)j->a;
    const float* bias = (const float*)(uintptr_t)j->bias;
    float* out = (float*)(uintptr_t)j->c;
    if (tile == 2) winograd_output_tiles(table, bias, out, j->m, j->n, j->k, j->relu, t0, t1);
    else winograd4_output_tiles(table, bias, out, j->m, j->n, j->k, j->relu, t0, t1);
  }
}

/*
 * Claims and runs work items of `job` for generation `gen` until none are left; returns how many
 * it ran. Every thread of the pool calls this (the caller first).
 */
EXPORT("gemm_run")
int gemm_run(Job* job, int gen) {
  int done = 0;
  for (;;) {
    int w = __atomic_load_n(&job->next, __ATOMIC_ACQUIRE);
    if (((w >> 16) & 0xffff) != (gen & 0xffff)) break;
    const int item = w & 0xffff;
    if (item >= job->items) break;
    if (!__atomic_compare_exchange_n(&job->next, &w, w + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) continue;
    if (job->kind == JOB_GEMM) run_item(job, item);
    else run_transform_item(job, item);
    done++;
    __atomic_fetch_add(&job->finished, 1, __ATOMIC_ACQ_REL);
#ifdef __wasm_atomics__
    __builtin_wasm_memory_atomic_notify(&job->finished, 1); /* the caller may be waiting for the last item */
#endif
  }
  return done;
}
