// Layouts as bytes (what actors send and the learner spools) and the thread producer.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/prepared_layout.h"
#include "search/maze_source.h"

namespace traceplay {
namespace {

TEST(PreparedLayout, BytesRoundTripAndDamageIsRefused) {
  search::MazeSourceParams params;
  params.width = 6;
  params.height = 5;
  const auto source = search::make_maze_source(params);
  auto worker = source->make_worker();
  const PreparedLayout layout = prepare_layout(*worker, 3, 9);
  ASSERT_FALSE(layout.empty());
  const std::string bytes = encode_layout(layout);
  EXPECT_EQ(decode_layout(bytes), layout);
  EXPECT_TRUE(decode_layout("").empty());
  EXPECT_THROW(decode_layout(bytes.substr(0, bytes.size() - 1)), UserError);
  EXPECT_THROW(decode_layout(bytes.substr(0, 20)), UserError);
  EXPECT_THROW(decode_layout(bytes + "x"), UserError);
}

TEST(PreparedLayout, ThreadProducerGivesEachLayoutAsOneWorkerMakesIt) {
  search::MazeSourceParams params;
  params.width = 6;
  params.height = 5;
  const auto source = search::make_maze_source(params);
  auto worker = source->make_worker();
  const auto producer = make_thread_producer(*source, LayoutRange{3, 5, 40, 3});
  for (uint64_t k = 5; k < 40; ++k) EXPECT_EQ(producer->take(k), prepare_layout(*worker, 3, k)) << k;
}

}  // namespace
}  // namespace traceplay
