#include "apps/model_evaluator.h"

#include <utility>

#include <torch/torch.h>

#include "models/go_net_backend.h"
#include "models/go_net_checkpoint.h"
#include "models/torch_runtime.h"
#include "search/batching_evaluator.h"

namespace traceplay::apps {

ModelEvaluator load_model_evaluator(const std::string& dir, const std::string& device) {
  const torch::Device where(models::check_device(device));
  models::GoNetInfo info;
  models::GoNet net = models::load_go_net(dir, {}, where, &info);
  ModelEvaluator m;
  m.min_board_size = 5;
  m.max_board_size = static_cast<int>(info.net.max_board_size);
  m.description =
      info.net.kind + " " + info.net.preset + " (history " + std::to_string(info.net.history) + ")";
  if (device != "cpu") m.description += " on " + device;
  if (info.extra.contains("run") && info.extra["run"].is_string())
    m.description += ", run " + info.extra["run"].get<std::string>();
  if (info.extra.contains("model_version") && info.extra["model_version"].is_number_integer())
    m.description += " v" + std::to_string(info.extra["model_version"].get<int64_t>());
  // One backend for every engine of the process (--listen serves several at once); the
  // batching evaluator gathers their leaves into one forward pass.
  m.evaluator =
      std::make_shared<search::BatchingEvaluator>(std::make_shared<models::GoNetBackend>(std::move(net), 64));
  return m;
}

}  // namespace traceplay::apps
