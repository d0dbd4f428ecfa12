#include "distributed/model_manifest.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.h"
#include "core/escape.h"
#include "core/hash.h"

namespace traceplay::distributed {

namespace fs = std::filesystem;

namespace {

uint64_t chunks_of(uint64_t bytes, uint64_t chunk_bytes) { return (bytes + chunk_bytes - 1) / chunk_bytes; }

uint64_t unsigned_field(const nlohmann::json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  // Signed or unsigned as JSON holds it (a parsed 3 is unsigned, a built one may be signed).
  if (it == object.end() || !it->is_number_integer() || (!it->is_number_unsigned() && it->get<int64_t>() < 0))
    throw UserError(where + ": \"" + key + "\" is missing or not a non-negative integer");
  return it->get<uint64_t>();
}

uint64_t hex_field(const nlohmann::json& value, const std::string& where) {
  // parse_hex16 would quote the peer's bytes unescaped: this message names the field only.
  try {
    if (value.is_string()) return parse_hex16(value.get<std::string>());
  } catch (const UserError&) {
  }
  throw UserError(where + " is not 16 lowercase hex digits");
}

}  // namespace

uint64_t ModelManifest::total_bytes() const {
  uint64_t total = 0;
  for (const ModelFile& f : files) total += f.bytes;
  return total;
}

size_t ModelManifest::total_chunks() const {
  size_t total = 0;
  for (const ModelFile& f : files) total += f.chunks.size();
  return total;
}

uint64_t ModelManifest::chunk_size(size_t file, size_t chunk) const {
  const uint64_t offset = static_cast<uint64_t>(chunk) * chunk_bytes;
  return std::min(chunk_bytes, files.at(file).bytes - offset);
}

bool is_model_file_name(const std::string& name) {
  return !name.empty() && name.size() <= 255 && name[0] != '.' && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

ModelManifest describe_model_dir(const std::string& dir, int version, uint64_t chunk_bytes) {
  if (chunk_bytes == 0) throw UserError("a model chunk must hold at least one byte");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UserError("model version directory " + dir + " does not exist");
  ModelManifest manifest;
  manifest.version = version;
  manifest.chunk_bytes = chunk_bytes;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || !is_model_file_name(name))
      throw UserError(dir + ": " + escaped(name) +
                      " cannot be published (a version is a flat directory of plain file names)");
    ModelFile file;
    file.name = name;
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) throw UserError("cannot read " + entry.path().string());
    Xxh64Stream whole;
    std::string chunk(chunk_bytes, '\0');
    for (;;) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk_bytes));
      const size_t got = static_cast<size_t>(in.gcount());
      if (got == 0) break;
      whole.update(chunk.data(), got);
      file.chunks.push_back(xxh64_bytes(chunk.data(), got));
      file.bytes += got;
      if (got < chunk_bytes) break;
    }
    if (in.bad()) throw UserError("cannot read " + entry.path().string());
    file.xxh64 = whole.digest();
    if (file.bytes > kMaxModelFileBytes) throw UserError(entry.path().string() + " is over 1 TiB");
    manifest.files.push_back(std::move(file));
  }
  if (manifest.files.size() > kMaxModelFiles)
    throw UserError(dir + " holds more than " + std::to_string(kMaxModelFiles) + " files");
  std::sort(manifest.files.begin(), manifest.files.end(),
            [](const ModelFile& a, const ModelFile& b) { return a.name < b.name; });
  return manifest;
}

nlohmann::json to_json(const ModelManifest& manifest) {
  nlohmann::json files = nlohmann::json::array();
  for (const ModelFile& f : manifest.files) {
    nlohmann::json chunks = nlohmann::json::array();
    for (uint64_t h : f.chunks) chunks.push_back(hex16(h));
    files.push_back({{"name", f.name}, {"bytes", f.bytes}, {"xxh64", hex16(f.xxh64)}, {"chunks", chunks}});
  }
  return {{"version", manifest.version}, {"chunk_bytes", manifest.chunk_bytes}, {"files", files}};
}

ModelManifest parse_manifest(const nlohmann::json& json, uint64_t max_chunk_bytes) {
  if (!json.is_object()) throw UserError("a model announcement is not a JSON object");
  ModelManifest m;
  const uint64_t version = unsigned_field(json, "version", "model announcement");
  if (version > 9999)
    throw UserError("model announcement: version " + std::to_string(version) + " is over 9999");
  m.version = static_cast<int>(version);
  m.chunk_bytes = unsigned_field(json, "chunk_bytes", "model announcement");
  if (m.chunk_bytes == 0 || m.chunk_bytes > max_chunk_bytes)
    throw UserError("model announcement: chunk_bytes " + std::to_string(m.chunk_bytes) + " is outside [1, " +
                    std::to_string(max_chunk_bytes) + "]");
  const auto files = json.find("files");
  if (files == json.end() || !files->is_array())
    throw UserError("model announcement: \"files\" is not a list");
  if (files->size() > kMaxModelFiles)
    throw UserError("model announcement: more than " + std::to_string(kMaxModelFiles) + " files");
  std::set<std::string> names;
  for (const nlohmann::json& f : *files) {
    const std::string where = "model announcement: file " + std::to_string(m.files.size());
    if (!f.is_object()) throw UserError(where + " is not an object");
    ModelFile file;
    const auto name = f.find("name");
    if (name == f.end() || !name->is_string() || !is_model_file_name(name->get<std::string>()))
      throw UserError(where + ": \"name\" is not a plain file name");
    file.name = name->get<std::string>();
    if (!names.insert(file.name).second) throw UserError(where + ": " + escaped(file.name) + " twice");
    file.bytes = unsigned_field(f, "bytes", where);
    if (file.bytes > kMaxModelFileBytes) throw UserError(where + ": over 1 TiB");
    const auto whole = f.find("xxh64");
    file.xxh64 = hex_field(whole == f.end() ? nlohmann::json() : *whole, where + ": \"xxh64\"");
    const auto chunks = f.find("chunks");
    if (chunks == f.end() || !chunks->is_array() || chunks->size() != chunks_of(file.bytes, m.chunk_bytes))
      throw UserError(where + ": \"chunks\" is not a list of one hash per chunk");
    for (const nlohmann::json& h : *chunks) file.chunks.push_back(hex_field(h, where + ": a chunk hash"));
    m.files.push_back(std::move(file));
  }
  return m;
}

}  // namespace traceplay::distributed
