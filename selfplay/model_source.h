// Learner -> actor: the newest network and its version. Actors ask this interface for
// the version to play with (and record it in each game); the learner publishes through
// the in-process ModelBoard, or over ZeroMQ (distributed/model_publisher.h: PUB of the
// version, chunked fetch with a checksum) to a distributed::ModelFetcher, the same
// interface on the actor's side. A published version
// is a complete checkpoint directory (model_store.h): an actor never sees half a model.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace traceplay::selfplay {

struct ModelVersion {
  int version = 0;     // 0 = the untrained net; increases by one per publication
  std::string dir;     // the complete checkpoint directory, runs/<name>/models/vNNNN
  uint64_t xxh64 = 0;  // XXH64 of its model.safetensors (what an actor verifies on load)
};

class ModelSource {
 public:
  virtual ~ModelSource() = default;
  // The newest published version; nullopt before the first publication.
  virtual std::optional<ModelVersion> latest() const = 0;
  // Waits up to `timeout` for a version newer than `than`; returns the newest then, or
  // nullopt on timeout or when the source is closed.
  virtual std::optional<ModelVersion> wait_newer(int than, std::chrono::milliseconds timeout) const = 0;
};

// The in-process model source: the learner publishes, actor threads read.
class ModelBoard final : public ModelSource {
 public:
  // Versions must increase (std::invalid_argument otherwise): actors never go back.
  void publish(ModelVersion version);
  // Wakes every waiter; wait_newer returns nullopt from then on. Idempotent.
  void close();

  std::optional<ModelVersion> latest() const override;
  std::optional<ModelVersion> wait_newer(int than, std::chrono::milliseconds timeout) const override;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::optional<ModelVersion> latest_;
  bool closed_ = false;
};

}  // namespace traceplay::selfplay
