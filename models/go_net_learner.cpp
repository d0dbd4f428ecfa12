#include "models/go_net_learner.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <utility>

#include "core/error.h"
#include "models/go_net_checkpoint.h"
#include "models/safetensors.h"
#include "selfplay/model_store.h"

namespace traceplay::models {

GoNetBatch make_go_net_batch(const std::vector<selfplay::TrainingPosition>& positions,
                             const torch::Device& device) {
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

void GoNetLearner::save_state(const std::string& path, int model_version) {
  NamedTensors moments;
  moments.reserve(2 * params_.slots().size());
  for (size_t i = 0; i < params_.slots().size(); ++i)
    moments.emplace_back("exp_avg." + params_.slots()[i].name, params_.view(optimizer_.exp_avg(), i));
  for (size_t i = 0; i < params_.slots().size(); ++i)
    moments.emplace_back("exp_avg_sq." + params_.slots()[i].name, params_.view(optimizer_.exp_avg_sq(), i));
  save_safetensors(path, moments,
                   {{"format", "traceplay-go-learner"},
                    {"steps", std::to_string(steps_)},
                    {"optimizer_steps", std::to_string(optimizer_.steps())},
                    {"model_version", std::to_string(model_version)}});
}

bool GoNetLearner::load_state(const std::string& path, int model_version) {
  if (!std::filesystem::exists(path)) return false;
  std::map<std::string, std::string> metadata;
  NamedTensors tensors = load_safetensors(path, &metadata);
  const auto number = [&](const char* key) -> int64_t {
    const auto it = metadata.find(key);
    try {
      if (it != metadata.end()) return std::stoll(it->second);
    } catch (const std::exception&) {
    }
    throw UserError(path + ": metadata \"" + key + "\" is missing or not a number");
  };
  if (metadata["format"] != "traceplay-go-learner")
    throw UserError(path + ": not a traceplay Go learner state");
  if (number("model_version") != model_version) return false;
  std::map<std::string, torch::Tensor> by_name(tensors.begin(), tensors.end());
  torch::NoGradGuard no_grad;
  for (const char* kind : {"exp_avg.", "exp_avg_sq."}) {
    torch::Tensor& flat = std::string(kind) == "exp_avg." ? optimizer_.exp_avg() : optimizer_.exp_avg_sq();
    for (size_t i = 0; i < params_.slots().size(); ++i) {
      const std::string name = kind + params_.slots()[i].name;
      const auto it = by_name.find(name);
      torch::Tensor target = params_.view(flat, i);
      if (it == by_name.end() || it->second.sizes() != target.sizes() ||
          it->second.scalar_type() != target.scalar_type())
        throw UserError(path + ": tensor \"" + name + "\" is missing or of another shape (another net?)");
      target.copy_(it->second);
      by_name.erase(it);
    }
  }
  if (!by_name.empty()) throw UserError(path + ": unexpected tensor \"" + by_name.begin()->first + "\"");
  steps_ = number("steps");
  optimizer_.set_steps(number("optimizer_steps"));
  return true;
}

GoNetStepResult GoNetLearner::loss(const GoNetBatch& batch) {
  torch::NoGradGuard no_grad;
  net_->eval();
  return summary(go_net_loss(net_->forward(batch.planes), batch.targets, options_.weights));
}

selfplay::ModelVersion publish_go_net(const std::string& models_dir, int version, GoNetImpl& net,
                                      nlohmann::json extra) {
  extra["model_version"] = version;
  return selfplay::publish_version(models_dir, version,
                                   [&](const std::string& dir) { save_go_net(dir, net, extra); });
}

}  // namespace traceplay::models
