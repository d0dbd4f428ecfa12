// Experiment configs (core/config.h over toml++, core/config_table.h's TableReader): the
// text is parsed as `traceplay run` reads it, its arms resolved, and each arm's [data],
// [model], [train] and [eval] tables read into their typed settings as cmd_run.cpp does.
// Every step either succeeds or throws UserError.
#include <string>
#include <vector>

#include "apps/dataset_options.h"
#include "apps/eval_modes_option.h"
#include "apps/model_options.h"
#include "core/config.h"
#include "core/error.h"
#include "fuzz/fuzz_input.h"

namespace {

void read_arm(const nlohmann::json& c, const std::string& where) {
  using namespace traceplay;
  if (c.contains("data")) apps::validate_spec(apps::dataset_spec_from_json(c["data"], where + " [data]"));
  models::TrainOptions train;
  if (c.contains("model")) apps::apply_model_table(c["model"], train, where + " [model]");
  if (c.contains("train")) apps::apply_train_table(c["train"], train, where + " [train]");
  if (c.contains("eval")) {
    models::EvalOptions eval;
    std::vector<std::string> modes;
    apps::apply_eval_table(apps::take_eval_modes(c["eval"], train.mode, modes, where + " [eval]"), eval,
                           where + " [eval]");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace traceplay;
  try {
    const nlohmann::json config = parse_toml(std::string(fuzz::as_text(data, size)), "<fuzz>");
    const Experiment experiment = resolve_experiment(
        config, {"name", "seed", "parallel", "data", "model", "train", "eval", "bootstrap"}, "<fuzz>");
    for (const ExperimentArm& arm : experiment.arms) {
      try {
        read_arm(arm.config, "<fuzz> arm " + arm.name);
      } catch (const UserError&) {
      }
    }
  } catch (const UserError&) {
  }
  return 0;
}
