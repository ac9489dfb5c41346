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
EXPORT("winograd_input_transform")
void winograd_input_transform(const float* x, int n, int h, int w, int c, const int32_t* out, int first, int count) {
  float* v_out[16];
  for (int k = 0; k < 16; k++) v_out[k] = (k >= first && k < first + count) ? (float*)(uintptr_t)out[k - first] : 0;
  const int th = (h + 1) / 2, tw = (w + 1) / 2;
  const int c4 = c & ~3;
  int64_t t = 0;
  for (int b = 0; b < n; b++) {
    const float* img = x + (int64_t)b * h * w * c;
    for (int ty = 0; ty < th; ty++) {
      for (int tx = 0; tx < tw; tx++, t++) {
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
  }
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
EXPORT("winograd_output_transform")
void winograd_output_transform(const int32_t* m, const float* bias, float* out, int n, int h, int w, int c, int relu) {
  const float* m_in[16];
  for (int k = 0; k < 16; k++) m_in[k] = (const float*)(uintptr_t)m[k];
  const int th = (h + 1) / 2, tw = (w + 1) / 2;
  const int c4 = c & ~3;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  int64_t t = 0;
  for (int b = 0; b < n; b++) {
    float* img = out + (int64_t)b * h * w * c;
    for (int ty = 0; ty < th; ty++) {
      for (int tx = 0; tx < tw; tx++, t++) {
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
  }
}
