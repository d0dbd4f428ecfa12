#include "models/train_checkpoint.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "core/atomic_file.h"
#include "core/error.h"
#include "models/safetensors.h"

namespace traceplay::models {

namespace fs = std::filesystem;

namespace {

constexpr const char* kOptimizerFile = "optimizer.safetensors";

void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Puts `from` in place of `to` in one step when the file system can exchange names;
// otherwise through to.old (clean_checkpoint_leftovers repairs a kill in between).
void swap_in(const std::string& from, const std::string& to) {
  if (!fs::exists(to)) {
    fs::rename(from, to);
    return;
  }
#ifdef RENAME_EXCHANGE
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(from);  // now the old checkpoint
    return;
  }
#endif
  const std::string old = to + ".old";
  fs::remove_all(old);
  fs::rename(to, old);
  fs::rename(from, to);
  fs::remove_all(old);
}

}  // namespace

std::string checkpoint_path(const std::string& run_dir) { return run_dir + "/checkpoint"; }

void write_checkpoint(const std::string& run_dir, EncoderDecoderImpl& model, const ModelInfo& info,
                      const FlatParameters& params, FlatAdamW& optimizer, const nlohmann::json& state) {
  const std::string final_dir = checkpoint_path(run_dir);
  const std::string tmp = final_dir + ".tmp";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  save_model(tmp, model, info);
  NamedTensors moments;
  moments.reserve(2 * params.slots().size());
  for (size_t i = 0; i < params.slots().size(); ++i)
    moments.emplace_back("exp_avg." + params.slots()[i].name, params.view(optimizer.exp_avg(), i));
  for (size_t i = 0; i < params.slots().size(); ++i)
    moments.emplace_back("exp_avg_sq." + params.slots()[i].name, params.view(optimizer.exp_avg_sq(), i));
  save_safetensors(tmp + "/" + kOptimizerFile, moments,
                   {{"format", "traceplay-adamw"}, {"steps", std::to_string(optimizer.steps())}});
  // The state goes last: a checkpoint directory with a train state is complete.
  write_file_atomic(tmp + "/" + kTrainStateFile, state.dump(1) + "\n");
  sync_directory(tmp);
  swap_in(tmp, final_dir);
  sync_directory(run_dir);
}

std::optional<nlohmann::json> read_train_state(const std::string& run_dir) {
  const std::string path = checkpoint_path(run_dir) + "/" + kTrainStateFile;
  if (!fs::exists(path)) return std::nullopt;
  nlohmann::json state;
  try {
    state = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw UserError(path + ": not valid JSON (" + e.what() + ")");
  }
  if (!state.is_object() || state.value("format", std::string()) != kTrainStateFormat)
    throw UserError(path + ": not a traceplay train state (\"format\" must be \"" + kTrainStateFormat +
                    "\")");
  for (const char* key : {"step", "steps"})
    if (!state.contains(key) || !state[key].is_number_integer())
      throw UserError(path + ": \"" + key + "\" must be an integer");
  for (const char* key : {"settings", "data", "metrics"})
    if (!state.contains(key) || !state[key].is_object())
      throw UserError(path + ": \"" + key + "\" must be an object");
  if (!state.contains("finished") || !state["finished"].is_boolean())
    throw UserError(path + ": \"finished\" must be true or false");
  return state;
}

void load_optimizer_state(const std::string& run_dir, const FlatParameters& params, FlatAdamW& optimizer) {
  const std::string path = checkpoint_path(run_dir) + "/" + kOptimizerFile;
  std::map<std::string, torch::Tensor> by_name;
  for (auto& [name, tensor] : load_safetensors(path)) by_name.emplace(name, tensor);
  torch::NoGradGuard no_grad;
  for (const char* kind : {"exp_avg.", "exp_avg_sq."}) {
    torch::Tensor& flat = std::string(kind) == "exp_avg." ? optimizer.exp_avg() : optimizer.exp_avg_sq();
    for (size_t i = 0; i < params.slots().size(); ++i) {
      const std::string name = kind + params.slots()[i].name;
      const auto it = by_name.find(name);
      if (it == by_name.end()) throw UserError(path + ": tensor \"" + name + "\" is missing");
      torch::Tensor target = params.view(flat, i);
      if (it->second.sizes() != target.sizes() || it->second.scalar_type() != target.scalar_type())
        throw UserError(path + ": tensor \"" + name + "\" has the wrong shape or dtype");
      target.copy_(it->second);
      by_name.erase(it);
    }
  }
  if (!by_name.empty()) throw UserError(path + ": unexpected tensor \"" + by_name.begin()->first + "\"");
}

void clean_checkpoint_leftovers(const std::string& run_dir) {
  const std::string final_dir = checkpoint_path(run_dir);
  fs::remove_all(final_dir + ".tmp");
  const std::string old = final_dir + ".old";
  if (fs::exists(old)) {
    if (!fs::exists(final_dir)) fs::rename(old, final_dir);
    else fs::remove_all(old);
  }
}

}  // namespace traceplay::models
