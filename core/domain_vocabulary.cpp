#include "core/domain_vocabulary.h"

#include <map>

#include "core/dataset.h"
#include "core/error.h"
#include "core/escape.h"

namespace traceplay {

namespace {

std::map<std::string, DomainVocabularyFn>& registry() {
  static std::map<std::string, DomainVocabularyFn> domains;
  return domains;
}

std::string quoted(const std::string& token) { return "\"" + escaped_excerpt(token, 40) + "\""; }

}  // namespace

void register_domain_vocabulary(const std::string& domain, DomainVocabularyFn fn) {
  registry()[domain] = std::move(fn);
}

void clear_domain_vocabularies() { registry().clear(); }

void check_domain_vocabulary(const Manifest& manifest, const std::string& where) {
  const auto& domains = registry();
  if (domains.empty()) return;
  const auto found = domains.find(manifest.domain);
  if (found == domains.end()) {
    std::string known;
    for (const auto& [name, fn] : domains) known += (known.empty() ? "" : ", ") + name;
    throw UserError(where + ": unknown domain " + quoted(manifest.domain) + " (known: " + known + ")");
  }
  const DomainVocabulary expected = found->second(manifest, where);
  const std::vector<std::string>& actual = manifest.vocabulary;
  if (actual == expected.tokens) return;
  const std::string differs = where + ": \"vocabulary\" differs from " + expected.name + ": ";
  const size_t common = std::min(actual.size(), expected.tokens.size());
  for (size_t i = 0; i < common; ++i)
    if (actual[i] != expected.tokens[i])
      throw UserError(differs + "token " + std::to_string(i) + " is " + quoted(actual[i]) + ", expected " +
                      quoted(expected.tokens[i]));
  throw UserError(differs + "it has " + std::to_string(actual.size()) + " tokens, expected " +
                  std::to_string(expected.tokens.size()));
}

}  // namespace traceplay
