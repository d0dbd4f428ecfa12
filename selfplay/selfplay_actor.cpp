#include "selfplay/selfplay_actor.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "core/hash.h"
#include "core/rng.h"

namespace traceplay::selfplay {

search::MctsSettings selfplay_mcts_settings() {
  search::MctsSettings s;
  s.dirichlet_fraction = 0.25;
  s.temperature_early = 0.75;
  s.temperature_halflife = 19;
  s.temperature_late = 0.15;
  s.resign_threshold = 0.05;
  s.resign_min_visits = 50;
  s.max_seconds = 0;
  // A net's first evaluation of a leaf gives its prior: expand at once (AlphaZero). The
  // default 2 suits playouts, whose first result is one noisy game and no prior.
  s.expand_visits = 1;
  return s;
}

void ActorSettings::validate() const {
  if (size < 2 || size > 25) throw std::invalid_argument("self-play: size must be in [2, 25]");
  if (!(komi >= -1000 && komi <= 1000))
    throw std::invalid_argument("self-play: komi must be in [-1000, 1000]");
  mcts.validate();
  cap.validate();
  if (!(no_resign_fraction >= 0 && no_resign_fraction <= 1))
    throw std::invalid_argument("self-play: no_resign_fraction must be in [0, 1]");
  if (max_moves < 0) throw std::invalid_argument("self-play: max_moves must be >= 0");
  if (random_opening_moves < 0) throw std::invalid_argument("self-play: random_opening_moves must be >= 0");
  if (games_in_flight < 1 || games_in_flight > 4096)
    throw std::invalid_argument("self-play: games_in_flight must be in [1, 4096]");
  if (actor < 0) throw std::invalid_argument("self-play: actor must be >= 0");
}

uint64_t selfplay_game_id(uint64_t seed, int actor, uint64_t game_number) {
  std::string bytes(24, '\0');
  const uint64_t parts[3] = {seed, static_cast<uint64_t>(actor), game_number};
  for (int p = 0; p < 3; ++p)
    for (int b = 0; b < 8; ++b)
      bytes[static_cast<size_t>(8 * p + b)] = static_cast<char>((parts[p] >> (8 * b)) & 0xff);
  return xxh64(bytes);
}

SelfPlayGame to_selfplay_game(const play::PlayedGame& played, const std::vector<bool>& full, uint64_t id,
                              int model_version, int size, double komi, bool resign_allowed) {
  SelfPlayGame g;
  g.id = id;
  g.model_version = model_version;
  g.size = size;
  g.komi = komi;
  g.resign_allowed = resign_allowed;
  switch (played.end) {
    case play::GameEnd::kTwoPasses:
      g.end = GameEnd::kTwoPasses;
      break;
    case play::GameEnd::kResignation:
      g.end = GameEnd::kResignation;
      break;
    case play::GameEnd::kMoveCap:
      g.end = GameEnd::kMoveCap;
      break;
    case play::GameEnd::kForfeit:
    case play::GameEnd::kStopped:
      throw std::logic_error(std::string("self-play: a game that ended by ") + play::to_string(played.end) +
                             " is not a record (" + played.reason + ")");
  }
  g.winner = played.winner;
  g.score = played.score;
  size_t searched = 0;
  for (const play::MoveInfo& info : played.moves) {
    SelfPlayMove m;
    m.move = info.move.is_pass() ? size * size : info.move.x + size * info.move.y;
    m.searched = !info.random_opening;
    if (m.searched) {
      if (searched >= full.size())
        throw std::logic_error("self-play: fewer full/fast draws than searched moves");
      m.full_search = full[searched++];
      m.root_visits = info.root_visits;
      m.root_value = static_cast<float>(2 * info.root_winrate - 1);
      m.root_score = static_cast<float>(info.root_score_lead);
      for (const play::MoveVisits& v : info.visits) {
        if (v.visits <= 0) continue;
        m.policy.emplace_back(v.move.is_pass() ? size * size : v.move.x + size * v.move.y, v.visits);
      }
      std::sort(m.policy.begin(), m.policy.end());
    }
    g.moves.push_back(std::move(m));
  }
  // A resignation is a think (and a draw) that played no move.
  const size_t unplayed = played.end == play::GameEnd::kResignation ? 1 : 0;
  if (searched + unplayed != full.size())
    throw std::logic_error("self-play: more full/fast draws than searched moves");
  if (!played.final_ownership.empty()) {
    g.ownership.reserve(played.final_ownership.size());
    for (go::Color c : played.final_ownership)
      g.ownership.push_back(c == go::Color::kBlack ? 1 : c == go::Color::kWhite ? -1 : 0);
  }
  return g;
}

std::optional<SelfPlayGame> play_selfplay_game(std::shared_ptr<const search::Evaluator> evaluator,
                                               const ActorSettings& settings, uint64_t id, int model_version,
                                               const std::function<bool()>& should_stop) {
  Rng rng = Rng::stream(id, 0x7265736967ULL);  // "resig": this game's resign draw
  const bool resign_allowed = !(rng.uniform01() < settings.no_resign_fraction);
  search::MctsSettings mcts = settings.mcts;
  mcts.seed = id;
  PlayoutCapPlayer player(mcts, settings.cap, std::move(evaluator));

  play::PlaySettings play;
  play.size = settings.size;
  play.rules.komi = settings.komi;
  play.max_moves = settings.max_moves;
  play.random_opening_moves = settings.random_opening_moves;
  play.opening_seed = id;
  play.scoring_seed = id;
  for (play::ColorSettings* c : {&play.black, &play.white}) {
    c->limits.max_visits = settings.cap.full_visits;  // PlayoutCapPlayer sets each move's own
    c->allow_resign = resign_allowed;
  }
  play.black_name = play.white_name = "traceplay self-play v" + std::to_string(model_version);
  play.should_stop = should_stop;
  const play::PlayedGame played = play::play_game(player, player, play);
  if (played.end == play::GameEnd::kStopped) return std::nullopt;
  return to_selfplay_game(played, player.full_searches(), id, model_version, settings.size, settings.komi,
                          resign_allowed);
}

SelfPlayActor::SelfPlayActor(const ActorSettings& settings, EvaluatorFactory factory)
    : settings_(settings), factory_(std::move(factory)), next_game_(settings.first_game) {
  settings_.validate();
  if (!factory_) throw std::invalid_argument("self-play: no evaluator factory");
}

SelfPlayActor::Current SelfPlayActor::evaluator_for(const ModelVersion& newest) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (current_ && current_->version.version >= newest.version) return *current_;
  }
  // One builder at a time (loading a network takes a while and its memory once); the
  // others wait here and then find it built. Games already running keep the old one.
  std::lock_guard<std::mutex> build(build_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (current_ && current_->version.version >= newest.version) return *current_;
  }
  Current fresh{newest, factory_(newest)};
  if (fresh.evaluator == nullptr)
    throw std::runtime_error("self-play: the evaluator factory returned nothing");
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = fresh;
  stats_.version = std::max(stats_.version, newest.version);
  return fresh;
}

void SelfPlayActor::game_thread(const ModelSource& source, RecordSink& sink,
                                const std::function<bool()>& stop, uint64_t max_games,
                                std::atomic<uint64_t>& started) {
  const auto stopping = [&] { return done_.load() || (stop && stop()); };
  try {
    while (!stopping()) {
      std::optional<ModelVersion> newest = source.latest();
      while (!newest && !stopping()) newest = source.wait_newer(-1, std::chrono::milliseconds(100));
      if (!newest) return;
      if (max_games != 0 && started.fetch_add(1) >= max_games) return;
      const uint64_t n = next_game_.fetch_add(1);
      const Current current = evaluator_for(*newest);
      const uint64_t id = selfplay_game_id(settings_.seed, settings_.actor, n);
      std::optional<SelfPlayGame> game =
          play_selfplay_game(current.evaluator, settings_, id, current.version.version, stopping);
      if (!game) return;
      uint64_t moves = 0, full = 0;
      for (const SelfPlayMove& m : game->moves) {
        moves += m.searched ? 1 : 0;
        full += m.full_search ? 1 : 0;
      }
      const bool resigned = game->end == GameEnd::kResignation, no_resign = !game->resign_allowed;
      if (!sink.put(std::move(*game))) {
        done_ = true;  // the sink is closed: the run is stopping
        return;
      }
      std::lock_guard<std::mutex> lock(mutex_);
      ++stats_.games;
      stats_.moves += moves;
      stats_.full_searches += full;
      stats_.resignations += resigned ? 1 : 0;
      stats_.no_resign_games += no_resign ? 1 : 0;
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::current_exception();
    done_ = true;
  }
}

void SelfPlayActor::run(const ModelSource& source, RecordSink& sink, const std::function<bool()>& should_stop,
                        uint64_t max_games) {
  done_ = false;
  error_ = nullptr;
  std::atomic<uint64_t> started{0};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(settings_.games_in_flight));
  for (int t = 0; t < settings_.games_in_flight; ++t)
    threads.emplace_back([&] { game_thread(source, sink, should_stop, max_games, started); });
  for (std::thread& t : threads) t.join();
  if (error_) std::rethrow_exception(error_);
}

ActorStats SelfPlayActor::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

}  // namespace traceplay::selfplay
