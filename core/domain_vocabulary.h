// A dataset's manifest lists its vocabulary, and a model trained on it learns those
// token ids; a manifest whose list was edited (one token renamed) would otherwise pass
// `inspect` and train without a word. So every DatasetReader checks the list against the
// vocabulary its domain's tokenizer defines for the manifest's params.
//
// core knows no domain (it sits below search/, which defines the tokenizers), so the
// domains register here: search/dataset_domains.h's register_dataset_domains(), called
// once at start by every program that reads datasets (apps/main.cpp). A registration
// hook rather than a check in each command, so that no reader, present or future, can
// skip it. A process that registered nothing (core's own unit tests, with their "fake"
// domain) checks nothing; once any domain is registered, an unknown domain is refused.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace traceplay {

struct Manifest;

struct DomainVocabulary {
  std::string name;                 // "the maze 5x5 vocabulary", for messages
  std::vector<std::string> tokens;  // the whole list, bos and eos first
};

// The vocabulary of `manifest`'s domain for its params; throws UserError naming `where`
// and the field for params the domain does not accept.
using DomainVocabularyFn =
    std::function<DomainVocabulary(const Manifest& manifest, const std::string& where)>;

// Registers (or replaces) the vocabulary of `domain`. Call before any thread reads a
// dataset.
void register_domain_vocabulary(const std::string& domain, DomainVocabularyFn fn);

// Back to checking nothing (tests that register domains clean up with it).
void clear_domain_vocabularies();

// Throws UserError when `manifest.vocabulary` is not its domain's, naming `where` (the
// manifest file) and the first token that differs:
//   DIR/manifest.json: "vocabulary" differs from the maze 5x5 vocabulary: token 7 is "c9x", expected "c9"
// Nothing when no domain is registered at all.
void check_domain_vocabulary(const Manifest& manifest, const std::string& where);

}  // namespace traceplay
