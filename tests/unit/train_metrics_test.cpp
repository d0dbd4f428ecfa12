// metrics.jsonl: a resumed run keeps exactly the lines up to its checkpoint (a torn
// last line dropped), a new run starts empty, and the loss window survives JSON exactly.
#include <gtest/gtest.h>

#include "dataset_test_util.h"
#include "models/train_metrics.h"

namespace traceplay::models {
namespace {

using testing::file_bytes;
using testing::ScratchDir;
using testing::write_bytes;

TEST(TrainMetrics, ResumeKeepsTheLinesUpToTheCheckpoint) {
  ScratchDir dir;
  const std::string path = dir / "metrics.jsonl";
  write_bytes(
      path,
      "{\"step\":10,\"loss\":2}\n{\"step\":20,\"loss\":1.5}\n{\"step\":30,\"loss\":1}\n{\"step\":40,\"lo");
  {
    MetricsLog log(path, 20);
    EXPECT_EQ(file_bytes(path), "{\"step\":10,\"loss\":2}\n{\"step\":20,\"loss\":1.5}\n");
    log.append({{"step", 30}, {"loss", 0.5}});
  }
  EXPECT_EQ(file_bytes(path),
            "{\"step\":10,\"loss\":2}\n{\"step\":20,\"loss\":1.5}\n{\"step\":30,\"loss\":0.5}\n");
  // A torn line ends what is kept even when later steps would qualify.
  write_bytes(path, "{\"step\":10}\n{\"st\n{\"step\":20}\n");
  { MetricsLog log(path, 100); }
  EXPECT_EQ(file_bytes(path), "{\"step\":10}\n");
  // A new run starts empty.
  { MetricsLog log(path, -1); }
  EXPECT_EQ(file_bytes(path), "");
}

TEST(TrainMetrics, TheWindowRoundTripsExactly) {
  MetricsWindow w;
  w.add(0.1 + 0.2, 1.0 / 3.0, true, 2.0 / 7.0, 1e-9);
  w.add(3.3, 0.0, false, 0.7, 2.5);
  EXPECT_EQ(w.steps, 2);
  EXPECT_EQ(w.trace_steps, 1);
  const auto text = w.to_json().dump();
  const MetricsWindow back = MetricsWindow::from_json(nlohmann::json::parse(text), "state");
  EXPECT_EQ(back.loss, w.loss);
  EXPECT_EQ(back.loss_trace, w.loss_trace);
  EXPECT_EQ(back.loss_plan, w.loss_plan);
  EXPECT_EQ(back.grad_norm, w.grad_norm);
  EXPECT_EQ(back.steps, 2);
  EXPECT_EQ(testing::error_of([] {
              MetricsWindow::from_json({{"steps", -1}}, "f.json");
            }),
            "f.json: \"steps\" must be a non-negative integer");
}

}  // namespace
}  // namespace traceplay::models
