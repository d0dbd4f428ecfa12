// The learner side of a distributed `gen` (issue [6]; distributed/README.md): a
// LayoutProducer (core/prepared_layout.h) whose layouts are made by actor processes
// that connect over ZeroMQ, so `build_dataset` writes the same bytes as with local
// threads. One service thread owns the ROUTER socket:
//   - HELLO gets WELCOME with the job; an actor asks for work with credits and gets
//     leases, layout indices in [writer, writer + window) not stored and not leased;
//   - a RESULT is decoded, written to the spool (DIR/.gen-spool/K.layout, fsynced, batch
//     by batch) and only then acknowledged; results for layouts already stored or
//     already written are acknowledged and counted as duplicates;
//   - an actor silent for heartbeat_timeout is gone: its leases go back to the pool; a
//     lease older than lease_timeout is handed out again (whichever result comes first
//     is kept: layouts depend only on (seed, k));
//   - malformed frames are dropped and counted (distributed/wire.h), never fatal.
// take(k) reads layout k back from the spool; committed(n) deletes the spool below n. A
// restarted learner finds the spool of its predecessor, so no acknowledged layout is
// lost; actors resend what was not acknowledged.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/prepared_layout.h"
#include "distributed/curve.h"
#include "distributed/wire.h"

namespace traceplay::distributed {

struct LearnerOptions {
  std::string bind;                 // tcp://HOST:PORT (PORT may be *), ipc://PATH
  double heartbeat_timeout_s = 10;  // an actor silent this long is gone
  double lease_timeout_s = 600;     // a lease not done by then is handed out again
  uint64_t window = 256;            // layouts ahead of the writer that may be leased
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  CurveServer curve;   // empty: plain (see curve.h)
  bool quiet = false;  // no line per actor joining or leaving
  // Called from take() about every 200 ms while it waits (a local launcher checks its
  // actor processes here and throws when none is left).
  std::function<void()> watchdog;
};

class GenLearner : public LayoutProducer {
 public:
  // `job` is what actors get in WELCOME ({"kind": "gen", "id": ..., ...}); `job["id"]`
  // names the dataset (its identity's hash) and tags every result. `spool_dir` holds
  // acknowledged layouts until they are committed.
  GenLearner(const LearnerOptions& options, nlohmann::json job, std::string spool_dir,
             const LayoutRange& range);
  ~GenLearner() override;
  GenLearner(const GenLearner&) = delete;
  GenLearner& operator=(const GenLearner&) = delete;

  std::string endpoint() const { return endpoint_; }  // as bound (the port resolved)

  PreparedLayout take(uint64_t k) override;
  void committed(uint64_t next_layout) override;
  // No more work: every actor gets DONE (the destructor waits up to 3 s for that).
  void finished() override;

  // Counters: {"actors_seen", "results", "stored", "duplicates", "leases", "releases",
  // "expired_actors", "refused_keys", "bytes_in", "dropped": {...}, "endpoint",
  // "lease_to_stored_ms": {"p50", "p95", "max", "of"} over the latest 4096 results}.
  nlohmann::json stats() const;

 private:
  struct Actor;
  struct Pending {  // a result to store and acknowledge
    std::string actor;
    uint64_t k;
    std::string layout;
  };
  using Replies = std::vector<std::pair<std::string, std::string>>;  // (actor, frame)
  void serve();
  void answer_zap();
  void handle(const std::string& from, Message& message, std::vector<Pending>& results, Replies& replies);
  void store(std::vector<Pending>& results, Replies& replies);
  void hand_out_leases(Replies& replies);
  void expire(Replies& replies);
  void count(const char* counter, uint64_t n = 1);
  std::string spool_path(uint64_t k) const;
  static std::string frame(MessageType type, nlohmann::json header);

  const LearnerOptions options_;
  const nlohmann::json job_;
  const std::string job_id_, spool_dir_;
  const LayoutRange range_;
  std::string endpoint_;

  struct Impl;
  std::unique_ptr<Impl> impl_;  // the ZeroMQ context and socket (service thread only)

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::set<uint64_t> stored_;  // layouts in the spool, >= the committed point
  uint64_t consumed_;          // the writer has taken layouts below this
  std::exception_ptr error_;
  std::atomic<bool> finishing_{false}, closing_{false};
  std::atomic<bool> all_told_done_{false};  // after finished(): every known actor was sent DONE
  nlohmann::json counters_;
  std::array<double, 4096> latencies_ms_{};  // lease -> stored, a ring of the latest
  size_t latency_count_ = 0;
  DropCounters drops_;
  std::thread thread_;
};

}  // namespace traceplay::distributed
