// A config's [model], [train] and [eval] tables (DESIGN.md, "Command line") as the
// options of `traceplay train` and `traceplay eval`: the same keys as their flags, with
// dashes as underscores, so that `run` and the commands train identical models from
// identical settings.
//
//   [model]  preset | dim, layers, heads (encoder_layers, decoder_layers), mode
//   [train]  steps, batch_tokens, accumulate, lr, min_lr_ratio, warmup, weight_decay,
//            beta1, beta2, grad_clip, loss_average, seed, device, threads,
//            checkpoint_every, log_every, eval_every, val_sequences,
//            max_decoder_tokens, train_sequences, drop (a list [p1, p2, p3, p4])
//   [eval]   split, tasks, samples, temperature, top_k, batch, max_len, astar_runs, seed,
//            device, threads, mode (`traceplay run` also reads modes: apps/eval_modes_option.h)
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "models/evaluate.h"
#include "models/train.h"

namespace traceplay::apps {

// Each sets the fields its table names and leaves the rest; unknown keys and wrong types
// throw UserError naming `where` and the key.
void apply_model_table(const nlohmann::json& table, models::TrainOptions& options, const std::string& where);
void apply_train_table(const nlohmann::json& table, models::TrainOptions& options, const std::string& where);
void apply_eval_table(const nlohmann::json& table, models::EvalOptions& options, const std::string& where);

}  // namespace traceplay::apps
