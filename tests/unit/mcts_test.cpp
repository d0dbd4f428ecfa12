// The MCTS bot (search/mcts*.h): tactics a light MCTS must find, limits, threads,
// strength against random play, legality under superko, the pass and resign policy, and
// the evaluators.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/rng.h"
#include "games/go/board.h"
#include "go_test_util.h"
#include "play/match.h"
#include "play/random_player.h"
#include "search/evaluator.h"
#include "search/mcts.h"
#include "search/mcts_player.h"
#include "search/mcts_settings.h"

namespace traceplay::search {
namespace {

using go::Board;
using go::Color;
using go::Move;
using go::testing::board_from;

go::Rules rules_with_komi(double komi) {
  go::Rules r;
  r.komi = komi;
  return r;
}

std::shared_ptr<const Evaluator> rollouts() { return std::make_shared<RolloutEvaluator>(); }

ThinkRequest visits(int64_t n) {
  ThinkRequest request;
  request.limits.max_visits = n;
  request.allow_resign = false;
  return request;
}

std::string describe(const Analysis& a) {
  std::string s;
  for (size_t i = 0; i < std::min<size_t>(a.moves.size(), 5); ++i) {
    const MoveStats& m = a.moves[i];
    s += "(" + std::to_string(m.move.x) + "," + std::to_string(m.move.y) + ") v=" + std::to_string(m.visits) +
         " wr=" + std::to_string(m.winrate) + " score=" + std::to_string(m.score_lead) + "; ";
  }
  return s;
}

// --- tactics -----------------------------------------------------------------------

TEST(Mcts, CapturesTheGroupThatWinsTheRace) {
  // Black's top row and White's second row are both in atari; Black to move captures
  // six stones at (5, 2) (or loses six at (6, 0)).
  const Board board = board_from(
      {"XXXXXX.", "OOOOOOX", "XXXXX..", ".......", ".......", ".......", "......."}, rules_with_komi(24.5));
  for (bool uct : {false, true}) {
    MctsSettings settings;
    settings.seed = 3;
    settings.use_uct = uct;
    MctsPlayer player(settings, rollouts());
    const ThinkResult r = player.think(board, visits(3000));
    EXPECT_EQ(r.move, Move::at(5, 2)) << (uct ? "UCT: " : "PUCT: ") << describe(r.analysis);
  }
}

TEST(Mcts, SavesTheGroupInAtari) {
  // Black's three stones on the third row have one liberty, (2, 3); playing it joins
  // them to the wall below.
  const Board board = board_from(
      {".......", ".OOO...", "OXXXO..", ".O.O...", "XXXXXXX", ".......", "......."}, rules_with_komi(9.5));
  MctsSettings settings;
  settings.seed = 5;
  MctsPlayer player(settings, rollouts());
  const ThinkResult r = player.think(board, visits(3000));
  EXPECT_EQ(r.move, Move::at(2, 3)) << describe(r.analysis);
}

TEST(Mcts, MakesTheSecondEye) {
  // Black's bottom group has a straight three of eye space: the middle point makes two
  // eyes (and White's move there would kill). Komi -25.5: Black wins iff the group lives.
  const Board board = board_from(
      {".......", ".......", ".......", "OOOOOO.", "XXXXXO.", "X...XO.", "XXXXXO."}, rules_with_komi(-25.5));
  MctsSettings settings;
  settings.seed = 7;
  MctsPlayer player(settings, rollouts());
  const ThinkResult r = player.think(board, visits(3000));
  EXPECT_EQ(r.move, Move::at(2, 5)) << describe(r.analysis);
}

// --- limits, reports, threads ----------------------------------------------------------

TEST(Mcts, ExactVisitLimitWithOneThreadAndRootVisitsAreTheChildrensPlusOne) {
  RolloutEvaluator evaluator;
  Mcts mcts(MctsSettings{}, evaluator);
  const Board board(9);
  ThinkLimits limits;
  limits.max_visits = 777;
  const Analysis a = mcts.search(board, limits, {});
  EXPECT_EQ(a.root_visits, 777);
  EXPECT_EQ(mcts.last_simulations(), 777);
  int64_t children = 0;
  for (const MctsNode& c : mcts.root().children) children += c.visits;
  EXPECT_EQ(children + 1, 777);
  // 81 points and pass; no child left with a virtual loss.
  EXPECT_EQ(mcts.root().children.size(), 82u);
  for (const MctsNode& c : mcts.root().children) EXPECT_EQ(c.in_flight, 0);
}

TEST(Mcts, ShouldStopEndsTheSearchAfterTheThirdReport) {
  MctsSettings settings;
  MctsPlayer player(settings, rollouts());
  std::atomic<int> reports{0};
  std::atomic<bool> stop{false};
  ThinkRequest request;  // no limits: only should_stop ends it
  request.report_interval_s = 0.002;
  request.report = [&](const Analysis& a) {
    EXPECT_GT(a.root_visits, 0);  // the root's own evaluation comes before any report
    if (++reports == 3) stop = true;
  };
  request.should_stop = [&] { return stop.load(); };
  const auto start = std::chrono::steady_clock::now();
  const ThinkResult r = player.think(Board(9), request);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(reports.load(), 3);  // none after the flip
  EXPECT_LT(seconds, 1.0);       // a generous bound: it stops within milliseconds of the flip
  EXPECT_FALSE(r.resign);
}

TEST(Mcts, WallTimeLimitEndsTheSearch) {
  RolloutEvaluator evaluator;
  MctsSettings config;
  config.threads = 2;
  Mcts mcts(config, evaluator);
  ThinkLimits limits;
  limits.max_seconds = 0.05;  // and no visit limit
  const auto start = std::chrono::steady_clock::now();
  const Analysis a = mcts.search(Board(9), limits, {});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(seconds, 0.05);
  EXPECT_LT(seconds, 1.0);  // generous: a loaded machine
  EXPECT_GT(a.root_visits, 1);
  EXPECT_EQ(a.root_visits, mcts.last_simulations());
}

TEST(Mcts, TwoThreadsReturnLegalMovesAndConsistentVisits) {
  MctsSettings config;
  config.threads = 2;
  RolloutEvaluator evaluator;
  Mcts mcts(config, evaluator);
  Board board(9);
  Rng rng(11);
  for (int ply = 0; ply < 6; ++ply) {
    ThinkLimits limits;
    limits.max_visits = 1500;
    const Analysis a = mcts.search(board, limits, {});
    ASSERT_FALSE(a.moves.empty());
    const Move m = a.moves[0].move;
    EXPECT_TRUE(board.is_legal(board.to_move(), m));
    // With threads and kept trees, a node may be evaluated twice while in flight, but the
    // root is always expanded first, so every simulation after its own passes a child.
    int64_t children = 0;
    for (const MctsNode& c : mcts.root().children) {
      children += c.visits;
      EXPECT_EQ(c.in_flight, 0);
    }
    EXPECT_EQ(mcts.last_simulations(), 1500);
    if (!mcts.tree_reused()) EXPECT_EQ(children + 1, mcts.root().visits);
    else EXPECT_LE(children + 1, mcts.root().visits);
    board.play(m);
  }
}

TEST(Mcts, DeterministicForASeedWithOneThread) {
  auto run = [] {
    MctsSettings settings;
    settings.seed = 42;
    MctsPlayer player(settings, rollouts());
    Board board(9);
    std::vector<Move> moves;
    for (int ply = 0; ply < 4; ++ply) {
      const ThinkResult r = player.think(board, visits(400));
      moves.push_back(r.move);
      board.play(r.move);
    }
    return moves;
  };
  EXPECT_EQ(run(), run());
}

TEST(Mcts, TreeReuseKeepsTheSubtreeOfTheMovesPlayed) {
  RolloutEvaluator evaluator;
  Mcts mcts(MctsSettings{}, evaluator);
  Board board(9);
  ThinkLimits limits;
  limits.max_visits = 2000;
  Analysis a = mcts.search(board, limits, {});
  const Move ours = a.moves[0].move;
  board.play(ours);
  // The opponent answers with the move our search liked best for it.
  const MctsNode* after = nullptr;
  for (const MctsNode& c : mcts.root().children)
    if (c.move == ours) after = &c;
  ASSERT_NE(after, nullptr);
  const MctsNode* reply =
      &*std::max_element(after->children.begin(), after->children.end(),
                         [](const MctsNode& x, const MctsNode& y) { return x.visits < y.visits; });
  const int64_t kept = reply->visits;
  board.play(reply->move);
  a = mcts.search(board, limits, {});
  EXPECT_TRUE(mcts.tree_reused());
  EXPECT_EQ(a.root_visits, kept + 2000);
  // A different game (cleared board): no reuse.
  a = mcts.search(Board(9), limits, {});
  EXPECT_FALSE(mcts.tree_reused());
}

TEST(Mcts, ReportsCarryOwnershipAndScoreWhenAsked) {
  // Black owns the left, White the right: ownership for Black (to move) is + on the left.
  const Board board = board_from(
      {"..X.O..", "..X.O..", "..X.O..", "..X.O..", "..X.O..", "..X.O..", "..X.O.."}, rules_with_komi(0.5));
  MctsPlayer player({}, rollouts());
  ThinkRequest request = visits(500);
  request.want_ownership = true;
  const ThinkResult r = player.think(board, request);
  ASSERT_EQ(r.analysis.ownership.size(), 49u);
  EXPECT_GT(r.analysis.ownership[0], 0.5);
  EXPECT_LT(r.analysis.ownership[6], -0.5);
  for (const MoveStats& m : r.analysis.moves) {
    EXPECT_GE(m.winrate, 0);
    EXPECT_LE(m.winrate, 1);
    EXPECT_LE(m.lcb, m.winrate);
    EXPECT_FALSE(m.pv.empty());
    EXPECT_EQ(m.pv[0], m.move);
  }
}

// An evaluator as a network would be: it wants batches of 8 and 3 past positions; it
// records what it is asked and answers with rollouts.
class RecordingEvaluator final : public Evaluator {
 public:
  void evaluate(const std::vector<EvalQuery>& queries, std::vector<EvalResult>& results) const override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      batch_sizes.push_back(queries.size());
      for (const EvalQuery& q : queries) {
        history_sizes.push_back(q.history.size());
        // history[0] is the position one move ago: it differs from the leaf unless that move was a pass.
        if (!q.history.empty() && q.history[0]->hash() != q.position->hash()) ++history_differs;
      }
    }
    rollouts_.evaluate(queries, results);
  }
  int history_wanted() const override { return 3; }
  int preferred_batch() const override { return 8; }
  std::string name() const override { return "recording"; }

  mutable std::vector<size_t> batch_sizes, history_sizes;
  mutable int history_differs = 0;

 private:
  mutable std::mutex mutex_;
  RolloutEvaluator rollouts_;
};

TEST(Mcts, BatchedEvaluatorGetsBatchesWithHistoryFromTwoThreads) {
  RecordingEvaluator evaluator;
  MctsSettings config;
  config.threads = 2;
  Mcts mcts(config, evaluator);
  Board board(9);
  board.play(Move::at(4, 4));
  board.play(Move::at(2, 2));
  ThinkLimits limits;
  limits.max_visits = 801;
  const Analysis a = mcts.search(board, limits, {});
  EXPECT_EQ(a.root_visits, 801);
  ASSERT_FALSE(a.moves.empty());
  EXPECT_TRUE(board.is_legal(Color::kBlack, a.moves[0].move));
  EXPECT_EQ(evaluator.batch_sizes.front(), 1u);  // the root alone, before the threads start
  // 800 more leaves in batches of at most 8 (fewer only where a game ended on the path).
  EXPECT_LE(*std::max_element(evaluator.batch_sizes.begin(), evaluator.batch_sizes.end()), 8u);
  EXPECT_GT(std::count(evaluator.batch_sizes.begin(), evaluator.batch_sizes.end(), 8u), 80);
  for (size_t h : evaluator.history_sizes) EXPECT_EQ(h, 3u);
  EXPECT_GT(evaluator.history_differs, 700);
}

// --- strength ---------------------------------------------------------------------------

// A uniformly random legal move that does not fill the mover's own true eye; pass if none.
Move random_move(const Board& board, Rng& rng) {
  std::vector<Move> moves;
  for (const Move& m : board.legal_moves(board.to_move()))
    if (!board.position().is_eye(board.to_move(), board.position().point(m))) moves.push_back(m);
  return moves.empty() ? Move::pass() : moves[rng.below(moves.size())];
}

TEST(Mcts, BeatsRandomPlayOnNineByNine) {
  // Ten games through the in-process match (play/match.h), the bot Black in half of them;
  // a resignation counts as a loss, two passes are scored by area after dead stones.
  MctsSettings settings;
  settings.seed = 9;
  MctsPlayer player(settings, rollouts());
  play::RandomPlayer random(123);
  play::MatchSettings match;
  match.games = 10;
  match.game.size = 9;
  match.game.max_moves = 300;
  match.a.limits.max_visits = 200;
  const play::MatchResult r = play::play_match(player, random, match);
  ASSERT_EQ(r.games.size(), 10u);
  EXPECT_EQ(r.a_forfeits, 0);
  EXPECT_GE(r.a_wins, 9);
}

// --- legality, pass and resign ------------------------------------------------------------

// A ko: White's stone at (1, 1) is taken by Black at (2, 1); both pass; White's retake at
// (1, 1) would recreate the position before Black's capture: legal by simple ko (the passes
// cleared the ko point), illegal by positional superko.
Board superko_position(go::Superko superko) {
  go::Rules rules = rules_with_komi(0.5);
  rules.superko = superko;
  Board board = board_from({".XO..", "XO.O.", ".XO..", ".....", "....."}, rules);
  EXPECT_EQ(board.play(Color::kBlack, Move::at(2, 1)), go::MoveLegality::kLegal);
  EXPECT_EQ(board.play(Color::kWhite, Move::pass()), go::MoveLegality::kLegal);
  EXPECT_EQ(board.play(Color::kBlack, Move::pass()), go::MoveLegality::kLegal);
  return board;
}

TEST(Mcts, NeverRecreatesAnEarlierPositionUnderPositionalSuperko) {
  const Board board = superko_position(go::Superko::kPositional);
  ASSERT_EQ(board.check(Color::kWhite, Move::at(1, 1)), go::MoveLegality::kSuperko);
  RolloutEvaluator evaluator;
  Mcts mcts(MctsSettings{}, evaluator);
  ThinkLimits limits;
  limits.max_visits = 300;
  mcts.search(board, limits, {});
  for (const MctsNode& c : mcts.root().children) EXPECT_NE(c.move, Move::at(1, 1));
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    MctsSettings settings;
    settings.seed = seed;
    MctsPlayer player(settings, rollouts());
    const ThinkResult r = player.think(board, visits(200));
    EXPECT_TRUE(board.is_legal(Color::kWhite, r.move));
  }
  // Under simple ko alone the retake is a legal child.
  const Board simple = superko_position(go::Superko::kNone);
  ASSERT_TRUE(simple.is_legal(Color::kWhite, Move::at(1, 1)));
  mcts.clear();
  mcts.search(simple, limits, {});
  EXPECT_TRUE(std::any_of(mcts.root().children.begin(), mcts.root().children.end(),
                          [](const MctsNode& c) { return c.move == Move::at(1, 1); }));
}

TEST(Mcts, PassesAfterTheOpponentsPassWhenPassingWins) {
  // Black's area (15) beats White's (10) by more than komi 0.5.
  Board board =
      board_from({"..X.O", "..X.O", "..XO.", "..XO.", "..XO."}, rules_with_komi(0.5), Color::kWhite);
  ASSERT_EQ(board.play(Move::pass()), go::MoveLegality::kLegal);
  MctsPlayer player({}, rollouts());
  const ThinkResult r = player.think(board, visits(500));
  EXPECT_TRUE(r.move.is_pass()) << describe(r.analysis);
  EXPECT_FALSE(r.resign);
}

TEST(Mcts, PlaysOnAfterTheOpponentsPassWhenPassingLoses) {
  // 14 points each and a neutral middle: passing now loses by komi, a move in the middle wins.
  Board board = board_from({".X...O.", ".X...O.", ".X...O.", ".X...O.", ".X...O.", ".X...O.", ".X...O."},
                           rules_with_komi(0.5), Color::kWhite);
  ASSERT_EQ(board.play(Move::pass()), go::MoveLegality::kLegal);
  MctsSettings settings;
  settings.seed = 3;
  MctsPlayer player(settings, rollouts());
  const ThinkResult r = player.think(board, visits(1000));
  EXPECT_FALSE(r.move.is_pass()) << describe(r.analysis);
  EXPECT_FALSE(r.resign);
  EXPECT_TRUE(board.is_legal(Color::kBlack, r.move));
}

TEST(Mcts, PassesWhenEveryMoveFillsAnOwnEye) {
  const Board board = board_from({".XXXX", "XXXXX", "XX.XX", "XXXXX", "XXXX."}, rules_with_komi(7.5));
  MctsPlayer player({}, rollouts());
  const ThinkResult r = player.think(board, visits(100));
  EXPECT_TRUE(r.move.is_pass());
  EXPECT_FALSE(r.resign);
}

TEST(Mcts, ResignsAHopelessGameOnlyWhenAllowed) {
  // Komi 60.5 on 7x7: Black cannot win even with all 49 points.
  const Board board(7, rules_with_komi(60.5));
  MctsPlayer player({}, rollouts());
  ThinkRequest request;
  request.limits.max_visits = 600;
  EXPECT_TRUE(player.think(board, request).resign);
  request.allow_resign = false;
  const ThinkResult r = player.think(board, request);
  EXPECT_FALSE(r.resign);
  EXPECT_TRUE(board.is_legal(Color::kBlack, r.move));
  // Too few visits to judge: no resignation either.
  player.new_game();
  request.allow_resign = true;
  request.limits.max_visits = 100;
  EXPECT_FALSE(player.think(board, request).resign);
}

TEST(Mcts, BadSettingsOrNoEvaluatorAreRejected) {
  MctsSettings threads;
  threads.threads = 0;
  EXPECT_THROW((void)MctsPlayer(threads, rollouts()), std::invalid_argument);
  RolloutEvaluator evaluator;
  EXPECT_THROW((void)Mcts(threads, evaluator), std::invalid_argument);
  MctsSettings resign;
  resign.resign_threshold = 0.7;
  EXPECT_THROW((void)MctsPlayer(resign, rollouts()), std::invalid_argument);
  EXPECT_THROW((void)MctsPlayer(MctsSettings{}, nullptr), std::invalid_argument);
}

TEST(Mcts, PlayersShareOneEvaluator) {
  const auto evaluator = rollouts();
  MctsPlayer black({}, evaluator), white({}, evaluator);
  EXPECT_EQ(&black.evaluator(), &white.evaluator());
  EXPECT_EQ(evaluator.use_count(), 3);
  Board board(7);
  for (MctsPlayer* p : {&black, &white, &black}) {
    const ThinkResult r = p->think(board, visits(100));
    ASSERT_EQ(board.play(r.move), go::MoveLegality::kLegal);
  }
}

// --- evaluators -----------------------------------------------------------------------------

TEST(Evaluators, RolloutValueHasTheWinnersSign) {
  // Black's wall holds four columns; White's two stones have no room: Black wins by area
  // whoever is to move.
  const Board board = board_from({"...X.", "...XO", "...X.", "...XO", "...X."}, rules_with_komi(0.5));
  RolloutEvaluator evaluator(32);
  std::vector<EvalQuery> queries(2);
  for (int i = 0; i < 2; ++i) {
    queries[i].position = &board.position();
    queries[i].to_move = i == 0 ? Color::kBlack : Color::kWhite;
    queries[i].komi = 0.5;
    queries[i].seed = 99;
    queries[i].want_ownership = true;
  }
  std::vector<EvalResult> results;
  evaluator.evaluate(queries, results);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_GT(results[0].value, 0.8);
  EXPECT_LT(results[1].value, -0.8);
  EXPECT_GT(results[0].score, 5);
  EXPECT_LT(results[1].score, -5);
  ASSERT_EQ(results[0].ownership.size(), 25u);
  EXPECT_GT(results[0].ownership[0], 0.3);   // Black's corner, from Black's view
  EXPECT_LT(results[1].ownership[0], -0.3);  // the same point from White's view
  ASSERT_EQ(results[0].prior.size(), 26u);
  EXPECT_NEAR(results[0].prior[25], 1.0 / 26, 1e-6);
}

TEST(Evaluators, BatchResultsMatchSingleOnes) {
  Rng rng(5);
  std::vector<Board> boards;
  for (int k = 0; k < 6; ++k) {
    Board b(9);
    for (int ply = 0; ply < 10 * k; ++ply) b.play(random_move(b, rng));
    boards.push_back(b);
  }
  const RolloutEvaluator rollout(3);
  const UniformEvaluator uniform;
  for (const Evaluator* evaluator :
       {static_cast<const Evaluator*>(&rollout), static_cast<const Evaluator*>(&uniform)}) {
    const std::string name = evaluator->name();
    std::vector<EvalQuery> queries(boards.size());
    for (size_t i = 0; i < boards.size(); ++i) {
      queries[i].position = &boards[i].position();
      queries[i].to_move = boards[i].to_move();
      queries[i].seed = 1000 + i;
      queries[i].want_ownership = i % 2 == 0;
    }
    std::vector<EvalResult> batch, single;
    evaluator->evaluate(queries, batch);
    ASSERT_EQ(batch.size(), queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
      evaluator->evaluate({queries[i]}, single);
      ASSERT_EQ(single.size(), 1u);
      EXPECT_EQ(batch[i].value, single[0].value) << name << " " << i;
      EXPECT_EQ(batch[i].score, single[0].score);
      EXPECT_EQ(batch[i].ownership, single[0].ownership);
      EXPECT_EQ(batch[i].prior, single[0].prior);
      EXPECT_GE(batch[i].value, -1);
      EXPECT_LE(batch[i].value, 1);
    }
  }
}

TEST(Evaluators, UniformIsZeroValueAndUniformPrior) {
  const Board board(5);
  UniformEvaluator evaluator;
  std::vector<EvalQuery> queries(1);
  queries[0].position = &board.position();
  std::vector<EvalResult> results;
  evaluator.evaluate(queries, results);
  EXPECT_EQ(results[0].value, 0);
  EXPECT_FALSE(results[0].has_score);
  double sum = 0;
  for (float p : results[0].prior) sum += p;
  EXPECT_NEAR(sum, 1.0, 1e-5);
  EXPECT_EQ(results[0].prior.size(), 26u);
}

}  // namespace
}  // namespace traceplay::search
