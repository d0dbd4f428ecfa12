#include "search/go_tactics_trace.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/error.h"

namespace traceplay::search {

namespace {

// The number a token spells when it is one of 0..limit-1 (no sign, no leading zero), else -1.
int small_number(const std::string& token, int limit) {
  if (token.empty() || token.size() > 2 || token.find_first_not_of("0123456789") != std::string::npos ||
      (token.size() > 1 && token[0] == '0'))
    return -1;
  const int v = std::stoi(token);
  return v < limit ? v : -1;
}

int bucket_of_token(const std::string& token) {
  if (token.size() < 2 || token[0] != 'v') return -1;
  return small_number(token.substr(1), kValueBuckets);
}

}  // namespace

int value_bucket(double value) {
  if (std::isnan(value)) throw std::invalid_argument("value_bucket: nan");
  const double v = std::clamp(value, -1.0, 1.0);
  return std::clamp(static_cast<int>(std::floor(4.0 * (v + 1.0) + 0.5)), 0, kValueBuckets - 1);
}

std::string value_bucket_token(int bucket) {
  if (bucket < 0 || bucket >= kValueBuckets) throw std::invalid_argument("value_bucket_token: out of range");
  return "v" + std::to_string(bucket);
}

std::vector<std::string> go_tactics_trace(const std::vector<TraceSimulation>& simulations) {
  std::vector<std::string> out;
  for (const TraceSimulation& s : simulations) {
    out.push_back("sim");
    for (const go::Move m : s.path) {
      if (m.is_pass()) out.push_back("pass");
      else out.insert(out.end(), {std::to_string(m.x), std::to_string(m.y)});
    }
    out.push_back(value_bucket_token(s.bucket));
  }
  return out;
}

std::vector<TraceSimulation> parse_go_tactics_trace(const std::vector<std::string>& t, int size) {
  std::vector<TraceSimulation> out;
  bool open = false;  // inside a simulation (after `sim`, before its bucket)
  auto where = [](size_t i) { return "go-tactics trace: token " + std::to_string(i) + " "; };
  for (size_t i = 0; i < t.size(); ++i) {
    const std::string& token = t[i];
    if (token == "sim") {
      if (open) throw UserError(where(i) + "\"sim\" starts a simulation before the last one's value bucket");
      out.emplace_back();
      open = true;
      continue;
    }
    if (!open) throw UserError(where(i) + "\"" + token + "\" is outside a simulation (expected \"sim\")");
    if (const int b = bucket_of_token(token); b >= 0) {
      out.back().bucket = b;
      open = false;
    } else if (token == "pass") {
      out.back().path.push_back(go::Move::pass());
    } else if (const int x = small_number(token, size); x >= 0) {
      const int y = i + 1 < t.size() ? small_number(t[i + 1], size) : -1;
      if (y < 0)
        throw UserError(where(i) + "\"" + token + "\" needs a y coordinate 0.." + std::to_string(size - 1));
      out.back().path.push_back(go::Move::at(x, y));
      ++i;
    } else {
      throw UserError(where(i) + "\"" + token + "\" is no move (x y | pass) or value bucket (v0..v8)");
    }
  }
  if (open) throw UserError("go-tactics trace: it ends inside a simulation (no value bucket)");
  return out;
}

}  // namespace traceplay::search
