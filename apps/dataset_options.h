// What a dataset is made of, as `traceplay gen` flags and as a config's [data] table
// (DESIGN.md, "Command line"): the same keys either way, so that `gen` and `run` build
// identical datasets from identical settings.
//
//   domain = "maze" | "sokoban" | "go-tactics"     size = N  or  width = W, height = H
//   walls, boxes (Sokoban generator) levels = "FILE" (Sokoban collection)
//   max_expansions, max_trace_tokens (Sokoban: levels over them are dropped; 0 = no limit)
//   horizon, safe_liberties, max_nodes (go-tactics: the goal and the solver's node limit)
//   problems = "FILE" (go-tactics: the curated problems of an SGF collection)
//   simulations, c_puct, rollouts, prior (go-tactics: the MCTS teacher whose trace is recorded)
//   count, seed, deterministic, test_fraction, threads, shard_records
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/dataset_builder.h"
#include "core/trace_source.h"

namespace traceplay::apps {

// Unset fields take the domain's defaults: maze needs a size; Sokoban is 7x7 with 2
// interior walls and 2 boxes; go-tactics is 7x7, safe at 3 liberties, a 16-ply
// horizon, 200000 solver nodes a task (search/go_tactics_source.h); maze is deterministic by default, Sokoban
// not (the paper's Sokoban data came from non-deterministic A*).
struct DatasetSpec {
  std::optional<std::string> domain;
  std::optional<int> size, width, height, walls, boxes;
  std::optional<std::string> levels;
  std::optional<uint64_t> max_expansions, max_trace_tokens;
  std::optional<int> horizon, safe_liberties;  // go-tactics
  std::optional<uint64_t> max_nodes;           // go-tactics
  std::optional<std::string> problems;         // go-tactics: an SGF collection
  std::optional<int> simulations, rollouts;    // go-tactics: the MCTS teacher
  std::optional<double> c_puct;                // go-tactics: the MCTS teacher
  std::optional<std::string> prior;            // go-tactics: "solver-order" | "uniform"
  std::optional<int64_t> count;
  std::optional<uint64_t> seed;
  std::optional<bool> deterministic;
  std::optional<double> test_fraction;   // default 0.1
  std::optional<int> threads;            // default: all cores
  std::optional<int64_t> shard_records;  // default 10000
};

// The keys of a [data] table (or of a gen config without one); unknown keys, wrong
// types -> UserError naming `where` and the key.
DatasetSpec dataset_spec_from_json(const nlohmann::json& table, const std::string& where);
// A TOML file for `gen --config`: its [data] table when it has one (with the
// top-level `seed` when [data] has none, as in experiment configs), else its top level.
DatasetSpec load_dataset_spec(const std::string& path);
// Fields set in `overrides` replace those of `base`.
void merge_spec(DatasetSpec& base, const DatasetSpec& overrides);

// Checks the combination (domain, sizes, flags that belong to the other domain, a
// missing levels file, count, fraction...); throws UserError. Touches no output.
void validate_spec(const DatasetSpec& spec);
// The source of the spec's records (validates first).
std::unique_ptr<TraceSource> make_source(const DatasetSpec& spec);
// The builder options of the spec (validates first).
BuildOptions build_options(const DatasetSpec& spec, bool force, bool progress = true);

// make_source + build_options + traceplay::build_dataset: what `gen` and `run` call.
BuildResult build_dataset(const DatasetSpec& spec, const std::string& out_dir, bool force,
                          bool progress = true, const LayoutProducerFactory& producer = {});

}  // namespace traceplay::apps
