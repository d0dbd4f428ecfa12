#include "models/train_metrics.h"

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.h"
#include "core/error.h"

namespace traceplay::models {

void MetricsWindow::add(double step_loss, double step_trace, bool has_trace, double step_plan,
                        double step_grad_norm) {
  ++steps;
  loss += step_loss;
  loss_plan += step_plan;
  grad_norm += step_grad_norm;
  if (has_trace) {
    loss_trace += step_trace;
    ++trace_steps;
  }
}

nlohmann::json MetricsWindow::to_json() const {
  // Doubles round-trip exactly through nlohmann's shortest representation.
  return {{"steps", steps},           {"loss", loss},
          {"loss_plan", loss_plan},   {"grad_norm", grad_norm},
          {"loss_trace", loss_trace}, {"trace_steps", trace_steps}};
}

MetricsWindow MetricsWindow::from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw UserError(where + ": the metrics window must be an object");
  MetricsWindow w;
  auto integer = [&](const char* key, int64_t& out) {
    if (!j.contains(key) || !j[key].is_number_integer() || j[key].get<int64_t>() < 0)
      throw UserError(where + ": \"" + key + "\" must be a non-negative integer");
    out = j[key].get<int64_t>();
  };
  auto number = [&](const char* key, double& out) {
    if (!j.contains(key) || !j[key].is_number())
      throw UserError(where + ": \"" + key + "\" must be a number");
    out = j[key].get<double>();
  };
  integer("steps", w.steps);
  integer("trace_steps", w.trace_steps);
  number("loss", w.loss);
  number("loss_plan", w.loss_plan);
  number("grad_norm", w.grad_norm);
  number("loss_trace", w.loss_trace);
  return w;
}

MetricsLog::MetricsLog(std::string path, int64_t keep_through) : path_(std::move(path)) {
  std::string kept;
  if (keep_through >= 0 && std::filesystem::exists(path_)) {
    std::istringstream in(read_file(path_));
    std::string line;
    while (std::getline(in, line)) {
      // A line cut by a kill does not parse (or lacks its newline): it and anything
      // after it go; so do the lines logged after the checkpoint we resume from.
      if (in.eof()) break;
      const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object() || !j.contains("step") || !j["step"].is_number_integer()) break;
      if (j["step"].get<int64_t>() > keep_through) break;
      kept += line + "\n";
    }
  }
  write_file_atomic(path_, kept);
  file_ = std::fopen(path_.c_str(), "ab");
  if (!file_) throw std::runtime_error("cannot open " + path_ + " for appending");
}

MetricsLog::~MetricsLog() {
  if (file_) std::fclose(file_);
}

void MetricsLog::append(const nlohmann::ordered_json& line) {
  const std::string text = line.dump() + "\n";
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0)
    throw std::runtime_error("cannot write " + path_);
}

}  // namespace traceplay::models
