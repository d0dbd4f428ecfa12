// Batched autoregressive sampling with the KV cache (models/transformer.h DecoderCache),
// built for bootstrapping's scale (32+ responses for each of hundreds of thousands of
// prompts):
//   - continuous batching: when a row finishes (eos or the length limit) it is refilled
//     at once with the next pending sequence (reset_rows: its cross-attention keys and
//     values are computed once, for that prompt), so the batch stays full and memory
//     stays bounded by batch x max_len;
//   - one decode_step per generated token for the whole batch and one host copy of its
//     logits; the choice of each row's token happens on the host;
//   - every sequence s (prompt s / K, sample s % K) draws from its own random stream,
//     Rng::stream(seed, s), and its token distribution is computed from its own logits
//     alone (in double precision), so its tokens do not depend on which other sequences
//     share its batch, on the batch size, or on where a resumed run started (up to
//     floating-point differences of the batched matmuls, which can only matter at exact
//     ties);
//   - a forced prefix (the same ids for every sequence) is fed after bos instead of
//     sampled tokens and is part of the returned tokens: Dualformer's fast / slow modes
//     (models/eval_modes.h) force `plan` / `create` as the first response token. Each
//     forced position still consumes its draw from the sequence's stream, so draw j
//     always belongs to response position j;
//   - finished sequences are handed out as they finish; a stop request returns after
//     the current step and drops the unfinished ones (a resumed run redoes them, with
//     the same result).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include <torch/torch.h>

#include "models/transformer.h"

namespace traceplay::models {

struct SamplerOptions {
  int64_t batch = 64;        // rows decoded together
  int64_t max_len = 0;       // tokens per response, bos and eos included (>= 2)
  double temperature = 1.0;  // 0 = greedy (the most likely token; ties: the lowest id)
  int64_t top_k = 0;         // sample among the k most likely tokens (0 = all)
  uint64_t seed = 1;
  int64_t samples_per_prompt = 1;  // K
  int32_t bos = 0, eos = 1;
  // Fed after bos in place of the first sampled tokens (empty: nothing forced). Ids in
  // [0, vocab); at most max_len - 1 of them. A forced eos ends the sequence there.
  std::vector<int32_t> forced_prefix;
};

struct SampledSequence {
  uint64_t index = 0;           // s: prompt index * K + sample
  std::vector<int32_t> tokens;  // bos first; eos last unless the length limit cut it
};

struct SamplerStats {
  int64_t steps = 0;      // decode steps (one per generated token of the batch)
  int64_t tokens = 0;     // tokens generated (bos not counted)
  int64_t sequences = 0;  // finished
  double seconds = 0;
  double tokens_per_s() const { return seconds > 0 ? static_cast<double>(tokens) / seconds : 0; }
};

// Picks the next token from one row of logits: greedy when temperature is 0, else a
// draw from softmax(logits / temperature) (in double precision) restricted to the top_k
// largest logits (ties in the ranking broken by the lower id), by inverting its CDF in
// id order at `uniform` (in [0, 1), used only when sampling). Exposed for tests.
class TokenChooser {
 public:
  TokenChooser(double temperature, int64_t top_k) : temperature_(temperature), top_k_(top_k) {}
  int32_t operator()(const float* logits, int64_t vocab, double uniform);

 private:
  double temperature_;
  int64_t top_k_;
  std::vector<int32_t> ids_;     // scratch: candidate ids
  std::vector<double> weights_;  // scratch: their unnormalised probabilities
};

class Sampler {
 public:
  // The model is used as it is (eval mode is the caller's business; it has no dropout).
  Sampler(EncoderDecoderImpl& model, torch::Device device, SamplerOptions options);

  // Samples sequences [first, end) of `prompts` (encoder inputs `bos prompt eos` as ids;
  // sequence s uses prompts[s / K]) and calls on_done for each as it finishes, in
  // completion order. Returns after all of them, or after the step in which `stop` was
  // seen set (unfinished sequences are dropped).
  SamplerStats run(const std::vector<std::vector<int32_t>>& prompts, uint64_t first, uint64_t end,
                   const std::function<void(SampledSequence&&)>& on_done,
                   const std::atomic<bool>* stop = nullptr);

 private:
  // Encodes prompts (padded to `width`) for rows of the cache.
  std::pair<torch::Tensor, torch::Tensor> encode(const std::vector<const std::vector<int32_t>*>& prompts,
                                                 int64_t width);

  EncoderDecoderImpl& model_;
  torch::Device device_;
  SamplerOptions options_;
};

}  // namespace traceplay::models
