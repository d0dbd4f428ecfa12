#include "models/trace_drop.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "core/error.h"

namespace traceplay::models {

namespace {

// Level 3's share of create steps (the paper's 30%).
constexpr int kLevel3PercentDropped = 30;

// Sums of probabilities such as 0.1 + 0.2 + 0.3 + 0.4 land a rounding error above 1.
constexpr double kSumSlack = 1e-9;

// Distinguishes the dropping streams from the epoch shuffles drawn from the same seed.
constexpr uint64_t kTraceDropSalt = 0x4475616c666f726dULL;  // "Dualform"

std::string num(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", x);
  return text;
}

bool is_cost_token(const std::string& token) {
  if (token.size() < 2 || token[0] != 'c') return false;
  for (size_t i = 1; i < token.size(); ++i)
    if (token[i] < '0' || token[i] > '9') return false;
  return true;
}

}  // namespace

void DropSpec::validate(const std::string& what) const {
  double sum = 0;
  for (size_t k = 0; k < p.size(); ++k) {
    if (!std::isfinite(p[k]) || p[k] < 0 || p[k] > 1)
      throw UserError(what + ": p" + std::to_string(k + 1) + " = " + num(p[k]) +
                      " is not a probability in [0, 1]");
    sum += p[k];
  }
  if (sum > 1 + kSumSlack)
    throw UserError(what + ": the drop probabilities " + to_string() + " sum to " + num(sum) +
                    ", more than 1");
}

int DropSpec::level_for(double u) const {
  double cumulative = 0;
  for (size_t k = 0; k < p.size(); ++k) {
    cumulative += p[k];
    if (u < cumulative) return static_cast<int>(k) + 1;
  }
  return 0;
}

std::string DropSpec::to_string() const {
  return "[" + num(p[0]) + ", " + num(p[1]) + ", " + num(p[2]) + ", " + num(p[3]) + "]";
}

DropSpec drop_spec_of(const std::vector<double>& values, const std::string& what) {
  if (values.size() != 4)
    throw UserError(what + ": expected four probabilities p1, p2, p3, p4 (drop levels 1..4), got " +
                    std::to_string(values.size()));
  DropSpec spec;
  for (size_t k = 0; k < 4; ++k) spec.p[k] = values[k];
  spec.validate(what);
  return spec;
}

DropSpec parse_drop_spec(std::string_view text, const std::string& what) {
  std::vector<double> values;
  size_t begin = 0;
  while (true) {
    const size_t comma = text.find(',', begin);
    const std::string field(
        text.substr(begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin));
    const char* start = field.c_str();
    while (*start == ' ') ++start;
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(start, &end);
    while (end && *end == ' ') ++end;
    if (*start == '\0' || end == start || *end != '\0' || errno == ERANGE)
      throw UserError(what + ": \"" + std::string(text) +
                      "\" is not four comma-separated probabilities p1,p2,p3,p4 (\"" + field +
                      "\" is not a number)");
    values.push_back(x);
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return drop_spec_of(values, what);
}

Rng trace_drop_rng(uint64_t seed, uint64_t epoch, uint64_t sequence) {
  return Rng::stream(Rng::stream(seed ^ kTraceDropSalt, epoch).next(), sequence);
}

TraceDropper::TraceDropper(const Vocabulary& vocabulary, std::string_view domain, DropSpec spec)
    : spec_(spec) {
  if (domain == "maze") exact_share_ = true;
  else if (domain == "sokoban") exact_share_ = false;
  else
    throw UserError("trace dropping is defined for maze and sokoban traces, not for a \"" +
                    std::string(domain) + "\" dataset");
  create_ = vocabulary.find("create");
  close_ = vocabulary.find("close");
  if (create_ < 0 || close_ < 0)
    throw UserError(
        "trace dropping needs the create and close tokens, which this dataset's vocabulary lacks");
  cost_.assign(vocabulary.size(), false);
  for (size_t id = 0; id < vocabulary.size(); ++id) cost_[id] = is_cost_token(vocabulary.tokens()[id]);
}

std::vector<TraceStep> TraceDropper::steps(const int32_t* trace, size_t n) const {
  std::vector<TraceStep> out;
  for (size_t i = 0; i < n; ++i) {
    const bool starts = trace[i] == create_ || trace[i] == close_;
    if (starts || out.empty()) out.push_back({i, i, trace[i] == close_});
    out.back().end = i + 1;
  }
  return out;
}

std::vector<int32_t> TraceDropper::apply(const int32_t* trace, size_t n, int level, Rng& rng) const {
  if (level < 0 || level > 4) throw std::invalid_argument("TraceDropper::apply: level must be in 0..4");
  if (level == 0) return std::vector<int32_t>(trace, trace + n);
  if (level == 4) return {};
  std::vector<TraceStep> kept;
  for (const TraceStep& step : steps(trace, n))
    if (!step.close) kept.push_back(step);  // level 1 and up
  if (level == 3) {
    // Which create steps go. A leading fragment that is no step (never in an A* trace)
    // is not a create step and stays.
    std::vector<size_t> creates;
    for (size_t k = 0; k < kept.size(); ++k)
      if (trace[kept[k].begin] == create_) creates.push_back(k);
    std::vector<bool> dropped(kept.size(), false);
    if (exact_share_) {
      // round(0.3 n), half up, in integers; a uniformly random subset of that size by a
      // partial Fisher-Yates shuffle.
      const size_t count = (kLevel3PercentDropped * creates.size() + 50) / 100;
      for (size_t k = 0; k < count; ++k) {
        const size_t j = k + static_cast<size_t>(rng.below(creates.size() - k));
        std::swap(creates[k], creates[j]);
        dropped[creates[k]] = true;
      }
    } else {
      for (size_t k : creates) dropped[k] = rng.uniform01() < kLevel3PercentDropped / 100.0;
    }
    std::vector<TraceStep> thinned;
    for (size_t k = 0; k < kept.size(); ++k)
      if (!dropped[k]) thinned.push_back(kept[k]);
    kept.swap(thinned);
  }
  std::vector<int32_t> out;
  out.reserve(n);
  for (const TraceStep& step : kept)
    for (size_t i = step.begin; i < step.end; ++i)
      if (level == 1 || !is_cost(trace[i])) out.push_back(trace[i]);
  return out;
}

int32_t TraceDropper::drop_decoder(const std::vector<int32_t>& decoder, int32_t plan_start, Rng& rng,
                                   std::vector<int32_t>& out) const {
  if (plan_start < 1 || static_cast<size_t>(plan_start) > decoder.size())
    throw std::invalid_argument("TraceDropper::drop_decoder: plan_start outside the decoder");
  const int level = spec_.any() ? spec_.level_for(rng.uniform01()) : 0;
  const std::vector<int32_t> trace =
      apply(decoder.data() + 1, static_cast<size_t>(plan_start) - 1, level, rng);
  out.clear();
  out.reserve(1 + trace.size() + decoder.size() - static_cast<size_t>(plan_start));
  out.push_back(decoder[0]);
  out.insert(out.end(), trace.begin(), trace.end());
  out.insert(out.end(), decoder.begin() + plan_start, decoder.end());
  return static_cast<int32_t>(1 + trace.size());
}

}  // namespace traceplay::models
