#include "search/go_tactics_mcts.h"

#include "search/go_tactics_evaluator.h"
#include "search/go_tactics_goal.h"
#include "search/mcts.h"

namespace traceplay::search {

go::Board go_tactics_board(const GoTacticsTask& task) {
  const int n = task.position.size();
  go::Rules rules;
  rules.komi = 0;
  rules.superko = go::Superko::kNone;
  go::Board board(n, rules);
  std::vector<go::SetupStone> stones;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      if (const go::Color c = task.position.at(x, y); c != go::Color::kEmpty)
        stones.push_back({go::Move::at(x, y), c});
  board.setup(stones);
  board.set_to_move(task.to_move);
  const go::Position& pos = task.position;
  if (pos.ko_point() != go::Position::kNoPoint && pos.ko_color() == task.to_move)
    board.set_ko(pos.move_of(pos.ko_point()), task.to_move);
  return board;
}

MctsSettings go_tactics_mcts_settings(const GoTacticsMctsParams& params, uint64_t seed) {
  MctsSettings settings;
  settings.threads = 1;
  settings.seed = seed;
  settings.c_puct = params.c_puct;
  settings.reuse_tree = false;
  settings.dirichlet_fraction = 0;
  return settings;
}

GoTacticsMctsRun run_go_tactics_mcts(const GoTacticsTask& task, const go::TacticsGoal& goal,
                                     const GoTacticsMctsParams& params, uint64_t seed) {
  const GoTacticsGoal judge(task.position, task.target, goal);
  const GoTacticsEvaluator evaluator(
      judge, params.rollouts, params.uniform_prior ? GoTacticsPrior::kUniform : GoTacticsPrior::kSolverOrder);
  Mcts mcts(go_tactics_mcts_settings(params, seed), evaluator, &judge);
  const go::Board board = go_tactics_board(task);
  GoTacticsMctsRun run;
  ThinkRequest request;
  request.limits.max_visits = params.simulations;
  request.allow_resign = false;
  request.on_simulation = [&run](const std::vector<go::Move>& path, double root_value) {
    run.simulations.push_back({path, value_bucket(root_value)});
  };
  const Analysis analysis = mcts.search(board, request.limits, request);
  run.move = analysis.moves.empty() ? go::Move::pass() : analysis.moves.front().move;
  return run;
}

}  // namespace traceplay::search
