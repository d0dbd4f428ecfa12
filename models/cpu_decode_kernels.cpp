#include "models/cpu_decode_kernels.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <limits>
#include <vector>

namespace traceplay::models::cpu_kernels {

namespace {

// Eight independent partial sums, so that the compiler vectorises the loop without
// reassociating a single float sum.
inline float dot(const float* a, const float* b, int64_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) acc[k] += a[i + k] * b[i + k];
  float tail = 0;
  for (; i < n; ++i) tail += a[i] * b[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

// Rows per parallel task: enough work to pay for waking a thread.
int64_t grain_for(int64_t work_per_row) {
  return std::max<int64_t>(1, 32768 / std::max<int64_t>(1, work_per_row));
}

}  // namespace

void rms_norm(const float* x, const float* weight, float* y, int64_t rows, int64_t n, float eps) {
  at::parallel_for(0, rows, grain_for(n), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* xr = x + r * n;
      float* yr = y + r * n;
      const float inv = 1.0f / std::sqrt(dot(xr, xr, n) / static_cast<float>(n) + eps);
      for (int64_t i = 0; i < n; ++i) yr[i] = weight[i] * (xr[i] * inv);
    }
  });
}

void rope_and_store(const float* qkv, const float* cos, const float* sin, const int64_t* pos, float* q_out,
                    float* k_cache, float* v_cache, int64_t B, int64_t H, int64_t hd, int64_t capacity) {
  at::parallel_for(0, B * H, grain_for(3 * hd), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / H, h = r % H;
      const float* q = qkv + ((b * 3 + 0) * H + h) * hd;
      const float* k = qkv + ((b * 3 + 1) * H + h) * hd;
      const float* v = qkv + ((b * 3 + 2) * H + h) * hd;
      const float* c = cos + b * hd;
      const float* s = sin + b * hd;
      float* qo = q_out + r * hd;
      float* ko = k_cache + (r * capacity + pos[b]) * hd;
      float* vo = v_cache + (r * capacity + pos[b]) * hd;
      for (int64_t i = 0; i < hd; ++i) {
        qo[i] = q[i] * c[i] + q[i ^ 1] * s[i];
        ko[i] = k[i] * c[i] + k[i ^ 1] * s[i];
        vo[i] = v[i];
      }
    }
  });
}

void single_query_attention(const float* q, const float* k, const float* v, float* out, int64_t B, int64_t H,
                            int64_t hd, int64_t row_stride, const int64_t* counts, const bool* valid,
                            int64_t valid_stride, float scale) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  at::parallel_for(0, B * H, 1, [&](int64_t begin, int64_t end) {
    thread_local std::vector<float> weights;
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / H, n = counts[b];
      const float* qr = q + r * hd;
      const float* kr = k + r * row_stride;
      const float* vr = v + r * row_stride;
      const bool* ok = valid ? valid + b * valid_stride : nullptr;
      float* o = out + r * hd;
      weights.resize(static_cast<size_t>(n));
      float top = kNegInf;
      for (int64_t j = 0; j < n; ++j) {
        const float score = ok && !ok[j] ? kNegInf : scale * dot(qr, kr + j * hd, hd);
        weights[static_cast<size_t>(j)] = score;
        top = std::max(top, score);
      }
      for (int64_t i = 0; i < hd; ++i) o[i] = 0;
      if (top == kNegInf) continue;  // no keys: zeros rather than NaN
      float total = 0;
      for (int64_t j = 0; j < n; ++j) {
        const float w = weights[static_cast<size_t>(j)];
        if (w == kNegInf) continue;
        const float e = std::exp(w - top);
        total += e;
        const float* vj = vr + j * hd;
        for (int64_t i = 0; i < hd; ++i) o[i] += e * vj[i];
      }
      const float inv = 1.0f / total;
      for (int64_t i = 0; i < hd; ++i) o[i] *= inv;
    }
  });
}

void small_m_linear(const float* x, const float* w, const float* residual, float* y, int64_t M, int64_t N,
                    int64_t K) {
  // Eight rows of x against one weight row at a time: each weight chunk is loaded once
  // into a register and meets the eight rows' chunks (in L1), eight accumulators.
  typedef float v8 __attribute__((vector_size(32)));
  at::parallel_for(0, N, grain_for(M * K), [&](int64_t begin, int64_t end) {
    for (int64_t m0 = 0; m0 < M; m0 += 8) {
      const int64_t rows = std::min<int64_t>(8, M - m0);
      for (int64_t n = begin; n < end; ++n) {
        const float* wn = w + n * K;
        v8 acc[8] = {};
        int64_t k = 0;
        for (; k + 8 <= K; k += 8) {
          v8 wv;
          __builtin_memcpy(&wv, wn + k, sizeof wv);
          for (int64_t m = 0; m < rows; ++m) {
            v8 xv;
            __builtin_memcpy(&xv, x + (m0 + m) * K + k, sizeof xv);
            acc[m] += xv * wv;
          }
        }
        for (int64_t m = 0; m < rows; ++m) {
          const v8 a = acc[m];
          float s = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
          for (int64_t kk = k; kk < K; ++kk) s += x[(m0 + m) * K + kk] * wn[kk];
          const int64_t i = (m0 + m) * N + n;
          y[i] = residual ? residual[i] + s : s;
        }
      }
    }
  });
}

}  // namespace traceplay::models::cpu_kernels
