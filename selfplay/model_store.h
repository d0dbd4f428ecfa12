// The published network versions of a self-play run (DESIGN.md, "Self-play", pinned):
// runs/<name>/models/v<NNNN>/, four digits from v0000 (the untrained net), each a
// complete checkpoint directory that `traceplay gtp --model DIR` loads.
//
// Publication is atomic: the files are written into a temporary sibling directory
// (".v<NNNN>.tmp-<pid>"), each file fsynced, then the directory is renamed into place and
// the parent fsynced. rename(2) of a directory is atomic, so a reader listing the store
// sees a version whole or not at all, and a killed learner leaves at most a temporary
// that the next start removes. No torch here: the caller's `write` puts the checkpoint
// files in the directory it is given (models/ knows how).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "selfplay/model_source.h"

namespace traceplay::selfplay {

constexpr int kMaxModelVersion = 9999;  // four digits

std::string version_dir_name(int version);  // 7 -> "v0007"

// Publishes `version` under `models_dir` (created if missing): `write(dir)` fills a
// fresh temporary directory; it is then committed as models_dir/v<NNNN>. Throws
// std::invalid_argument for a version outside [0, 9999] or one already published, and
// std::runtime_error when the file system fails (the temporary is removed). Returns the
// version with its directory and the XXH64 of `checksum_file` inside it (0 when that
// file name is empty).
ModelVersion publish_version(const std::string& models_dir, int version,
                             const std::function<void(const std::string& dir)>& write,
                             const std::string& checksum_file = "model.safetensors");

// The complete versions under `models_dir`, ascending (a missing directory has none;
// temporaries and other names are ignored).
std::vector<int> list_versions(const std::string& models_dir);

// Removes the temporaries a killed publisher left behind; returns how many.
int remove_partial_versions(const std::string& models_dir);

}  // namespace traceplay::selfplay
