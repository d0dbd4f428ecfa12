// Scaled dot-product attention with gradients, fused for fp32 CPU tensors (LibTorch 1.13
// has no fused kernel).
//
// Built from ATen ops, attention is two bmm's and a softmax, and ATen's CPU bmm loops over
// the B x H matrices with a dispatched addmm (and several tensor views) per matrix. At
// the short sequences of small mazes (25-150 tokens) that per-matrix overhead cost about
// as much as the arithmetic. Here each (row, head) is one task: a direct BLAS gemm for
// the scores, the masks and the softmax in one pass, a gemm for the output; backward is
// four gemms and one elementwise pass. The probabilities are kept for backward, as
// ATen's softmax keeps them. Parallel over B x H with ATen's intra-op threads.
#pragma once

#include <torch/torch.h>

namespace traceplay::models {

// q [B, H, Tq, hd], already scaled by 1/sqrt(hd); k, v [B, H, Tk, hd]; each may be a
// strided view whose last dimension is contiguous (as the fused q/k/v projection gives).
// key_valid: [B, Tk] bool (true = attend) or undefined. causal: query i sees keys j <= i.
// A query without any key it may see gets zeros (ATen's softmax would give NaN).
// Returns [B, H, Tq, hd], contiguous. Gradients flow to q, k and v.
torch::Tensor cpu_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                            const torch::Tensor& key_valid, bool causal);

// Whether cpu_attention takes these tensors: fp32, CPU, last dimension contiguous, and
// the loaded BLAS has cblas_sgemm.
bool cpu_attention_applies(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v);

}  // namespace traceplay::models
