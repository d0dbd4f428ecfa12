// `gen` over the network (issue [6]): what the learner sends as the job, how an actor
// turns it back into a trace source, and the producer a learner builds with
// (distributed/gen_learner.h), optionally with N local actor processes (`gen
// --actors N`).
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "apps/dataset_options.h"
#include "core/prepared_layout.h"
#include "distributed/gen_actor.h"
#include "distributed/gen_learner.h"

namespace traceplay::apps {

// The spec as a [data] table (files made absolute, threads left out: each actor has its own).
nlohmann::json dataset_spec_to_json(const DatasetSpec& spec);

// {"kind": "gen", "id": hex16(xxh64(identity)), "seed": S, "spec": {...}}.
nlohmann::json gen_job(const DatasetSpec& spec);
// The actor's side: the source of a job (UserError for a job it cannot make).
distributed::GenJob make_gen_job(const nlohmann::json& job);

// A producer that serves `spec`'s layouts to actors at options.bind; with local_actors
// > 0 it also starts that many `traceplay actor` processes (this executable) connected
// to it, each with threads/local_actors threads and an outbox under OUT/.gen-actors/,
// and fails the build when all of them have exited. `stats_out` (when given) receives the
// learner's counters (GenLearner::stats) as the build goes.
LayoutProducerFactory learner_producer(const distributed::LearnerOptions& options, const DatasetSpec& spec,
                                       const std::string& out_dir, int local_actors,
                                       std::shared_ptr<nlohmann::json> stats_out = nullptr);

}  // namespace traceplay::apps
