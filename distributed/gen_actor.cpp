#include "distributed/gen_actor.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <zmq.hpp>

#include "core/error.h"
#include "core/prepared_layout.h"
#include "core/signals.h"
#include "core/version.h"
#include "distributed/checked_file.h"
#include "distributed/socket_security.h"

namespace traceplay::distributed {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kHelloEvery = std::chrono::milliseconds(500);
constexpr auto kHeartbeatEvery = std::chrono::milliseconds(1000);
constexpr auto kAskEvery = std::chrono::milliseconds(2000);

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string default_name() {
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(::getpid());
}

// The outbox directory, held with an flock: two actors on one outbox would send each
// other's results and delete each other's files.
class Outbox {
 public:
  explicit Outbox(std::string dir) : dir_(std::move(dir)) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) throw UserError("cannot create the outbox " + dir_ + ": " + ec.message());
    fd_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd_ < 0) throw UserError("cannot open the outbox " + dir_);
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw UserError("another actor uses the outbox " + dir_ + " (give each actor its own --outbox)");
    }
  }
  ~Outbox() { ::close(fd_); }

  std::string path(const std::string& job, uint64_t k) const {
    return dir_ + "/" + job + "-" + std::to_string(k) + ".layout";
  }
  void put(const std::string& job, uint64_t k, const std::string& bytes) const {
    write_checked_file(path(job, k), bytes);
  }
  void remove(const std::string& job, uint64_t k) const {
    std::error_code ec;
    fs::remove(path(job, k), ec);
  }
  // The layouts of `job` waiting here; damaged files and temporaries are removed.
  std::set<uint64_t> list(const std::string& job) const {
    std::set<uint64_t> ks;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      const std::string prefix = job + "-", suffix = ".layout";
      if (name.rfind(prefix, 0) != 0 || name.size() <= prefix.size() + suffix.size() ||
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
        if (name.find(".tmp-") != std::string::npos) fs::remove(entry.path(), ec);
        continue;
      }
      const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
      if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 19) continue;
      ks.insert(std::stoull(digits));
    }
    return ks;
  }
  void clear(const std::string& job) const {
    for (uint64_t k : list(job)) remove(job, k);
  }

 private:
  std::string dir_;
  int fd_ = -1;
};

// The worker threads: leased layouts in, finished layout indices out (their bytes in the
// outbox), each announced on an inproc PUSH socket so that the main loop, polling the
// learner's socket and the PULL end together, sends it at once.
constexpr const char* kDoneEndpoint = "inproc://gen-actor-done";
constexpr uint64_t kWorkerFailed = UINT64_MAX;

class Workers {
 public:
  Workers(const GenJob& job, const Outbox& outbox, int threads, zmq::context_t& context)
      : job_(job), outbox_(outbox), context_(context) {
    for (int t = 0; t < threads; ++t) {
      auto worker = job.source->make_worker();
      worker->set_stop(&stop_);
      threads_.emplace_back([this, w = std::move(worker)] { run(*w); });
    }
  }
  ~Workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    for (auto& t : threads_) t.join();
  }

  void add(uint64_t k) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!known_.insert(k).second) return;
      todo_.push_back(k);
    }
    changed_.notify_one();
  }
  // Layout k was announced as finished (or kWorkerFailed: rethrows the worker's error).
  void finished(uint64_t k) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (k == kWorkerFailed && error_) std::rethrow_exception(error_);
    known_.erase(k);
  }
  size_t outstanding() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return known_.size();
  }

 private:
  void run(LayoutWorker& worker) {
    zmq::socket_t done(context_, zmq::socket_type::push);
    done.set(zmq::sockopt::linger, 0);
    done.connect(kDoneEndpoint);
    auto announce = [&done](uint64_t k) { done.send(zmq::buffer(&k, sizeof k), zmq::send_flags::none); };
    for (;;) {
      uint64_t k;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || !todo_.empty(); });
        if (stop_) return;
        k = todo_.front();
        todo_.pop_front();
      }
      try {
        const PreparedLayout layout = prepare_layout(worker, job_.seed, k);
        if (stop_) return;  // a stopped search may have cut the layout short
        outbox_.put(job_.id, k, encode_layout(layout));
      } catch (...) {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          if (!error_) error_ = std::current_exception();
        }
        announce(kWorkerFailed);
        return;
      }
      announce(k);
    }
  }

  const GenJob& job_;
  const Outbox& outbox_;
  zmq::context_t& context_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<uint64_t> todo_;
  std::set<uint64_t> known_;  // leased and not yet announced finished
  std::exception_ptr error_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace

ActorResult run_gen_actor(const ActorOptions& options, const GenJobFactory& make_job) {
  if (options.threads < 1) throw UserError("--threads must be at least 1");
  Outbox outbox(options.outbox);
  const std::string name = options.name.empty() ? default_name() : options.name;
  const size_t capacity = 2 * static_cast<size_t>(options.threads);

  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 2000);
  socket.set(zmq::sockopt::immediate, true);  // nothing queues for a learner not connected
  socket.set(zmq::sockopt::reconnect_ivl, 100);
  socket.set(zmq::sockopt::reconnect_ivl_max, 1000);
  socket.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(options.max_body_bytes + kFrameHeaderBytes));
  if (options.curve.enabled()) {
    make_curve_client(socket, options.curve);
  }
  zmq::socket_t done(context, zmq::socket_type::pull);  // finished layouts, from Workers
  done.set(zmq::sockopt::linger, 0);
  done.bind(kDoneEndpoint);
  try {
    socket.connect(options.connect);
  } catch (const zmq::error_t& e) {
    throw UserError("cannot connect to " + options.connect + ": " + e.what());
  }

  uint64_t sequence = 0;
  ActorResult result;
  nlohmann::json stats = {{"made", 0},  {"sent", 0},   {"resent", 0},
                          {"acked", 0}, {"leases", 0}, {"unneeded", 0}};
  DropCounters drops;
  auto bump = [&stats](const char* key, uint64_t n = 1) { stats[key] = stats[key].get<uint64_t>() + n; };
  auto send = [&](MessageType type, nlohmann::json header, std::string blob = {}) {
    Message m;
    m.type = type;
    m.sequence = ++sequence;
    m.header = std::move(header);
    m.blob = std::move(blob);
    const std::string bytes = encode(m);
    try {
      return socket.send(zmq::buffer(bytes), zmq::send_flags::dontwait).has_value();
    } catch (const zmq::error_t&) {
      return false;
    }
  };

  GenJob job;
  std::unique_ptr<Workers> workers;
  bool introduced = false;
  std::map<uint64_t, Clock::time_point> unacked;  // in the outbox, sent (or to send: time 0)
  const auto start = Clock::now();
  Clock::time_point last_heard = start, hello_at{}, told_at{}, asked_at{};
  // Credits: what the learner believes this actor can take is what it last announced
  // minus the leases that came since; announce again when the truth is more.
  size_t announced = 0, leased_since = 0;

  auto finish = [&](int code, std::string reason) {
    workers.reset();
    result.exit_code = code;
    result.reason = std::move(reason);
    stats["dropped"] = drops.to_json();
    result.stats = stats;
    return result;
  };

  for (;;) {
    if (stop_requested()) return finish(stop_exit_code(), "interrupted");
    const auto now = Clock::now();
    if (!introduced && now - hello_at >= kHelloEvery) {
      send(MessageType::kHello,
           {{"actor", name}, {"version", kVersion}, {"capabilities", {"gen"}}, {"threads", options.threads}});
      hello_at = told_at = now;
    }
    zmq::pollitem_t items[] = {{static_cast<void*>(socket), 0, ZMQ_POLLIN, 0},
                               {static_cast<void*>(done), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 2, std::chrono::milliseconds(50));
    for (;;) {
      zmq::message_t bytes;
      if (!socket.recv(bytes, zmq::recv_flags::dontwait)) break;
      if (bytes.more()) {  // a learner sends one frame a message: drain the rest, drop
        for (zmq::message_t part; bytes.more();) {
          (void)socket.recv(part, zmq::recv_flags::none);
          bytes.move(part);
        }
        drops.add(DropReason::kLength);
        continue;
      }
      Decoded d = decode(bytes.to_string_view(), options.max_body_bytes);
      if (!d.message) {
        drops.add(d.reason);
        continue;
      }
      last_heard = Clock::now();
      Message& m = *d.message;
      switch (m.type) {
        case MessageType::kWelcome: {
          const nlohmann::json& spec = m.header.value("job", nlohmann::json::object());
          if (!workers) {
            job = make_job(spec);
            const std::string asked = spec.value("id", std::string());
            if (job.id != asked)
              throw UserError("the learner's job " + asked + " is " + job.id +
                              " here: the two disagree on the dataset (another traceplay version, or another "
                              "levels file)");
            workers = std::make_unique<Workers>(job, outbox, options.threads, context);
          } else if (spec.value("id", std::string()) != job.id) {
            throw UserError("the learner at " + options.connect + " now has another job (" +
                            spec.value("id", std::string()) + ", was " + job.id +
                            "); start this actor again");
          }
          introduced = true;
          announced = leased_since = 0;  // a new learner believes nothing yet
          // Everything in the outbox goes (again): after a restart of either side.
          for (uint64_t k : outbox.list(job.id)) unacked[k] = Clock::time_point{};
          break;
        }
        case MessageType::kLease: {
          const auto& ks = m.header.value("layouts", nlohmann::json::array());
          if (!workers || !ks.is_array()) {
            drops.add(DropReason::kUnexpected);
            break;
          }
          for (const auto& k : ks) {
            ++leased_since;
            if (k.is_number_unsigned() && !unacked.count(k.get<uint64_t>())) {
              workers->add(k.get<uint64_t>());
              bump("leases");
            }
          }
          break;
        }
        case MessageType::kAck: {
          const auto& ks = m.header.value("layouts", nlohmann::json::array());
          if (!workers || m.header.value("job", std::string()) != job.id || !ks.is_array()) {
            drops.add(DropReason::kUnexpected);
            break;
          }
          for (const auto& k : ks)
            if (k.is_number_unsigned() && unacked.erase(k.get<uint64_t>())) {
              outbox.remove(job.id, k.get<uint64_t>());
              bump("acked");
            }
          break;
        }
        case MessageType::kDone:
          // The dataset is complete: what is still unacknowledged was not needed.
          stats["unneeded"] = unacked.size();
          if (workers) {
            workers.reset();  // first: a worker may be writing one more layout
            outbox.clear(job.id);
          }
          return finish(0,
                        "the learner is done: " + m.header.value("reason", std::string("no reason given")));
        case MessageType::kRejoin:
          introduced = false;
          hello_at = {};
          break;
        case MessageType::kHeartbeat:
          break;
        default:
          drops.add(DropReason::kUnexpected);
      }
    }

    const auto later = Clock::now();
    if (workers) {
      for (zmq::message_t k_bytes; done.recv(k_bytes, zmq::recv_flags::dontwait);) {
        uint64_t k = 0;
        std::memcpy(&k, k_bytes.data(), sizeof k);
        workers->finished(k);
        bump("made");
        unacked[k] = Clock::time_point{};
      }
      if (introduced) {
        std::vector<uint64_t> damaged;
        for (auto& [k, sent_at] : unacked) {
          const bool first = sent_at == Clock::time_point{};
          if (!first && std::chrono::duration<double>(later - sent_at).count() < options.resend_s) continue;
          std::string layout;
          try {
            layout = read_checked_file(outbox.path(job.id, k));
          } catch (const UserError&) {
            damaged.push_back(k);  // the learner leases it again (to whoever asks)
            continue;
          }
          if (!send(MessageType::kResult, {{"job", job.id}, {"layout", k}}, std::move(layout))) break;
          bump(first ? "sent" : "resent");
          sent_at = told_at = later;
        }
        for (uint64_t k : damaged) {
          unacked.erase(k);
          outbox.remove(job.id, k);
        }
        const size_t busy = workers->outstanding();
        const size_t free = busy >= capacity ? 0 : capacity - busy;
        const size_t believed = announced > leased_since ? announced - leased_since : 0;
        if (free > 0 && (free > believed || later - asked_at >= kAskEvery)) {
          if (send(MessageType::kAskWork, {{"credits", free}})) {
            announced = free;
            leased_since = 0;
            asked_at = told_at = later;
          }
        }
      }
    }
    if (later - told_at >= kHeartbeatEvery && send(MessageType::kHeartbeat, {})) told_at = later;
    if (seconds_since(last_heard) >= options.give_up_s)
      return finish(1, "no word from the learner at " + options.connect + " for " +
                           std::to_string(static_cast<int>(options.give_up_s)) + " s");
  }
}

}  // namespace traceplay::distributed
