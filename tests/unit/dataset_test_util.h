// Helpers of the dataset tests: scratch directories, file bytes, a small fake source.
#pragma once

#include <stdlib.h>

#include <csignal>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/trace_source.h"
#include "core/vocabulary.h"

namespace traceplay::testing {

// The message of the UserError that `f` throws, or "(no error)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

// A fresh directory under /tmp, removed with everything in it at scope exit.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "traceplay-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Every file of a directory (hidden ones included) and its bytes.
inline std::map<std::string, std::string> directory_bytes(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    out[entry.path().filename().string()] = file_bytes(entry.path().string());
  return out;
}

// Layout k gives (k % 4) records whose ids repeat across layouts: id = (k + i) % `distinct`
// (so later layouts repeat earlier ids), layout hash = k. Optionally raises SIGINT when
// making layout `interrupt_at`, or throws at `throw_at`.
class FakeSource final : public TraceSource {
 public:
  uint64_t distinct = 1000;
  uint64_t layouts = UINT64_MAX;
  uint64_t interrupt_at = UINT64_MAX;
  uint64_t throw_at = UINT64_MAX;

  FakeSource() : vocabulary_(Vocabulary::from_tokens({"a", "b", "c"})) {}
  std::string domain() const override { return "fake"; }
  nlohmann::json params() const override { return {{"distinct", distinct}}; }
  const Vocabulary& vocabulary() const override { return vocabulary_; }
  uint64_t num_layouts() const override { return layouts; }
  std::unique_ptr<LayoutWorker> make_worker() const override { return std::make_unique<Worker>(*this); }

 private:
  struct Worker final : LayoutWorker {
    explicit Worker(const FakeSource& s) : source(s) {}
    std::vector<DatasetRecord> generate(uint64_t seed, uint64_t k) override {
      if (k == source.interrupt_at) std::raise(SIGINT);
      if (k == source.throw_at) throw std::runtime_error("fake failure at layout " + std::to_string(k));
      std::vector<DatasetRecord> out;
      for (uint64_t i = 0; i < k % 4; ++i) {
        DatasetRecord r;
        r.id = (k + i) % source.distinct;
        r.layout = k;
        r.prompt = {2, static_cast<int32_t>(2 + k % 3)};
        r.trace.assign(static_cast<size_t>(k % 7), 3);
        r.plan = {4};
        r.meta = {{"k", k}, {"i", i}, {"seed", seed}};
        out.push_back(std::move(r));
      }
      return out;
    }
    const FakeSource& source;
  };
  Vocabulary vocabulary_;
};

}  // namespace traceplay::testing
