// Dualformer's evaluation modes (Su et al. 2024; DESIGN.md, "Dualformer"): one model
// trained on full and dropped traces answers
//   fast  -- `plan` forced as the first response token: the plan without a trace;
//   slow  -- `create` forced as the first response token: a trace step first (every
//            A* trace starts with `create` of the start node), then a plan;
//   auto  -- nothing forced: the model chooses, and the summary says how often it chose
//            each.
// `traceplay eval --mode M` (models/evaluate.h) writes its summary with the pinned keys
// first, then "mode", "fast_share" and "slow_share": the shares of responses whose first
// token (after bos) is `plan` / a trace step's first token (`create` or `close`). In a
// forced mode they are 1 and 0 by construction (a check, not a finding); in auto mode
// they are the model's choice, and 1 - fast - slow is the share of responses that began
// with neither (eos, a coordinate, ...).
// Torch-free: the sampler (models/sampler.h) takes the forced ids as plain integers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/vocabulary.h"

namespace traceplay::models {

// "fast", "slow", "auto", in that order.
const std::vector<std::string>& eval_mode_names();
bool is_eval_mode(const std::string& name);

// An evaluation directory's name: "eval-<split>", or "eval-<split>-<mode>" with a mode,
// so that a run directory keeps one evaluation per mode side by side.
std::string eval_dir_name(const std::string& split, const std::string& mode);

// The ids the sampler feeds after bos: {plan} for fast, {create} for slow, none for auto
// or no mode. Throws UserError when the vocabulary lacks the token.
std::vector<int32_t> forced_prefix(const std::string& mode, const Vocabulary& vocabulary);

// How a response began: its first token after bos (a missing bos is tolerated).
enum class ResponseStart { kPlan, kTrace, kOther };
ResponseStart response_start(const std::vector<std::string>& tokens);

// Counts how responses began, for the summary's shares.
class ResponseStartCounter {
 public:
  void add(const std::vector<std::string>& tokens);
  int64_t responses() const { return total_; }
  double fast_share() const;  // 0 when nothing was counted
  double slow_share() const;
  // Appends "mode", "fast_share", "slow_share" (in that order) to a summary.
  void append_to(nlohmann::ordered_json& summary, const std::string& mode) const;

 private:
  int64_t total_ = 0, plan_ = 0, trace_ = 0;
};

}  // namespace traceplay::models
