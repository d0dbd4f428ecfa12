// The maze generator follows the reference: wall counts, plan lengths, one split per
// layout, ids and layout hashes as pinned, and layouts that depend only on (seed, k).
#include <gtest/gtest.h>

#include <deque>
#include <set>

#include "core/error.h"
#include "core/hash.h"
#include "search/maze_source.h"
#include "search/maze_trace.h"
#include "search/plan_tokens.h"

namespace traceplay::search {
namespace {

TEST(MazeSource, RecordsFollowTheReferenceGenerator) {
  for (auto [w, h] : {std::pair{10, 10}, std::pair{15, 10}, std::pair{3, 4}}) {
    MazeSourceParams params;
    params.width = w;
    params.height = h;
    const auto source = make_maze_source(params);
    const Vocabulary& vocab = source->vocabulary();
    EXPECT_EQ(vocab.tokens(), maze_vocabulary(w, h).tokens());
    auto worker = source->make_worker();
    int records = 0;
    for (uint64_t k = 0; k < 30; ++k) {
      std::set<uint64_t> ids;
      std::set<uint64_t> layouts;
      for (const DatasetRecord& r : worker->generate(99, k)) {
        ++records;
        const auto prompt = vocab.decode(r.prompt);
        EXPECT_EQ(r.id, hash_tokens(prompt));
        EXPECT_TRUE(ids.insert(r.id).second) << "a task repeated within a layout";
        EXPECT_EQ(r.layout, hash_tokens(std::vector<std::string>(prompt.begin() + 6, prompt.end())));
        layouts.insert(r.layout);
        // Wall count within the reference's [n//10*3, n//10*5].
        const int walls = static_cast<int>(prompt.size() - 6) / 3;
        EXPECT_GE(walls, w * h / 10 * 3);
        EXPECT_LE(walls, w * h / 10 * 5);
        // The plan replays, has at least max(W, H) positions, and the trace is the
        // deterministic A* trace of the task.
        std::vector<Pos> wall_pos;
        for (size_t i = 6; i < prompt.size(); i += 3)
          wall_pos.push_back({std::stoi(prompt[i + 1]), std::stoi(prompt[i + 2])});
        const maze::MazeTask task(w, h, {std::stoi(prompt[1]), std::stoi(prompt[2])},
                                  {std::stoi(prompt[4]), std::stoi(prompt[5])}, wall_pos);
        const auto parsed = parse_plan_response(vocab.decode(r.plan), std::max(w, h));
        ASSERT_TRUE(parsed.ok);
        EXPECT_TRUE(task.check_plan(parsed.plan).valid);
        EXPECT_GE(static_cast<int>(parsed.plan.size()), std::max(w, h));
        const MazeTrace again = trace_maze(task);
        EXPECT_EQ(vocab.decode(r.trace), again.trace);
        EXPECT_EQ(r.meta.at("width"), w);
      }
      EXPECT_LE(layouts.size(), 1u);
    }
    EXPECT_GT(records, 30) << w << "x" << h;
  }
}

TEST(MazeSource, LayoutDependsOnlyOnSeedAndIndex) {
  MazeSourceParams params;
  const auto source = make_maze_source(params);
  auto a = source->make_worker();
  auto b = source->make_worker();
  const auto first = a->generate(5, 3);
  b->generate(5, 7);  // a worker's history does not matter
  const auto second = b->generate(5, 3);
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].id, second[i].id);
    EXPECT_EQ(first[i].trace, second[i].trace);
  }
  EXPECT_NE(a->generate(6, 3).front().id, first.front().id);
}

TEST(MazeSource, RejectsBadParameters) {
  MazeSourceParams params;
  params.width = 1;
  EXPECT_THROW(make_maze_source(params), UserError);
  params.width = 10;
  params.attempts_per_layout = 0;
  EXPECT_THROW(make_maze_source(params), UserError);
}

}  // namespace
}  // namespace traceplay::search
