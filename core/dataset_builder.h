// The generation pipeline behind `traceplay gen` (DESIGN.md, "Data" and "Command
// line"): records of layouts k = 0, 1, 2, ... of a TraceSource, made by worker threads
// in a bounded window and consumed strictly in order of k, so the dataset is
// byte-identical for any thread count.
//
// Records are numbered over the whole dataset; a record whose id was taken before is
// dropped; generation stops at exactly `count` records (or when a finite source runs
// out). Chunk c = records [c*S, (c+1)*S) goes to train-c / test-c (core/dataset.h).
//
// Interruption and re-runs, on the output directory:
//   - after every finished chunk, `.gen-state.json` (written atomically) records the
//     parameters, the finished shards and where the next record comes from (layout k,
//     index in its record list); SIGINT/SIGTERM drop the unfinished chunk, leave the
//     state of the last finished one and return 130/143; the same call resumes from it
//     (the seen ids are read back from the finished shards) to the same bytes as an
//     uninterrupted run;
//   - a finished dataset (manifest.json) of the same parameters is a no-op; other
//     parameters, or a non-empty directory that is no dataset, are refused (UserError)
//     unless `force`, which deletes the dataset files (manifest, state, shards,
//     temporaries) and starts over;
//   - SIGKILL leaves at most `*.tmp-PID` temporaries, removed by the next run (which
//     holds an flock on the directory, so no other gen is writing them);
//   - a distributed build (apps/distributed_gen.h) keeps `.gen-spool/` (layouts
//     acknowledged to actors, not yet in a finished chunk) and `.gen-actors/` (local
//     actors' outboxes) beside them: dataset files too, removed when it is complete.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/dataset.h"
#include "core/prepared_layout.h"
#include "core/trace_source.h"

namespace traceplay {

struct BuildOptions {
  uint64_t count = 0;  // total records, >= 1
  uint64_t seed = 0;
  bool deterministic = true;       // as the source was made (recorded in the manifest)
  double test_fraction = 0.1;      // in [0, 1)
  int threads = 1;                 // worker threads making layouts (the calling thread writes)
  uint64_t shard_records = 10000;  // records per chunk (S)
  bool force = false;
  bool progress = true;  // progress line on stderr
};

// Throws UserError naming the bad option.
void validate(const BuildOptions& options);

// A build stops with a UserError when this many layouts in a row add no record: the
// parameters cannot give --count distinct records (a small maze has only so many tasks).
inline constexpr uint64_t kMaxBarrenLayouts = 100000;

enum class BuildStatus { kBuilt, kAlreadyDone, kInterrupted };

struct BuildResult {
  BuildStatus status = BuildStatus::kBuilt;
  Manifest manifest;          // finished (built, already done) or as far as saved (interrupted)
  uint64_t resumed_from = 0;  // records already finished when this run started
  uint64_t records_made = 0;  // records this run added to finished chunks
  double seconds = 0;
  int exit_code = 0;  // 0, or 130 / 143 when interrupted

  // One JSON object for `--json`: status, counts, shards, seconds, records/s.
  nlohmann::json summary(const std::string& dir) const;
};

// The manifest fields fixed before generation: what identifies the dataset. Its
// params are source.params() plus "count" and "shard_records".
Manifest dataset_header(const TraceSource& source, const BuildOptions& options);

// What a distributed build keeps beside the dataset while it runs (apps/distributed_gen.h):
// layouts acknowledged to actors and not yet in a finished chunk, and the local actors'
// outboxes. Dataset files, so that --force removes them; gone once the dataset is complete.
inline constexpr const char* kSpoolDirName = ".gen-spool";
inline constexpr const char* kLocalActorsDirName = ".gen-actors";
void remove_work_dirs(const std::string& dir);

// Builds (or resumes, or finds done) the dataset in `dir`; installs the SIGINT/SIGTERM
// handlers. Bad options or a refused directory throw UserError before anything is
// created. `producer` makes the layouts (default: options.threads threads here); it is
// called only when there is something to build, and told each committed chunk.
BuildResult build_dataset(const TraceSource& source, const BuildOptions& options, const std::string& dir,
                          const LayoutProducerFactory& producer = {});

}  // namespace traceplay
