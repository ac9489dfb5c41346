/*
 * Multi-level RoIAlign for @mrcnn/engine's wasm kernel (NHWC, batch 1, float32).
 *
 * Built with clang --target=wasm32 -msimd128 -mbulk-memory -O3 -nostdlib and linked with
 * wasm-ld --import-memory: the module has no memory of its own, no data segment and uses no
 * shadow stack. It runs on the tfjs-wasm backend's WebAssembly.Memory: every pointer below is a
 * byte offset into that memory (tensor data as tfjs allocated it), so nothing is copied.
 *
 * Semantics = src/kernels/cpu/multi_level_roi_align_impl.ts (torchvision roi_align; Caffe2 when
 * not aligned). Geometry in double as the JS reference; accumulation in float32 SIMD over channels.
 */
#include <stdint.h>
#include <wasm_simd128.h>

/* One pyramid level, 32 bytes, written by the JS kernel (see src/kernels/wasm/MultiLevelRoIAlign.ts). */
typedef struct {
  int32_t data;          /* byte offset of the [H, W, C] map */
  int32_t height;
  int32_t width;
  int32_t pad;
  double scale;          /* spatial scale, e.g. 1/4 */
  double min_area;       /* a RoI goes to this level or a coarser one iff area >= min_area (level 0: 0) */
} Level;

#define EXPORT(name) __attribute__((export_name(name)))

static inline double dmax(double a, double b) { return a > b ? a : b; }

static inline int level_of(const Level* levels, int num_levels, double area) {
  int li = 0;
  for (int i = 1; i < num_levels; i++) {
    if (area >= levels[i].min_area) li = i;
  }
  return li;
}

/* acc[0..c) += bilinear(map, y, x) with torchvision's border rules. */
static inline void accumulate(float* acc, const float* map, int height, int width, int c, double y, double x) {
  if (y < -1.0 || y > height || x < -1.0 || x > width) return;
  if (y <= 0) y = 0;
  if (x <= 0) x = 0;
  int y0 = (int)y, x0 = (int)x, y1, x1;
  if (y0 >= height - 1) { y0 = y1 = height - 1; y = y0; } else { y1 = y0 + 1; }
  if (x0 >= width - 1) { x0 = x1 = width - 1; x = x0; } else { x1 = x0 + 1; }
  const double ly = y - y0, lx = x - x0, hy = 1.0 - ly, hx = 1.0 - lx;
  const float w00 = (float)(hy * hx), w01 = (float)(hy * lx), w10 = (float)(ly * hx), w11 = (float)(ly * lx);
  const float* p00 = map + ((int64_t)y0 * width + x0) * c;
  const float* p01 = map + ((int64_t)y0 * width + x1) * c;
  const float* p10 = map + ((int64_t)y1 * width + x0) * c;
  const float* p11 = map + ((int64_t)y1 * width + x1) * c;
  const v128_t v00 = wasm_f32x4_splat(w00), v01 = wasm_f32x4_splat(w01);
  const v128_t v10 = wasm_f32x4_splat(w10), v11 = wasm_f32x4_splat(w11);
  int k = 0;
  for (; k + 4 <= c; k += 4) {
    v128_t s = wasm_v128_load(acc + k);
    s = wasm_f32x4_add(s, wasm_f32x4_mul(v00, wasm_v128_load(p00 + k)));
    s = wasm_f32x4_add(s, wasm_f32x4_mul(v01, wasm_v128_load(p01 + k)));
    s = wasm_f32x4_add(s, wasm_f32x4_mul(v10, wasm_v128_load(p10 + k)));
    s = wasm_f32x4_add(s, wasm_f32x4_mul(v11, wasm_v128_load(p11 + k)));
    wasm_v128_store(acc + k, s);
  }
  for (; k < c; k++) acc[k] += w00 * p00[k] + w01 * p01[k] + w10 * p10[k] + w11 * p11[k];
}

/*
 * rois: [num_rois, 4] x1 y1 x2 y2 (image pixels); out: [num_rois, n, n, c], overwritten.
 * levels: num_levels Level records. sampling_ratio 0 = adaptive; aligned: half-pixel offset;
 * legacy_plus_one: level-mapping area (x2-x1+1)(y2-y1+1) instead of (x2-x1)(y2-y1).
 */
EXPORT("multi_level_roi_align")
void multi_level_roi_align(const float* rois, int num_rois, float* out, int c, int n, int sampling_ratio,
                           int aligned, int legacy_plus_one, const Level* levels, int num_levels) {
  const double offset = aligned ? 0.5 : 0.0;
  const double plus = legacy_plus_one ? 1.0 : 0.0;
  for (int r = 0; r < num_rois; r++) {
    const double rx1 = rois[4 * r], ry1 = rois[4 * r + 1], rx2 = rois[4 * r + 2], ry2 = rois[4 * r + 3];
    const double aw = rx2 - rx1 + plus, ah = ry2 - ry1 + plus;
    const Level* lv = levels + level_of(levels, num_levels, aw > 0 && ah > 0 ? aw * ah : 0.0);
    const float* map = (const float*)(intptr_t)lv->data;
    const double start_x = rx1 * lv->scale - offset, start_y = ry1 * lv->scale - offset;
    double roi_w = rx2 * lv->scale - offset - start_x, roi_h = ry2 * lv->scale - offset - start_y;
    if (!aligned) { roi_w = dmax(roi_w, 1.0); roi_h = dmax(roi_h, 1.0); }
    const double bin_w = roi_w / n, bin_h = roi_h / n;
    /* ceil for the adaptive grid without libm: (int) truncates toward zero. */
    int grid_w = sampling_ratio, grid_h = sampling_ratio;
    if (sampling_ratio <= 0) {
      const double gw = roi_w / n, gh = roi_h / n;
      grid_w = (int)gw + ((double)(int)gw < gw ? 1 : 0);
      grid_h = (int)gh + ((double)(int)gh < gh ? 1 : 0);
    }
    const int count = grid_w * grid_h > 1 ? grid_w * grid_h : 1;
    const v128_t inv = wasm_f32x4_splat((float)(1.0 / count));
    for (int ph = 0; ph < n; ph++) {
      for (int pw = 0; pw < n; pw++) {
        float* acc = out + (((int64_t)r * n + ph) * n + pw) * c;
        __builtin_memset(acc, 0, (unsigned long)c * sizeof(float));
        for (int iy = 0; iy < grid_h; iy++) {
          const double y = start_y + ph * bin_h + (iy + 0.5) * bin_h / grid_h;
          for (int ix = 0; ix < grid_w; ix++) {
            const double x = start_x + pw * bin_w + (ix + 0.5) * bin_w / grid_w;
            accumulate(acc, map, lv->height, lv->width, c, y, x);
          }
        }
        int k = 0;
        for (; k + 4 <= c; k += 4) wasm_v128_store(acc + k, wasm_f32x4_mul(wasm_v128_load(acc + k), inv));
        for (; k < c; k++) acc[k] *= (float)(1.0 / count);
      }
    }
  }
}
