// Rotary position embeddings (RoPE, interleaved pairs as the Searchformer reference):
// the tables and their application. The Searchformer rotates a head's whole width by the
// token's position; the Go net rotates the first half of a head by the column and the
// second half by the row (2D RoPE) with two lookups into one table of width head_dim / 2.
#pragma once

#include <torch/torch.h>

namespace traceplay::models {

// cos and sin tables broadcastable to the rotated tensor ([..., rotary_dim]); undefined
// means "no rotation".
struct RopeTables {
  torch::Tensor cos, sin;
  bool defined() const { return cos.defined(); }
};

// rope(x) = x * cos + swap_pairs(x) * sin: for each pair (x0, x1) that is
// (x0 cos - x1 sin, x1 cos + x0 sin), the reference's interleaved rotation, bit for bit.
// x [..., d]; cos/sin broadcastable to x, built by Rope (sin holds -sin, +sin per pair).
torch::Tensor apply_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);
inline torch::Tensor apply_rope(const torch::Tensor& x, const RopeTables& t) {
  return apply_rope(x, t.cos, t.sin);
}

// Tables for positions [0, n): cos [n, dim] (each pair's cosine twice) and sin [n, dim]
// (-sin, +sin per pair), with angle(p, i) = p * base^(-2i / dim). Angles in double,
// rounded once to fp32 (the reference rounds the product in fp32, which drifts at long
// positions; tests/python/searchformer_torch.py builds the same tables). Buffers "cos"
// and "sin" (they follow .to(device)), never parameters; grown on demand.
class RopeImpl : public torch::nn::Module {
 public:
  RopeImpl(int64_t dim, double base, int64_t initial_positions = 1024);
  // Grows the tables to hold at least n positions (at least doubling).
  void ensure(int64_t n);
  // Tables of positions [0, n) ([n, dim] each).
  RopeTables first(int64_t n);
  // Tables of the given positions ([N] int64 on the tables' device) -> [N, dim] each.
  RopeTables at(const torch::Tensor& positions);
  // x [N, dim] rotated at positions [N] int64.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& positions);
  int64_t dim() const { return dim_; }
  // The whole tables as they are now (no growth, no checks: for callers that called
  // ensure() already, such as a decoding step that must not sync with the device).
  RopeTables tables() const { return {cos_, sin_}; }

 private:
  int64_t dim_;
  double base_;
  torch::Tensor cos_, sin_;
};
TORCH_MODULE(Rope);

}  // namespace traceplay::models
