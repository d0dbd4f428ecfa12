// Layout k: a random playout from the empty board (games/go/playout.h) of
// uniform(size^2 / 3, size^2) moves from Rng::stream(seed, k); the side to move is the
// playout's next. The chains with fewer than safe_liberties liberties are the candidate
// targets, tried in a shuffled order, at most kTargetsPerLayout of them; the first that
// gives a proven, non-empty, contested task is the layout's one record. Its plan is the
// move the MCTS teacher chose (its simulations are the trace); meta holds the proven
// winning moves, whether the teacher's is one of them and its simulations.
#include "search/go_tactics_source.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "core/hash.h"
#include "core/rng.h"
#include "games/go/playout.h"
#include "games/go/tactics_solver.h"
#include "core/input_file.h"
#include "search/go_tactics_problems.h"
#include "search/go_tactics_prompt.h"

namespace traceplay::search {

namespace {

constexpr int kTargetsPerLayout = 3;

class GoTacticsWorker final : public LayoutWorker {
 public:
  GoTacticsWorker(const GoTacticsSourceParams& params, const Vocabulary& vocabulary,
                  const std::vector<GoTacticsTask>& problems)
      : params_(params), vocabulary_(vocabulary), problems_(problems) {}

  std::vector<DatasetRecord> generate(uint64_t seed, uint64_t k) override {
    if (!params_.problems_file.empty()) return problem(seed, k);
    using go::Color;
    const int n = params_.size;
    Rng rng = Rng::stream(seed, k);
    go::Position pos(n);
    Color to_move = Color::kBlack;
    const int64_t moves = rng.uniform_int(n * n / 3, n * n);
    for (int64_t i = 0; i < moves; ++i) {
      const int p = go::random_playout_move(pos, to_move, rng);
      if (p == go::Position::kNoPoint) pos.pass();
      else pos.play(to_move, p);
      to_move = go::opponent(to_move);
    }
    go::TacticsGoal goal;
    goal.safe_liberties = params_.safe_liberties;
    goal.horizon = params_.horizon;

    // Candidate targets: one point per chain (its first stone row by row).
    std::vector<go::Move> targets;
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        const int p = pos.point(x, y);
        if (pos.at(p) == Color::kEmpty || pos.liberties(p) >= goal.safe_liberties) continue;
        bool first = true;
        for (int s = pos.next_in_chain(p); s != p; s = pos.next_in_chain(s)) first &= s > p;
        if (first) targets.push_back(go::Move::at(x, y));
      }
    rng.shuffle(targets);
    const uint64_t mcts_seed = rng.next();  // drawn after the task's own draws: they stay as they were
    std::vector<DatasetRecord> out;
    for (size_t t = 0; t < targets.size() && t < kTargetsPerLayout; ++t) {
      if (stop_ && stop_->load(std::memory_order_relaxed)) break;
      const go::Move target = targets[t];
      const go::TacticsResult solved = go::solve_tactics(pos, to_move, target, goal, params_.max_nodes);
      if (!solved.proven || solved.winning.empty()) continue;
      const bool save = go::tactics_kind(pos, to_move, target, goal) == go::TacticsKind::kSave;
      if (save ? solved.winning.back().is_pass() : !defender_could_save(pos, to_move, target, goal)) continue;

      out.push_back(record_of(pos, to_move, target, solved, save, mcts_seed));
      break;
    }
    return out;
  }

 private:
  // Problem k of the collection: its record when proven with some winning move.
  std::vector<DatasetRecord> problem(uint64_t seed, uint64_t k) {
    if (k >= problems_.size()) return {};
    const GoTacticsTask& task = problems_[k];
    go::TacticsGoal goal;
    goal.safe_liberties = params_.safe_liberties;
    goal.horizon = params_.horizon;
    const go::TacticsResult solved =
        go::solve_tactics(task.position, task.to_move, task.target, goal, params_.max_nodes);
    if (!solved.proven || solved.winning.empty()) return {};
    const bool save =
        go::tactics_kind(task.position, task.to_move, task.target, goal) == go::TacticsKind::kSave;
    DatasetRecord record =
        record_of(task.position, task.to_move, task.target, solved, save, Rng::stream(seed, k).next());
    record.meta["problem"] = k + 1;  // 1-based, as the file's games
    return {std::move(record)};
  }

  DatasetRecord record_of(const go::Position& pos, go::Color to_move, go::Move target,
                          const go::TacticsResult& solved, bool save, uint64_t layout_seed) const {
    const int n = pos.size();
    DatasetRecord record;
    const std::vector<std::string> prompt = go_tactics_prompt(pos, to_move, target);
    record.prompt = vocabulary_.encode(prompt);
    record.id = hash_tokens(prompt);
    go::TacticsGoal goal;
    goal.safe_liberties = params_.safe_liberties;
    goal.horizon = params_.horizon;
    const GoTacticsTask task{pos, to_move, target};
    const GoTacticsMctsRun run =
        run_go_tactics_mcts(task, goal, params_.mcts, params_.deterministic ? record.id : layout_seed);
    record.trace = vocabulary_.encode(go_tactics_trace(run.simulations));
    record.plan = vocabulary_.encode(go_tactics_plan(run.move));
    const bool teacher_correct =
        std::find(solved.winning.begin(), solved.winning.end(), run.move) != solved.winning.end();
    record.layout = hash_tokens(go_tactics_layout_tokens(prompt));
    nlohmann::json winning = nlohmann::json::array();
    for (const go::Move m : solved.winning) winning.push_back(go_point_index(m, n));
    record.meta = {{"size", n},
                   {"goal", save ? "save" : "capture"},
                   {"target", go_point_index(target, n)},
                   {"liberties", pos.liberties(pos.point(target))},
                   {"winning", winning},
                   {"first_moves", solved.moves.size()},
                   {"nodes", solved.nodes},
                   {"teacher_correct", teacher_correct},
                   {"simulations", run.simulations.size()}};
    return record;
  }

  // Would the defender, were it to move (the ko point cleared), save the target?
  bool defender_could_save(const go::Position& pos, go::Color attacker, go::Move target,
                           const go::TacticsGoal& goal) {
    go::Position turned = pos;
    turned.set_ko(go::Position::kNoPoint, go::Color::kEmpty);
    return go::evaluate_tactics(turned, go::opponent(attacker), target, goal, params_.max_nodes) ==
           go::TacticsValue::kDefenderWins;
  }

  GoTacticsSourceParams params_;
  const Vocabulary& vocabulary_;
  const std::vector<GoTacticsTask>& problems_;
};

class GoTacticsSource final : public TraceSource {
 public:
  explicit GoTacticsSource(const GoTacticsSourceParams& params) : params_(params) {
    if (!params_.problems_file.empty()) {
      problems_xxh64_ = xxh64(read_input_file(params_.problems_file));
      problems_ = load_go_tactics_problems(params_.problems_file, params_.safe_liberties);
      params_.size = problems_.front().position.size();
    }
    vocabulary_ = go_tactics_vocabulary(params_.size);
  }

  std::string domain() const override { return "go-tactics"; }
  nlohmann::json params() const override {
    nlohmann::json j = {{"size", params_.size},
                        {"safe_liberties", params_.safe_liberties},
                        {"horizon", params_.horizon},
                        {"max_nodes", params_.max_nodes},
                        {"simulations", params_.mcts.simulations},
                        {"c_puct", params_.mcts.c_puct},
                        {"rollouts", params_.mcts.rollouts},
                        {"prior", params_.mcts.uniform_prior ? "uniform" : "solver-order"}};
    if (problems_.empty()) j["targets_per_layout"] = kTargetsPerLayout;
    else
      j.update({{"problems_file", params_.problems_file},
                {"problems", problems_.size()},
                {"problems_xxh64", hex16(problems_xxh64_)}});
    return j;
  }
  uint64_t num_layouts() const override { return problems_.empty() ? UINT64_MAX : problems_.size(); }
  const Vocabulary& vocabulary() const override { return vocabulary_; }
  std::unique_ptr<LayoutWorker> make_worker() const override {
    return std::make_unique<GoTacticsWorker>(params_, vocabulary_, problems_);
  }

 private:
  GoTacticsSourceParams params_;
  Vocabulary vocabulary_;
  std::vector<GoTacticsTask> problems_;
  uint64_t problems_xxh64_ = 0;
};

}  // namespace

std::unique_ptr<TraceSource> make_go_tactics_source(const GoTacticsSourceParams& params) {
  if (params.problems_file.empty() &&
      (params.size < kMinTacticsBoardSize || params.size > kMaxTacticsBoardSize))
    throw UserError("go-tactics board size must be " + std::to_string(kMinTacticsBoardSize) + ".." +
                    std::to_string(kMaxTacticsBoardSize) + ", got " + std::to_string(params.size));
  if (params.safe_liberties < 2 || params.safe_liberties > 4)
    throw UserError("--safe-liberties must be 2..4, got " + std::to_string(params.safe_liberties));
  if (params.horizon < 1 || params.horizon > 64)
    throw UserError("--horizon must be 1..64 plies, got " + std::to_string(params.horizon));
  if (params.max_nodes < 1 || params.max_nodes > 1'000'000'000)
    throw UserError("--max-nodes must be 1..1000000000, got " + std::to_string(params.max_nodes));
  if (params.mcts.simulations < 1 || params.mcts.simulations > kMaxTacticsSimulations)
    throw UserError("--simulations must be 1.." + std::to_string(kMaxTacticsSimulations) + ", got " +
                    std::to_string(params.mcts.simulations));
  if (!(params.mcts.c_puct > 0 && params.mcts.c_puct <= kMaxTacticsCPuct))
    throw UserError("--c-puct must be in (0, " + std::to_string(static_cast<int>(kMaxTacticsCPuct)) +
                    "], got " + nlohmann::json(params.mcts.c_puct).dump());
  if (params.mcts.rollouts < 1 || params.mcts.rollouts > kMaxTacticsRollouts)
    throw UserError("--rollouts must be 1.." + std::to_string(kMaxTacticsRollouts) + ", got " +
                    std::to_string(params.mcts.rollouts));
  return std::make_unique<GoTacticsSource>(params);
}

}  // namespace traceplay::search
