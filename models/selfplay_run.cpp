#include "models/selfplay_run.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "core/atomic_file.h"
#include "core/config_table.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/rng.h"
#include "models/go_net_backend.h"
#include "models/go_net_checkpoint.h"
#include "models/torch_runtime.h"
#include "search/batching_evaluator.h"
#include "selfplay/elo_log.h"
#include "selfplay/game_store.h"
#include "selfplay/model_source.h"
#include "selfplay/model_store.h"
#include "selfplay/record_sink.h"
#include "selfplay/replay_window.h"
#include "selfplay/resign_stats.h"
#include "selfplay/training_position.h"

namespace traceplay::models {

namespace fs = std::filesystem;

SelfPlayRunConfig SelfPlayRunConfig::from_json(const nlohmann::json& config, const std::string& where) {
  SelfPlayRunConfig c;
  const TableReader top(config, where, {"name", "seed", "game", "net", "actor", "learner", "gating", "run"});
  if (!config.contains("name")) throw UserError(where + ": missing \"name\" (the run's name: runs/<name>)");
  top.string("name", c.name);
  if (c.name.empty() || c.name.size() > 100 ||
      !std::all_of(c.name.begin(), c.name.end(),
                   [](char ch) {
                     return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ||
                            ch == '.';
                   }) ||
      c.name[0] == '.')
    throw UserError(where +
                    ": \"name\" must be 1-100 letters, digits, '-', '_' or '.' (not starting with '.')");
  top.integer("seed", c.seed);

  const TableReader game(top.table("game"), where + " [game]", {"size", "komi"});
  game.integer("size", c.actor.size, 2);
  game.number_in("komi", c.actor.komi, -150, 150);

  std::string kind = "transformer", preset = "tiny";
  int64_t history = 8;
  const TableReader net(top.table("net"), where + " [net]", {"kind", "preset", "history"});
  net.string("kind", kind, {"transformer", "resnet"});
  net.string("preset", preset, {"tiny", "s", "m", "l", "xl"});
  net.integer("history", history, 1);
  c.net = GoNetConfig::preset_named(kind, preset, history);
  if (c.actor.size < 5 || c.actor.size > c.net.max_board_size)
    throw UserError(where + ": [game] size " + std::to_string(c.actor.size) + " is outside the net's 5.." +
                    std::to_string(c.net.max_board_size));

  const TableReader actor(
      top.table("actor"), where + " [actor]",
      {"games_in_flight", "full_visits", "fast_visits", "full_fraction", "no_resign_fraction",
       "resign_threshold", "max_moves", "random_opening_moves", "c_puct", "dirichlet_alpha",
       "dirichlet_fraction", "temperature_early", "temperature_halflife", "temperature_late"});
  search::MctsSettings& m = c.actor.mcts;
  actor.integer("games_in_flight", c.actor.games_in_flight, 1);
  actor.integer("full_visits", c.actor.cap.full_visits, 1);
  actor.integer("fast_visits", c.actor.cap.fast_visits, 1);
  actor.number_in("full_fraction", c.actor.cap.full_fraction, 0, 1);
  actor.number_in("no_resign_fraction", c.actor.no_resign_fraction, 0, 1);
  actor.number_in("resign_threshold", m.resign_threshold, 0, 0.5);
  actor.integer("max_moves", c.actor.max_moves, 0);
  actor.integer("random_opening_moves", c.actor.random_opening_moves, 0);
  actor.number("c_puct", m.c_puct, 0, false);
  actor.number("dirichlet_alpha", m.dirichlet_alpha, 0, false);
  actor.number_in("dirichlet_fraction", m.dirichlet_fraction, 0, 1);
  actor.number("temperature_early", m.temperature_early, 0);
  actor.number("temperature_halflife", m.temperature_halflife, 0, false);
  actor.number("temperature_late", m.temperature_late, 0);
  m.resign_min_visits = std::min<int64_t>(m.resign_min_visits, c.actor.cap.fast_visits);

  const TableReader learner(top.table("learner"), where + " [learner]",
                            {"batch", "lr", "weight_decay", "grad_clip", "window_positions", "min_positions",
                             "positions_per_version", "steps_per_version", "threads"});
  learner.integer("batch", c.batch, 1);
  learner.number("lr", c.learner.lr, 0, false);
  learner.number("weight_decay", c.learner.adamw.weight_decay, 0);
  learner.number("grad_clip", c.learner.grad_clip, 0);
  learner.integer("window_positions", c.window_positions, 1);
  learner.integer("min_positions", c.min_positions, 1);
  learner.integer("positions_per_version", c.positions_per_version, 1);
  learner.integer("steps_per_version", c.steps_per_version, 1);
  learner.integer("threads", c.threads, 0);

  const TableReader gating(
      top.table("gating"), where + " [gating]",
      {"games", "first_games", "visits", "threshold", "parallel", "random_opening_moves"});
  gating.integer("games", c.gating.games, 0);
  gating.integer("first_games", c.gating.first_games, 0);
  gating.integer("visits", c.gating.visits, 1);
  gating.number_in("threshold", c.gating.threshold, 0, 1);
  gating.integer("parallel", c.gating.parallel, 1);
  gating.integer("random_opening_moves", c.gating.random_opening_moves, 0);
  if (c.gating.games == 0 && c.gating.first_games > 0)
    throw UserError(where +
                    ": [gating] \"first_games\" needs \"games\" > 0 (matches are played by the gate)");
  c.gating.max_moves = static_cast<int>(c.actor.max_moves);

  const TableReader run(top.table("run"), where + " [run]",
                        {"versions", "max_minutes", "games_per_shard", "device"});
  run.integer("versions", c.versions, 1);
  run.number("max_minutes", c.max_minutes, 0);
  run.integer("games_per_shard", c.games_per_shard, 1);
  run.string("device", c.device);
  c.device = check_device(c.device, where + " [run] \"device\"");
  if (c.versions > selfplay::kMaxModelVersion)
    throw UserError(where + ": [run] \"versions\" must be at most " +
                    std::to_string(selfplay::kMaxModelVersion));
  if (c.min_positions > c.window_positions)
    throw UserError(where + ": [learner] \"min_positions\" must not exceed \"window_positions\"");

  c.actor.seed = c.seed;
  try {
    c.actor.validate();
  } catch (const std::invalid_argument& e) {
    throw UserError(where + ": " + e.what());
  }
  return c;
}

nlohmann::json SelfPlayRunConfig::to_json() const {
  const search::MctsSettings& m = actor.mcts;
  nlohmann::ordered_json j;
  j["name"] = name;
  j["seed"] = seed;
  j["game"] = {{"size", actor.size}, {"komi", actor.komi}};
  j["net"] = net.to_json();
  j["actor"] = {{"games_in_flight", actor.games_in_flight},
                {"full_visits", actor.cap.full_visits},
                {"fast_visits", actor.cap.fast_visits},
                {"full_fraction", actor.cap.full_fraction},
                {"no_resign_fraction", actor.no_resign_fraction},
                {"resign_threshold", m.resign_threshold},
                {"resign_min_visits", m.resign_min_visits},
                {"max_moves", actor.max_moves},
                {"random_opening_moves", actor.random_opening_moves},
                {"c_puct", m.c_puct},
                {"dirichlet_alpha", m.dirichlet_alpha},
                {"dirichlet_fraction", m.dirichlet_fraction},
                {"temperature_early", m.temperature_early},
                {"temperature_halflife", m.temperature_halflife},
                {"temperature_late", m.temperature_late}};
  j["learner"] = {{"batch", batch},
                  {"lr", learner.lr},
                  {"weight_decay", learner.adamw.weight_decay},
                  {"grad_clip", learner.grad_clip},
                  {"window_positions", window_positions},
                  {"min_positions", min_positions},
                  {"positions_per_version", positions_per_version},
                  {"steps_per_version", steps_per_version}};
  j["gating"] = {{"games", gating.games},       {"first_games", gating.first_games},
                 {"visits", gating.visits},     {"threshold", gating.threshold},
                 {"parallel", gating.parallel}, {"random_opening_moves", gating.random_opening_moves}};
  j["run"] = {{"games_per_shard", games_per_shard}};
  // threads, versions, max_minutes and device say how far and how a run goes, not what it
  // is: a resume may change them (say, to go on to more versions).
  return j;
}

namespace {

using Clock = std::chrono::steady_clock;

uint64_t file_xxh64(const std::string& path) { return xxh64(read_file(path)); }

// The config this directory was started with must be this one (a resume), or there is none yet.
void claim_directory(const std::string& out, const nlohmann::json& resolved) {
  fs::create_directories(out);
  const std::string path = (fs::path(out) / "selfplay.json").string();
  if (fs::exists(path)) {
    nlohmann::json existing;
    try {
      existing = nlohmann::json::parse(read_file(path));
    } catch (const nlohmann::json::exception&) {
      throw UserError(path + ": not valid JSON");
    }
    if (existing != nlohmann::json(resolved))
      throw UserError(path + ": this directory holds a self-play run of another config; give another --out");
    return;
  }
  write_file_atomic(path, nlohmann::json(resolved).dump(2) + "\n");
}

// The published version `version` of the store as the actors see it.
selfplay::ModelVersion stored_version(const std::string& models_dir, int version) {
  const std::string dir = (fs::path(models_dir) / selfplay::version_dir_name(version)).string();
  return {version, dir, file_xxh64((fs::path(dir) / "model.safetensors").string())};
}

std::string signed_elo(const std::optional<double>& x) {
  if (!x) return "?";
  char text[32];
  std::snprintf(text, sizeof text, "%+.0f", *x);
  return text;
}

struct LossMeans {
  double total = 0, policy = 0, value = 0, score = 0, ownership = 0;
  int64_t steps = 0;
  void add(const GoNetStepResult& r) {
    total += r.total;
    policy += r.policy;
    value += r.value;
    score += r.score;
    ownership += r.ownership;
    ++steps;
  }
  double mean(double x) const { return steps > 0 ? x / static_cast<double>(steps) : 0.0; }
};

}  // namespace

SelfPlayRunResult run_selfplay(const SelfPlayRunConfig& config, const SelfPlayRunOptions& options) {
  const auto log = [&](const std::string& line) {
    if (options.log) options.log(line);
  };
  const auto stop_asked = [&] { return options.should_stop && options.should_stop(); };
  claim_directory(options.out, config.to_json());
  configure_threads(config.threads);
  const std::string models_dir = (fs::path(options.out) / "models").string();
  const std::string games_dir = (fs::path(options.out) / "games").string();
  selfplay::remove_partial_versions(models_dir);
  const GoNetRequirements requirements{config.net.kind, config.actor.size, config.net.history};
  const torch::Device device(config.device);

  // The net the learner trains: the newest version, or a fresh one published as v0000.
  GoNet net;
  selfplay::ModelVersion current;
  const std::vector<int> versions = selfplay::list_versions(models_dir);
  if (versions.empty()) {
    torch::manual_seed(config.seed);
    net = make_go_net(config.net);
    net->to(device);
    current = publish_go_net(models_dir, 0, *net, {{"run", config.name}, {"steps", 0}});
  } else {
    current = stored_version(models_dir, versions.back());
    net = load_go_net(current.dir, requirements, device);
  }
  GoNetLearner learner(net, config.learner);
  // The optimizer's moments of the newest version, kept beside the versions: a resume
  // goes on with them (and the learner's step count) when they belong to its weights.
  const std::string learner_state = (fs::path(options.out) / "learner.safetensors").string();
  const bool restored = learner.load_state(learner_state, current.version);
  if (current.version > 0)
    log(restored ? "learner state restored at step " + std::to_string(learner.steps())
                 : "learner state of v" + selfplay::version_dir_name(current.version).substr(1) +
                       " not found: the optimizer's moments start afresh");

  selfplay::GameStore store(games_dir, config.actor.size, config.actor.komi,
                            static_cast<uint64_t>(config.games_per_shard));
  selfplay::ReplayWindow window(static_cast<size_t>(config.window_positions));
  selfplay::for_each_game(games_dir, [&](const selfplay::SelfPlayGame& g) {
    window.add(std::make_shared<selfplay::SelfPlayGame>(g));
    return true;
  });
  log("selfplay " + config.name + ": version " + std::to_string(current.version) + ", " +
      std::to_string(store.index().games) + " games stored, window " + std::to_string(window.positions()) +
      " positions");

  // Gating: the Elo log says which version is the best; versions published but not gated
  // (a learner killed between the two) are gated now, in order.
  const bool gating = config.gating.games > 0;
  selfplay::EloLog elo_log((fs::path(options.out) / "elo.jsonl").string());
  std::optional<double> newest_elo;
  const auto gate = [&](int version) -> bool {  // false: stopped
    const std::string dir = stored_version(models_dir, version).dir;
    const int best = elo_log.best();
    const auto play = [&](int opponent, int games, uint64_t salt) {
      GatingSettings g = config.gating;
      g.games = games;
      return play_versions(dir, stored_version(models_dir, opponent).dir, requirements, device,
                           config.actor.size, config.actor.komi, g,
                           Rng::stream(config.seed, salt + static_cast<uint64_t>(version)).next(),
                           options.should_stop);
    };
    const play::MatchResult match = play(best, config.gating.games, 0x67617465000000ULL);
    if (match.stopped) return false;
    const bool promoted = static_cast<double>(match.a_wins) + 0.5 * match.draws >=
                          config.gating.threshold * static_cast<double>(match.games.size());
    selfplay::GateRecord r = elo_log.add(version, best, "best", match, promoted);
    log("gate v" + selfplay::version_dir_name(version).substr(1) + " vs v" +
        selfplay::version_dir_name(best).substr(1) + ": " + std::to_string(r.wins) + "-" +
        std::to_string(r.draws) + "-" + std::to_string(r.losses) + ", score " +
        std::to_string(r.score()).substr(0, 5) + ", Elo " + signed_elo(r.elo_diff) + " [" +
        signed_elo(r.elo_diff_lo) + ", " + signed_elo(r.elo_diff_hi) + "] -> " +
        (promoted ? "promoted" : "kept v" + selfplay::version_dir_name(best).substr(1)));
    if (config.gating.first_games > 0) {
      const play::MatchResult first = play(0, config.gating.first_games, 0x6669727374000000ULL);
      if (first.stopped) return false;
      r = elo_log.add(version, 0, "first", first, false);
      log("     v" + selfplay::version_dir_name(version).substr(1) + " vs v0000: " + std::to_string(r.wins) +
          "-" + std::to_string(r.draws) + "-" + std::to_string(r.losses) + ", score " +
          std::to_string(r.score()).substr(0, 5));
    }
    newest_elo = r.elo;
    return true;
  };
  if (gating)
    for (int v : versions)
      if (v > 0 && !elo_log.gated(v) && !gate(v)) {
        SelfPlayRunResult stopped;
        stopped.stopped = true;
        stopped.version = current.version;
        stopped.best = elo_log.best();
        stopped.games = store.index().games;
        stopped.positions = store.index().positions;
        return stopped;
      }
  selfplay::ModelVersion best = gating ? stored_version(models_dir, elo_log.best()) : current;

  // The actor: its own copy of each version, loaded from the store (never the learner's net).
  std::mutex evaluator_mutex;
  std::shared_ptr<search::BatchingEvaluator> evaluator;
  int64_t retired_evaluations = 0;  // of the evaluators of older versions
  auto factory = [&](const selfplay::ModelVersion& v) -> std::shared_ptr<const search::Evaluator> {
    GoNet copy = load_go_net(v.dir, requirements, device);
    auto made = std::make_shared<search::BatchingEvaluator>(std::make_shared<GoNetBackend>(copy, 256));
    std::lock_guard<std::mutex> lock(evaluator_mutex);
    if (evaluator) retired_evaluations += evaluator->stats().evaluations;
    evaluator = made;
    return made;
  };
  selfplay::ActorSettings actor_settings = config.actor;
  actor_settings.first_game = store.index().games;
  selfplay::SelfPlayActor actor(actor_settings, factory);
  selfplay::ModelBoard board;
  board.publish(best);
  selfplay::GameQueue queue(static_cast<size_t>(std::max(8, 4 * config.actor.games_in_flight)));
  std::atomic<bool> actor_done{false}, stop_actor{false};
  std::exception_ptr actor_error;
  std::thread actor_thread([&] {
    try {
      actor.run(board, queue, [&] { return stop_actor.load() || stop_asked(); });
    } catch (...) {
      actor_error = std::current_exception();
    }
    actor_done = true;
  });

  SelfPlayRunResult result;
  const auto start = Clock::now();
  auto version_start = start;
  uint64_t games_since = 0, positions_since = 0;
  int64_t evaluations_at_version = 0;
  selfplay::ResignStats resign;  // over this process's no-resign games (the false-resign rate)
  Rng rng = Rng::stream(config.seed, 0x6c6561726e6572ULL + static_cast<uint64_t>(current.version));
  go::FeatureOptions features;
  features.history = static_cast<int>(config.net.history);
  const std::string progress_path = (fs::path(options.out) / "progress.jsonl").string();

  try {
    while (current.version < config.versions) {
      if (stop_asked()) {
        result.stopped = true;
        break;
      }
      if (actor_done) break;
      if (config.max_minutes > 0 &&
          std::chrono::duration<double>(Clock::now() - start).count() > 60 * config.max_minutes)
        break;
      std::optional<selfplay::SelfPlayGame> game = queue.take(std::chrono::milliseconds(100));
      if (game) {
        if (!game->resign_allowed && config.actor.mcts.resign_threshold > 0) {
          const selfplay::ResignStats one = selfplay::resign_stats(
              {*game}, config.actor.mcts.resign_threshold, config.actor.mcts.resign_min_visits);
          resign.no_resign_games += one.no_resign_games;
          resign.would_resign += one.would_resign;
          resign.false_resigns += one.false_resigns;
        }
        store.add(*game);
        for (const auto& m : game->moves) positions_since += m.searched ? 1 : 0;
        ++games_since;
        window.add(std::make_shared<selfplay::SelfPlayGame>(std::move(*game)));
      }
      if (static_cast<int64_t>(positions_since) < config.positions_per_version ||
          static_cast<int64_t>(window.positions()) < config.min_positions)
        continue;

      // Train, commit the games the new version learned from, then publish it.
      LossMeans loss;
      for (int64_t s = 0; s < config.steps_per_version && !stop_asked(); ++s) {
        std::vector<selfplay::TrainingPosition> positions;
        positions.reserve(static_cast<size_t>(config.batch));
        for (const selfplay::PositionRef& ref : window.sample(static_cast<size_t>(config.batch), rng))
          positions.push_back(selfplay::make_training_position(
              *ref.game, ref.move_index, static_cast<int>(rng.below(8)), features, games_dir));
        loss.add(learner.step(make_go_net_batch(positions, device)));
      }
      if (stop_asked()) {
        result.stopped = true;
        break;
      }
      store.flush();
      current =
          publish_go_net(models_dir, current.version + 1, *net,
                         {{"run", config.name}, {"steps", learner.steps()}, {"games", store.index().games}});
      learner.save_state(learner_state, current.version);
      newest_elo.reset();
      if (gating) {
        if (!gate(current.version)) {
          result.stopped = true;
          break;
        }
        if (elo_log.best() != best.version) {
          best = stored_version(models_dir, elo_log.best());
          board.publish(best);
        }
      } else {
        best = current;
        board.publish(best);
      }

      const double seconds = std::chrono::duration<double>(Clock::now() - version_start).count();
      search::BatchingStats es;
      int64_t all_evaluations = 0;
      {
        std::lock_guard<std::mutex> lock(evaluator_mutex);
        if (evaluator) es = evaluator->stats();
        all_evaluations = retired_evaluations + es.evaluations;
      }
      const int64_t evaluations = all_evaluations - evaluations_at_version;
      nlohmann::ordered_json line;
      line["version"] = current.version;
      line["elapsed_s"] = std::chrono::duration<double>(Clock::now() - start).count();
      line["games"] = store.index().games;
      line["positions"] = store.index().positions;
      line["games_per_s"] = static_cast<double>(games_since) / seconds;
      line["positions_per_s"] = static_cast<double>(positions_since) / seconds;
      line["evaluations_per_s"] = static_cast<double>(evaluations) / seconds;
      line["mean_batch"] = es.mean_batch();
      line["window_positions"] = window.positions();
      line["steps"] = learner.steps();
      if (config.actor.mcts.resign_threshold > 0)
        line["false_resign"] = {{"rate", resign.rate()},
                                {"ci95", {resign.low(), resign.high()}},
                                {"would_resign", resign.would_resign},
                                {"no_resign_games", resign.no_resign_games}};
      line["best"] = best.version;
      line["elo"] = newest_elo ? nlohmann::json(std::round(*newest_elo * 10) / 10) : nlohmann::json(nullptr);
      line["loss"] = {{"total", loss.mean(loss.total)},
                      {"policy", loss.mean(loss.policy)},
                      {"value", loss.mean(loss.value)},
                      {"score", loss.mean(loss.score)},
                      {"ownership", loss.mean(loss.ownership)}};
      {
        std::ofstream out(progress_path, std::ios::app);
        out << line.dump() << "\n";
        if (!out) throw std::runtime_error(progress_path + ": cannot append");
      }
      char text[600];
      std::snprintf(
          text, sizeof text,
          "v%04d  Elo %s  best v%04d  games %llu  positions %llu  %.2f games/s  %.1f positions/s  %.0f "
          "evals/s  batch %.1f  loss %.3f (policy %.3f value %.3f score %.3f ownership %.3f)",
          current.version, signed_elo(newest_elo).c_str(), best.version,
          static_cast<unsigned long long>(store.index().games),
          static_cast<unsigned long long>(store.index().positions),
          static_cast<double>(games_since) / seconds, static_cast<double>(positions_since) / seconds,
          static_cast<double>(evaluations) / seconds, es.mean_batch(), loss.mean(loss.total),
          loss.mean(loss.policy), loss.mean(loss.value), loss.mean(loss.score), loss.mean(loss.ownership));
      log(text);
      version_start = Clock::now();
      games_since = positions_since = 0;
      evaluations_at_version = all_evaluations;
    }
  } catch (...) {
    stop_actor = true;
    queue.close();
    board.close();
    actor_thread.join();
    throw;
  }
  // Stop the actor (games in progress are dropped; those it finished are kept).
  stop_actor = true;
  queue.close();
  board.close();
  actor_thread.join();
  while (std::optional<selfplay::SelfPlayGame> g = queue.take(std::chrono::milliseconds(0))) store.add(*g);
  store.flush();
  if (actor_error) std::rethrow_exception(actor_error);
  if (stop_asked()) result.stopped = true;
  if (gating && !elo_log.records().empty()) log("Elo of the versions (v0000 = 0):\n" + elo_log.table_text());
  result.version = current.version;
  result.best = best.version;
  result.games = store.index().games;
  result.positions = store.index().positions;
  return result;
}

}  // namespace traceplay::models
