// Fused fp32 CPU kernels for one cached decoding step (EncoderDecoderImpl::decode_step).
//
// A decoding step feeds one token per row, so its tensors are tiny ([rows, dim]) and a
// step built from ATen ops spends most of its time in dispatch: ATen's CPU bmm loops
// over the batch with a dispatched addmm per (row, head), and RMSNorm and RoPE are a
// handful of ops each. These kernels do the same arithmetic in one pass each (fp32,
// accumulation order aside), parallel over rows with ATen's intra-op threads. The GPU
// and non-fp32 paths use the ATen ops; tests compare both paths on the CPU.
#pragma once

#include <cstdint>

namespace traceplay::models::cpu_kernels {

// y[r] = x[r] * rsqrt(mean(x[r]^2) + eps) * weight, for `rows` rows of n floats.
void rms_norm(const float* x, const float* weight, float* y, int64_t rows, int64_t n, float eps);

// One step's q/k/v for rows b < B, heads h < H: qkv [B, 3, H, hd] (the fused projection),
// cos/sin [B, hd] (each row's position, tables as ensure_rope's: rope(x)[i] = x[i] cos[i]
// + x[i ^ 1] sin[i]). Writes q_out [B, H, hd] = rope(q), and rope(k), v into the caches
// [B, H, capacity, hd] at position pos[b].
void rope_and_store(const float* qkv, const float* cos, const float* sin, const int64_t* pos, float* q_out,
                    float* k_cache, float* v_cache, int64_t B, int64_t H, int64_t hd, int64_t capacity);

// Single-query attention for rows r < B * H (row r is batch row r / H): q [B * H, hd],
// scores scale x q.k, keys and values of row r at k/v + r * row_stride, key j at + j * hd.
// Row r attends to keys j < counts[r / H] with valid == nullptr or
// valid[(r / H) * valid_stride + j]. out [B * H, hd]; a row without keys gets zeros.
void single_query_attention(const float* q, const float* k, const float* v, float* out, int64_t B, int64_t H,
                            int64_t hd, int64_t row_stride, const int64_t* counts, const bool* valid,
                            int64_t valid_stride, float scale);

// y [M, N] = x [M, K] W^T (W [N, K] row-major) + residual [M, N] when given, for small
// M (a decoding step's rows): every weight row is read once for all M rows, where a BLAS
// GEMM would first copy (pack) the whole weight matrix. Parallel over N.
void small_m_linear(const float* x, const float* w, const float* residual, float* y, int64_t M, int64_t N,
                    int64_t K);

}  // namespace traceplay::models::cpu_kernels
