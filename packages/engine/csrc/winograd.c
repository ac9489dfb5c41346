/*
 * Winograd F(2x2, 3x3) transforms for @mrcnn/engine's wasm kernels (NHWC, float32): a 3x3 stride-1
 * pad-1 convolution becomes input transform → 16 GEMMs [T, Cin] x [Cin, Cout] (tfjs matMul, i.e.
 * XNNPACK on its thread pool) → output transform, with 16 multiplies per 2x2 output tile instead of
 * 36 (Lavin & Gray 2015, "Fast Algorithms for Convolutional Neural Networks").
 *
 *   V = Bt d B,  Bt = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   (d: 4x4 input tile, zero padded)
 *   Y = At M A,  At = [1 1 1 0; 0 1 -1 -1]                        (M: 4x4 GEMM results per tile)
 *
 * Tile t = (n, ty, tx) in row-major order covers output rows 2ty..2ty+1, columns 2tx..2tx+1 and
 * reads input rows 2ty-1..2ty+2, columns 2tx-1..2tx+2. Position k = 4i + j of the 4x4 tile is the
 * k-th of the 16 matrices, each [T, C] row-major. Semantics = src/kernels/cpu/winograd_impl.ts.
 *
 * Same build rules as roi_align.c: no libc, no data segment, no shadow stack; pointers are byte
 * offsets into the tfjs-wasm backend's memory. The 16 matrix offsets arrive in an int32 table.
 * Each transform is a loop over tiles t0 .. t1 - 1 (`*_tiles`, of all n images' tiles), so that
 * csrc/gemm.c's job runner can split it between threads; the exports run every tile.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

/* d[0..16): one 4-channel vector per tile position → v[0..16) = Bt d B. */
static inline void input_tile(const v128_t* d, v128_t* v) {
  v128_t t[16];
  for (int j = 0; j < 4; j++) { /* Bt d: combine rows */
    t[0 + j] = wasm_f32x4_sub(d[0 + j], d[8 + j]);
    t[4 + j] = wasm_f32x4_add(d[4 + j], d[8 + j]);
    t[8 + j] = wasm_f32x4_sub(d[8 + j], d[4 + j]);
    t[12 + j] = wasm_f32x4_sub(d[4 + j], d[12 + j]);
  }
  for (int i = 0; i < 4; i++) { /* (Bt d) B: combine columns */
    const v128_t* r = t + 4 * i;
    v[4 * i + 0] = wasm_f32x4_sub(r[0], r[2]);
    v[4 * i + 1] = wasm_f32x4_add(r[1], r[2]);
    v[4 * i + 2] = wasm_f32x4_sub(r[2], r[1]);
    v[4 * i + 3] = wasm_f32x4_sub(r[1], r[3]);
  }
}

/* Scalar twin of input_tile for the last (c % 4) channels. */
static inline void input_tile_1(const float* d, float* v) {
  float t[16];
  for (int j = 0; j < 4; j++) {
    t[0 + j] = d[0 + j] - d[8 + j];
    t[4 + j] = d[4 + j] + d[8 + j];
    t[8 + j] = d[8 + j] - d[4 + j];
    t[12 + j] = d[4 + j] - d[12 + j];
  }
  for (int i = 0; i < 4; i++) {
    const float* r = t + 4 * i;
    v[4 * i + 0] = r[0] - r[2];
    v[4 * i + 1] = r[1] + r[2];
    v[4 * i + 2] = r[2] - r[1];
    v[4 * i + 3] = r[1] - r[3];
  }
}

/*
 * x: [n, h, w, c]; out: table of `count` offsets of [T, c] matrices, T = n * ceil(h/2) * ceil(w/2),
 * for the tile positions first .. first + count - 1 (a caller short of memory takes them in groups).
 */
void winograd_input_tiles(const float* x, int h, int w, int c, const int32_t* out, int first, int count, int64_t t0, int64_t t1) {
  float* v_out[16];
  for (int k = 0; k < 16; k++) v_out[k] = (k >= first && k < first + count) ? (float*)(uintptr_t)out[k - first] : 0;
  const int th = (h + 1) / 2, tw = (w + 1) / 2;
  const int c4 = c & ~3;
  const int64_t per_image = (int64_t)th * tw;
  for (int64_t t = t0; t < t1; t++) {
    const int b = (int)(t / per_image), rest = (int)(t - b * per_image);
    const int ty = rest / tw, tx = rest - ty * tw;
    const float* img = x + (int64_t)b * h * w * c;
    const float* px[16]; /* NULL where the tile position is padding */
    for (int i = 0; i < 4; i++) {
      const int y = 2 * ty - 1 + i;
      for (int j = 0; j < 4; j++) {
        const int xx = 2 * tx - 1 + j;
        px[4 * i + j] = (y >= 0 && y < h && xx >= 0 && xx < w) ? img + ((int64_t)y * w + xx) * c : 0;
      }
    }
    const int64_t row = t * c;
    int ch = 0;
    for (; ch < c4; ch += 4) {
      v128_t d[16], v[16];
      for (int k = 0; k < 16; k++) d[k] = px[k] ? wasm_v128_load(px[k] + ch) : wasm_f32x4_splat(0.0f);
      input_tile(d, v);
      for (int k = 0; k < 16; k++) if (v_out[k]) wasm_v128_store(v_out[k] + row + ch, v[k]);
    }
    for (; ch < c; ch++) {
      float d[16], v[16];
      for (int k = 0; k < 16; k++) d[k] = px[k] ? px[k][ch] : 0.0f;
      input_tile_1(d, v);
      for (int k = 0; k < 16; k++) if (v_out[k]) v_out[k][row + ch] = v[k];
    }
  }
}

EXPORT("winograd_input_transform")
void winograd_input_transform(const float* x, int n, int h, int w, int c, const int32_t* out, int first, int count) {
  winograd_input_tiles(x, h, w, c, out, first, count, 0, (int64_t)n * ((h + 1) / 2) * ((w + 1) / 2));
}

/* m[0..16) → y[0..4) = At m A (2x2, row-major). */
static inline void output_tile(const v128_t* m, v128_t* y) {
  v128_t s0[4], s1[4];
  for (int j = 0; j < 4; j++) {
    s0[j] = wasm_f32x4_add(wasm_f32x4_add(m[0 + j], m[4 + j]), m[8 + j]);
    s1[j] = wasm_f32x4_sub(wasm_f32x4_sub(m[4 + j], m[8 + j]), m[12 + j]);
  }
  y[0] = wasm_f32x4_add(wasm_f32x4_add(s0[0], s0[1]), s0[2]);
  y[1] = wasm_f32x4_sub(wasm_f32x4_sub(s0[1], s0[2]), s0[3]);
  y[2] = wasm_f32x4_add(wasm_f32x4_add(s1[0], s1[1]), s1[2]);
  y[3] = wasm_f32x4_sub(wasm_f32x4_sub(s1[1], s1[2]), s1[3]);
}

static inline void output_tile_1(const float* m, float* y) {
  float s0[4], s1[4];
  for (int j = 0; j < 4; j++) {
    s0[j] = (m[0 + j] + m[4 + j]) + m[8 + j];
    s1[j] = (m[4 + j] - m[8 + j]) - m[12 + j];
  }
  y[0] = (s0[0] + s0[1]) + s0[2];
  y[1] = (s0[1] - s0[2]) - s0[3];
  y[2] = (s1[0] + s1[1]) + s1[2];
  y[3] = (s1[1] - s1[2]) - s1[3];
}

/*
 * m: table of 16 offsets of [T, c] GEMM results; bias: [c] or 0; out: [n, h, w, c];
 * relu: 1 to clamp at 0 after the bias.
 */
void winograd_output_tiles(const int32_t* m, const float* bias, float* out, int h, int w, int c, int relu, int64_t t0, int64_t t1) {
  const float* m_in[16];
  for (int k = 0; k < 16; k++) m_in[k] = (const float*)(uintptr_t)m[k];
  const int th = (h + 1) / 2, tw = (w + 1) / 2;
  const int c4 = c & ~3;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const int64_t per_image = (int64_t)th * tw;
  for (int64_t t = t0; t < t1; t++) {
    const int b = (int)(t / per_image), rest = (int)(t - b * per_image);
    const int ty = rest / tw, tx = rest - ty * tw;
    float* img = out + (int64_t)b * h * w * c;
    float* py[4]; /* NULL where the 2x2 tile overhangs an odd-sized map */
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        const int y = 2 * ty + i, xx = 2 * tx + j;
        py[2 * i + j] = (y < h && xx < w) ? img + ((int64_t)y * w + xx) * c : 0;
      }
    }
    const int64_t row = t * c;
    int ch = 0;
    for (; ch < c4; ch += 4) {
      v128_t mm[16], y[4];
      for (int k = 0; k < 16; k++) mm[k] = wasm_v128_load(m_in[k] + row + ch);
      output_tile(mm, y);
      const v128_t bv = bias ? wasm_v128_load(bias + ch) : zero;
      for (int q = 0; q < 4; q++) {
        if (!py[q]) continue;
        v128_t r = wasm_f32x4_add(y[q], bv);
        if (relu) r = wasm_f32x4_pmax(r, zero);
        wasm_v128_store(py[q] + ch, r);
      }
    }
    for (; ch < c; ch++) {
      float mm[16], y[4];
      for (int k = 0; k < 16; k++) mm[k] = m_in[k][row + ch];
      output_tile_1(mm, y);
      const float bv = bias ? bias[ch] : 0.0f;
      for (int q = 0; q < 4; q++) {
        if (!py[q]) continue;
        float r = y[q] + bv;
        if (relu && r < 0.0f) r = 0.0f; /* as wasm_f32x4_pmax(r, 0) and tf.relu: NaN stays */
        py[q][ch] = r;
      }
    }
  }
}

EXPORT("winograd_output_transform")
void winograd_output_transform(const int32_t* m, const float* bias, float* out, int n, int h, int w, int c, int relu) {
  winograd_output_tiles(m, bias, out, h, w, c, relu, 0, (int64_t)n * ((h + 1) / 2) * ((w + 1) / 2));
}

/*
 * Winograd F(4x4, 3x3) (Lavin & Gray 2015; interpolation points 0, ±1, ±2): 36 multiplies per 4x4
 * output tile instead of 144 (4x fewer than direct, against F(2x2)'s 2.25x), larger transform
 * constants, hence larger float32 rounding (benchmarks/levers/README.md measures it against a
 * float64 direct convolution). Same layout as above with 6x6 input tiles and 36 positions:
 *
 *   V = Bt d B,  Bt = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
 *   Y = At M A,  At = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
 *
 * Tile t = (n, ty, tx) covers output rows 4ty..4ty+3, columns 4tx..4tx+3, reads input rows
 * 4ty-1..4ty+4 and columns 4tx-1..4tx+4 (zero outside). Semantics = src/kernels/cpu/winograd4_impl.ts.
 */

/* o = Bt a (6 vectors), in the summation order of winograd4_impl.ts. */
#define BT6(a0, a1, a2, a3, a4, a5, o0, o1, o2, o3, o4, o5) do { \
    const v128_t four_ = wasm_f32x4_splat(4.0f), five_ = wasm_f32x4_splat(5.0f), two_ = wasm_f32x4_splat(2.0f); \
    o0 = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(four_, a0), wasm_f32x4_mul(five_, a2)), a4); \
    o1 = wasm_f32x4_sub(wasm_f32x4_add(a3, a4), wasm_f32x4_mul(four_, wasm_f32x4_add(a1, a2))); \
    o2 = wasm_f32x4_add(wasm_f32x4_mul(four_, wasm_f32x4_sub(a1, a2)), wasm_f32x4_sub(a4, a3)); \
    o3 = wasm_f32x4_add(wasm_f32x4_mul(two_, wasm_f32x4_sub(a3, a1)), wasm_f32x4_sub(a4, a2)); \
    o4 = wasm_f32x4_add(wasm_f32x4_mul(two_, wasm_f32x4_sub(a1, a3)), wasm_f32x4_sub(a4, a2)); \
    o5 = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(four_, a1), wasm_f32x4_mul(five_, a3)), a5); \
  } while (0)

#define BT6_1(a0, a1, a2, a3, a4, a5, o0, o1, o2, o3, o4, o5) do { \
    o0 = (4.0f * (a0) - 5.0f * (a2)) + (a4); \
    o1 = ((a3) + (a4)) - 4.0f * ((a1) + (a2)); \
    o2 = 4.0f * ((a1) - (a2)) + ((a4) - (a3)); \
    o3 = 2.0f * ((a3) - (a1)) + ((a4) - (a2)); \
    o4 = 2.0f * ((a1) - (a3)) + ((a4) - (a2)); \
    o5 = (4.0f * (a1) - 5.0f * (a3)) + (a5); \
  } while (0)

/* o = At m (6 → 4 vectors). */
#define AT6(m0, m1, m2, m3, m4, m5, o0, o1, o2, o3) do { \
    const v128_t two_ = wasm_f32x4_splat(2.0f), four_ = wasm_f32x4_splat(4.0f), eight_ = wasm_f32x4_splat(8.0f); \
    const v128_t p12_ = wasm_f32x4_add(m1, m2), d12_ = wasm_f32x4_sub(m1, m2); \
    const v128_t p34_ = wasm_f32x4_add(m3, m4), d34_ = wasm_f32x4_sub(m3, m4); \
    o0 = wasm_f32x4_add(wasm_f32x4_add(m0, p12_), p34_); \
    o1 = wasm_f32x4_add(d12_, wasm_f32x4_mul(two_, d34_)); \
    o2 = wasm_f32x4_add(p12_, wasm_f32x4_mul(four_, p34_)); \
    o3 = wasm_f32x4_add(wasm_f32x4_add(d12_, wasm_f32x4_mul(eight_, d34_)), m5); \
  } while (0)

#define AT6_1(m0, m1, m2, m3, m4, m5, o0, o1, o2, o3) do { \
    const float p12_ = (m1) + (m2), d12_ = (m1) - (m2), p34_ = (m3) + (m4), d34_ = (m3) - (m4); \
    o0 = ((m0) + p12_) + p34_; \
    o1 = d12_ + 2.0f * d34_; \
    o2 = p12_ + 4.0f * p34_; \
    o3 = (d12_ + 8.0f * d34_) + (m5); \
  } while (0)

/* The 6 input pointers of tile row y (NULL where padding) and the row transform over columns. */
#define ROW_PTRS(y, p) \
  const float* p##0 = 0; const float* p##1 = 0; const float* p##2 = 0; \
  const float* p##3 = 0; const float* p##4 = 0; const float* p##5 = 0; \
  if ((y) >= 0 && (y) < h) { \
    const float* row_ = img + (int64_t)(y) * w * c; \
    p##0 = (x0 + 0 >= 0 && x0 + 0 < w) ? row_ + (int64_t)(x0 + 0) * c : 0; \
    p##1 = (x0 + 1 >= 0 && x0 + 1 < w) ? row_ + (int64_t)(x0 + 1) * c : 0; \
    p##2 = (x0 + 2 >= 0 && x0 + 2 < w) ? row_ + (int64_t)(x0 + 2) * c : 0; \
    p##3 = (x0 + 3 >= 0 && x0 + 3 < w) ? row_ + (int64_t)(x0 + 3) * c : 0; \
    p##4 = (x0 + 4 >= 0 && x0 + 4 < w) ? row_ + (int64_t)(x0 + 4) * c : 0; \
    p##5 = (x0 + 5 >= 0 && x0 + 5 < w) ? row_ + (int64_t)(x0 + 5) * c : 0; \
  }

#define LD(p, ch) ((p) ? wasm_v128_load((p) + (ch)) : zero)
#define LD1(p, ch) ((p) ? (p)[ch] : 0.0f)

/* Row transform of input row r (pointers q0..q5) at channel ch: u##r##0..5 = Bt (d[r][0..5]). */
#define ROWT(r, q, ch) \
  v128_t u##r##0, u##r##1, u##r##2, u##r##3, u##r##4, u##r##5; \
  BT6(LD(q##0, ch), LD(q##1, ch), LD(q##2, ch), LD(q##3, ch), LD(q##4, ch), LD(q##5, ch), \
      u##r##0, u##r##1, u##r##2, u##r##3, u##r##4, u##r##5)

#define ROWT1(r, q, ch) \
  float u##r##0, u##r##1, u##r##2, u##r##3, u##r##4, u##r##5; \
  BT6_1(LD1(q##0, ch), LD1(q##1, ch), LD1(q##2, ch), LD1(q##3, ch), LD1(q##4, ch), LD1(q##5, ch), \
      u##r##0, u##r##1, u##r##2, u##r##3, u##r##4, u##r##5)

/* Column j: v[i][j] = Bt (u[0..5][j]), stored at positions 6i + j. */
#define COLT(j) do { \
    v128_t v0, v1, v2, v3, v4, v5; \
    BT6(u0##j, u1##j, u2##j, u3##j, u4##j, u5##j, v0, v1, v2, v3, v4, v5); \
    STV(0 + j, v0); STV(6 + j, v1); STV(12 + j, v2); STV(18 + j, v3); STV(24 + j, v4); STV(30 + j, v5); \
  } while (0)

#define COLT1(j) do { \
    float v0, v1, v2, v3, v4, v5; \
    BT6_1(u0##j, u1##j, u2##j, u3##j, u4##j, u5##j, v0, v1, v2, v3, v4, v5); \
    STS(0 + j, v0); STS(6 + j, v1); STS(12 + j, v2); STS(18 + j, v3); STS(24 + j, v4); STS(30 + j, v5); \
  } while (0)

#define STV(k, v) do { float* o_ = pos(out, k, first, count); if (o_) wasm_v128_store(o_ + row + ch, v); } while (0)
#define STS(k, v) do { float* o_ = pos(out, k, first, count); if (o_) o_[row + ch] = v; } while (0)

static inline float* pos(const int32_t* table, int k, int first, int count) {
  return (k >= first && k < first + count) ? (float*)(uintptr_t)table[k - first] : 0;
}

/*
 * x: [n, h, w, c]; out: table of `count` offsets of [T, c] matrices, T = n * ceil(h/4) * ceil(w/4),
 * for tile positions first .. first + count - 1 (of 36).
 */
void winograd4_input_tiles(const float* x, int h, int w, int c, const int32_t* out, int first, int count, int64_t t0, int64_t t1) {
  const int th = (h + 3) / 4, tw = (w + 3) / 4;
  const int c4 = c & ~3;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const int64_t per_image = (int64_t)th * tw;
  for (int64_t t = t0; t < t1; t++) {
    const int b = (int)(t / per_image), rest = (int)(t - b * per_image);
    const int ty = rest / tw, tx = rest - ty * tw;
    const float* img = x + (int64_t)b * h * w * c;
    const int y0 = 4 * ty - 1;
    const int x0 = 4 * tx - 1;
    ROW_PTRS(y0 + 0, pa) ROW_PTRS(y0 + 1, pb) ROW_PTRS(y0 + 2, pc)
    ROW_PTRS(y0 + 3, pd) ROW_PTRS(y0 + 4, pe) ROW_PTRS(y0 + 5, pf)
    const int64_t row = t * c;
    int ch = 0;
    for (; ch < c4; ch += 4) {
      ROWT(0, pa, ch); ROWT(1, pb, ch); ROWT(2, pc, ch); ROWT(3, pd, ch); ROWT(4, pe, ch); ROWT(5, pf, ch);
      COLT(0); COLT(1); COLT(2); COLT(3); COLT(4); COLT(5);
    }
    for (; ch < c; ch++) {
      ROWT1(0, pa, ch); ROWT1(1, pb, ch); ROWT1(2, pc, ch); ROWT1(3, pd, ch); ROWT1(4, pe, ch); ROWT1(5, pf, ch);
      COLT1(0); COLT1(1); COLT1(2); COLT1(3); COLT1(4); COLT1(5);
    }
  }
}

/* relu as pmax(r, 0): NaN stays. */
static inline float act1(float r, int relu) { return relu && r < 0.0f ? 0.0f : r; }

/* Loads the 6 products of row i of the 6x6 tile (positions 6i..6i+5) and transforms the columns. */
#define MLD(k) wasm_v128_load(m_in##k + row + ch)
#define MLD1(k) (m_in##k[row + ch])

/*
 * m: table of 36 offsets of [T, c] GEMM results; bias: [c] or 0; out: [n, h, w, c]; relu: 1 to
 * clamp at 0 after the bias.
 */
void winograd4_output_tiles(const int32_t* m, const float* bias, float* out, int h, int w, int c, int relu, int64_t t0, int64_t t1) {
#define MP(k) const float* m_in##k = (const float*)(uintptr_t)m[k];
  MP(0) MP(1) MP(2) MP(3) MP(4) MP(5) MP(6) MP(7) MP(8) MP(9) MP(10) MP(11) MP(12) MP(13) MP(14) MP(15) MP(16) MP(17)
  MP(18) MP(19) MP(20) MP(21) MP(22) MP(23) MP(24) MP(25) MP(26) MP(27) MP(28) MP(29) MP(30) MP(31) MP(32) MP(33) MP(34) MP(35)
#undef MP
  const int th = (h + 3) / 4, tw = (w + 3) / 4;
  const int c4 = c & ~3;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const int64_t per_image = (int64_t)th * tw;
  for (int64_t t = t0; t < t1; t++) {
    const int b = (int)(t / per_image), rest = (int)(t - b * per_image);
    const int ty = rest / tw, tx = rest - ty * tw;
    float* img = out + (int64_t)b * h * w * c;
    const int rows = h - 4 * ty < 4 ? h - 4 * ty : 4, cols = w - 4 * tx < 4 ? w - 4 * tx : 4;
    float* base = img + ((int64_t)(4 * ty) * w + 4 * tx) * c;
    const int64_t row = t * c;
    int ch = 0;
    for (; ch < c4; ch += 4) {
      /* columns first: s[i][j] = At (m[0..5][j]) */
      v128_t s00, s10, s20, s30, s01, s11, s21, s31, s02, s12, s22, s32;
      v128_t s03, s13, s23, s33, s04, s14, s24, s34, s05, s15, s25, s35;
      AT6(MLD(0), MLD(6), MLD(12), MLD(18), MLD(24), MLD(30), s00, s10, s20, s30);
      AT6(MLD(1), MLD(7), MLD(13), MLD(19), MLD(25), MLD(31), s01, s11, s21, s31);
      AT6(MLD(2), MLD(8), MLD(14), MLD(20), MLD(26), MLD(32), s02, s12, s22, s32);
      AT6(MLD(3), MLD(9), MLD(15), MLD(21), MLD(27), MLD(33), s03, s13, s23, s33);
      AT6(MLD(4), MLD(10), MLD(16), MLD(22), MLD(28), MLD(34), s04, s14, s24, s34);
      AT6(MLD(5), MLD(11), MLD(17), MLD(23), MLD(29), MLD(35), s05, s15, s25, s35);
      const v128_t bv = bias ? wasm_v128_load(bias + ch) : zero;
#define OUT_ROW(i) do { \
        if (i < rows) { \
          v128_t y0, y1, y2, y3; \
          AT6(s##i##0, s##i##1, s##i##2, s##i##3, s##i##4, s##i##5, y0, y1, y2, y3); \
          float* q = base + (int64_t)(i) * w * c + ch; \
          y0 = wasm_f32x4_add(y0, bv); y1 = wasm_f32x4_add(y1, bv); y2 = wasm_f32x4_add(y2, bv); y3 = wasm_f32x4_add(y3, bv); \
          if (relu) { y0 = wasm_f32x4_pmax(y0, zero); y1 = wasm_f32x4_pmax(y1, zero); y2 = wasm_f32x4_pmax(y2, zero); y3 = wasm_f32x4_pmax(y3, zero); } \
          wasm_v128_store(q, y0); \
          if (cols > 1) wasm_v128_store(q + c, y1); \
          if (cols > 2) wasm_v128_store(q + 2 * c, y2); \
          if (cols > 3) wasm_v128_store(q + 3 * c, y3); \
        } \
      } while (0)
      OUT_ROW(0); OUT_ROW(1); OUT_ROW(2); OUT_ROW(3);
#undef OUT_ROW
    }
    for (; ch < c; ch++) {
      float s00, s10, s20, s30, s01, s11, s21, s31, s02, s12, s22, s32;
      float s03, s13, s23, s33, s04, s14, s24, s34, s05, s15, s25, s35;
      AT6_1(MLD1(0), MLD1(6), MLD1(12), MLD1(18), MLD1(24), MLD1(30), s00, s10, s20, s30);
      AT6_1(MLD1(1), MLD1(7), MLD1(13), MLD1(19), MLD1(25), MLD1(31), s01, s11, s21, s31);
      AT6_1(MLD1(2), MLD1(8), MLD1(14), MLD1(20), MLD1(26), MLD1(32), s02, s12, s22, s32);
      AT6_1(MLD1(3), MLD1(9), MLD1(15), MLD1(21), MLD1(27), MLD1(33), s03, s13, s23, s33);
      AT6_1(MLD1(4), MLD1(10), MLD1(16), MLD1(22), MLD1(28), MLD1(34), s04, s14, s24, s34);
      AT6_1(MLD1(5), MLD1(11), MLD1(17), MLD1(23), MLD1(29), MLD1(35), s05, s15, s25, s35);
      const float bv = bias ? bias[ch] : 0.0f;
#define OUT_ROW1(i) do { \
        if (i < rows) { \
          float y0, y1, y2, y3; \
          AT6_1(s##i##0, s##i##1, s##i##2, s##i##3, s##i##4, s##i##5, y0, y1, y2, y3); \
          float* q = base + (int64_t)(i) * w * c + ch; \
          q[0] = act1(y0 + bv, relu); \
          if (cols > 1) q[c] = act1(y1 + bv, relu); \
          if (cols > 2) q[2 * c] = act1(y2 + bv, relu); \
          if (cols > 3) q[3 * c] = act1(y3 + bv, relu); \
        } \
      } while (0)
      OUT_ROW1(0); OUT_ROW1(1); OUT_ROW1(2); OUT_ROW1(3);
#undef OUT_ROW1
    }
  }
}
