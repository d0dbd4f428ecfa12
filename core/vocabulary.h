// Token vocabulary as the Searchformer reference builds it (DESIGN.md, pinned):
// id 0 = "bos", 1 = "eos", then every other token sorted as strings (so "c10" < "c2").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace traceplay {

class Vocabulary {
 public:
  static constexpr int32_t kBos = 0;
  static constexpr int32_t kEos = 1;

  Vocabulary() = default;
  // `tokens`: every token but bos/eos, in any order, without duplicates.
  static Vocabulary from_tokens(std::vector<std::string> tokens);
  // An existing list (a manifest's), taken as it is; throws UserError when it does not
  // start with bos, eos or has duplicates.
  static Vocabulary from_list(std::vector<std::string> list);

  size_t size() const { return tokens_.size(); }
  const std::vector<std::string>& tokens() const { return tokens_; }
  const std::string& token(int32_t id) const { return tokens_.at(static_cast<size_t>(id)); }
  // -1 when absent.
  int32_t find(std::string_view token) const;
  // Throws std::out_of_range naming the token when absent.
  int32_t id(std::string_view token) const;

  std::vector<std::string> decode(const std::vector<int32_t>& ids) const;
  std::vector<int32_t> encode(const std::vector<std::string>& tokens) const;

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int32_t> ids_;
};

}  // namespace traceplay
