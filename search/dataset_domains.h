// The domains' vocabularies as core's dataset check knows them
// (core/domain_vocabulary.h): a manifest's "vocabulary" must be the one maze_vocabulary,
// sokoban_vocabulary or go_tactics_vocabulary builds for the manifest's params.
#pragma once

#include <string>

#include "core/domain_vocabulary.h"

namespace traceplay {
struct Manifest;
}

namespace traceplay::search {

// maze: params width, height (2..100, as `gen` accepts) -> maze_vocabulary(width, height).
DomainVocabulary maze_manifest_vocabulary(const Manifest& manifest, const std::string& where);

// sokoban: params cost_tokens (1..1000000) and width, height (generated levels: the
// coordinates go to max(width, height)); a dataset made from a levels file
// ("levels_file" in params) records no side, so the coordinates are the manifest's
// numeric tokens, and the check is that the rest is exactly what that side and
// cost_tokens define.
DomainVocabulary sokoban_manifest_vocabulary(const Manifest& manifest, const std::string& where);

// go-tactics: params size (kMinTacticsBoardSize..kMaxTacticsBoardSize) ->
// go_tactics_vocabulary(size).
DomainVocabulary go_tactics_manifest_vocabulary(const Manifest& manifest, const std::string& where);

// Registers all three with core; call once at start, before threads.
void register_dataset_domains();

}  // namespace traceplay::search
