// The actor side of model publication (distributed/README.md, "Models"): subscribes to a
// ModelPublisher's announcements, fetches the newest version in chunks over a DEALER
// socket with at most `window` requests in flight (a slow actor or learner never makes
// either side buffer more), checks each chunk against the manifest's XXH64 before it is
// written and each whole file (read back from disk) before the version is installed, and
// installs it into a local model store with selfplay/model_store.h's atomic publication.
// So the store, and this ModelSource, hold versions whole or not at all:
//   - a damaged chunk is refused, counted, logged and fetched again, never written;
//   - a newer announcement while fetching abandons the older version for it;
//   - requests unanswered for `request_timeout_s` are sent again (a learner restarted:
//     what was fetched is kept, the rest resumes once it serves the version again);
//   - a stopped fetcher removes its staging directory (MODELS/.fetch-vNNNN, hidden and
//     never listed as a version); a killed one leaves it for the next start to remove.
// Versions never go back: announcements older than the newest installed are ignored.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "distributed/curve.h"
#include "distributed/model_manifest.h"
#include "distributed/wire.h"
#include "selfplay/model_source.h"

namespace traceplay::distributed {

struct FetcherOptions {
  std::string announce_connect;  // the publisher's PUB endpoint
  std::string fetch_connect;     // its ROUTER endpoint
  std::string models_dir;        // the local store (runs/<name>/models layout); this fetcher's alone
  size_t window = 4;             // chunk requests in flight
  double request_timeout_s =
      2;  // then the request goes again (and the newest is asked for); doubled on each expiry
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  CurveClient curve;   // empty: plain
  std::string name;    // in log lines (default "fetcher")
  bool quiet = false;  // no line per installed version
  // Tests only: called on the service thread after each chunk is written.
  std::function<void(int version, size_t chunks_written)> after_chunk;
};

class ModelFetcher final : public selfplay::ModelSource {
 public:
  // Takes the store (an flock: one fetcher per store), removes what a killed fetcher or
  // publisher left there, and starts fetching. latest() is at once the newest complete
  // version already in the store. UserError when the store cannot be used.
  explicit ModelFetcher(const FetcherOptions& options);
  ~ModelFetcher() override;  // close(), then the staging directory is removed
  ModelFetcher(const ModelFetcher&) = delete;
  ModelFetcher& operator=(const ModelFetcher&) = delete;

  std::optional<selfplay::ModelVersion> latest() const override;
  std::optional<selfplay::ModelVersion> wait_newer(int than,
                                                   std::chrono::milliseconds timeout) const override;
  // Stops fetching and wakes every waiter (wait_newer returns nullopt from then on).
  void close();

  // {"announcements", "chunks" (written), "bytes", "duplicates", "stale", "corrupt_chunks",
  //  "corrupt_files", "rerequested", "queries", "abandoned", "installed", "errors",
  //  "dropped": {...}, "fetching" (version, -1 when idle), "version" (newest installed, -1)}
  nlohmann::json stats() const;

 private:
  struct Target;
  struct Impl;
  void run();
  // `answered`: it came on the ROUTER (the learner's newest now), not the PUB.
  void consider(const nlohmann::json& announcement, bool answered);
  void start(ModelManifest manifest);
  void abandon();
  void accept(const Message& chunk, std::string_view blob);
  void complete();
  void request_more();
  void count(const char* counter, uint64_t n = 1);
  bool drop(DropReason reason);
  void log_line(const std::string& text) const;

  const FetcherOptions options_;
  std::unique_ptr<Impl> impl_;  // sockets, the store's lock and the fetch in progress (service thread)

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::optional<selfplay::ModelVersion> latest_;
  bool closed_ = false;
  nlohmann::json counters_;
  DropCounters drops_;
  std::atomic<bool> closing_{false};
  std::atomic<int> fetching_{-1};  // the version being fetched, for stats()
  std::thread thread_;
};

}  // namespace traceplay::distributed
