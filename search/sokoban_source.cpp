// Sokoban dataset records: layout k is either a level drawn by the paper's generator
// from Rng::stream(seed, k) (kept only when trace-mode A* solves it), or level k of a
// collection. Each is traced by trace-mode A* (non-deterministic by default, as the
// paper's Sokoban data); traces that need cost tokens >= K or exceed the expansion or
// token limits are dropped, since a truncated trace would teach the wrong thing.
#include "search/sokoban_source.h"

#include <algorithm>

#include "core/input_file.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/rng.h"
#include "games/sokoban/collection.h"
#include "games/sokoban/generator.h"
#include "search/sokoban_trace.h"

namespace traceplay::search {

namespace {

constexpr int kMaxTraceBoxes = 64;  // SokobanTracer's largest state

sokoban::GeneratorParams generator_params(const SokobanSourceParams& p) {
  sokoban::GeneratorParams g;
  g.width = p.width;
  g.height = p.height;
  g.walls = p.walls;
  g.boxes = p.boxes;
  return g;
}

// What every worker reads; shared, so that a worker may outlive its source.
struct SourceData {
  SokobanSourceParams params;
  std::vector<sokoban::Level> levels;  // empty: generated levels
  uint64_t levels_xxh64 = 0;
  int max_side = 0;
  Vocabulary vocabulary;
};

class SokobanWorker final : public LayoutWorker {
 public:
  explicit SokobanWorker(std::shared_ptr<const SourceData> data)
      : data_(std::move(data)),
        params_(data_->params),
        levels_(data_->levels),
        vocabulary_(data_->vocabulary),
        ids_(vocabulary_, data_->max_side, params_.cost_tokens) {}

  std::vector<DatasetRecord> generate(uint64_t seed, uint64_t k) override {
    std::vector<DatasetRecord> out;
    Rng rng = Rng::stream(seed, k);
    std::optional<sokoban::Level> drawn;
    const sokoban::Level* level = nullptr;
    if (!levels_.empty()) {
      if (k >= levels_.size()) return out;
      level = &levels_[k];
    } else {
      drawn = sokoban::generate_level(generator_params(params_), rng);
      if (!drawn) return out;
      level = &*drawn;
    }

    AStarOptions options;
    options.deterministic = params_.deterministic;
    options.seed = rng.next();
    options.max_expansions = params_.max_expansions;
    options.stop = stop_;
    DatasetRecord record;
    bool cost_overflow = false;
    const auto result = tracer_.run(*level, options, ids_, record.trace, record.plan, cost_overflow);
    if (!result.solved() || cost_overflow) return out;
    if (params_.max_trace_tokens && record.trace.size() > params_.max_trace_tokens) return out;

    const std::vector<std::string> prompt = sokoban_prompt(*level);
    record.prompt = vocabulary_.encode(prompt);
    record.id = hash_tokens(prompt);
    record.layout = hash_tokens(sokoban_layout_tokens(prompt));
    record.meta = {{"width", level->width()}, {"height", level->height()}};
    if (!levels_.empty()) record.meta["level"] = k + 1;  // 1-based, as `solve --level FILE:N`
    out.push_back(std::move(record));
    return out;
  }

 private:
  std::shared_ptr<const SourceData> data_;
  const SokobanSourceParams& params_;
  const std::vector<sokoban::Level>& levels_;
  const Vocabulary& vocabulary_;
  SokobanTokenIds ids_;
  SokobanTracer tracer_;
};

class SokobanSource final : public TraceSource {
 public:
  explicit SokobanSource(const SokobanSourceParams& params) {
    auto data = std::make_shared<SourceData>();
    data->params = params;
    data->max_side = std::max(params.width, params.height);
    if (!params.levels_file.empty()) {
      const std::string text = read_input_file(params.levels_file);
      data->levels_xxh64 = xxh64(text);
      for (auto& l : sokoban::parse_collection(text, params.levels_file)) {
        if (l.level.num_boxes() > kMaxTraceBoxes)
          throw UserError(params.levels_file + ": level " + std::to_string(data->levels.size() + 1) +
                          " (line " + std::to_string(l.line) + ") has " +
                          std::to_string(l.level.num_boxes()) + " boxes; trace mode handles at most " +
                          std::to_string(kMaxTraceBoxes));
        data->levels.push_back(std::move(l.level));
      }
      data->max_side = 0;
      for (const auto& level : data->levels)
        data->max_side = std::max({data->max_side, level.width(), level.height()});
    }
    data->vocabulary = sokoban_vocabulary(data->max_side, params.cost_tokens);
    data_ = std::move(data);
  }

  std::string domain() const override { return "sokoban"; }
  nlohmann::json params() const override {
    const SokobanSourceParams& p = data_->params;
    nlohmann::json j = {{"cost_tokens", p.cost_tokens},
                        {"max_expansions", p.max_expansions},
                        {"max_trace_tokens", p.max_trace_tokens}};
    if (data_->levels.empty()) {
      j.update({{"width", p.width}, {"height", p.height}, {"walls", p.walls}, {"boxes", p.boxes}});
    } else {
      j.update({{"levels_file", p.levels_file},
                {"levels", data_->levels.size()},
                {"levels_xxh64", hex16(data_->levels_xxh64)}});
    }
    return j;
  }
  const Vocabulary& vocabulary() const override { return data_->vocabulary; }
  uint64_t num_layouts() const override { return data_->levels.empty() ? UINT64_MAX : data_->levels.size(); }
  std::unique_ptr<LayoutWorker> make_worker() const override {
    return std::make_unique<SokobanWorker>(data_);
  }

 private:
  std::shared_ptr<const SourceData> data_;
};

}  // namespace

std::unique_ptr<TraceSource> make_sokoban_source(const SokobanSourceParams& params) {
  if (params.cost_tokens < 1 || params.cost_tokens > 1'000'000)
    throw UserError("Sokoban cost tokens must be between 1 and 1000000, got " +
                    std::to_string(params.cost_tokens));
  if (params.levels_file.empty()) sokoban::validate(generator_params(params));
  return std::make_unique<SokobanSource>(params);
}

}  // namespace traceplay::search
