#include "models/go_net_backend.h"

#include <cmath>
#include <stdexcept>

#include "games/go/features.h"

namespace traceplay::models {

torch::Tensor go_net_inputs(const std::vector<search::EvalQuery>& queries, const GoNetConfig& config) {
  if (queries.empty()) throw std::invalid_argument("go_net_inputs: no queries");
  const int n = queries[0].position->size();
  go::FeatureOptions options;
  options.history = static_cast<int>(config.history);
  const int64_t planes = go::feature_planes(options);
  auto out = torch::empty({static_cast<int64_t>(queries.size()), planes, n, n});
  float* data = out.data_ptr<float>();
  for (size_t i = 0; i < queries.size(); ++i) {
    const search::EvalQuery& q = queries[i];
    if (q.position == nullptr || q.position->size() != n)
      throw std::invalid_argument("go_net_inputs: every query of a batch needs a position of size " +
                                  std::to_string(n));
    go::Rules rules;
    rules.komi = q.komi;
    go::extract_features(*q.position, q.history, q.to_move, rules, options, data + i * planes * n * n);
  }
  return out;
}

void go_net_results(const GoNetOutputs& outputs, const torch::Tensor& planes, const GoNetConfig& config,
                    const std::vector<search::EvalQuery>& queries, std::vector<search::EvalResult>& results) {
  const int64_t Q = static_cast<int64_t>(queries.size()), n = planes.size(2), area = n * n;
  TORCH_CHECK(outputs.policy.size(0) == Q && planes.size(0) == Q, "go_net_results: one row per query");
  auto legal = torch::cat({planes.select(1, 2 * config.history + 1).reshape({Q, area}), torch::ones({Q, 1})}, 1)
                   .to(torch::kBool);
  auto logits = outputs.policy.to(torch::kCPU, torch::kFloat).masked_fill(legal.logical_not(), -INFINITY);
  auto prior = torch::softmax(logits, 1).contiguous();
  auto wdl = torch::softmax(outputs.value.to(torch::kCPU, torch::kFloat), 1);
  auto value = (wdl.select(1, 0) - wdl.select(1, 2)).contiguous();
  auto score = outputs.score.to(torch::kCPU, torch::kFloat).contiguous();
  auto ownership = outputs.ownership.to(torch::kCPU, torch::kFloat).contiguous();
  results.resize(queries.size());
  for (int64_t i = 0; i < Q; ++i) {
    search::EvalResult& r = results[static_cast<size_t>(i)];
    const float* p = prior.data_ptr<float>() + i * (area + 1);
    r.prior.assign(p, p + area + 1);
    r.value = value.data_ptr<float>()[i];
    r.has_score = true;
    r.score = score.data_ptr<float>()[i];
    r.ownership.clear();
    if (queries[static_cast<size_t>(i)].want_ownership) {
      const float* o = ownership.data_ptr<float>() + i * area;
      r.ownership.assign(o, o + area);
    }
  }
}

void evaluate_go_net(GoNetImpl& net, const std::vector<search::EvalQuery>& queries,
                     std::vector<search::EvalResult>& results) {
  torch::NoGradGuard no_grad;
  const torch::Tensor planes = go_net_inputs(queries, net.config());
  const auto device = net.parameters().front().device();
  go_net_results(net.forward(planes.to(device)), planes, net.config(), queries, results);
}

}  // namespace traceplay::models
