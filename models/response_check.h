// Checking a sampled response against its task: the response is parsed back to a plan
// (search/plan_tokens.h) and the plan replayed in the domain's simulator
// (MazeTask::check_plan, sokoban::check_plan). Nothing the model writes is trusted.
// go-tactics responses are scored by search/go_tactics_score.h instead: correct = a proven
// winning move (meta "winning"), and optimal = correct (a move is one position; the
// dataset's plan is the MCTS teacher's, which may be wrong, so it is no yardstick).
// Torch-free.
//
// correct = the response parses, ends with `eos`, and its plan replays from the start to
//           the goal (Sokoban: every box on a dock);
// optimal = correct and its plan has no more positions than the dataset's plan. The
//           dataset's plan comes from A* with an admissible heuristic that re-opens
//           closed states (the reference's A*, deterministic or not), so it is optimal
//           and "no more" means "as many" -- a shorter correct plan would expose a
//           broken dataset, and is still counted as optimal rather than penalised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/dataset.h"
#include "games/maze/maze_task.h"
#include "games/sokoban/level.h"
#include "models/eval_metrics.h"

namespace traceplay::models {

// One test task, ready for checking responses.
struct EvalTask {
  uint64_t id = 0;
  std::string domain;  // "maze" | "sokoban"
  int width = 0, height = 0;
  std::vector<int32_t> prompt_ids;       // the record's prompt (without bos/eos)
  std::vector<std::string> prompt;       // the same as token strings
  int32_t reference_plan_positions = 0;  // l*: positions of the dataset's plan
  // go-tactics: the record's meta (size, winning) and its MCTS teacher's trace and move.
  nlohmann::json go_tactics_meta;
  int32_t teacher_trace_tokens = 0;
  int64_t teacher_simulations = 0;
  bool teacher_correct = false;
  std::optional<maze::MazeTask> maze;
  std::optional<sokoban::Level> sokoban;
};

// The task of a dataset record: width and height from the record's "meta" (Sokoban
// collections have one size per level) or else the manifest's "params"; the prompt is
// turned back into a task (search/maze_trace.h maze_task_from_prompt, sokoban_trace.h
// level_from_prompt) and the record's own plan replayed in it. Throws UserError naming
// the record (by id) and `where` when anything does not fit.
EvalTask eval_task_from_record(const DatasetRecord& record, const Manifest& manifest,
                               const Vocabulary& vocabulary, const std::string& where);

struct ResponseCheck {
  SampleOutcome outcome;
  std::optional<std::string> reason;  // why it is not correct (nullopt when correct)
  int64_t simulations = 0;            // go-tactics: the `sim` tokens of the trace
};

// `tokens`: the response as token strings, `bos` first (as the sampler writes it; a
// missing bos is tolerated). The trace length is counted even for malformed responses:
// the tokens after bos before the first `plan` (or before `eos` / the end when there is
// no `plan`).
ResponseCheck check_response(const EvalTask& task, const std::vector<std::string>& tokens);

}  // namespace traceplay::models
