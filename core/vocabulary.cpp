#include "core/vocabulary.h"

#include <algorithm>
#include <stdexcept>

#include "core/error.h"

namespace traceplay {

Vocabulary Vocabulary::from_tokens(std::vector<std::string> tokens) {
  std::sort(tokens.begin(), tokens.end());
  std::vector<std::string> list{"bos", "eos"};
  list.insert(list.end(), tokens.begin(), tokens.end());
  return from_list(std::move(list));
}

Vocabulary Vocabulary::from_list(std::vector<std::string> list) {
  if (list.size() < 2 || list[0] != "bos" || list[1] != "eos")
    throw UserError("vocabulary must start with \"bos\", \"eos\"");
  Vocabulary v;
  v.tokens_ = std::move(list);
  v.ids_.reserve(v.tokens_.size());
  for (size_t i = 0; i < v.tokens_.size(); ++i) {
    if (!v.ids_.emplace(v.tokens_[i], static_cast<int32_t>(i)).second)
      throw UserError("vocabulary has the token \"" + v.tokens_[i] + "\" twice");
  }
  return v;
}

int32_t Vocabulary::find(std::string_view token) const {
  auto it = ids_.find(std::string(token));
  return it == ids_.end() ? -1 : it->second;
}

int32_t Vocabulary::id(std::string_view token) const {
  const int32_t found = find(token);
  if (found < 0) throw std::out_of_range("token \"" + std::string(token) + "\" is not in the vocabulary");
  return found;
}

std::vector<std::string> Vocabulary::decode(const std::vector<int32_t>& ids) const {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (int32_t i : ids) {
    if (i < 0 || static_cast<size_t>(i) >= tokens_.size())
      throw UserError("token id " + std::to_string(i) + " is outside the vocabulary (size " +
                      std::to_string(tokens_.size()) + ")");
    out.push_back(tokens_[static_cast<size_t>(i)]);
  }
  return out;
}

std::vector<int32_t> Vocabulary::encode(const std::vector<std::string>& tokens) const {
  std::vector<int32_t> out;
  out.reserve(tokens.size());
  for (const auto& t : tokens) out.push_back(id(t));
  return out;
}

}  // namespace traceplay
