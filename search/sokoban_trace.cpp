#include "search/sokoban_trace.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "search/prompt_reader.h"
#include "search/sokoban_domain.h"

namespace traceplay::search {

namespace {

enum class Keyword { kWorker, kBox, kDock, kWall, kCreate, kClose, kPlan };
const char* keyword_text(Keyword k) {
  static const char* const kText[] = {"worker", "box", "dock", "wall", "create", "close", "plan"};
  return kText[static_cast<int>(k)];
}

// The reference sorts positions by their string "x-y" ("10-2" < "2-3"); rank[cell] is
// a cell's place in that order, so sorting by rank sorts as the reference does.
std::vector<uint16_t> string_order_ranks(int width, int height) {
  std::vector<std::pair<std::string, int>> keyed;
  keyed.reserve(static_cast<size_t>(width * height));
  for (int c = 0; c < width * height; ++c)
    keyed.emplace_back(std::to_string(c % width) + "-" + std::to_string(c / width), c);
  std::sort(keyed.begin(), keyed.end());
  std::vector<uint16_t> rank(keyed.size());
  for (size_t i = 0; i < keyed.size(); ++i)
    rank[static_cast<size_t>(keyed[i].second)] = static_cast<uint16_t>(i);
  return rank;
}

struct StringOut {
  std::vector<std::string>* out;
  void keyword(Keyword k) { out->emplace_back(keyword_text(k)); }
  void number(int v) { out->push_back(std::to_string(v)); }
  void cost(int v) { out->push_back("c" + std::to_string(v)); }
};

struct IdOut {
  std::vector<int32_t>* out;
  const SokobanTokenIds* ids;
  bool* overflow;
  void keyword(Keyword k) {
    const int32_t id[] = {ids->worker, ids->box, ids->dock, ids->wall, ids->create, ids->close, ids->plan};
    out->push_back(id[static_cast<int>(k)]);
  }
  void number(int v) { out->push_back(ids->coordinate[static_cast<size_t>(v)]); }
  void cost(int v) {
    if (v >= static_cast<int>(ids->cost.size())) {
      *overflow = true;
      return;
    }
    out->push_back(ids->cost[static_cast<size_t>(v)]);
  }
};

// Writes steps and plan positions of one level's search.
template <class Out>
class TokenSink {
 public:
  TokenSink(const sokoban::Level& level, const std::vector<uint16_t>& rank, Out trace, Out plan)
      : level_(level), rank_(rank), trace_(trace), plan_(plan) {}

  template <class State>
  void on_create(const State& s, int g, int h) {
    step(Keyword::kCreate, s, g, h);
  }
  template <class State>
  void on_close(const State& s, int g, int h) {
    step(Keyword::kClose, s, g, h);
  }
  template <class State>
  void on_plan(const State& s, int, int) {
    plan_.keyword(Keyword::kPlan);
    plan_.number(s.worker % level_.width());
    plan_.number(s.worker / level_.width());
  }

 private:
  template <class State>
  void step(Keyword action, const State& s, int g, int h) {
    trace_.keyword(action);
    trace_.keyword(Keyword::kWorker);
    trace_.number(s.worker % level_.width());
    trace_.number(s.worker / level_.width());
    const int n = level_.num_boxes();
    loose_.clear();
    for (int i = 0; i < n; ++i)
      if (!level_.is_dock(s.boxes[i])) loose_.push_back(s.boxes[i]);
    std::sort(loose_.begin(), loose_.end(), [this](int a, int b) { return rank_[a] < rank_[b]; });
    for (int c : loose_) {
      trace_.keyword(Keyword::kBox);
      trace_.number(c % level_.width());
      trace_.number(c / level_.width());
    }
    trace_.cost(g);
    trace_.cost(h);
  }

  const sokoban::Level& level_;
  const std::vector<uint16_t>& rank_;
  Out trace_, plan_;
  std::vector<int> loose_;
};

template <class State>
SokobanTraceResult convert(const sokoban::Level& level, const AStarResult<State>& r) {
  SokobanTraceResult out;
  out.status = r.status;
  out.cost = r.cost;
  out.expansions = r.expansions;
  out.created = r.created;
  for (const State& s : r.plan) out.plan.push_back(level.pos(s.worker));
  return out;
}

}  // namespace

Vocabulary sokoban_vocabulary(int max_side, int cost_tokens) {
  std::vector<std::string> tokens;
  for (int i = 0; i < max_side; ++i) tokens.push_back(std::to_string(i));
  for (int i = 0; i < cost_tokens; ++i) tokens.push_back("c" + std::to_string(i));
  for (const char* k : {"worker", "box", "dock", "wall", "create", "close", "plan"}) tokens.emplace_back(k);
  return Vocabulary::from_tokens(std::move(tokens));
}

SokobanTokenIds::SokobanTokenIds(const Vocabulary& v, int max_side, int cost_tokens)
    : worker(v.id("worker")),
      box(v.id("box")),
      dock(v.id("dock")),
      wall(v.id("wall")),
      create(v.id("create")),
      close(v.id("close")),
      plan(v.id("plan")) {
  for (int i = 0; i < max_side; ++i) coordinate.push_back(v.id(std::to_string(i)));
  for (int i = 0; i < cost_tokens; ++i) cost.push_back(v.id("c" + std::to_string(i)));
}

std::vector<std::string> sokoban_prompt(const sokoban::Level& level) {
  const std::vector<uint16_t> rank = string_order_ranks(level.width(), level.height());
  const auto& boxes = level.boxes();
  auto group = [&](const char* keyword, std::vector<int> cells, std::vector<std::string>& out) {
    std::sort(cells.begin(), cells.end(), [&](int a, int b) { return rank[a] < rank[b]; });
    for (int c : cells)
      out.insert(out.end(), {keyword, std::to_string(c % level.width()), std::to_string(c / level.width())});
  };
  std::vector<int> loose, open;
  for (int c : boxes)
    if (!level.is_dock(c)) loose.push_back(c);
  for (int d : level.docks())
    if (!std::binary_search(boxes.begin(), boxes.end(), d)) open.push_back(d);
  std::vector<std::string> out;
  group("worker", {level.worker()}, out);
  group("box", loose, out);
  group("dock", open, out);
  group("wall", level.walls(), out);
  return out;
}

std::vector<std::string> sokoban_layout_tokens(const std::vector<std::string>& prompt) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 2 < prompt.size(); i += 3)
    if (prompt[i] == "dock" || prompt[i] == "wall")
      out.insert(out.end(), prompt.begin() + i, prompt.begin() + i + 3);
  return out;
}

sokoban::Level level_from_prompt(const std::vector<std::string>& prompt, int width, int height) {
  const PromptReader reader(prompt, width, height, "Sokoban prompt");
  std::vector<Pos> workers, boxes, docks, walls;
  for (size_t i = 0; i < prompt.size(); i += 3) {
    const std::string& k = prompt[i];
    std::vector<Pos>* into = k == "worker" ? &workers
                             : k == "box"  ? &boxes
                             : k == "dock" ? &docks
                             : k == "wall" ? &walls
                                           : nullptr;
    if (!into) throw reader.error(i, "expected worker, box, dock or wall, got \"" + k + "\"");
    into->push_back(reader.position(i + 1));
  }
  if (workers.size() != 1)
    throw UserError("Sokoban prompt: expected one worker, got " + std::to_string(workers.size()));
  try {
    return sokoban::Level(width, height, workers[0], boxes, docks, walls);
  } catch (const sokoban::LevelError& e) {
    throw UserError(std::string("Sokoban prompt: ") + e.what());
  }
}

struct SokobanTracer::Engines {
  AStar<SokobanTraceDomain<2>> a2;
  AStar<SokobanTraceDomain<4>> a4;
  AStar<SokobanTraceDomain<8>> a8;
  AStar<SokobanTraceDomain<16>> a16;
  AStar<SokobanTraceDomain<64>> a64;
  std::map<std::pair<int, int>, std::vector<uint16_t>> ranks;  // by (W, H)

  const std::vector<uint16_t>& rank(const sokoban::Level& level) {
    auto& r = ranks[{level.width(), level.height()}];
    if (r.empty()) r = string_order_ranks(level.width(), level.height());
    return r;
  }

  // Calls f(astar, domain) with the smallest state that holds the level's boxes.
  template <class F>
  SokobanTraceResult dispatch(const sokoban::Level& level, F&& f) {
    const int n = level.num_boxes();
    if (n <= 2) return f(a2, SokobanTraceDomain<2>(level));
    if (n <= 4) return f(a4, SokobanTraceDomain<4>(level));
    if (n <= 8) return f(a8, SokobanTraceDomain<8>(level));
    if (n <= 16) return f(a16, SokobanTraceDomain<16>(level));
    if (n <= 64) return f(a64, SokobanTraceDomain<64>(level));
    throw UserError("trace mode handles at most 64 boxes, the level has " + std::to_string(n));
  }
};

SokobanTracer::SokobanTracer() : engines_(std::make_unique<Engines>()) {}
SokobanTracer::~SokobanTracer() = default;

SokobanTraceResult SokobanTracer::run(const sokoban::Level& level, const AStarOptions& options) {
  return engines_->dispatch(
      level, [&](auto& astar, const auto& domain) { return convert(level, astar.run(domain, options)); });
}

SokobanTraceResult SokobanTracer::run(const sokoban::Level& level, const AStarOptions& options,
                                      std::vector<std::string>& trace, std::vector<std::string>& plan) {
  TokenSink<StringOut> sink(level, engines_->rank(level), StringOut{&trace}, StringOut{&plan});
  return engines_->dispatch(level, [&](auto& astar, const auto& domain) {
    return convert(level, astar.run(domain, options, sink));
  });
}

SokobanTraceResult SokobanTracer::run(const sokoban::Level& level, const AStarOptions& options,
                                      const SokobanTokenIds& ids, std::vector<int32_t>& trace,
                                      std::vector<int32_t>& plan, bool& cost_overflow) {
  cost_overflow = false;
  TokenSink<IdOut> sink(level, engines_->rank(level), IdOut{&trace, &ids, &cost_overflow},
                        IdOut{&plan, &ids, &cost_overflow});
  return engines_->dispatch(level, [&](auto& astar, const auto& domain) {
    return convert(level, astar.run(domain, options, sink));
  });
}

SokobanTrace trace_sokoban(const sokoban::Level& level, const AStarOptions& options) {
  SokobanTrace out;
  out.prompt = sokoban_prompt(level);
  SokobanTracer tracer;
  out.result = tracer.run(level, options, out.trace, out.plan);
  return out;
}

}  // namespace traceplay::search
