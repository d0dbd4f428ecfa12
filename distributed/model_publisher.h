// The learner side of model publication (issue [6]: "Models: announced by version (PUB),
// fetched in chunks with a checksum"; distributed/README.md, "Models"). One service
// thread owns two sockets:
//   - a PUB socket announcing the newest version's manifest (model_manifest.h: files,
//     sizes, XXH64 of each file and each chunk) when it is published and again every
//     `announce_every_s`, so an actor that joins late, or missed it, hears of it;
//   - a ROUTER socket answering MODEL_QUERY with the same announcement and CHUNK_REQUEST
//     {version, file, chunk} with that chunk's bytes (read from the version directory and
//     checked against the manifest first). A request for a version no longer served gets
//     the newest announcement instead, so the actor moves on.
// Only the newest version is served: version directories are immutable
// (selfplay/model_store.h), so the files are read in place, never copied. Requests change
// nothing here, so the publisher keeps no state per actor; each actor bounds what it
// asks for at once (its window), which bounds what queues here. With CURVE both sockets
// admit listed keys only (socket_security.h). Malformed frames are dropped and counted.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "distributed/curve.h"
#include "distributed/model_manifest.h"
#include "distributed/wire.h"

namespace traceplay::distributed {

struct PublisherOptions {
  std::string announce_bind;  // the PUB socket: tcp://HOST:PORT (PORT may be *), ipc://PATH
  std::string fetch_bind;     // the ROUTER socket that serves chunks
  uint64_t chunk_bytes = kDefaultChunkBytes;
  double announce_every_s = 1;
  CurveServer curve;   // empty: plain
  bool quiet = false;  // no line per publication
  // Tests only: sees each chunk after it was read and checked, before it is sent, and may
  // change its bytes (a faulty link or a rogue server; the header's xxh64 then matches
  // the changed bytes, so only the manifest's hash can tell).
  std::function<void(int version, size_t file, size_t chunk, std::string& bytes)> tamper;
};

class ModelPublisher {
 public:
  // Binds both sockets; UserError when either cannot be bound.
  explicit ModelPublisher(const PublisherOptions& options);
  ~ModelPublisher();
  ModelPublisher(const ModelPublisher&) = delete;
  ModelPublisher& operator=(const ModelPublisher&) = delete;

  std::string announce_endpoint() const { return announce_endpoint_; }  // as bound
  std::string fetch_endpoint() const { return fetch_endpoint_; }

  // Serves `dir` (a complete version directory) as `version` from now on and announces
  // it at once. Versions never go back (std::invalid_argument), but the served version
  // may be published again (a restarted learner announcing what it has). UserError when
  // the directory cannot be read or holds what cannot be published.
  ModelManifest publish(int version, const std::string& dir);

  // {"published", "announcements", "queries", "requests", "chunks_sent", "bytes_out",
  //  "stale_requests", "unserved", "changed_at_source", "refused_keys", "dropped": {...},
  //  "version" (served, -1 before the first), "announce_endpoint", "fetch_endpoint"}
  nlohmann::json stats() const;

 private:
  struct Served;
  struct Impl;
  void serve();
  void answer(const std::string& from, const Message& message);
  void count(const char* counter, uint64_t n = 1);

  const PublisherOptions options_;
  std::string announce_endpoint_, fetch_endpoint_;
  std::unique_ptr<Impl> impl_;  // the ZeroMQ context and sockets (service thread only)

  mutable std::mutex mutex_;
  std::shared_ptr<const Served> newest_;  // what publish() gave; the service thread takes it
  nlohmann::json counters_;
  DropCounters drops_;
  std::atomic<bool> closing_{false};
  std::thread thread_;
};

}  // namespace traceplay::distributed
