#include "search/mcts.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <optional>
#include <stdexcept>
#include <thread>

#include "core/rng.h"
#include "search/dirichlet.h"
#include "games/go/scoring.h"

namespace traceplay::search {

namespace {
using Clock = std::chrono::steady_clock;
// The root noise's stream of a search seed: the simulations use streams 0, 1, ..., which
// never reach this one.
constexpr uint64_t kNoiseStream = ~uint64_t{0};
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
}  // namespace

// One search call's state, shared by the workers and the coordinating thread.
struct Mcts::Shared {
  const go::Board* board = nullptr;
  go::Position root_position;
  go::Color root_to_move = go::Color::kBlack;
  int root_passes = 0;
  double komi = 7.5;
  bool check_superko = true;
  std::unordered_set<uint64_t> history_hashes;  // the game's positions (superko inside the tree)
  std::vector<go::Position> root_past;          // newest first; only when the evaluator wants history
  int history_wanted = 0;
  bool want_ownership = false;
  uint64_t seed = 0;
  int64_t max_simulations = 0;  // 0: none
  // ThinkRequest::on_simulation when set, and its scratch path (under the tree lock).
  const std::function<void(const std::vector<go::Move>&, double)>* on_simulation = nullptr;
  std::vector<go::Move> simulation_path;
  // Under the tree lock:
  int64_t started = 0;
  int64_t done = 0;
  std::vector<double> ownership_sum;
  int64_t ownership_count = 0;
  // Between threads:
  std::atomic<bool> stop{false};
  std::mutex done_mutex;
  std::condition_variable done_cv;
  int workers_left = 0;  // under done_mutex
};

// A leaf picked for evaluation, with what its expansion and backup need.
struct Mcts::Leaf {
  std::vector<MctsNode*> path;  // root first
  go::Position position;
  go::Color to_move = go::Color::kBlack;
  int passes = 0;
  std::vector<uint64_t> path_hashes;  // positions after each stone move on the path
  std::vector<go::Position> past;     // positions before each move on the path (history for networks)
  bool terminal = false;              // two passes ended the game
  bool expand = false;                // create the children with this evaluation's prior
  bool judged = false;                // the LeafJudge decided the leaf (then terminal too)
  double judged_value = 0;            // its value for the leaf's side to move
  uint64_t seed = 0;
};

struct Mcts::Batch {
  std::vector<Leaf> leaves;
  std::vector<size_t> pending;  // leaves to evaluate (the others ended the game)
  std::vector<EvalQuery> queries;
  std::vector<EvalResult> results;
};

double winrate_lcb(double winrate, int64_t n) {
  if (n <= 0) return 0;
  const double z = 1.96, nn = static_cast<double>(n);
  const double center = winrate + z * z / (2 * nn);
  const double margin = z * std::sqrt(winrate * (1 - winrate) / nn + z * z / (4 * nn * nn));
  return std::max(0.0, (center - margin) / (1 + z * z / nn));
}

Mcts::Mcts(const MctsSettings& settings, const Evaluator& evaluator, const LeafJudge* judge)
    : settings_(settings), evaluator_(evaluator), judge_(judge) {
  settings_.validate();
}

Mcts::~Mcts() = default;

void Mcts::clear() {
  root_ = MctsNode{};
  tree_nodes_ = 1;
  root_moves_.clear();
  root_size_ = 0;
}

// Can the kept tree serve `board`? Yes when board is the kept root's game continued by
// moves that are in the tree (then that subtree becomes the root).
bool Mcts::reuse_for(const go::Board& board) {
  if (!settings_.reuse_tree || root_size_ != board.size() || root_komi_ != board.rules().komi ||
      root_.visits == 0)
    return false;
  const auto& moves = board.moves();
  if (moves.size() < root_moves_.size() || !std::equal(root_moves_.begin(), root_moves_.end(), moves.begin()))
    return false;
  // Setup stones since then would add states without moves.
  if (board.history_size() - root_history_size_ != static_cast<int>(moves.size() - root_moves_.size()))
    return false;
  MctsNode* node = &root_;
  go::Color color = root_to_move_;
  for (size_t i = root_moves_.size(); i < moves.size(); ++i) {
    if (moves[i].color != color) return false;
    auto it = std::find_if(node->children.begin(), node->children.end(),
                           [&](const MctsNode& c) { return c.move == moves[i].move; });
    if (it == node->children.end()) return false;
    node = &*it;
    color = go::opponent(color);
  }
  if (color != board.to_move()) return false;
  if (node != &root_) {
    MctsNode kept = std::move(*node);
    root_ = std::move(kept);
    tree_nodes_ = root_.subtree_size();
  }
  return true;
}

// The kept root's children were made under the tree's approximate superko: keep only the
// moves the game's rules allow now.
void Mcts::prune_root_children(const go::Board& board) {
  auto& ch = root_.children;
  const go::Color c = board.to_move();
  ch.erase(std::remove_if(ch.begin(), ch.end(),
                          [&](const MctsNode& n) {
                            return !n.move.is_pass() && board.check(c, n.move) != go::MoveLegality::kLegal;
                          }),
           ch.end());
}

// The root's children priors from their clean ones and fresh noise (see the header).
void Mcts::noise_root_priors(uint64_t search_seed) {
  std::lock_guard<std::mutex> lock(tree_mutex_);
  auto& children = root_.children;
  if (children.empty()) return;
  Rng rng = Rng::stream(search_seed, kNoiseStream);
  const std::vector<double> noise = sample_dirichlet(
      children.size(), settings_.dirichlet_alpha_per_child(static_cast<int>(children.size())), rng);
  // A kept root may have lost children (prune_root_children): the clean priors then sum
  // to less than 1, and are renormalised first so that the mixed priors sum to 1.
  double clean_total = 0;
  for (const MctsNode& c : children) clean_total += c.clean_prior;
  const double f = settings_.dirichlet_fraction;
  for (size_t i = 0; i < children.size(); ++i) {
    const double clean =
        clean_total > 0 ? children[i].clean_prior / clean_total : 1.0 / static_cast<double>(children.size());
    children[i].prior = static_cast<float>((1 - f) * clean + f * noise[i]);
  }
}

Analysis Mcts::search(const go::Board& board, const ThinkLimits& limits, const ThinkRequest& request) {
  reused_ = reuse_for(board);
  if (!reused_) {
    root_ = MctsNode{};
    tree_nodes_ = 1;
  } else {
    prune_root_children(board);
  }
  root_moves_ = board.moves();
  root_history_size_ = board.history_size();
  root_to_move_ = board.to_move();
  root_size_ = board.size();
  root_komi_ = board.rules().komi;

  Shared s;
  s.board = &board;
  s.root_position = board.position();
  s.root_to_move = board.to_move();
  s.root_passes = board.consecutive_passes();
  s.komi = board.rules().komi;
  s.check_superko = board.rules().superko != go::Superko::kNone;
  if (s.check_superko) {
    go::Position p(board.size());
    for (int k = 0; k <= board.history_size(); ++k)
      if (p.set_stones(board.stones_ago(k))) s.history_hashes.insert(p.hash());
  }
  s.history_wanted = evaluator_.history_wanted();
  for (int k = 1; k <= s.history_wanted; ++k) {
    go::Position p(board.size());
    p.set_stones(board.stones_ago(k));
    s.root_past.push_back(p);
  }
  s.want_ownership = request.want_ownership;
  if (request.on_simulation) s.on_simulation = &request.on_simulation;
  if (s.want_ownership) s.ownership_sum.assign(static_cast<size_t>(board.size() * board.size()), 0.0);
  s.seed = settings_.seed + 0x9e3779b97f4a7c15ULL * ++search_count_;
  s.max_simulations = limits.max_visits;
  s.workers_left = settings_.threads;

  const auto start = Clock::now();
  if (!root_.expanded) {  // the root's own evaluation first, so that every later simulation goes through a
                          // child
    Batch buffers;
    run_batch(s, 1, buffers);
  }
  if (settings_.dirichlet_fraction > 0) noise_root_priors(s.seed);
  std::vector<std::thread> workers;
  for (int t = 0; t < settings_.threads; ++t) workers.emplace_back([this, &s] { run_worker(s); });
  auto last_report = start;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(s.done_mutex);
      if (s.done_cv.wait_for(lock, std::chrono::milliseconds(1), [&] { return s.workers_left == 0; })) break;
    }
    // No report once stopping (the final snapshot is the result); a report's callback may
    // flip should_stop, which is polled right after it.
    if (!s.stop && request.report && request.report_interval_s > 0 &&
        std::chrono::duration<double>(Clock::now() - last_report).count() >= request.report_interval_s) {
      last_report = Clock::now();
      request.report(snapshot(s));
    }
    if (request.should_stop && request.should_stop()) s.stop = true;
    if (limits.max_seconds > 0 && seconds_since(start) >= limits.max_seconds) s.stop = true;
  }
  for (auto& w : workers) w.join();
  last_simulations_ = s.done;
  return snapshot(s);
}

// Picks up to `batch` leaves, evaluates them in one call, backs them up. Returns false
// when no simulation could be started (the limits are reached or the search stops).
bool Mcts::run_batch(Shared& s, size_t batch, Batch& b) {
  if (b.leaves.size() < batch) b.leaves.resize(batch);
  b.pending.clear();
  size_t picked = 0;
  for (; picked < batch; ++picked) {
    Leaf& leaf = b.leaves[picked];
    if (!select_leaf(s, leaf)) break;
    if (leaf.terminal) expand_and_backup(s, leaf, nullptr, {});
    else b.pending.push_back(picked);
  }
  if (!b.pending.empty()) {
    b.queries.resize(b.pending.size());
    for (size_t i = 0; i < b.pending.size(); ++i) {
      const Leaf& leaf = b.leaves[b.pending[i]];
      EvalQuery& q = b.queries[i];
      q.position = &leaf.position;
      q.to_move = leaf.to_move;
      q.komi = s.komi;
      q.consecutive_passes = leaf.passes;
      q.seed = leaf.seed;
      q.depth = static_cast<int>(leaf.path.size()) - 1;
      q.want_ownership = s.want_ownership;
      q.history.clear();
      for (auto it = leaf.past.rbegin();
           it != leaf.past.rend() && static_cast<int>(q.history.size()) < s.history_wanted; ++it)
        q.history.push_back(&*it);
      for (const go::Position& p : s.root_past)
        if (static_cast<int>(q.history.size()) < s.history_wanted) q.history.push_back(&p);
    }
    evaluator_.evaluate(b.queries, b.results);
    for (size_t i = 0; i < b.pending.size(); ++i) {
      Leaf& leaf = b.leaves[b.pending[i]];
      std::vector<MctsNode> children;
      if (leaf.expand) children = make_children(s, leaf, b.results[i]);
      expand_and_backup(s, leaf, &b.results[i], std::move(children));
    }
  }
  return picked == batch;
}

void Mcts::run_worker(Shared& s) {
  const size_t batch = static_cast<size_t>(std::max(1, evaluator_.preferred_batch()));
  Batch buffers;
  while (run_batch(s, batch, buffers)) {
  }
  std::lock_guard<std::mutex> lock(s.done_mutex);
  if (--s.workers_left == 0) s.done_cv.notify_all();
}

// Under the lock: walk down by PUCT/UCB1, adding virtual losses, and decide whether the
// leaf will be expanded. Outside it: replay the path's moves on the leaf's position.
bool Mcts::select_leaf(Shared& s, Leaf& leaf) {
  {
    std::lock_guard<std::mutex> lock(tree_mutex_);
    if (s.stop.load(std::memory_order_relaxed)) return false;
    if (s.max_simulations > 0 && s.started >= s.max_simulations) return false;
    leaf.seed = Rng::stream(s.seed, static_cast<uint64_t>(s.started++)).next();
    leaf.path.assign(1, &root_);
    leaf.passes = s.root_passes;
    leaf.terminal = false;
    MctsNode* node = &root_;
    while (node->expanded) {
      MctsNode* child = select_child(*node);
      child->in_flight += settings_.virtual_loss;
      leaf.passes = child->move.is_pass() ? leaf.passes + 1 : 0;
      leaf.path.push_back(child);
      node = child;
      if (leaf.passes >= 2) {
        leaf.terminal = true;
        break;
      }
    }
    leaf.expand = !leaf.terminal && !node->expanded && tree_nodes_ < settings_.max_tree_nodes &&
                  (node == &root_ || node->visits + 1 >= settings_.expand_visits);
  }
  // The nodes' moves never change, so they can be read without the lock.
  leaf.position = s.root_position;
  leaf.to_move = s.root_to_move;
  leaf.path_hashes.clear();
  leaf.past.clear();
  for (size_t d = 1; d < leaf.path.size(); ++d) {
    if (s.history_wanted > 0) leaf.past.push_back(leaf.position);
    const go::Move m = leaf.path[d]->move;
    if (m.is_pass()) {
      leaf.position.pass();
    } else {
      leaf.position.play(leaf.to_move, leaf.position.point(m));
      leaf.path_hashes.push_back(leaf.position.hash());
    }
    leaf.to_move = go::opponent(leaf.to_move);
  }
  leaf.judged = false;
  if (judge_ != nullptr) {
    const int depth = static_cast<int>(leaf.path.size()) - 1;
    if (const std::optional<double> v = judge_->decided(leaf.position, leaf.to_move, depth, leaf.passes)) {
      leaf.judged = true;
      leaf.judged_value = *v;
      leaf.terminal = true;
      leaf.expand = false;
    }
  }
  return true;
}

MctsNode* Mcts::select_child(MctsNode& node) const {
  const double parent_n = static_cast<double>(std::max<int64_t>(1, node.visits + node.in_flight));
  // First-play urgency: an unvisited child is valued as its parent (for the side to move there).
  const double fpu = node.visits > 0 ? (1.0 - node.winrate()) : 0.5;
  const double sqrt_n = std::sqrt(parent_n), log_n = std::log(parent_n);
  MctsNode* best = nullptr;
  double best_score = -std::numeric_limits<double>::infinity();
  for (MctsNode& c : node.children) {
    const int64_t n = c.visits + c.in_flight;
    double q = fpu;
    if (n > 0) q = ((c.value_sum - static_cast<double>(c.in_flight)) / static_cast<double>(n) + 1.0) / 2.0;
    double score;
    if (settings_.use_uct)
      score = n == 0 ? std::numeric_limits<double>::max()
                     : q + settings_.c_uct * std::sqrt(log_n / static_cast<double>(n));
    else score = q + settings_.c_puct * c.prior * sqrt_n / (1.0 + static_cast<double>(n));
    if (score > best_score) {
      best_score = score;
      best = &c;
    }
  }
  return best;
}

std::vector<MctsNode> Mcts::make_children(const Shared& s, const Leaf& leaf, const EvalResult& result) const {
  const go::Position& pos = leaf.position;
  const go::Color c = leaf.to_move;
  const int n = pos.size();
  const bool at_root = leaf.path.size() == 1;
  std::vector<MctsNode> children;
  double total = 0;
  auto prior_of = [&](int i) {
    return static_cast<size_t>(i) < result.prior.size() ? result.prior[static_cast<size_t>(i)] : 0.0f;
  };
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const int p = pos.point(x, y);
      if (!pos.is_legal(c, p) || pos.is_eye(c, p)) continue;  // simple ko, no suicide, no own eye
      if (at_root) {
        if (s.board->check(c, go::Move::at(x, y)) != go::MoveLegality::kLegal) continue;
      } else if (s.check_superko) {
        const uint64_t h = pos.hash_after(c, p);
        if (s.history_hashes.count(h) ||
            std::find(leaf.path_hashes.begin(), leaf.path_hashes.end(), h) != leaf.path_hashes.end())
          continue;
      }
      MctsNode child;
      child.move = go::Move::at(x, y);
      child.clean_prior = prior_of(x + n * y);
      total += child.clean_prior;
      children.push_back(std::move(child));
    }
  MctsNode pass;
  pass.move = go::Move::pass();
  pass.clean_prior = prior_of(n * n);
  total += pass.clean_prior;
  children.push_back(std::move(pass));
  for (MctsNode& child : children) {
    child.clean_prior = total > 0 ? static_cast<float>(child.clean_prior / total)
                                  : 1.0f / static_cast<float>(children.size());
    child.prior = child.clean_prior;
  }
  return children;
}

void Mcts::expand_and_backup(Shared& s, Leaf& leaf, const EvalResult* result,
                             std::vector<MctsNode> children) {
  double value, score;
  std::vector<float> terminal_ownership;
  const std::vector<float>* ownership = nullptr;
  if (leaf.judged) {  // the goal is decided at the leaf
    value = leaf.judged_value;
    score = 0;
  } else if (result == nullptr) {  // the game ended on the path: count it
    const double black_lead = leaf.position.area_difference() - s.komi;
    score = leaf.to_move == go::Color::kBlack ? black_lead : -black_lead;
    value = score > 0 ? 1.0 : score < 0 ? -1.0 : 0.0;
    if (s.want_ownership) {
      for (go::Color o : go::area_owners(leaf.position))
        terminal_ownership.push_back(o == leaf.to_move ? 1.0f : o == go::Color::kEmpty ? 0.0f : -1.0f);
      ownership = &terminal_ownership;
    }
  } else {
    value = result->value;
    score = result->has_score ? result->score : 0.0;
    if (!result->ownership.empty()) ownership = &result->ownership;
  }
  std::lock_guard<std::mutex> lock(tree_mutex_);
  MctsNode* leaf_node = leaf.path.back();
  if (!children.empty() && !leaf_node->expanded) {
    tree_nodes_ += static_cast<int64_t>(children.size());
    leaf_node->children = std::move(children);
    leaf_node->expanded = true;
  }
  const size_t depth = leaf.path.size() - 1;
  for (size_t d = 0; d <= depth; ++d) {
    MctsNode* node = leaf.path[d];
    // path[d] was played by the leaf's side to move when depth - d is odd.
    const double sign = (depth - d) % 2 == 1 ? 1.0 : -1.0;
    node->visits += 1;
    node->value_sum += sign * value;
    node->score_sum += sign * score;
    if (d > 0) node->in_flight -= settings_.virtual_loss;
  }
  if (s.on_simulation != nullptr) {
    s.simulation_path.clear();
    for (size_t d = 1; d <= depth; ++d) s.simulation_path.push_back(leaf.path[d]->move);
    (*s.on_simulation)(s.simulation_path, leaf.to_move == s.root_to_move ? value : -value);
  }
  if (ownership && s.want_ownership && ownership->size() == s.ownership_sum.size()) {
    const double sign = leaf.to_move == s.root_to_move ? 1.0 : -1.0;
    for (size_t i = 0; i < ownership->size(); ++i) s.ownership_sum[i] += sign * (*ownership)[i];
    ++s.ownership_count;
  }
  ++s.done;
}

Analysis Mcts::snapshot(const Shared& s) const {
  std::lock_guard<std::mutex> lock(tree_mutex_);
  Analysis a;
  a.root_visits = root_.visits;
  if (root_.visits > 0) {
    a.root_winrate = 1.0 - root_.winrate();  // the root's value is kept for the player who moved into it
    a.root_score_lead = -root_.score_sum / static_cast<double>(root_.visits);
  }
  for (const MctsNode& c : root_.children) {
    if (c.visits == 0) continue;
    MoveStats m;
    m.move = c.move;
    m.visits = c.visits;
    m.winrate = c.winrate();
    m.prior = c.clean_prior;  // the evaluator's opinion, not the noise
    m.lcb = winrate_lcb(m.winrate, c.visits);
    m.score_lead = c.score_sum / static_cast<double>(c.visits);
    for (const MctsNode* n = &c; n != nullptr && m.pv.size() < 32;) {
      m.pv.push_back(n->move);
      const MctsNode* next = nullptr;
      for (const MctsNode& g : n->children)
        if (g.visits > 0 && (next == nullptr || g.visits > next->visits)) next = &g;
      n = next;
    }
    a.moves.push_back(std::move(m));
  }
  std::stable_sort(a.moves.begin(), a.moves.end(), [](const MoveStats& x, const MoveStats& y) {
    return x.visits != y.visits ? x.visits > y.visits : x.winrate > y.winrate;
  });
  if (s.want_ownership) {
    a.ownership.assign(s.ownership_sum.size(), 0.0f);
    if (s.ownership_count > 0)
      for (size_t i = 0; i < s.ownership_sum.size(); ++i)
        a.ownership[i] = static_cast<float>(s.ownership_sum[i] / static_cast<double>(s.ownership_count));
  }
  return a;
}

}  // namespace traceplay::search
