#include "search/plan_tokens.h"

#include <cstdlib>

namespace traceplay::search {

namespace {
std::optional<int> coordinate(const std::string& token, int max_coordinate) {
  if (token.empty() || token.size() > 6) return std::nullopt;
  if (token.size() > 1 && token[0] == '0') return std::nullopt;
  int value = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value >= max_coordinate) return std::nullopt;
  return value;
}

ParsedResponse failure(size_t position, const std::string& what, const std::vector<std::string>& tokens) {
  ParsedResponse r;
  r.error = "token " + std::to_string(position) + ": expected " + what;
  r.error +=
      position < tokens.size() ? ", got \"" + tokens[position] + "\"" : ", got the end of the response";
  return r;
}
}  // namespace

ParsedResponse parse_plan_response(const std::vector<std::string>& tokens, int max_coordinate) {
  size_t begin = 0;
  if (!tokens.empty() && tokens[0] == "bos") begin = 1;
  size_t end = tokens.size();
  bool has_eos = false;
  for (size_t i = begin; i < tokens.size(); ++i) {
    if (tokens[i] == "eos") {
      end = i;
      has_eos = true;
      break;
    }
    if (tokens[i] == "bos") return failure(i, "no \"bos\" after the start", tokens);
  }
  size_t plan_start = end;
  for (size_t i = begin; i < end; ++i) {
    if (tokens[i] == "plan") {
      plan_start = i;
      break;
    }
  }
  if (plan_start == end) return failure(end, "a \"plan\" token", tokens);
  if (has_eos && end + 1 != tokens.size()) return failure(end + 1, "nothing after \"eos\"", tokens);

  ParsedResponse r;
  r.trace_tokens = static_cast<int>(plan_start - begin);
  r.has_eos = has_eos;
  for (size_t i = plan_start; i < end; i += 3) {
    if (tokens[i] != "plan") return failure(i, "\"plan\"", tokens);
    if (i + 1 >= end) return failure(i + 1, "an x coordinate", tokens);
    const auto x = coordinate(tokens[i + 1], max_coordinate);
    if (!x) return failure(i + 1, "an x coordinate below " + std::to_string(max_coordinate), tokens);
    if (i + 2 >= end) return failure(i + 2, "a y coordinate", tokens);
    const auto y = coordinate(tokens[i + 2], max_coordinate);
    if (!y) return failure(i + 2, "a y coordinate below " + std::to_string(max_coordinate), tokens);
    r.plan.push_back({*x, *y});
  }
  r.ok = true;
  return r;
}

std::vector<std::string> plan_tokens(const std::vector<Pos>& plan) {
  std::vector<std::string> out;
  out.reserve(plan.size() * 3);
  for (Pos p : plan) {
    out.push_back("plan");
    out.push_back(std::to_string(p.x));
    out.push_back(std::to_string(p.y));
  }
  return out;
}

}  // namespace traceplay::search
