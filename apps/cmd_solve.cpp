// `traceplay solve`: one task, solved and printed.
//   --domain maze --task FILE.json        A* as the reference (the trace is exactly
//                                         the dataset's); --trace prints its tokens.
//   --domain sokoban --level FILE[:N]     level N (1-based, default 1) of an .xsb
//                                         collection; solver mode (move-optimal, fast)
//                                         unless --trace, which runs trace mode (the
//                                         reference heuristic) and prints the tokens.
//   --domain go-tactics --size N --prompt "black 0 1 ... to_move white capture 2 3"
//                                         the exact tactics solver on a go-tactics
//                                         prompt (search/go_tactics_prompt.h);
//                                         --horizon, --safe-liberties, --max-nodes as
//                                         `gen`; --json: {"proven", "goal", "winning"
//                                         (point indices, as the dataset's meta),
//                                         "plan", "nodes", "seconds"}.
// Otherwise, with --json the last stdout line is {"solved", "cost", "expansions", "seconds",
// "plan", ["prompt", "trace"], ["moves" (Sokoban LURD)], ["reason": "limit"]}. An
// unsolvable task or a search stopped by a limit is a result (exit 0); bad input is
// exit 2 with one message and nothing on stdout.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "core/error.h"
#include "core/input_file.h"
#include "games/maze/maze_task.h"
#include "games/sokoban/collection.h"
#include "games/sokoban/simulator.h"
#include "games/go/tactics_solver.h"
#include "search/go_tactics_prompt.h"
#include "search/maze_trace.h"
#include "search/plan_tokens.h"
#include "search/sokoban_solver.h"
#include "search/sokoban_trace.h"

namespace traceplay::apps {

namespace {

struct SolveArgs {
  std::string domain, task, level, prompt;
  int size = 0, horizon = 16, safe_liberties = 3;
  uint64_t max_nodes = 200000;
  CLI::Option *o_prompt = nullptr, *o_size = nullptr, *o_horizon = nullptr, *o_safe = nullptr,
              *o_nodes = nullptr;
  bool trace = false, nondeterministic = false, json = false;
  uint64_t seed = 0;
  uint64_t max_expansions = 0;
  double time_limit = 0;
  CLI::Option* o_seed = nullptr;
};

// What every domain reports.
struct Outcome {
  search::SearchStatus status = search::SearchStatus::kUnsolvable;
  int cost = 0;
  uint64_t expansions = 0;
  double seconds = 0;
  std::vector<std::string> plan, prompt, trace;
  std::string description;  // the task, for the text output
  std::string moves;        // Sokoban LURD
  int pushes = -1;          // Sokoban, when known
};

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

search::AStarOptions astar_options(const SolveArgs& a) {
  search::AStarOptions o;
  o.deterministic = !a.nondeterministic;
  o.seed = a.seed;
  o.max_expansions = a.max_expansions;
  o.time_limit_s = a.time_limit;
  return o;
}

Outcome solve_maze(const SolveArgs& a) {
  if (a.task.empty()) throw UserError("--domain maze needs --task FILE.json");
  if (!a.level.empty()) throw UserError("--level is for --domain sokoban; a maze takes --task FILE.json");
  const maze::MazeTask task = maze::MazeTask::load(a.task);
  Outcome out;
  const auto started = std::chrono::steady_clock::now();
  search::MazeTrace traced = search::trace_maze(task, astar_options(a));
  out.seconds = seconds_since(started);
  out.status = traced.result.status;
  out.expansions = traced.result.expansions;
  out.description =
      a.task + " (maze " + std::to_string(task.width()) + "x" + std::to_string(task.height()) + ")";
  if (traced.result.solved()) {
    std::vector<Pos> plan;
    for (int32_t cell : traced.result.plan) plan.push_back(task.pos(cell));
    const PlanCheck check = task.check_plan(plan);
    if (!check.valid) throw std::logic_error("maze plan does not replay: " + check.reason);
    out.cost = check.moves;
    out.plan = std::move(traced.plan);
  }
  out.prompt = std::move(traced.prompt);
  out.trace = std::move(traced.trace);
  return out;
}

// "FILE" or "FILE:N". A path that exists as it is wins over a ":N" reading.
std::pair<std::string, long long> parse_level_spec(const std::string& spec) {
  const size_t colon = spec.rfind(':');
  if (colon == std::string::npos || exists(spec)) return {spec, 1};
  const std::string index = spec.substr(colon + 1);
  if (index.empty() || index.size() > 9 || index.find_first_not_of("0123456789") != std::string::npos)
    throw UserError("--level " + spec + ": expected FILE or FILE:N with N a level number from 1");
  return {spec.substr(0, colon), std::stoll(index)};
}

Outcome solve_sokoban(const SolveArgs& a) {
  if (a.level.empty()) throw UserError("--domain sokoban needs --level FILE[:N]");
  if (!a.task.empty()) throw UserError("--task is for --domain maze; Sokoban takes --level FILE[:N]");
  if (a.nondeterministic && !a.trace)
    throw UserError("--nondeterministic applies to trace mode: add --trace (solver mode is deterministic)");
  const auto [path, index] = parse_level_spec(a.level);
  if (const std::string what = not_a_regular_file(path); !what.empty())
    throw UserError("level file " + path + ": " + what);
  const auto levels = sokoban::load_collection(path);
  if (index < 1 || index > static_cast<long long>(levels.size()))
    throw UserError(path + " has " + std::to_string(levels.size()) + " level" +
                    (levels.size() == 1 ? "" : "s") + "; there is no level " + std::to_string(index));
  const sokoban::Level& level = levels[static_cast<size_t>(index - 1)].level;

  Outcome out;
  out.description = path + ":" + std::to_string(index) + " (line " +
                    std::to_string(levels[static_cast<size_t>(index - 1)].line) + ", " +
                    std::to_string(level.width()) + "x" + std::to_string(level.height()) + ", " +
                    std::to_string(level.num_boxes()) + " boxes, " +
                    (a.trace ? "trace mode" : "solver mode") + ")";
  std::vector<Pos> plan;
  const auto started = std::chrono::steady_clock::now();
  if (a.trace) {
    search::SokobanTrace traced = search::trace_sokoban(level, astar_options(a));
    out.seconds = seconds_since(started);
    out.status = traced.result.status;
    out.expansions = traced.result.expansions;
    plan = traced.result.plan;
    out.prompt = std::move(traced.prompt);
    out.trace = std::move(traced.trace);
  } else {
    search::SolverOptions options;
    options.max_expansions = a.max_expansions;
    options.time_limit_s = a.time_limit;
    search::SokobanSolver solver;
    search::SolverResult solved = solver.solve(level, options);
    out.seconds = seconds_since(started);
    out.status = solved.status;
    out.expansions = solved.expansions;
    out.pushes = solved.pushes;
    plan = std::move(solved.plan);
  }
  if (out.status == search::SearchStatus::kSolved) {
    const PlanCheck check = sokoban::check_plan(level, plan);
    if (!check.valid) throw std::logic_error("Sokoban plan does not replay: " + check.reason);
    out.cost = check.moves;
    out.plan = search::plan_tokens(plan);
    out.moves = sokoban::plan_to_lurd(level, plan);
    if (out.pushes < 0) {
      out.pushes = 0;
      for (char c : out.moves) out.pushes += c >= 'A' && c <= 'Z';
    }
  }
  return out;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const size_t j = text.find(' ', i);
    const size_t end = j == std::string::npos ? text.size() : j;
    if (end > i) out.push_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

// The tactics solver on one prompt: its own output (no A* plan and cost).
void solve_go_tactics(const SolveArgs& a) {
  if (!a.task.empty() || !a.level.empty() || a.trace || a.nondeterministic)
    throw UserError("--domain go-tactics takes --size N --prompt TEXT (not --task, --level, --trace)");
  if (!a.o_size->count() || !a.o_prompt->count())
    throw UserError("--domain go-tactics needs --size N and --prompt TEXT");
  if (a.horizon < 1 || a.horizon > 64) throw UserError("--horizon must be 1..64 plies");
  if (a.safe_liberties < 2 || a.safe_liberties > 4) throw UserError("--safe-liberties must be 2..4");
  if (a.max_nodes < 1) throw UserError("--max-nodes must be at least 1");
  const search::GoTacticsTask task = search::parse_go_tactics_prompt(split_words(a.prompt), a.size);
  go::TacticsGoal goal;
  goal.horizon = a.horizon;
  goal.safe_liberties = a.safe_liberties;
  if (task.position.liberties(task.position.point(task.target)) >= goal.safe_liberties)
    throw UserError("go-tactics prompt: the target already has " + std::to_string(goal.safe_liberties) +
                    " liberties (safe by the goal)");
  const auto started = std::chrono::steady_clock::now();
  const go::TacticsResult r = go::solve_tactics(task.position, task.to_move, task.target, goal, a.max_nodes);
  const double seconds = seconds_since(started);
  const bool save =
      go::tactics_kind(task.position, task.to_move, task.target, goal) == go::TacticsKind::kSave;
  nlohmann::json winning = nlohmann::json::array();
  std::string moves;
  for (const go::Move m : r.winning) {
    winning.push_back(search::go_point_index(m, a.size));
    moves += m.is_pass() ? " pass" : " " + std::to_string(m.x) + "," + std::to_string(m.y);
  }
  const std::vector<std::string> plan =
      r.winning.empty() ? std::vector<std::string>{} : search::go_tactics_plan(r.winning[0]);
  if (a.json) {
    std::printf("%s\n", nlohmann::json{{"proven", r.proven},
                                       {"goal", save ? "save" : "capture"},
                                       {"winning", winning},
                                       {"plan", plan},
                                       {"nodes", r.nodes},
                                       {"seconds", seconds}}
                            .dump()
                            .c_str());
  } else {
    std::printf("task        go-tactics %dx%d, %s\n", a.size, a.size, save ? "save" : "capture");
    if (!r.proven) std::printf("proven      no: stopped by the node limit\n");
    else std::printf("winning     %s\n", moves.empty() ? "none" : moves.c_str() + 1);
    std::printf("searched    %llu positions in %.3f s\n", static_cast<unsigned long long>(r.nodes), seconds);
  }
  std::fflush(stdout);
}

std::string join(const std::vector<std::string>& tokens) {
  std::string s;
  for (const auto& t : tokens) {
    if (!s.empty()) s += ' ';
    s += t;
  }
  return s;
}

void print(const Outcome& o, const SolveArgs& a) {
  const bool solved = o.status == search::SearchStatus::kSolved;
  if (a.json) {
    nlohmann::json j = {{"solved", solved},
                        {"cost", solved ? nlohmann::json(o.cost) : nlohmann::json(nullptr)},
                        {"expansions", o.expansions},
                        {"seconds", o.seconds},
                        {"plan", o.plan}};
    if (o.status == search::SearchStatus::kLimit) j["reason"] = "limit";
    if (a.trace) {
      j["prompt"] = o.prompt;
      j["trace"] = o.trace;
    }
    if (a.domain == "sokoban" && solved) {
      j["moves"] = o.moves;
      j["pushes"] = o.pushes;
    }
    std::printf("%s\n", j.dump().c_str());
    std::fflush(stdout);
    return;
  }
  std::printf("task        %s\n", o.description.c_str());
  if (a.trace) {
    std::printf("prompt      %s\n", join(o.prompt).c_str());
    std::printf("trace       %s\n", join(o.trace).c_str());
  }
  switch (o.status) {
    case search::SearchStatus::kSolved:
      std::printf("solved      %d moves%s\n", o.cost,
                  o.pushes >= 0 ? (" (" + std::to_string(o.pushes) + " pushes)").c_str() : "");
      std::printf("plan        %s\n", join(o.plan).c_str());
      if (!o.moves.empty()) std::printf("moves       %s\n", o.moves.c_str());
      break;
    case search::SearchStatus::kUnsolvable:
      std::printf("solved      no: unsolvable\n");
      break;
    case search::SearchStatus::kLimit:
      std::printf("solved      no: stopped by a limit\n");
      break;
  }
  std::printf("expanded    %llu nodes in %.3f s\n", static_cast<unsigned long long>(o.expansions), o.seconds);
  std::fflush(stdout);
}

// CLI11 would read "-1" into an unsigned option as a huge number.
const CLI::Validator kCount(
    [](std::string& text) -> std::string {
      if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
        return "expected a non-negative integer, got \"" + text + "\"";
      return "";
    },
    "COUNT");

}  // namespace

void add_solve_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "solve", "Solve one maze task or Sokoban level; print the plan (and trace); or a go-tactics prompt");
  auto a = std::make_shared<SolveArgs>();
  cmd->add_option("--domain", a->domain, "maze | sokoban | go-tactics")->required();
  a->o_prompt = cmd->add_option("--prompt", a->prompt, "go-tactics: the prompt's tokens, space-separated");
  a->o_size = cmd->add_option("--size", a->size, "go-tactics: the board size");
  a->o_horizon =
      cmd->add_option("--horizon", a->horizon, "go-tactics: plies within which a capture counts (16)");
  a->o_safe =
      cmd->add_option("--safe-liberties", a->safe_liberties, "go-tactics: liberties that mean escaped (3)");
  a->o_nodes = cmd->add_option("--max-nodes", a->max_nodes, "go-tactics: solver positions at most (200000)")
                   ->check(kCount);
  cmd->add_option("--task", a->task, "Maze task file (JSON: width, height, start, goal, walls)");
  cmd->add_option("--level", a->level,
                  "Sokoban: FILE[:N], level N (1-based, default 1) of an .xsb collection");
  cmd->add_flag("--trace", a->trace,
                "Trace mode: the reference A* (Sokoban: reference heuristic); print tokens");
  cmd->add_flag("--nondeterministic", a->nondeterministic,
                "Non-deterministic A* (random ties, shuffled children)");
  a->o_seed = cmd->add_option("--seed", a->seed, "Seed of --nondeterministic")->check(kCount);
  cmd->add_option("--max-expansions", a->max_expansions, "Stop after this many expansions (0: no limit)")
      ->check(kCount);
  cmd->add_option("--time-limit", a->time_limit, "Stop after this many seconds (0: no limit)")
      ->check(CLI::Range(0.0, 1e9));
  cmd->add_flag("--json", a->json, "Print a JSON summary as the last line");
  cmd->callback([&exit_code, a] {
    if (a->o_seed->count() && !a->nondeterministic) throw UserError("--seed is for --nondeterministic");
    if (a->domain == "go-tactics") {
      solve_go_tactics(*a);
      exit_code = kExitOk;
      return;
    }
    if (a->o_prompt->count() || a->o_size->count() || a->o_horizon->count() || a->o_safe->count() ||
        a->o_nodes->count())
      throw UserError(
          "--prompt, --size, --horizon, --safe-liberties and --max-nodes are for --domain go-tactics");
    Outcome outcome;
    if (a->domain == "maze") outcome = solve_maze(*a);
    else if (a->domain == "sokoban") outcome = solve_sokoban(*a);
    else throw UserError("--domain must be maze, sokoban or go-tactics, got \"" + a->domain + "\"");
    print(outcome, *a);
    exit_code = kExitOk;
  });
}

}  // namespace traceplay::apps
