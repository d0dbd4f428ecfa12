// `traceplay gen`: writes a dataset (DESIGN.md, "Data") from flags or a TOML config
// (--config; flags win). All checks run before the output directory is touched.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "apps/cli_validators.h"
#include "apps/commands.h"
#include "apps/build_report.h"
#include "apps/dataset_options.h"
#include "apps/distributed_gen.h"
#include "core/error.h"

namespace traceplay::apps {

namespace {

struct GenArgs {
  std::string config, out, domain, levels, problems, prior;
  int size = 0, width = 0, height = 0, walls = 0, boxes = 0, threads = 0, horizon = 0, safe_liberties = 0,
      actors = 0, simulations = 0, rollouts = 0;
  int64_t count = 0, shard_records = 0;
  uint64_t seed = 0, max_expansions = 0, max_trace_tokens = 0, max_nodes = 0;
  double test_fraction = 0, c_puct = 0;
  bool deterministic = false, nondeterministic = false, force = false, json = false;
  // The options, to know which flags were given (and so override the config).
  CLI::Option *o_domain, *o_size, *o_width, *o_height, *o_walls, *o_boxes, *o_levels, *o_count, *o_seed,
      *o_fraction, *o_threads, *o_shard, *o_max_expansions, *o_max_trace_tokens, *o_horizon,
      *o_safe_liberties, *o_max_nodes, *o_problems, *o_simulations, *o_c_puct, *o_rollouts, *o_prior;
};

template <class T>
void flag_value(std::optional<T>& into, const CLI::Option* option, const T& value) {
  if (option->count() > 0) into = value;
}

DatasetSpec spec_of(const GenArgs& a) {
  DatasetSpec spec;
  if (!a.config.empty()) spec = load_dataset_spec(a.config);
  DatasetSpec flags;
  flag_value(flags.domain, a.o_domain, a.domain);
  flag_value(flags.size, a.o_size, a.size);
  flag_value(flags.width, a.o_width, a.width);
  flag_value(flags.height, a.o_height, a.height);
  flag_value(flags.walls, a.o_walls, a.walls);
  flag_value(flags.boxes, a.o_boxes, a.boxes);
  flag_value(flags.levels, a.o_levels, a.levels);
  flag_value(flags.max_expansions, a.o_max_expansions, a.max_expansions);
  flag_value(flags.max_trace_tokens, a.o_max_trace_tokens, a.max_trace_tokens);
  flag_value(flags.horizon, a.o_horizon, a.horizon);
  flag_value(flags.safe_liberties, a.o_safe_liberties, a.safe_liberties);
  flag_value(flags.max_nodes, a.o_max_nodes, a.max_nodes);
  flag_value(flags.problems, a.o_problems, a.problems);
  flag_value(flags.simulations, a.o_simulations, a.simulations);
  flag_value(flags.c_puct, a.o_c_puct, a.c_puct);
  flag_value(flags.rollouts, a.o_rollouts, a.rollouts);
  flag_value(flags.prior, a.o_prior, a.prior);
  flag_value(flags.count, a.o_count, a.count);
  flag_value(flags.seed, a.o_seed, a.seed);
  flag_value(flags.test_fraction, a.o_fraction, a.test_fraction);
  flag_value(flags.threads, a.o_threads, a.threads);
  flag_value(flags.shard_records, a.o_shard, a.shard_records);
  // A size given on the command line replaces the config's, in either spelling.
  if (flags.size) spec.width = spec.height = std::nullopt;
  if (flags.width || flags.height) spec.size = std::nullopt;
  if (a.deterministic) flags.deterministic = true;
  if (a.nondeterministic) flags.deterministic = false;
  merge_spec(spec, flags);
  return spec;
}

}  // namespace

void add_gen_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "gen", "Generate a dataset of A* traces (maze or Sokoban) or of proven Go tactics tasks");
  auto a = std::make_shared<GenArgs>();
  cmd->add_option("--config", a->config, "TOML file with the same settings ([data] table or top level)");
  cmd->add_option("--out", a->out, "Output directory")->required();
  a->o_domain = cmd->add_option("--domain", a->domain, "maze | sokoban | go-tactics");
  a->o_size = cmd->add_option("--size", a->size, "Square size N (N x N)");
  a->o_width = cmd->add_option("--width", a->width, "Width (with --height)");
  a->o_height = cmd->add_option("--height", a->height, "Height (with --width)");
  a->o_walls = cmd->add_option("--walls", a->walls, "Sokoban: interior walls (default 2)");
  a->o_boxes = cmd->add_option("--boxes", a->boxes, "Sokoban: boxes (default 2)");
  a->o_levels =
      cmd->add_option("--levels", a->levels, "Sokoban: trace the levels of an .xsb/Boxoban collection");
  a->o_max_expansions = cmd->add_option("--max-expansions", a->max_expansions,
                                        "Sokoban: drop levels whose search expands more nodes (0: no limit)")
                            ->check(kDigits);
  a->o_max_trace_tokens = cmd->add_option("--max-trace-tokens", a->max_trace_tokens,
                                          "Sokoban: drop traces longer than this (0: no limit)")
                              ->check(kDigits);
  a->o_horizon =
      cmd->add_option("--horizon", a->horizon, "go-tactics: plies within which a capture counts (16)");
  a->o_safe_liberties = cmd->add_option("--safe-liberties", a->safe_liberties,
                                        "go-tactics: liberties at which the target has escaped (3)");
  a->o_max_nodes =
      cmd->add_option("--max-nodes", a->max_nodes,
                      "go-tactics: solver positions per task; unproven tasks are dropped (200000)")
          ->check(kDigits);
  a->o_problems =
      cmd->add_option("--problems", a->problems,
                      "go-tactics: the curated problems of an SGF collection (TR marks the target)");
  a->o_simulations =
      cmd->add_option("--simulations", a->simulations,
                      "go-tactics: MCTS teacher simulations per task, the trace's length (64)");
  a->o_c_puct = cmd->add_option("--c-puct", a->c_puct, "go-tactics: the MCTS teacher's PUCT constant (2)");
  a->o_rollouts =
      cmd->add_option("--rollouts", a->rollouts, "go-tactics: the MCTS teacher's rollouts per leaf (4)");
  a->o_prior = cmd->add_option("--prior", a->prior,
                               "go-tactics: the MCTS teacher's prior, solver-order (default) or uniform");
  a->o_count = cmd->add_option("--count", a->count, "Total number of records");
  a->o_seed = cmd->add_option("--seed", a->seed, "Seed: same seed, same bytes")->check(kDigits);
  a->o_fraction =
      cmd->add_option("--test-fraction", a->test_fraction, "Share of layouts in the test split (0.1)");
  a->o_threads = cmd->add_option("--threads", a->threads, "Worker threads (default: all cores)");
  a->o_shard = cmd->add_option("--shard-records", a->shard_records, "Records per chunk of shards (10000)");
  auto* det =
      cmd->add_flag("--deterministic", a->deterministic,
                    "Deterministic A* (the maze default); go-tactics: MCTS seeded by the task (default)");
  auto* nondet = cmd->add_flag(
      "--nondeterministic", a->nondeterministic,
      "Non-deterministic A* (the Sokoban default, as the paper's data); go-tactics: MCTS seeded "
      "by the dataset seed and layout");
  det->excludes(nondet);
  cmd->add_option("--actors", a->actors,
                  "Make the layouts in N `traceplay actor` processes fed over ZeroMQ (ipc://), as a cluster "
                  "would; the same bytes as without (0: threads in this process)")
      ->check(CLI::Range(0, 256));
  cmd->add_flag("--force", a->force, "Replace a dataset made with other parameters");
  cmd->add_flag("--json", a->json, "Print a JSON summary as the last line");
  cmd->callback([&exit_code, a] {
    if (a->out.empty()) throw UserError("--out must name a directory");
    const DatasetSpec spec = spec_of(*a);
    LayoutProducerFactory producer;
    auto learner_stats = std::make_shared<nlohmann::json>();
    if (a->actors > 0) {
      distributed::LearnerOptions options;
      options.bind = "ipc://" + (std::filesystem::temp_directory_path() /
                                 ("traceplay-gen-" + std::to_string(::getpid()) + ".ipc"))
                                    .string();
      options.quiet = true;
      producer = learner_producer(options, spec, a->out, a->actors, learner_stats);
    }
    BuildResult result = build_dataset(spec, a->out, a->force, true, producer);
    print_build_result(result, a->out, a->json, "gen", *learner_stats);
    exit_code = result.exit_code;
  });
}

}  // namespace traceplay::apps
