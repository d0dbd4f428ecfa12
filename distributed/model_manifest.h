// What a learner announces about a model version (distributed/README.md, "Models"): its
// files, their sizes, the XXH64 of each whole file and of each fixed-size chunk. An
// actor fetches the chunks one by one and checks each against this list before it
// writes it, and each whole file before the version is installed; so a chunk damaged on
// the way (or by a faulty server) is refused and fetched again, and a version is
// installed whole or not at all. The JSON form travels in MODEL_ANNOUNCE:
//   {"version": 3, "chunk_bytes": 1048576,
//    "files": [{"name": "model.safetensors", "bytes": 123, "xxh64": "<16 hex>",
//               "chunks": ["<16 hex>", ...]}, ...]}
// Files are those of a flat version directory (selfplay/model_store.h), sorted by name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace traceplay::distributed {

inline constexpr uint64_t kDefaultChunkBytes = uint64_t{1} << 20;
inline constexpr size_t kMaxModelFiles = 1000;
inline constexpr uint64_t kMaxModelFileBytes = uint64_t{1} << 40;

struct ModelFile {
  std::string name;
  uint64_t bytes = 0;
  uint64_t xxh64 = 0;            // of the whole file
  std::vector<uint64_t> chunks;  // of each chunk, ceil(bytes / chunk_bytes) of them
  bool operator==(const ModelFile& o) const {
    return name == o.name && bytes == o.bytes && xxh64 == o.xxh64 && chunks == o.chunks;
  }
};

struct ModelManifest {
  int version = 0;
  uint64_t chunk_bytes = kDefaultChunkBytes;
  std::vector<ModelFile> files;

  uint64_t total_bytes() const;
  size_t total_chunks() const;
  // Bytes of chunk `chunk` of file `file` (the last one of a file may be shorter).
  uint64_t chunk_size(size_t file, size_t chunk) const;
  bool operator==(const ModelManifest& o) const {
    return version == o.version && chunk_bytes == o.chunk_bytes && files == o.files;
  }
};

// Reads every file of `dir` (a published version: regular files only). UserError names
// the directory and what is wrong (missing, a subdirectory, a name that cannot travel).
ModelManifest describe_model_dir(const std::string& dir, int version,
                                 uint64_t chunk_bytes = kDefaultChunkBytes);

nlohmann::json to_json(const ModelManifest& manifest);
// The checks an actor makes before it believes an announcement: version in [0, 9999],
// chunk_bytes in [1, max_chunk_bytes], at most kMaxModelFiles files of at most
// kMaxModelFileBytes each, names that are plain file names (no '/', no leading '.',
// at most 255 bytes, unique), one chunk hash per chunk. UserError naming the field.
ModelManifest parse_manifest(const nlohmann::json& json, uint64_t max_chunk_bytes);

// A name a version's file may have: not empty, at most 255 bytes, no '/', no NUL, not
// starting with '.' (the store's temporaries do).
bool is_model_file_name(const std::string& name);

}  // namespace traceplay::distributed
