// How the Go net plugs into MCTS (search/evaluator.h): a batch of search::EvalQuery as the
// net's input planes, and the net's outputs as search::EvalResult. A batching evaluator
// (torch-free, in search/) calls this backend; nothing here batches or threads.
//
// Inputs: games/go/features.h's query version for each query (its position, history
// newest first, side to move, and Rules with the query's komi, no suicide, positional
// superko: the engine's rules). Results: the prior is the softmax of the policy logits
// over the legal moves only (the legal-move plane, pass always legal), 0 elsewhere; value
// = P(win) - P(loss) for the side to move; score = the score head (has_score); ownership
// (the side to move's view) only where the query wants it.
//
// GoNetBackend is the search::BatchBackend a BatchingEvaluator serves (search/README.md,
// "Serving a network to many searches"): one net, batches up to max_batch, queries of
// several board sizes split into one forward pass per size.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/go_net.h"
#include "search/batch_backend.h"
#include "search/evaluator.h"

namespace traceplay::models {

// [Q, input_planes, N, N] float32 on the CPU; every query's position must have the same
// size (throws std::invalid_argument otherwise, or for an empty batch).
torch::Tensor go_net_inputs(const std::vector<search::EvalQuery>& queries, const GoNetConfig& config);

// results[i] from outputs row i and the inputs it came from (for the legal moves).
void go_net_results(const GoNetOutputs& outputs, const torch::Tensor& planes, const GoNetConfig& config,
                    const std::vector<search::EvalQuery>& queries, std::vector<search::EvalResult>& results);

// Both with one forward pass on the net's device, without gradients.
void evaluate_go_net(GoNetImpl& net, const std::vector<search::EvalQuery>& queries,
                     std::vector<search::EvalResult>& results);

class GoNetBackend final : public search::BatchBackend {
 public:
  // The net is put in eval mode; max_batch >= 1 (std::invalid_argument otherwise). The
  // backend shares the net: training it meanwhile is the caller's race to avoid (the
  // self-play actor swaps in a new backend per model version instead).
  GoNetBackend(GoNet net, int max_batch);
  void run(const std::vector<search::EvalQuery>& queries, std::vector<search::EvalResult>& results) override;
  int max_batch() const override { return max_batch_; }
  // The net reads `history` positions, the current one included: history - 1 past ones.
  int history_wanted() const override { return static_cast<int>(net_->config().history) - 1; }
  std::string name() const override;

 private:
  GoNet net_;
  int max_batch_;
};

}  // namespace traceplay::models
