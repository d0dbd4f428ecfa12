#include "models/response_check.h"

#include <algorithm>

#include "core/error.h"
#include "core/hash.h"
#include "games/sokoban/simulator.h"
#include "search/maze_trace.h"
#include "search/go_tactics_prompt.h"
#include "search/go_tactics_score.h"
#include "search/plan_tokens.h"
#include "search/sokoban_trace.h"

namespace traceplay::models {

namespace {

// The record's "meta" size, else the manifest's "params" size.
int dimension(const DatasetRecord& record, const Manifest& manifest, const char* key,
              const std::string& where) {
  const nlohmann::json* source = nullptr;
  if (record.meta.is_object() && record.meta.contains(key)) {
    source = &record.meta[key];
  } else if (manifest.params.contains(key)) {
    source = &manifest.params[key];
  }
  if (!source || !source->is_number_integer() || source->get<int64_t>() < 1 || source->get<int64_t>() > 1000)
    throw UserError(where + ": record " + hex16(record.id) + ": no usable \"" + key +
                    "\" in its meta or the manifest's params");
  return source->get<int>();
}

PlanCheck replay(const EvalTask& task, const std::vector<Pos>& plan) {
  return task.maze ? task.maze->check_plan(plan) : sokoban::check_plan(*task.sokoban, plan);
}

int32_t count_trace_tokens(const std::vector<std::string>& tokens) {
  size_t i = !tokens.empty() && tokens[0] == "bos" ? 1 : 0;
  int32_t count = 0;
  for (; i < tokens.size() && tokens[i] != "plan" && tokens[i] != "eos"; ++i) ++count;
  return count;
}

std::vector<std::string> decode(const Vocabulary& vocabulary, const std::vector<int32_t>& ids,
                                const std::string& what, const char* part) {
  try {
    return vocabulary.decode(ids);
  } catch (const std::out_of_range&) {
    throw UserError(what + ": a " + part + " token id is outside the vocabulary");
  }
}

// A go-tactics record as a task: its prompt must parse, its meta hold the proven set, and
// its own plan (the teacher's move) be a legal move, scored as a response would be.
EvalTask go_tactics_task(const DatasetRecord& record, const Manifest& manifest, const Vocabulary& vocabulary,
                         const std::string& where) {
  EvalTask task;
  task.id = record.id;
  task.domain = manifest.domain;
  task.prompt_ids = record.prompt;
  const std::string what = where + ": record " + hex16(record.id);
  task.prompt = decode(vocabulary, record.prompt, what, "prompt");
  std::vector<std::string> plan = decode(vocabulary, record.plan, what, "plan");
  const std::vector<std::string> trace = decode(vocabulary, record.trace, what, "trace");
  task.go_tactics_meta = record.meta;
  search::GoTacticsScore own;
  try {
    plan.push_back("eos");
    own = search::score_go_tactics_response(plan, task.prompt, record.meta);
  } catch (const UserError& e) {
    throw UserError(what + ": " + e.what());
  }
  if (own.answer == search::TacticsAnswer::kMalformed || own.answer == search::TacticsAnswer::kIllegal)
    throw UserError(what + ": its plan is no legal move: " + own.reason);
  task.width = task.height = record.meta["size"].get<int>();
  task.reference_plan_positions = 1;
  task.teacher_correct = own.correct();
  task.teacher_trace_tokens = static_cast<int32_t>(trace.size());
  task.teacher_simulations = std::count(trace.begin(), trace.end(), std::string("sim"));
  return task;
}

}  // namespace

EvalTask eval_task_from_record(const DatasetRecord& record, const Manifest& manifest,
                               const Vocabulary& vocabulary, const std::string& where) {
  if (manifest.domain == "go-tactics") return go_tactics_task(record, manifest, vocabulary, where);
  EvalTask task;
  task.id = record.id;
  task.domain = manifest.domain;
  task.width = dimension(record, manifest, "width", where);
  task.height = dimension(record, manifest, "height", where);
  task.prompt_ids = record.prompt;
  const std::string what = where + ": record " + hex16(record.id);
  try {
    task.prompt = vocabulary.decode(record.prompt);
  } catch (const std::out_of_range&) {
    throw UserError(what + ": a prompt token id is outside the vocabulary");
  }
  try {
    if (task.domain == "maze") {
      task.maze = search::maze_task_from_prompt(task.prompt, task.width, task.height);
    } else if (task.domain == "sokoban") {
      task.sokoban = search::level_from_prompt(task.prompt, task.width, task.height);
    } else {
      throw UserError("domain \"" + task.domain + "\" has no plan checker");
    }
  } catch (const UserError& e) {
    throw UserError(what + ": " + e.what());
  }

  // The dataset's plan is the yardstick of "optimal": it must replay too.
  std::vector<std::string> plan_words;
  try {
    plan_words = vocabulary.decode(record.plan);
  } catch (const std::out_of_range&) {
    throw UserError(what + ": a plan token id is outside the vocabulary");
  }
  const search::ParsedResponse parsed =
      search::parse_plan_response(plan_words, std::max(task.width, task.height));
  if (!parsed.ok || parsed.trace_tokens != 0)
    throw UserError(what + ": its plan does not parse: " + parsed.error);
  // The parser accepts a response's framing (a leading "bos", an "eos" at the end); a
  // record's plan is bare "plan x y" triples. Accepting a framed plan let the record's own
  // plan, framed once more as a response, fail its check (fuzz_response's oracle).
  if (search::plan_tokens(parsed.plan) != plan_words)
    throw UserError(what +
                    ": its plan is not bare \"plan x y\" triples (no \"bos\" or \"eos\" belongs there)");
  const PlanCheck check = replay(task, parsed.plan);
  if (!check.valid) throw UserError(what + ": its own plan does not replay: " + check.reason);
  task.reference_plan_positions = static_cast<int32_t>(parsed.plan.size());
  return task;
}

ResponseCheck check_response(const EvalTask& task, const std::vector<std::string>& tokens) {
  ResponseCheck out;
  if (task.domain == "go-tactics") {
    const search::GoTacticsScore score =
        search::score_go_tactics_response(tokens, task.prompt, task.go_tactics_meta);
    out.outcome.trace_tokens = static_cast<int32_t>(score.trace_tokens);
    out.outcome.plan_positions = score.answer == search::TacticsAnswer::kMalformed ? 0 : 1;
    out.outcome.correct = out.outcome.optimal = score.correct();
    if (!score.correct()) out.reason = std::string(search::to_string(score.answer)) + ": " + score.reason;
    out.simulations = score.simulations;
    return out;
  }
  out.outcome.trace_tokens = count_trace_tokens(tokens);
  const search::ParsedResponse parsed =
      search::parse_plan_response(tokens, std::max(task.width, task.height));
  if (!parsed.ok) {
    out.reason = parsed.error;
    return out;
  }
  out.outcome.plan_positions = static_cast<int32_t>(parsed.plan.size());
  if (!parsed.has_eos) {
    out.reason = "no eos: the response reached the length limit";
    return out;
  }
  const PlanCheck check = replay(task, parsed.plan);
  if (!check.valid) {
    out.reason = check.reason;
    return out;
  }
  out.outcome.correct = true;
  out.outcome.optimal = out.outcome.plan_positions <= task.reference_plan_positions;
  return out;
}

}  // namespace traceplay::models
