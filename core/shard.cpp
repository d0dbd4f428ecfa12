#include "core/shard.h"

#include <zstd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "core/error.h"

namespace traceplay {

namespace {

constexpr size_t kPendingBytes = 1 << 20;  // uncompressed bytes handed to zstd at once

void append_hex16(std::string& out, uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char buf[16];
  for (int i = 15; i >= 0; --i, value >>= 4) buf[i] = kDigits[value & 15];
  out.append(buf, 16);
}

void append_ids(std::string& out, const char* key, const std::vector<int32_t>& ids) {
  out += key;
  out += '[';
  char buf[16];
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    const auto result = std::to_chars(buf, buf + sizeof buf, ids[i]);
    out.append(buf, static_cast<size_t>(result.ptr - buf));
  }
  out += ']';
}

[[noreturn]] void zstd_failure(const std::string& what, const std::string& path, size_t code) {
  throw std::runtime_error(what + " " + path + ": " + ZSTD_getErrorName(code));
}

std::vector<int32_t> ids_field(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_array())
    throw UserError(where + ": \"" + key + "\" must be an array of token ids");
  std::vector<int32_t> ids;
  ids.reserve(it->size());
  for (const auto& v : *it) {
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > INT32_MAX)
      throw UserError(where + ": \"" + key + "\" holds " + v.dump() + ", not a token id");
    ids.push_back(v.get<int32_t>());
  }
  return ids;
}

uint64_t hex_field(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) throw UserError(where + ": \"" + key + "\" must be 16 hex digits");
  try {
    return parse_hex16(it->get_ref<const std::string&>());
  } catch (const UserError& e) {
    throw UserError(where + ": \"" + key + "\": " + e.what());
  }
}

}  // namespace

void append_record_json(std::string& out, const DatasetRecord& record) {
  out += "{\"id\":\"";
  append_hex16(out, record.id);
  out += "\",\"layout\":\"";
  append_hex16(out, record.layout);
  out += '"';
  append_ids(out, ",\"prompt\":", record.prompt);
  append_ids(out, ",\"trace\":", record.trace);
  append_ids(out, ",\"plan\":", record.plan);
  out += ",\"meta\":";
  out += record.meta.is_null() ? std::string("{}") : record.meta.dump();
  out += '}';
}

namespace {

// The lines this writer makes, parsed without building a JSON tree (several times
// faster than nlohmann for traces of thousands of ids). Returns false on anything
// else -- other spacing, key order, a malformed line -- and the caller falls back to
// the general parser, which also words the errors.
class FastLineParser {
 public:
  explicit FastLineParser(std::string_view line) : p_(line.data()), end_(line.data() + line.size()) {}

  bool parse(DatasetRecord& r) {
    if (!literal("{\"id\":\"") || !hex(r.id) || !literal("\",\"layout\":\"") || !hex(r.layout) ||
        !literal("\",\"prompt\":") || !ids(r.prompt) || !literal(",\"trace\":") || !ids(r.trace) ||
        !literal(",\"plan\":") || !ids(r.plan) || !literal(",\"meta\":"))
      return false;
    if (end_ - p_ < 3 || end_[-1] != '}') return false;
    const std::string_view meta(p_, static_cast<size_t>(end_ - 1 - p_));
    if (meta == "{}") {
      r.meta = nlohmann::json::object();
      return true;
    }
    r.meta = nlohmann::json::parse(meta.begin(), meta.end(), nullptr, false);
    return r.meta.is_object();
  }

 private:
  bool literal(std::string_view text) {
    if (static_cast<size_t>(end_ - p_) < text.size() || std::string_view(p_, text.size()) != text)
      return false;
    p_ += text.size();
    return true;
  }
  bool hex(uint64_t& value) {
    if (end_ - p_ < 16) return false;
    value = 0;
    for (int i = 0; i < 16; ++i, ++p_) {
      const char c = *p_;
      const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (digit < 0) return false;
      value = value << 4 | static_cast<uint64_t>(digit);
    }
    return true;
  }
  bool ids(std::vector<int32_t>& out) {
    out.clear();
    if (!literal("[")) return false;
    if (literal("]")) return true;
    for (;;) {
      if (p_ == end_ || *p_ < '0' || *p_ > '9' ||
          (*p_ == '0' && p_ + 1 < end_ && p_[1] >= '0' && p_[1] <= '9'))
        return false;  // JSON numbers: no sign, no leading zeros
      int32_t value;
      const auto result = std::from_chars(p_, end_, value);
      if (result.ec != std::errc()) return false;
      p_ = result.ptr;
      out.push_back(value);
      if (literal("]")) return true;
      if (!literal(",")) return false;
    }
  }

  const char* p_;
  const char* end_;
};

// The record of a line as it is written, before the limits.
DatasetRecord parse_record_fields(std::string_view line, const std::string& where) {
  {
    DatasetRecord record;
    if (FastLineParser(line).parse(record)) return record;
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line.begin(), line.end());
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    throw UserError(where + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw UserError(where + ": a record must be a JSON object");
  DatasetRecord record;
  record.id = hex_field(j, "id", where);
  record.layout = hex_field(j, "layout", where);
  record.prompt = ids_field(j, "prompt", where);
  record.trace = ids_field(j, "trace", where);
  record.plan = ids_field(j, "plan", where);
  const auto meta = j.find("meta");
  if (meta == j.end() || !meta->is_object()) throw UserError(where + ": \"meta\" must be an object");
  record.meta = std::move(*meta);
  return record;
}

}  // namespace

void check_record_lengths(uint64_t prompt, uint64_t trace, uint64_t plan, const std::string& where) {
  for (const auto& [name, length] :
       {std::pair{"prompt", prompt}, std::pair{"trace", trace}, std::pair{"plan", plan}})
    if (length > kMaxRecordTokens)
      throw UserError(where + ": a " + name + " of " + std::to_string(length) +
                      " tokens, more than the limit of " + std::to_string(kMaxRecordTokens));
}

DatasetRecord parse_record_json(std::string_view line, const std::string& where) {
  DatasetRecord record = parse_record_fields(line, where);
  check_record_lengths(record.prompt.size(), record.trace.size(), record.plan.size(), where);
  return record;
}

// ---------------------------------------------------------------------------------
// ShardWriter

ShardWriter::ShardWriter(const std::string& path, std::string file_name)
    : file_(path), file_name_(std::move(file_name)), cctx_(ZSTD_createCCtx()) {
  if (!cctx_) throw std::runtime_error("cannot create a zstd context");
  // Fixed parameters: the bytes (and so the manifest's xxh64) depend only on the lines.
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, kCompressionLevel);
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
  pending_.reserve(kPendingBytes + (64 << 10));
  out_.resize(ZSTD_CStreamOutSize());
}

ShardWriter::~ShardWriter() { ZSTD_freeCCtx(cctx_); }

void ShardWriter::add(const DatasetRecord& record) {
  scratch_.clear();
  append_record_json(scratch_, record);
  add_line(scratch_);
}

void ShardWriter::add_line(std::string_view line) {
  if (finished_) throw std::logic_error("ShardWriter::add_line after finish");
  pending_.append(line);
  pending_ += '\n';
  ++records_;
  if (pending_.size() >= kPendingBytes) compress(false);
}

void ShardWriter::compress(bool end) {
  ZSTD_inBuffer in{pending_.data(), pending_.size(), 0};
  for (;;) {
    ZSTD_outBuffer out{out_.data(), out_.size(), 0};
    const size_t remaining = ZSTD_compressStream2(cctx_, &out, &in, end ? ZSTD_e_end : ZSTD_e_continue);
    if (ZSTD_isError(remaining)) zstd_failure("cannot compress", file_.path(), remaining);
    file_.write(out_.data(), out.pos);
    hash_.update(out_.data(), out.pos);
    if (end ? remaining == 0 : in.pos == in.size) break;
  }
  pending_.clear();
}

ShardInfo ShardWriter::finish() {
  if (finished_) throw std::logic_error("ShardWriter::finish twice");
  compress(true);
  file_.commit();
  finished_ = true;
  return {file_name_, records_, hash_.digest()};
}

// ---------------------------------------------------------------------------------
// Reading

uint64_t xxh64_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) throw UserError("cannot read " + path + ": " + std::strerror(errno));
  Xxh64Stream hash;
  std::string buf(1 << 20, '\0');
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), file)) > 0) hash.update(buf.data(), n);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw UserError("cannot read " + path);
  return hash.digest();
}

ShardReader::ShardReader(const std::string& path, const ShardInfo* expected)
    : path_(path), expected_(expected) {
  if (expected_) {
    const uint64_t actual = xxh64_file(path_);
    if (actual != expected_->xxh64)
      throw UserError("shard " + path_ + " is corrupt or truncated: its xxh64 is " + hex16(actual) +
                      ", the manifest says " + hex16(expected_->xxh64));
  }
  file_ = std::fopen(path_.c_str(), "rb");
  if (!file_) throw UserError("cannot read shard " + path_ + ": " + std::strerror(errno));
  dctx_ = ZSTD_createDCtx();
  if (!dctx_) throw std::runtime_error("cannot create a zstd context");
  frame_done_ = false;
}

ShardReader::~ShardReader() {
  if (file_) std::fclose(file_);
  ZSTD_freeDCtx(dctx_);
}

bool ShardReader::fill() {
  for (;;) {
    if (in_pos_ == in_.size()) {
      if (eof_) return false;
      in_.resize(ZSTD_DStreamInSize());
      const size_t n = std::fread(in_.data(), 1, in_.size(), file_);
      in_.resize(n);
      in_pos_ = 0;
      if (n == 0) {
        if (std::ferror(file_)) throw UserError("cannot read shard " + path_);
        eof_ = true;
        if (!frame_done_) throw UserError("shard " + path_ + " is truncated: its zstd stream ends early");
        return false;
      }
    }
    if (frame_done_)
      throw UserError("shard " + path_ + " is corrupt: it has bytes after the end of its zstd frame");
    const size_t before = buffer_.size();
    buffer_.resize(before + ZSTD_DStreamOutSize());
    ZSTD_inBuffer in{in_.data(), in_.size(), in_pos_};
    ZSTD_outBuffer out{buffer_.data() + before, ZSTD_DStreamOutSize(), 0};
    const size_t ret = ZSTD_decompressStream(dctx_, &out, &in);
    if (ZSTD_isError(ret)) throw UserError("shard " + path_ + " is corrupt: " + ZSTD_getErrorName(ret));
    in_pos_ = in.pos;
    buffer_.resize(before + out.pos);
    if (ret == 0) frame_done_ = true;
    if (out.pos > 0) return true;
  }
}

bool ShardReader::next_line(std::string_view& line) {
  size_t scan = pos_;
  for (;;) {
    const size_t newline = buffer_.find('\n', scan);
    if ((newline == std::string::npos ? buffer_.size() : newline) - pos_ > kMaxRecordLineBytes)
      throw UserError("shard " + path_ + ", record " + std::to_string(lines_ + 1) +
                      ": a line longer than the limit of " + std::to_string(kMaxRecordLineBytes) + " bytes");
    if (newline != std::string::npos) {
      line = std::string_view(buffer_).substr(pos_, newline - pos_);
      pos_ = newline + 1;
      ++lines_;
      return true;
    }
    // Keep the partial line, drop what was consumed, and decompress more.
    buffer_.erase(0, pos_);
    scan = buffer_.size();
    pos_ = 0;
    if (!fill()) break;
  }
  if (!buffer_.empty()) throw UserError("shard " + path_ + " is corrupt: its last line has no newline");
  if (expected_ && lines_ != expected_->records)
    throw UserError("shard " + path_ + " holds " + std::to_string(lines_) + " records, the manifest says " +
                    std::to_string(expected_->records));
  return false;
}

bool ShardReader::next(DatasetRecord& record) {
  std::string_view line;
  if (!next_line(line)) return false;
  record = parse_record_json(line, path_ + ", record " + std::to_string(lines_));
  return true;
}

std::vector<DatasetRecord> read_shard(const std::string& path, const ShardInfo* expected) {
  ShardReader reader(path, expected);
  std::vector<DatasetRecord> records;
  DatasetRecord record;
  while (reader.next(record)) records.push_back(std::move(record));
  return records;
}

}  // namespace traceplay
