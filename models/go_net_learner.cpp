#include "models/go_net_learner.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "models/go_net_checkpoint.h"
#include "selfplay/model_store.h"

namespace traceplay::models {

GoNetBatch make_go_net_batch(const std::vector<selfplay::TrainingPosition>& positions, const torch::Device& device) {
  if (positions.empty()) throw std::invalid_argument("go net batch: no positions");
  const int64_t B = static_cast<int64_t>(positions.size()), n = positions[0].size, area = n * n;
  const size_t plane_floats = positions[0].planes.size();
  if (n < 2 || plane_floats == 0 || plane_floats % static_cast<size_t>(area) != 0)
    throw std::invalid_argument("go net batch: malformed position");
  const int64_t C = static_cast<int64_t>(plane_floats) / area;
  auto planes = torch::empty({B, C, n, n});
  auto policy = torch::zeros({B, area + 1}), value = torch::zeros({B, 3}), score = torch::zeros({B});
  auto ownership = torch::zeros({B, area});
  auto policy_mask = torch::zeros({B}), score_mask = torch::zeros({B}), ownership_mask = torch::zeros({B});
  float* pl = planes.data_ptr<float>();
  for (int64_t b = 0; b < B; ++b) {
    const selfplay::TrainingPosition& t = positions[static_cast<size_t>(b)];
    if (t.size != n || t.planes.size() != plane_floats || t.policy.size() != static_cast<size_t>(area + 1) ||
        t.ownership.size() != static_cast<size_t>(area))
      throw std::invalid_argument("go net batch: every position needs the first one's size and planes");
    std::copy(t.planes.begin(), t.planes.end(), pl + b * static_cast<int64_t>(plane_floats));
    std::copy(t.policy.begin(), t.policy.end(), policy.data_ptr<float>() + b * (area + 1));
    std::copy(t.value, t.value + 3, value.data_ptr<float>() + b * 3);
    score.data_ptr<float>()[b] = t.score;
    std::copy(t.ownership.begin(), t.ownership.end(), ownership.data_ptr<float>() + b * area);
    policy_mask.data_ptr<float>()[b] = t.has_policy ? 1 : 0;
    score_mask.data_ptr<float>()[b] = t.has_score ? 1 : 0;
    ownership_mask.data_ptr<float>()[b] = t.has_ownership ? 1 : 0;
  }
  GoNetBatch batch;
  batch.planes = planes.to(device);
  batch.targets.policy = policy.to(device);
  batch.targets.value = value.to(device);
  batch.targets.score = score.to(device);
  batch.targets.ownership = ownership.to(device);
  batch.targets.policy_mask = policy_mask.to(device);
  batch.targets.score_mask = score_mask.to(device);
  batch.targets.ownership_mask = ownership_mask.to(device);
  return batch;
}

namespace {

GoNetStepResult summary(const GoNetLoss& loss) {
  GoNetStepResult r;
  r.total = loss.total.item<double>();
  r.policy = loss.policy.item<double>();
  r.value = loss.value.item<double>();
  r.score = loss.score.item<double>();
  r.ownership = loss.ownership.item<double>();
  return r;
}

}  // namespace

GoNetLearner::GoNetLearner(GoNet net, const GoNetLearnerOptions& options)
    : net_(std::move(net)), options_(options), params_(*net_), optimizer_(params_, options.adamw) {
  if (!(options_.lr >= 0)) throw std::invalid_argument("go net learner: lr must be >= 0");
  if (!(options_.grad_clip >= 0)) throw std::invalid_argument("go net learner: grad_clip must be >= 0");
}

GoNetStepResult GoNetLearner::step(const GoNetBatch& batch) {
  net_->train();
  params_.zero_grad();
  const GoNetLoss loss = go_net_loss(net_->forward(batch.planes), batch.targets, options_.weights);
  loss.total.backward();
  GoNetStepResult r = summary(loss);
  r.grad_norm = clip_grad_norm(params_.grads(), options_.grad_clip).item<double>();
  optimizer_.step(options_.lr);
  ++steps_;
  return r;
}

GoNetStepResult GoNetLearner::loss(const GoNetBatch& batch) {
  torch::NoGradGuard no_grad;
  net_->eval();
  return summary(go_net_loss(net_->forward(batch.planes), batch.targets, options_.weights));
}

selfplay::ModelVersion publish_go_net(const std::string& models_dir, int version, GoNetImpl& net,
                                      nlohmann::json extra) {
  extra["model_version"] = version;
  return selfplay::publish_version(models_dir, version, [&](const std::string& dir) { save_go_net(dir, net, extra); });
}

}  // namespace traceplay::models
