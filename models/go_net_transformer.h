// The Go net's transformer kind (GoNetConfig kind "transformer"): tokens = one global
// token, then one per intersection in the order x + N*y.
//
// - A point's token: Linear(input planes -> dim) of its feature planes plus a learned
//   position embedding edge_left[x] + edge_right[N-1-x] + edge_top[y] + edge_bottom[N-1-y]
//   (4 tables [max_board_size, dim]): the distances to the four edges, so one table
//   serves every board size and a point knows where the edges are (tokens have no zero
//   padding to tell it).
// - The global token: Linear(global inputs -> dim) of go_net_globals (side to move,
//   komi, board size); its bias is the learned token. It carries the pass logit and,
//   with the mean of the point tokens, the value and score heads.
// - Relative positions: 2D RoPE in every attention layer: the first half of a head is
//   rotated by the column x, the second half by the row y (a RoPE table of width
//   head_dim / 2, base rope_base); the global token is not rotated.
// - `layers` bidirectional pre-RMSNorm blocks (models/block_*.h: attention, SwiGLU), a
//   final RMSNorm, then the heads: policy (Linear dim -> 1 per point, pass from the
//   global token), ownership (Linear dim -> 1, tanh), value / score (Linear 2 dim -> dim
//   on [global token, mean of the points], SiLU, then Linear -> 3 and Linear -> 1).
// Edge embeddings start at N(0, 0.02); Linear maps at PyTorch's default.
#pragma once

#include <vector>

#include "models/block_attention.h"
#include "models/block_feed_forward.h"
#include "models/block_rms_norm.h"
#include "models/block_rope.h"
#include "models/go_net.h"

namespace traceplay::models {

// One bidirectional block: x + attention(norm(x)), then + feed_forward(norm(.)).
class GoTransformerLayerImpl : public torch::nn::Module {
 public:
  explicit GoTransformerLayerImpl(const GoNetConfig& c);
  torch::Tensor forward(const torch::Tensor& x, const RopeTables& rope);
  Attention attention{nullptr};
  FeedForward feed_forward{nullptr};
  RMSNorm attention_norm{nullptr}, ffn_norm{nullptr};
};
TORCH_MODULE(GoTransformerLayer);

class GoTransformerImpl : public GoNetImpl {
 public:
  explicit GoTransformerImpl(const GoNetConfig& config);

  torch::nn::Linear input{nullptr}, global_input{nullptr};
  torch::Tensor edge_left, edge_right, edge_top, edge_bottom;
  std::vector<GoTransformerLayer> layers;  // registered as layers.{i}
  RMSNorm norm{nullptr};
  torch::nn::Linear policy{nullptr}, pass{nullptr}, ownership{nullptr}, trunk{nullptr}, value{nullptr},
      score{nullptr};
  Rope rope{nullptr};  // buffers, never saved

 protected:
  GoNetOutputs run(const torch::Tensor& planes, const torch::Tensor& globals) override;

 private:
  // RoPE tables [1 + N*N, head_dim] of the token order (global token unrotated).
  RopeTables rope_2d(int64_t n);
};

}  // namespace traceplay::models
