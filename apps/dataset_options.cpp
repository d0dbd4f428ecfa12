#include "apps/dataset_options.h"

#include <set>
#include <thread>

#include "core/config.h"
#include "core/error.h"
#include "core/input_file.h"
#include "search/go_tactics_source.h"
#include "search/maze_source.h"
#include "search/sokoban_source.h"

namespace traceplay::apps {

namespace {

template <class T>
std::optional<T> integer(const nlohmann::json& table, const char* key, const std::string& where) {
  if (!table.contains(key)) return std::nullopt;
  const auto& v = table.at(key);
  if (!v.is_number_integer()) throw UserError(where + ": \"" + key + "\" must be an integer");
  if constexpr (std::is_unsigned_v<T>) {
    if (v.is_number_unsigned()) return v.get<T>();
    if (v.get<int64_t>() < 0) throw UserError(where + ": \"" + key + "\" must not be negative");
    return static_cast<T>(v.get<int64_t>());
  } else {
    const int64_t x = v.get<int64_t>();
    if (x < std::numeric_limits<T>::min() || x > std::numeric_limits<T>::max())
      throw UserError(where + ": \"" + key + "\" is out of range");
    return static_cast<T>(x);
  }
}

template <class T>
void take(std::optional<T>& into, const std::optional<T>& from) {
  if (from) into = from;
}

// A UserError saying what `path` is unless it is a regular file (core/input_file.h).
void require_regular_file(const std::string& what, const std::string& path) {
  if (const std::string reason = not_a_regular_file(path); !reason.empty())
    throw UserError(what + " " + path + ": " + reason);
}

const std::set<std::string> kKeys = {
    "domain",        "size",           "width",         "height",         "walls",
    "boxes",         "levels",         "count",         "seed",           "deterministic",
    "test_fraction", "threads",        "shard_records", "max_expansions", "max_trace_tokens",
    "horizon",       "safe_liberties", "max_nodes",     "problems",       "simulations",
    "c_puct",        "rollouts",       "prior"};

}  // namespace

DatasetSpec dataset_spec_from_json(const nlohmann::json& table, const std::string& where) {
  if (!table.is_object()) throw UserError(where + ": the dataset settings must be a table");
  for (auto it = table.begin(); it != table.end(); ++it)
    if (!kKeys.count(it.key())) throw UserError(where + ": unknown key \"" + it.key() + "\"");
  DatasetSpec spec;
  if (table.contains("domain")) {
    if (!table["domain"].is_string()) throw UserError(where + ": \"domain\" must be a string");
    spec.domain = table["domain"].get<std::string>();
  }
  if (table.contains("levels")) {
    if (!table["levels"].is_string()) throw UserError(where + ": \"levels\" must be a string (a file)");
    spec.levels = table["levels"].get<std::string>();
  }
  if (table.contains("problems")) {
    if (!table["problems"].is_string()) throw UserError(where + ": \"problems\" must be a string (a file)");
    spec.problems = table["problems"].get<std::string>();
  }
  spec.size = integer<int>(table, "size", where);
  spec.width = integer<int>(table, "width", where);
  spec.height = integer<int>(table, "height", where);
  spec.walls = integer<int>(table, "walls", where);
  spec.boxes = integer<int>(table, "boxes", where);
  spec.count = integer<int64_t>(table, "count", where);
  spec.seed = integer<uint64_t>(table, "seed", where);
  spec.threads = integer<int>(table, "threads", where);
  spec.max_expansions = integer<uint64_t>(table, "max_expansions", where);
  spec.max_trace_tokens = integer<uint64_t>(table, "max_trace_tokens", where);
  spec.shard_records = integer<int64_t>(table, "shard_records", where);
  spec.horizon = integer<int>(table, "horizon", where);
  spec.safe_liberties = integer<int>(table, "safe_liberties", where);
  spec.max_nodes = integer<uint64_t>(table, "max_nodes", where);
  if (table.contains("prior")) {
    if (!table["prior"].is_string()) throw UserError(where + ": \"prior\" must be a string");
    spec.prior = table["prior"].get<std::string>();
  }
  spec.simulations = integer<int>(table, "simulations", where);
  spec.rollouts = integer<int>(table, "rollouts", where);
  if (table.contains("c_puct")) {
    if (!table["c_puct"].is_number()) throw UserError(where + ": \"c_puct\" must be a number");
    spec.c_puct = table["c_puct"].get<double>();
  }
  if (table.contains("deterministic")) {
    if (!table["deterministic"].is_boolean())
      throw UserError(where + ": \"deterministic\" must be true or false");
    spec.deterministic = table["deterministic"].get<bool>();
  }
  if (table.contains("test_fraction")) {
    if (!table["test_fraction"].is_number()) throw UserError(where + ": \"test_fraction\" must be a number");
    spec.test_fraction = table["test_fraction"].get<double>();
  }
  return spec;
}

DatasetSpec load_dataset_spec(const std::string& path) {
  require_regular_file("config", path);
  const nlohmann::json config = load_toml(path);
  if (!config.contains("data")) return dataset_spec_from_json(config, path);
  DatasetSpec spec = dataset_spec_from_json(config["data"], path + ": [data]");
  if (!spec.seed && config.contains("seed")) spec.seed = integer<uint64_t>(config, "seed", path);
  return spec;
}

void merge_spec(DatasetSpec& base, const DatasetSpec& o) {
  take(base.domain, o.domain);
  take(base.size, o.size);
  take(base.width, o.width);
  take(base.height, o.height);
  take(base.walls, o.walls);
  take(base.boxes, o.boxes);
  take(base.levels, o.levels);
  take(base.max_expansions, o.max_expansions);
  take(base.max_trace_tokens, o.max_trace_tokens);
  take(base.horizon, o.horizon);
  take(base.safe_liberties, o.safe_liberties);
  take(base.max_nodes, o.max_nodes);
  take(base.problems, o.problems);
  take(base.simulations, o.simulations);
  take(base.c_puct, o.c_puct);
  take(base.rollouts, o.rollouts);
  take(base.prior, o.prior);
  take(base.count, o.count);
  take(base.seed, o.seed);
  take(base.deterministic, o.deterministic);
  take(base.test_fraction, o.test_fraction);
  take(base.threads, o.threads);
  take(base.shard_records, o.shard_records);
}

void validate_spec(const DatasetSpec& spec) {
  if (!spec.domain) throw UserError("--domain is required (maze, sokoban or go-tactics)");
  const std::string& domain = *spec.domain;
  if (domain != "maze" && domain != "sokoban" && domain != "go-tactics")
    throw UserError("--domain must be maze, sokoban or go-tactics, got \"" + domain + "\"");
  if (spec.size && (spec.width || spec.height)) throw UserError("give --size or --width/--height, not both");
  if (domain != "go-tactics" && (spec.horizon || spec.safe_liberties || spec.max_nodes || spec.problems))
    throw UserError("--horizon, --safe-liberties, --max-nodes and --problems are for go-tactics");
  if (domain != "go-tactics" && (spec.simulations || spec.c_puct || spec.rollouts || spec.prior))
    throw UserError("--simulations, --c-puct, --rollouts and --prior are for go-tactics (its MCTS teacher)");
  if (spec.prior && *spec.prior != "solver-order" && *spec.prior != "uniform")
    throw UserError("--prior must be solver-order or uniform, got \"" + *spec.prior + "\"");
  if (domain == "go-tactics") {
    if (spec.width || spec.height) throw UserError("a go-tactics board is square: give --size N");
    if (spec.walls || spec.boxes || spec.levels)
      throw UserError("--walls, --boxes and --levels are for sokoban");
    if (spec.max_expansions || spec.max_trace_tokens)
      throw UserError(
          "--max-expansions and --max-trace-tokens are for sokoban (go-tactics takes --max-nodes)");
    if (spec.problems) {
      if (spec.size) throw UserError("--problems takes the problems' board size: drop --size");
      require_regular_file("problems file", *spec.problems);
    }
  }
  if (spec.width.has_value() != spec.height.has_value()) throw UserError("--width and --height go together");
  if (domain == "maze") {
    if (!spec.size && !spec.width) throw UserError("a maze needs --size N or --width W --height H");
    if (spec.walls)
      throw UserError("--walls is for sokoban (maze wall counts are drawn as the reference does)");
    if (spec.boxes) throw UserError("--boxes is for sokoban");
    if (spec.levels) throw UserError("--levels is for sokoban");
    if (spec.max_expansions || spec.max_trace_tokens)
      throw UserError("--max-expansions and --max-trace-tokens are for sokoban (every maze task is kept)");
  } else if (spec.levels) {
    if (spec.size || spec.width || spec.walls || spec.boxes)
      throw UserError(
          "--levels takes the collection's levels as they are: drop --size/--width/--height/--walls/--boxes");
    require_regular_file("levels file", *spec.levels);
  }
  if (spec.size && *spec.size < 2)
    throw UserError("--size must be at least 2, got " + std::to_string(*spec.size));
  if (spec.width && (*spec.width < 2 || *spec.height < 2))
    throw UserError("--width and --height must be at least 2");
  if (spec.walls && *spec.walls < 0) throw UserError("--walls must not be negative");
  if (spec.boxes && *spec.boxes < 1) throw UserError("--boxes must be at least 1");
  if (!spec.count) throw UserError("--count is required");
  if (*spec.count < 1) throw UserError("--count must be at least 1, got " + std::to_string(*spec.count));
  if (!spec.seed) throw UserError("--seed is required");
  if (spec.test_fraction && !(*spec.test_fraction >= 0 && *spec.test_fraction < 1))
    throw UserError("--test-fraction must be in [0, 1), got " + nlohmann::json(*spec.test_fraction).dump());
  if (spec.threads && (*spec.threads < 1 || *spec.threads > 1024))
    throw UserError("--threads must be between 1 and 1024");
  if (spec.shard_records && *spec.shard_records < 1) throw UserError("--shard-records must be at least 1");
}

std::unique_ptr<TraceSource> make_source(const DatasetSpec& spec) {
  validate_spec(spec);
  const int width = spec.size ? *spec.size : spec.width.value_or(0);
  const int height = spec.size ? *spec.size : spec.height.value_or(0);
  if (*spec.domain == "go-tactics") {
    search::GoTacticsSourceParams params;
    if (spec.size) params.size = *spec.size;
    if (spec.horizon) params.horizon = *spec.horizon;
    if (spec.safe_liberties) params.safe_liberties = *spec.safe_liberties;
    if (spec.max_nodes) params.max_nodes = *spec.max_nodes;
    if (spec.problems) params.problems_file = *spec.problems;
    if (spec.simulations) params.mcts.simulations = *spec.simulations;
    if (spec.c_puct) params.mcts.c_puct = *spec.c_puct;
    if (spec.rollouts) params.mcts.rollouts = *spec.rollouts;
    params.mcts.uniform_prior = spec.prior.value_or("solver-order") == "uniform";
    params.deterministic = spec.deterministic.value_or(true);
    return search::make_go_tactics_source(params);
  }
  if (*spec.domain == "maze") {
    search::MazeSourceParams params;
    params.width = width;
    params.height = height;
    params.deterministic = spec.deterministic.value_or(true);
    return search::make_maze_source(params);
  }
  search::SokobanSourceParams params;
  if (width > 0) {
    params.width = width;
    params.height = height;
  }
  if (spec.walls) params.walls = *spec.walls;
  if (spec.boxes) params.boxes = *spec.boxes;
  if (spec.levels) params.levels_file = *spec.levels;
  if (spec.max_expansions) params.max_expansions = *spec.max_expansions;
  if (spec.max_trace_tokens) params.max_trace_tokens = *spec.max_trace_tokens;
  params.deterministic = spec.deterministic.value_or(false);
  return search::make_sokoban_source(params);
}

BuildOptions build_options(const DatasetSpec& spec, bool force, bool progress) {
  validate_spec(spec);
  BuildOptions options;
  options.count = static_cast<uint64_t>(*spec.count);
  options.seed = *spec.seed;
  options.deterministic = spec.deterministic.value_or(*spec.domain != "sokoban");
  options.test_fraction = spec.test_fraction.value_or(0.1);
  options.threads =
      spec.threads.value_or(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  options.shard_records = static_cast<uint64_t>(spec.shard_records.value_or(10000));
  options.force = force;
  options.progress = progress;
  return options;
}

BuildResult build_dataset(const DatasetSpec& spec, const std::string& out_dir, bool force, bool progress,
                          const LayoutProducerFactory& producer) {
  const auto source = make_source(spec);
  return traceplay::build_dataset(*source, build_options(spec, force, progress), out_dir, producer);
}

}  // namespace traceplay::apps
