#include "models/go_net_backend.h"

#include <cmath>
#include <map>
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
  auto legal =
      torch::cat({planes.select(1, 2 * config.history + 1).reshape({Q, area}), torch::ones({Q, 1})}, 1)
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

GoNetBackend::GoNetBackend(GoNet net, int max_batch) : net_(std::move(net)), max_batch_(max_batch) {
  if (net_ == nullptr) throw std::invalid_argument("GoNetBackend: no net");
  if (max_batch_ < 1) throw std::invalid_argument("GoNetBackend: max_batch must be >= 1");
  net_->eval();
}

std::string GoNetBackend::name() const {
  return "go-net-" + net_->config().kind + "-" + net_->config().preset;
}

void GoNetBackend::run(const std::vector<search::EvalQuery>& queries,
                       std::vector<search::EvalResult>& results) {
  results.resize(queries.size());
  if (queries.empty()) return;
  // One forward pass per board size (the net's input is one [B, C, N, N] tensor).
  std::map<int, std::vector<size_t>> by_size;
  for (size_t i = 0; i < queries.size(); ++i) {
    if (queries[i].position == nullptr)
      throw std::invalid_argument("GoNetBackend: a query without a position");
    by_size[queries[i].position->size()].push_back(i);
  }
  if (by_size.size() == 1) {
    evaluate_go_net(*net_, queries, results);
    return;
  }
  std::vector<search::EvalQuery> group;
  std::vector<search::EvalResult> group_results;
  for (const auto& [size, rows] : by_size) {
    group.clear();
    for (size_t i : rows) group.push_back(queries[i]);
    evaluate_go_net(*net_, group, group_results);
    for (size_t k = 0; k < rows.size(); ++k) results[rows[k]] = std::move(group_results[k]);
  }
}

}  // namespace traceplay::models
