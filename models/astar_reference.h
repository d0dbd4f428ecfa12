// t*: how long the traces of non-deterministic A* are on a task, the yardstick of the
// ILR metrics (DESIGN.md, "Metrics"). Torch-free.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "models/response_check.h"

namespace traceplay::models {

// The mean trace length (tokens, as the dataset counts them: the trace of
// `bos trace plan eos`) over `runs` non-deterministic A* runs on the task (maze: the
// reference A*; Sokoban: trace mode). Run r draws its seed from Rng::stream(task id, r),
// so t* is a property of the task alone: the same for every model, seed and --tasks.
// Returns nullopt when stopped through `stop`. Throws std::runtime_error when a run
// does not solve the task (a dataset task always has a plan).
std::optional<double> astar_mean_trace_tokens(const EvalTask& task, int runs,
                                              const std::atomic<bool>* stop = nullptr);

}  // namespace traceplay::models
