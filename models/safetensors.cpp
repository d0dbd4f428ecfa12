#include "models/safetensors.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/input_file.h"
#include "core/error.h"

namespace traceplay::models {

namespace {

// The format stores little-endian bytes; so does every machine we build for.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors I/O assumes a little-endian host");

// Limits on a file from outside (DESIGN.md, "Limits on untrusted input"). The header is
// read whole and parsed into a JSON tree several times its size, so it is capped well
// below the safetensors library's own 100 MB: ours hold ~100 bytes per tensor (a few
// hundred tensors, under 100 KB). Tensor data is only ever the file's own bytes: every
// tensor's offsets lie inside the file and no two overlap, so memory follows the file.
constexpr uint64_t kMaxHeaderBytes = uint64_t{16} << 20;
constexpr size_t kMaxTensorRank = 16;  // torch's own kernels stop at 25; ours use <= 4

struct DtypeName {
  const char* name;
  torch::ScalarType type;
};
constexpr DtypeName kDtypes[] = {
    {"F32", torch::kFloat}, {"F64", torch::kDouble}, {"F16", torch::kHalf},  {"BF16", torch::kBFloat16},
    {"I64", torch::kLong},  {"I32", torch::kInt},    {"I16", torch::kShort}, {"I8", torch::kChar},
    {"U8", torch::kByte},   {"BOOL", torch::kBool},
};

const char* dtype_name(torch::ScalarType type) {
  for (const auto& d : kDtypes)
    if (d.type == type) return d.name;
  throw std::invalid_argument(std::string("safetensors: no dtype name for ") + c10::toString(type));
}

bool dtype_of(const std::string& name, torch::ScalarType* type) {
  for (const auto& d : kDtypes)
    if (name == d.name) return *type = d.type, true;
  return false;
}

// A header entry, checked against the file.
struct Entry {
  std::string name;
  torch::ScalarType type;
  std::vector<int64_t> shape;
  uint64_t begin, end;  // relative to the data section
};

class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path) {
    // A regular file only, named as what it is otherwise; a FIFO is not waited on.
    const int fd = open_input_file(path);
    file_ = ::fdopen(fd, "rb");
    if (!file_) {
      const int error = errno;
      ::close(fd);
      throw UserError("cannot read " + path + ": " + std::strerror(error));
    }
    struct stat st {};
    if (::fstat(::fileno(file_), &st) != 0) fail(0, std::string("cannot stat: ") + std::strerror(errno));
    size_ = static_cast<uint64_t>(st.st_size);
  }
  ~Reader() { std::fclose(file_); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  [[noreturn]] void fail(uint64_t offset, const std::string& what) const {
    throw UserError(path_ + ": byte offset " + std::to_string(offset) + ": " + what +
                    " (not a valid safetensors file)");
  }

  void read(uint64_t offset, void* out, uint64_t n) const {
    if (n == 0) return;
    if (::fseeko(file_, static_cast<off_t>(offset), SEEK_SET) != 0 || std::fread(out, 1, n, file_) != n)
      fail(offset, "cannot read " + std::to_string(n) + " bytes");
  }

  uint64_t size() const { return size_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t size_ = 0;
};

int64_t checked_numel(const std::vector<int64_t>& shape, bool* overflow) {
  uint64_t n = 1;
  for (int64_t d : shape) {
    if (d != 0 && n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / static_cast<uint64_t>(d)) {
      *overflow = true;
      return 0;
    }
    n *= static_cast<uint64_t>(d);
  }
  return static_cast<int64_t>(n);
}

}  // namespace

void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<torch::Tensor> data;
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name == "__metadata__" || !names.insert(name).second)
      throw std::invalid_argument("safetensors: duplicate or reserved tensor name \"" + name + "\"");
    auto cpu = tensor.detach().to(torch::kCPU).contiguous();
    const uint64_t bytes = static_cast<uint64_t>(cpu.numel()) * cpu.element_size();
    header[name] = {{"dtype", dtype_name(cpu.scalar_type())},
                    {"shape", cpu.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    data.push_back(cpu);
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');  // the data section starts 8-aligned
  const uint64_t length = json.size();
  AtomicFile file(path);
  file.write(&length, 8);
  file.write(json);
  for (const auto& t : data) file.write(t.data_ptr(), static_cast<size_t>(t.numel()) * t.element_size());
  file.commit();
}

NamedTensors load_safetensors(const std::string& path, std::map<std::string, std::string>* metadata) {
  Reader reader(path);
  if (reader.size() < 8)
    reader.fail(
        0, "the file has " + std::to_string(reader.size()) + " bytes, fewer than the 8 of the header length");
  uint64_t header_len = 0;
  reader.read(0, &header_len, 8);
  if (header_len > kMaxHeaderBytes)
    reader.fail(0, "header length " + std::to_string(header_len) + " exceeds the limit of " +
                       std::to_string(kMaxHeaderBytes) + " bytes");
  if (header_len > reader.size() - 8)
    reader.fail(0, "header length " + std::to_string(header_len) + " runs past the end of the file (" +
                       std::to_string(reader.size()) + " bytes)");
  std::string text(header_len, '\0');
  reader.read(8, text.data(), header_len);
  nlohmann::ordered_json header;
  try {
    header = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    reader.fail(8 + (e.byte > 0 ? e.byte - 1 : 0),
                std::string("the JSON header does not parse: ") + e.what());
  } catch (const nlohmann::json::out_of_range& e) {  // a number beyond double, such as 1e999
    reader.fail(8, std::string("the JSON header does not parse: ") + e.what());
  }
  if (!header.is_object()) reader.fail(8, "the JSON header is not an object");

  const uint64_t data_start = 8 + header_len, data_size = reader.size() - data_start;
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.items()) {
    const std::string where = "tensor \"" + name + "\"";
    if (name == "__metadata__") {
      if (!value.is_object()) reader.fail(8, "\"__metadata__\" is not an object");
      for (const auto& [key, v] : value.items()) {
        if (!v.is_string()) reader.fail(8, "\"__metadata__\" value \"" + key + "\" is not a string");
        if (metadata) (*metadata)[key] = v.get<std::string>();
      }
      continue;
    }
    if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") ||
        !value.contains("data_offsets"))
      reader.fail(8, where + " needs \"dtype\", \"shape\" and \"data_offsets\"");
    Entry e;
    e.name = name;
    if (!value["dtype"].is_string() || !dtype_of(value["dtype"].get<std::string>(), &e.type))
      reader.fail(8, where + " has an unsupported dtype " + value["dtype"].dump());
    if (!value["shape"].is_array()) reader.fail(8, where + ": \"shape\" is not an array");
    if (value["shape"].size() > kMaxTensorRank)
      reader.fail(8, where + ": \"shape\" has " + std::to_string(value["shape"].size()) +
                         " dimensions, more than the limit of " + std::to_string(kMaxTensorRank));
    for (const auto& d : value["shape"]) {
      if (!d.is_number_unsigned() ||
          d.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        reader.fail(8, where + ": \"shape\" holds " + d.dump() + ", not a size");
      e.shape.push_back(d.get<int64_t>());
    }
    const auto& offsets = value["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      reader.fail(8, where + ": \"data_offsets\" must be two non-negative integers");
    e.begin = offsets[0].get<uint64_t>();
    e.end = offsets[1].get<uint64_t>();
    if (e.begin > e.end) reader.fail(data_start + e.begin, where + ": data_offsets begin after they end");
    if (e.end > data_size)
      reader.fail(data_start + e.begin, where + ": data_offsets [" + std::to_string(e.begin) + ", " +
                                            std::to_string(e.end) + ") run past the end of the data (" +
                                            std::to_string(data_size) + " bytes)");
    bool overflow = false;
    const int64_t numel = checked_numel(e.shape, &overflow);
    const uint64_t element = c10::elementSize(e.type);
    if (overflow || static_cast<uint64_t>(numel) > std::numeric_limits<uint64_t>::max() / element ||
        static_cast<uint64_t>(numel) * element != e.end - e.begin)
      reader.fail(data_start + e.begin, where + ": shape " + value["shape"].dump() + " of " +
                                            value["dtype"].dump() + " does not fill its " +
                                            std::to_string(e.end - e.begin) + " bytes");
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
  // No two tensors share a byte (empty tensors hold none).
  const Entry* last = nullptr;
  for (const auto& e : entries) {
    if (e.begin == e.end) continue;
    if (last && e.begin < last->end)
      reader.fail(data_start + e.begin, "tensor \"" + e.name + "\" overlaps tensor \"" + last->name + "\"");
    if (!last || e.end > last->end) last = &e;
  }

  NamedTensors out;
  for (const auto& e : entries) {
    // Booleans arrive as bytes; any non-zero byte is true (a raw byte other than 0/1
    // is not a valid torch bool).
    const auto read_type = e.type == torch::kBool ? torch::kByte : e.type;
    auto t = torch::empty(e.shape, torch::TensorOptions().dtype(read_type));
    reader.read(data_start + e.begin, t.data_ptr(), e.end - e.begin);
    if (e.type == torch::kBool) t = t.ne(0);
    out.emplace_back(e.name, t);
  }
  return out;
}

}  // namespace traceplay::models
