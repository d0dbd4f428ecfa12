// The actor side of a distributed `gen` (issue [6]; distributed/README.md): connects to
// a learner (distributed/gen_learner.h), says hello, gets the job, makes the layouts it
// is leased on `threads` threads, and sends each as a RESULT. A result is first written
// to the outbox (OUTBOX/JOB-K.layout, checked and fsynced) and deleted only when the
// learner acknowledges it; an actor started again on the same outbox resends what is
// there, and one whose learner restarted (REJOIN) says hello again and resends every
// unacknowledged result. A result unacknowledged after resend_s is sent again; the
// learner keeps the first of duplicates.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/trace_source.h"
#include "distributed/curve.h"
#include "distributed/wire.h"

namespace traceplay::distributed {

struct ActorOptions {
  std::string connect;  // tcp://HOST:PORT, ipc://PATH
  int threads = 1;
  std::string outbox;     // a directory only this actor uses (an flock says so)
  std::string name;       // in the learner's log (default HOST:PID)
  double give_up_s = 60;  // no word from the learner this long: exit 1
  double resend_s = 10;   // an unacknowledged result goes again after this
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  CurveClient curve;  // empty: plain
};

// A job as this actor understands it: the source of its records, the seed, and the
// job's id as computed here (it must equal the learner's, or the two disagree on what
// the dataset is: another version, another levels file).
struct GenJob {
  std::unique_ptr<TraceSource> source;
  uint64_t seed = 0;
  std::string id;
};
using GenJobFactory = std::function<GenJob(const nlohmann::json& job)>;

struct ActorResult {
  int exit_code = 0;   // 0: the learner said done; 1: the learner went silent; 130/143: a signal
  std::string reason;  // one line
  // {"made", "sent", "resent", "acked", "leases", "unneeded" (unacknowledged when the
  // learner said done: made past the dataset's end), "dropped": {...}}
  nlohmann::json stats;
};

// Runs until done, silence or a signal. Throws UserError when the job cannot be made or
// its id differs, or the outbox cannot be used.
ActorResult run_gen_actor(const ActorOptions& options, const GenJobFactory& make_job);

}  // namespace traceplay::distributed
