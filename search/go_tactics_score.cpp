#include "search/go_tactics_score.h"

#include <algorithm>

#include "core/error.h"
#include "search/go_tactics_mcts.h"
#include "search/go_tactics_prompt.h"
#include "search/go_tactics_trace.h"

namespace traceplay::search {

namespace {

int coordinate(const std::string& token, int size) {
  if (token.empty() || token.size() > 2 || token.find_first_not_of("0123456789") != std::string::npos ||
      (token.size() > 1 && token[0] == '0'))
    return -1;
  const int v = std::stoi(token);
  return v < size ? v : -1;
}

// The record's board size and proven winning points, or UserError.
std::pair<int, std::vector<int>> record_answer(const nlohmann::json& meta) {
  if (!meta.is_object() || !meta.contains("size") || !meta["size"].is_number_integer())
    throw UserError("go-tactics record: meta has no integer \"size\"");
  const int size = meta["size"].get<int>();
  if (size < kMinTacticsBoardSize || size > kMaxTacticsBoardSize)
    throw UserError("go-tactics record: meta \"size\" must be " + std::to_string(kMinTacticsBoardSize) +
                    ".." + std::to_string(kMaxTacticsBoardSize));
  if (!meta.contains("winning") || !meta["winning"].is_array())
    throw UserError("go-tactics record: meta has no \"winning\" list");
  std::vector<int> winning;
  for (const auto& w : meta["winning"]) {
    if (!w.is_number_integer() || w.get<int64_t>() < 0 || w.get<int64_t>() > size * size)
      throw UserError("go-tactics record: meta \"winning\" holds something that is no point 0.." +
                      std::to_string(size * size));
    winning.push_back(w.get<int>());
  }
  return {size, winning};
}

}  // namespace

const char* to_string(TacticsAnswer answer) {
  switch (answer) {
    case TacticsAnswer::kCorrect:
      return "correct";
    case TacticsAnswer::kWrong:
      return "wrong";
    case TacticsAnswer::kIllegal:
      return "illegal";
    case TacticsAnswer::kMalformed:
      return "malformed";
  }
  return "malformed";
}

GoTacticsScore score_go_tactics_response(const std::vector<std::string>& response,
                                         const std::vector<std::string>& prompt, const nlohmann::json& meta) {
  const auto [size, winning] = record_answer(meta);
  const GoTacticsTask task = parse_go_tactics_prompt(prompt, size);

  GoTacticsScore score;
  const size_t begin = !response.empty() && response[0] == "bos" ? 1 : 0;
  size_t plan = begin;
  while (plan < response.size() && response[plan] != "plan" && response[plan] != "eos") ++plan;
  const std::vector<std::string> trace(response.begin() + static_cast<std::ptrdiff_t>(begin),
                                       response.begin() + static_cast<std::ptrdiff_t>(plan));
  score.trace_tokens = static_cast<int64_t>(trace.size());
  score.simulations = std::count(trace.begin(), trace.end(), std::string("sim"));
  try {
    parse_go_tactics_trace(trace, size);
    score.trace_well_formed = true;
  } catch (const UserError&) {
    score.trace_well_formed = false;
  }

  auto malformed = [&](const std::string& why) {
    score.answer = TacticsAnswer::kMalformed;
    score.reason = why;
    return score;
  };
  if (plan >= response.size() || response[plan] != "plan") return malformed("no plan");
  size_t i = plan + 1;
  if (i < response.size() && response[i] == "pass") {
    score.move = go::Move::pass();
    i += 1;
  } else {
    const int x = i < response.size() ? coordinate(response[i], size) : -1;
    const int y = i + 1 < response.size() ? coordinate(response[i + 1], size) : -1;
    if (x < 0 || y < 0) return malformed("the plan is not \"plan x y\" on the board or \"plan pass\"");
    score.move = go::Move::at(x, y);
    i += 2;
  }
  if (i >= response.size()) return malformed("no eos after the plan");
  if (response[i] != "eos" || i + 1 != response.size()) return malformed("tokens after the plan's move");

  const go::Board board = go_tactics_board(task);
  const go::MoveLegality legality = board.check(task.to_move, score.move);
  if (legality != go::MoveLegality::kLegal) {
    score.answer = TacticsAnswer::kIllegal;
    score.reason = go::to_string(legality);
    return score;
  }
  if (std::find(winning.begin(), winning.end(), go_point_index(score.move, size)) == winning.end()) {
    score.answer = TacticsAnswer::kWrong;
    score.reason = "not a proven winning move";
    return score;
  }
  score.answer = TacticsAnswer::kCorrect;
  return score;
}

}  // namespace traceplay::search
