#include "models/samples_file.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/hash.h"
#include "core/input_file.h"

namespace traceplay::models {

namespace {

void append_json_string(std::string& out, const std::string& text) { out += nlohmann::json(text).dump(); }

template <class T>
T field(const nlohmann::json& j, const char* key, const std::string& where) {
  if (!j.contains(key)) throw UserError(where + ": missing \"" + key + "\"");
  const nlohmann::json& v = j[key];
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) throw UserError(where + ": \"" + key + "\" must be true or false");
  } else {
    if (!v.is_number_integer() || v.get<int64_t>() < 0)
      throw UserError(where + ": \"" + key + "\" must be a non-negative integer");
  }
  return v.get<T>();
}

// A count of tokens or positions of one response: at most kMaxResponseTokens (so it
// also fits the int32 it is kept in).
int64_t length_field(const nlohmann::json& j, const char* key, const std::string& where) {
  const int64_t n = field<int64_t>(j, key, where);
  if (n > kMaxResponseTokens)
    throw UserError(where + ": \"" + key + "\" is " + std::to_string(n) + ", more than the limit of " +
                    std::to_string(kMaxResponseTokens));
  return n;
}

}  // namespace

void append_sample_line(std::string& out, const SampleRecord& r) {
  out += "{\"id\":\"";
  out += hex16(r.id);
  out += "\",\"sample\":";
  out += std::to_string(r.sample);
  out += ",\"tokens\":[";
  for (size_t i = 0; i < r.tokens.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, r.tokens[i]);
  }
  out += "],\"trace_tokens\":";
  out += std::to_string(r.outcome.trace_tokens);
  out += ",\"plan_positions\":";
  out += std::to_string(r.outcome.plan_positions);
  out += ",\"correct\":";
  out += r.outcome.correct ? "true" : "false";
  out += ",\"optimal\":";
  out += r.outcome.optimal ? "true" : "false";
  out += ",\"reason\":";
  if (r.reason) {
    append_json_string(out, *r.reason);
  } else {
    out += "null";
  }
  out += "}\n";
}

SampleRecord parse_sample_line(std::string_view line, const std::string& where) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    throw UserError(where + ": not JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw UserError(where + ": expected a JSON object");
  SampleRecord r;
  if (!j.contains("id") || !j["id"].is_string()) throw UserError(where + ": \"id\" must be 16 hex digits");
  try {
    r.id = parse_hex16(j["id"].get<std::string>());
  } catch (const UserError&) {
    throw UserError(where + ": \"id\" must be 16 hex digits");
  }
  r.sample = field<int64_t>(j, "sample", where);
  if (!j.contains("tokens") || !j["tokens"].is_array())
    throw UserError(where + ": \"tokens\" must be an array");
  if (j["tokens"].size() > static_cast<size_t>(kMaxResponseTokens))
    throw UserError(where + ": " + std::to_string(j["tokens"].size()) + " tokens, more than the limit of " +
                    std::to_string(kMaxResponseTokens));
  for (const auto& t : j["tokens"]) {
    if (!t.is_string()) throw UserError(where + ": \"tokens\" must hold strings");
    r.tokens.push_back(t.get<std::string>());
  }
  r.outcome.trace_tokens = static_cast<int32_t>(length_field(j, "trace_tokens", where));
  r.outcome.plan_positions = static_cast<int32_t>(length_field(j, "plan_positions", where));
  r.outcome.correct = field<bool>(j, "correct", where);
  r.outcome.optimal = field<bool>(j, "optimal", where);
  if (!j.contains("reason")) throw UserError(where + ": missing \"reason\"");
  if (j["reason"].is_string()) {
    r.reason = j["reason"].get<std::string>();
  } else if (!j["reason"].is_null()) {
    throw UserError(where + ": \"reason\" must be null or a string");
  }
  if (j.size() != 8) throw UserError(where + ": unexpected keys (expected exactly the 8 pinned ones)");
  return r;
}

uint64_t read_complete_lines(const std::string& path,
                             const std::function<bool(std::string_view, uint64_t)>& fn) {
  if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return 0;
  const int fd = open_input_file(path);  // regular files only; a FIFO is not waited on
  std::FILE* file = ::fdopen(fd, "rb");
  if (!file) {
    ::close(fd);
    throw UserError(path + ": cannot be read");
  }
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(file, &std::fclose);
  uint64_t bytes = 0, number = 0;
  std::string line;
  char buffer[1 << 16];
  // Lines are cut from 64 KiB reads; a line (newline not yet seen) never grows past
  // the limit, whatever the file holds.
  for (;;) {
    const size_t n = std::fread(buffer, 1, sizeof buffer, file);
    if (n == 0) break;
    size_t begin = 0;
    while (begin < n) {
      const char* newline = static_cast<const char*>(std::memchr(buffer + begin, '\n', n - begin));
      const size_t end = newline ? static_cast<size_t>(newline - buffer) : n;
      if (line.size() + (end - begin) > kMaxSampleLineBytes)
        throw UserError(path + ": line " + std::to_string(number + 1) + " is longer than the limit of " +
                        std::to_string(kMaxSampleLineBytes) + " bytes");
      line.append(buffer + begin, end - begin);
      if (!newline) break;
      begin = end + 1;
      if (!fn(line, ++number)) return bytes;
      bytes += line.size() + 1;
      line.clear();
    }
  }
  if (std::ferror(file)) throw UserError(path + ": read error");
  return bytes;  // a last line without its newline (torn by a kill) does not count
}

SampleAppender::SampleAppender(const std::string& path, uint64_t keep_bytes) : path_(path) {
  if (access(path.c_str(), F_OK) == 0) {
    if (truncate(path.c_str(), static_cast<off_t>(keep_bytes)) != 0)
      throw std::runtime_error(path + ": cannot truncate: " + std::strerror(errno));
  } else if (keep_bytes != 0) {
    throw std::logic_error(path + ": nothing to keep in a missing file");
  }
  file_ = std::fopen(path.c_str(), "ab");
  if (!file_) throw std::runtime_error(path + ": cannot open for appending: " + std::strerror(errno));
}

SampleAppender::~SampleAppender() {
  if (file_) std::fclose(file_);
}

void SampleAppender::append(std::string_view lines) {
  if (std::fwrite(lines.data(), 1, lines.size(), file_) != lines.size())
    throw std::runtime_error(path_ + ": write failed: " + std::strerror(errno));
}

void SampleAppender::flush() {
  if (std::fflush(file_) != 0) throw std::runtime_error(path_ + ": write failed: " + std::strerror(errno));
}

void SampleAppender::close() {
  if (!file_) return;
  flush();
  if (fsync(fileno(file_)) != 0) throw std::runtime_error(path_ + ": fsync failed: " + std::strerror(errno));
  std::fclose(file_);
  file_ = nullptr;
}

}  // namespace traceplay::models
