#include "core/config.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "core/input_file.h"
#include "core/error.h"

namespace traceplay {

namespace {

nlohmann::json to_json(const toml::node& node) {
  if (auto* table = node.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : *table) out[std::string(key.str())] = to_json(value);
    return out;
  }
  if (auto* array = node.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& value : *array) out.push_back(to_json(value));
    return out;
  }
  // By type, not node.value<T>(): toml++'s value<int64_t>() of a float casts it to
  // int64_t, undefined for 1e308 (UBSan, fuzz/toml_fuzz.cpp).
  if (auto* v = node.as_integer()) return v->get();
  if (auto* v = node.as_floating_point()) return v->get();
  if (auto* v = node.as_boolean()) return v->get();
  if (auto* v = node.as_string()) return v->get();
  std::ostringstream where;
  where << node.source().begin;
  throw UserError("unsupported TOML value (dates and times are not config values) at " + where.str());
}

}  // namespace

nlohmann::json parse_toml(const std::string& text, const std::string& source_name) {
  try {
    const toml::table table = toml::parse(text, source_name);
    return to_json(table);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    throw UserError(source_name + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column) +
                    ": " + std::string(e.description()));
  }
}

nlohmann::json load_toml(const std::string& path) { return parse_toml(read_input_file(path), path); }

void merge_into(nlohmann::json& base, const nlohmann::json& overrides) {
  for (auto it = overrides.begin(); it != overrides.end(); ++it) {
    if (it.value().is_object() && base.contains(it.key()) && base[it.key()].is_object()) {
      merge_into(base[it.key()], it.value());
    } else {
      base[it.key()] = it.value();
    }
  }
}

Experiment resolve_experiment(const nlohmann::json& config, const std::vector<std::string>& allowed_top_level,
                              const std::string& source_name) {
  if (!config.is_object()) throw UserError(source_name + ": a config is a TOML table");
  const std::set<std::string> allowed(allowed_top_level.begin(), allowed_top_level.end());
  Experiment experiment;
  experiment.base = config;
  experiment.base.erase("arms");
  for (auto it = experiment.base.begin(); it != experiment.base.end(); ++it)
    if (!allowed.count(it.key())) throw UserError(source_name + ": unknown key \"" + it.key() + "\"");
  if (!config.contains("name") || !config["name"].is_string() || config["name"].get<std::string>().empty())
    throw UserError(source_name + ": \"name\" (a non-empty string) is required");
  experiment.name = config["name"];
  const auto valid_name = [](const std::string& n) {
    return !n.empty() &&
           std::all_of(n.begin(), n.end(),
                       [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                                c == '.';
                       }) &&
           n != "." && n != "..";
  };
  if (!valid_name(experiment.name))
    throw UserError(source_name + ": \"name\" may hold letters, digits, '-', '_' and '.' only");

  if (!config.contains("arms")) {
    experiment.arms.push_back({experiment.name, experiment.base});
    return experiment;
  }
  if (!config["arms"].is_array() || config["arms"].empty())
    throw UserError(source_name + ": \"arms\" must be a non-empty array of tables ([[arms]])");
  std::set<std::string> names;
  for (size_t i = 0; i < config["arms"].size(); ++i) {
    const auto& arm = config["arms"][i];
    const std::string where = source_name + ": arms[" + std::to_string(i) + "]";
    if (!arm.is_object()) throw UserError(where + " must be a table");
    if (!arm.contains("name") || !arm["name"].is_string() || !valid_name(arm["name"].get<std::string>()))
      throw UserError(where + " needs a \"name\" of letters, digits, '-', '_' and '.'");
    const std::string name = arm["name"];
    if (!names.insert(name).second) throw UserError(where + ": the arm name \"" + name + "\" is used twice");
    nlohmann::json overrides = arm;
    overrides.erase("name");
    for (auto it = overrides.begin(); it != overrides.end(); ++it)
      if (!allowed.count(it.key()) || it.key() == "name")
        throw UserError(where + ": unknown key \"" + it.key() + "\"");
    nlohmann::json resolved = experiment.base;
    merge_into(resolved, overrides);
    experiment.arms.push_back({name, resolved});
  }
  return experiment;
}

}  // namespace traceplay
