#include "models/cpu_attention.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace traceplay::models {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// cblas_sgemm of the BLAS that LibTorch loaded (Debian's LibTorch links OpenBLAS),
// found at run time as torch_runtime.cpp finds OpenBLAS's thread setter: ATen's own
// gemm wrapper is not exported, and a build against another LibTorch still links.
// Row-major C [M, N] = op(A) op(B) + beta C, op(A) [M, K], op(B) [K, N].
using CblasSgemm = void (*)(int order, int trans_a, int trans_b, int M, int N, int K, float alpha,
                            const float* A, int lda, const float* B, int ldb, float beta, float* C, int ldc);
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;  // CBLAS enum values

CblasSgemm blas_sgemm() {
  static const auto sgemm = reinterpret_cast<CblasSgemm>(dlsym(RTLD_DEFAULT, "cblas_sgemm"));
  return sgemm;
}

void gemm(bool transpose_a, bool transpose_b, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
          const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  blas_sgemm()(kRowMajor, transpose_a ? kTrans : kNoTrans, transpose_b ? kTrans : kNoTrans,
               static_cast<int>(M), static_cast<int>(N), static_cast<int>(K), 1.0f, A, static_cast<int>(lda),
               B, static_cast<int>(ldb), beta, C, static_cast<int>(ldc));
}

// One (row, head) matrix of a [B, H, T, hd] tensor: its first element and row stride.
struct Rows {
  const float* data;
  int64_t stride;
};

Rows rows_of(const torch::Tensor& t, int64_t b, int64_t h) {
  return {t.data_ptr<float>() + b * t.stride(0) + h * t.stride(1), t.stride(2)};
}

// Tasks per parallel chunk: enough work to pay for waking a thread.
int64_t grain(int64_t work_per_task) {
  return std::max<int64_t>(1, 65536 / std::max<int64_t>(1, work_per_task));
}

// out [B, H, Tq, hd] and the probabilities [B, H, Tq, Tk] (0 wherever a key is masked).
std::pair<torch::Tensor, torch::Tensor> attention_forward(const torch::Tensor& q, const torch::Tensor& k,
                                                          const torch::Tensor& v,
                                                          const torch::Tensor& key_valid, bool causal) {
  const int64_t B = q.size(0), H = q.size(1), Tq = q.size(2), Tk = k.size(2), hd = q.size(3);
  auto out = torch::empty({B, H, Tq, hd}, q.options());
  auto probs = torch::empty({B, H, Tq, Tk}, q.options());
  torch::Tensor valid_contiguous = key_valid.defined() ? key_valid.contiguous() : torch::Tensor();
  const bool* valid = valid_contiguous.defined() ? valid_contiguous.data_ptr<bool>() : nullptr;
  float* out_data = out.data_ptr<float>();
  float* probs_data = probs.data_ptr<float>();
  at::parallel_for(0, B * H, grain(Tq * Tk * hd), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / H, h = r % H;
      const Rows Q = rows_of(q, b, h), K = rows_of(k, b, h), V = rows_of(v, b, h);
      float* P = probs_data + r * Tq * Tk;
      gemm(false, true, Tq, Tk, hd, Q.data, Q.stride, K.data, K.stride, 0.0f, P, Tk);  // scores = Q K^T
      const bool* row_valid = valid ? valid + b * Tk : nullptr;
      for (int64_t i = 0; i < Tq; ++i) {
        float* p = P + i * Tk;
        const int64_t seen = causal ? std::min(i + 1, Tk) : Tk;  // keys j < seen may be seen
        float max = -std::numeric_limits<float>::infinity();
        for (int64_t j = 0; j < seen; ++j)
          if (!row_valid || row_valid[j]) max = std::max(max, p[j]);
        if (max == -std::numeric_limits<float>::infinity()) {  // no key to attend to
          std::fill(p, p + Tk, 0.0f);
          continue;
        }
        float sum = 0;
        for (int64_t j = 0; j < seen; ++j) {
          const float e = (!row_valid || row_valid[j]) ? std::exp(p[j] - max) : 0.0f;
          p[j] = e;
          sum += e;
        }
        const float inv = 1.0f / sum;
        for (int64_t j = 0; j < seen; ++j) p[j] *= inv;
        std::fill(p + seen, p + Tk, 0.0f);
      }
      gemm(false, false, Tq, hd, Tk, P, Tk, V.data, V.stride, 0.0f, out_data + r * Tq * hd, hd);  // out = P V
    }
  });
  return {out, probs};
}

// Gradients of q, k, v from the output's gradient (contiguous [B, H, Tq, hd]):
// dV = P^T dO; dS = P * (dO V^T - rowsum(P * dO V^T)); dQ = dS K; dK = dS^T Q.
variable_list attention_backward(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                 const torch::Tensor& probs, const torch::Tensor& grad_out) {
  const int64_t B = q.size(0), H = q.size(1), Tq = q.size(2), Tk = k.size(2), hd = q.size(3);
  auto dq = torch::empty({B, H, Tq, hd}, q.options());
  auto dk = torch::empty({B, H, Tk, hd}, q.options());
  auto dv = torch::empty({B, H, Tk, hd}, q.options());
  const float* probs_data = probs.data_ptr<float>();
  const float* dout = grad_out.data_ptr<float>();
  float *dq_data = dq.data_ptr<float>(), *dk_data = dk.data_ptr<float>(), *dv_data = dv.data_ptr<float>();
  at::parallel_for(0, B * H, grain(Tq * Tk * hd), [&](int64_t begin, int64_t end) {
    std::vector<float> scratch(static_cast<size_t>(Tq * Tk));
    float* S = scratch.data();
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / H, h = r % H;
      const Rows Q = rows_of(q, b, h), K = rows_of(k, b, h), V = rows_of(v, b, h);
      const float* P = probs_data + r * Tq * Tk;
      const float* dO = dout + r * Tq * hd;
      gemm(true, false, Tk, hd, Tq, P, Tk, dO, hd, 0.0f, dv_data + r * Tk * hd, hd);  // dV = P^T dO
      gemm(false, true, Tq, Tk, hd, dO, hd, V.data, V.stride, 0.0f, S, Tk);           // dP = dO V^T
      for (int64_t i = 0; i < Tq; ++i) {
        const float* p = P + i * Tk;
        float* s = S + i * Tk;
        float dot = 0;
        for (int64_t j = 0; j < Tk; ++j) dot += p[j] * s[j];
        for (int64_t j = 0; j < Tk; ++j) s[j] = p[j] * (s[j] - dot);  // dS
      }
      gemm(false, false, Tq, hd, Tk, S, Tk, K.data, K.stride, 0.0f, dq_data + r * Tq * hd, hd);  // dQ = dS K
      gemm(true, false, Tk, hd, Tq, S, Tk, Q.data, Q.stride, 0.0f, dk_data + r * Tk * hd, hd);  // dK = dS^T Q
    }
  });
  return {dq, dk, dv};
}

// The masks, passed to the autograd function as one non-tensor argument (an undefined
// tensor argument would not pass its input checks).
struct Masks {
  torch::Tensor key_valid;
  bool causal;
};

struct CpuAttentionFunction : torch::autograd::Function<CpuAttentionFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, const Masks& masks) {
    auto [out, probs] = attention_forward(q, k, v, masks.key_valid, masks.causal);
    ctx->save_for_backward({q, k, v, probs});
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    auto grads_qkv = attention_backward(saved[0], saved[1], saved[2], saved[3], grads[0].contiguous());
    return {grads_qkv[0], grads_qkv[1], grads_qkv[2], torch::Tensor()};
  }
};

}  // namespace

bool cpu_attention_applies(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v) {
  if (!blas_sgemm()) return false;
  for (const auto* t : {&q, &k, &v})
    if (!t->device().is_cpu() || t->scalar_type() != torch::kFloat || t->dim() != 4 || t->stride(3) != 1)
      return false;
  return true;
}

torch::Tensor cpu_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                            const torch::Tensor& key_valid, bool causal) {
  TORCH_CHECK(cpu_attention_applies(q, k, v),
              "cpu_attention: q, k, v must be fp32 CPU [B, H, T, hd] with unit last stride");
  TORCH_CHECK(
      k.sizes() == v.sizes() && q.size(0) == k.size(0) && q.size(1) == k.size(1) && q.size(3) == k.size(3),
      "cpu_attention: q ", q.sizes(), ", k ", k.sizes(), ", v ", v.sizes(), " do not fit together");
  TORCH_CHECK(!key_valid.defined() || (key_valid.scalar_type() == torch::kBool && key_valid.dim() == 2 &&
                                       key_valid.size(0) == q.size(0) && key_valid.size(1) == k.size(2)),
              "cpu_attention: key_valid must be bool [B, Tk]");
  const bool needs_grad =
      torch::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad());
  if (!needs_grad) return attention_forward(q, k, v, key_valid, causal).first;
  return CpuAttentionFunction::apply(q, k, v, Masks{key_valid, causal});
}

}  // namespace traceplay::models
