#include "models/stored_parameters.h"

#include "core/atomic_file.h"

namespace traceplay::models {

std::optional<std::string> stored_parameters_differ(const std::string& path, const nlohmann::json& asked) {
  nlohmann::json found;
  try {
    found = nlohmann::json::parse(read_file(path)).at("parameters");
  } catch (const nlohmann::json::exception&) {
    found = nullptr;
  }
  if (found == asked) return std::nullopt;
  if (!found.is_object()) return "unreadable " + path;
  std::string out;
  auto note = [&](const std::string& key, const nlohmann::json& old, const nlohmann::json& value) {
    if (old == value) return;
    if (!out.empty()) out += ", ";
    out += key + " " + old.dump() + " (asked " + value.dump() + ")";
  };
  for (const auto& [key, value] : asked.items())
    note(key, found.contains(key) ? found[key] : nlohmann::json(), value);
  for (const auto& [key, value] : found.items())
    if (!asked.contains(key)) note(key, value, nlohmann::json());
  return out.empty() ? "the file differs" : out;
}

}  // namespace traceplay::models
