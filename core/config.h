// Experiment configs (DESIGN.md, "Command line"): a TOML file with top-level keys and
// tables ([data], [model], [train], [eval]) and [[arms]], each arm overriding any key
// above for one run. Configs are turned into JSON so that the resolved form can be
// written to run.json and compared between runs.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace traceplay {

struct ExperimentArm {
  std::string name;
  nlohmann::json config;  // the base config with the arm's overrides merged in
};

struct Experiment {
  std::string name;
  nlohmann::json base;              // everything but [[arms]]
  std::vector<ExperimentArm> arms;  // one arm named after the experiment when none are given
};

// Parses a TOML document; throws UserError naming the file, line and column.
nlohmann::json load_toml(const std::string& path);
nlohmann::json parse_toml(const std::string& text, const std::string& source_name);

// Resolves arms; throws UserError for a missing name, a bad arm or an unknown key.
// `allowed_top_level` lists the keys a config may have (besides "arms").
Experiment resolve_experiment(const nlohmann::json& config, const std::vector<std::string>& allowed_top_level,
                              const std::string& source_name);

// Deep merge: tables merge key by key, everything else is replaced.
void merge_into(nlohmann::json& base, const nlohmann::json& overrides);

}  // namespace traceplay
