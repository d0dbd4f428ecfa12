// A config table (TOML turned into JSON, core/config.h) read key by key into typed
// settings: unknown keys refused at construction, each key's type and range checked when
// read, every error one UserError naming `where` and the key. Absent keys leave the
// field as it is (the caller's default).
#pragma once

#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace traceplay {

class TableReader {
 public:
  TableReader(const nlohmann::json& table, const std::string& where, std::set<std::string> keys)
      : table_(table), where_(where) {
    if (!table.is_object()) throw UserError(where + ": must be a table");
    for (auto it = table.begin(); it != table.end(); ++it)
      if (!keys.count(it.key())) throw UserError(where + ": unknown key \"" + it.key() + "\"");
  }

  template <class T>
  void integer(const char* key, T& out, int64_t min = 0) const {
    if (!table_.contains(key)) return;
    const auto& v = table_.at(key);
    if (!v.is_number_integer()) throw UserError(where_ + ": \"" + key + "\" must be an integer");
    if (v.is_number_unsigned() &&
        v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      throw UserError(where_ + ": \"" + key + "\" is out of range");
    const int64_t x = v.get<int64_t>();
    if (x < min) throw UserError(where_ + ": \"" + key + "\" must be at least " + std::to_string(min));
    if (static_cast<uint64_t>(std::numeric_limits<T>::max()) <
            static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) &&
        x > static_cast<int64_t>(std::numeric_limits<T>::max()))
      throw UserError(where_ + ": \"" + key + "\" is out of range");
    out = static_cast<T>(x);
  }

  void number(const char* key, double& out, double min, bool min_inclusive = true) const {
    if (!table_.contains(key)) return;
    const auto& v = table_.at(key);
    if (!v.is_number()) throw UserError(where_ + ": \"" + key + "\" must be a number");
    const double x = v.get<double>();
    if (!(min_inclusive ? x >= min : x > min))
      throw UserError(where_ + ": \"" + key + "\" must be " +
                      (min_inclusive ? "at least " : "greater than ") + std::to_string(min));
    out = x;
  }

  // A number in [lo, hi].
  void number_in(const char* key, double& out, double lo, double hi) const {
    if (!table_.contains(key)) return;
    const auto& v = table_.at(key);
    if (!v.is_number()) throw UserError(where_ + ": \"" + key + "\" must be a number");
    const double x = v.get<double>();
    if (!(x >= lo && x <= hi))
      throw UserError(where_ + ": \"" + key + "\" must be in [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "]");
    out = x;
  }

  void boolean(const char* key, bool& out) const {
    if (!table_.contains(key)) return;
    const auto& v = table_.at(key);
    if (!v.is_boolean()) throw UserError(where_ + ": \"" + key + "\" must be true or false");
    out = v.get<bool>();
  }

  // The sub-table `key` (an empty object when absent), for a nested TableReader.
  const nlohmann::json& table(const char* key) const {
    static const nlohmann::json empty = nlohmann::json::object();
    return table_.contains(key) ? table_.at(key) : empty;
  }

  void string(const char* key, std::string& out, std::set<std::string> choices = {}) const {
    if (!table_.contains(key)) return;
    const auto& v = table_.at(key);
    if (!v.is_string()) throw UserError(where_ + ": \"" + key + "\" must be a string");
    const std::string s = v.get<std::string>();
    if (!choices.empty() && !choices.count(s)) {
      std::string list;
      for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
      throw UserError(where_ + ": \"" + key + "\" must be one of " + list + ", got \"" + s + "\"");
    }
    out = s;
  }

 private:
  const nlohmann::json& table_;
  std::string where_;
};

}  // namespace traceplay
