#include "distributed/gen_learner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include <zmq.hpp>

#include "core/error.h"
#include "core/escape.h"
#include "core/signals.h"
#include "distributed/checked_file.h"
#include "distributed/socket_security.h"

namespace traceplay::distributed {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kHeartbeatEvery = std::chrono::milliseconds(1000);
constexpr size_t kMaxMessagesPerTurn = 512;  // then store, reply and hand out leases

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// A ZeroMQ routing id (5 bytes, binary) as hex for the log.
std::string hex_id(const std::string& id) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : id) out += {digits[c >> 4], digits[c & 15]};
  return out;
}

void log_line(const std::string& text) {
  std::fprintf(stderr, "learner: %s\n", text.c_str());
  std::fflush(stderr);
}

PreparedLayout read_spool(const std::string& path) { return decode_layout(read_checked_file(path)); }

}  // namespace

struct GenLearner::Actor {
  std::string name;
  uint64_t last_sequence = 0;
  uint64_t credits = 0;
  Clock::time_point last_heard, last_told;
  bool told_done = false;
};

struct GenLearner::Impl {
  zmq::context_t context{1};
  zmq::socket_t router{context, zmq::socket_type::router};
  std::optional<zmq::socket_t> zap;     // the CURVE authenticator, when enabled
  std::map<std::string, Actor> actors;  // by ZeroMQ routing id
  std::map<uint64_t, std::pair<std::string, Clock::time_point>> leases;  // layout -> (actor, since)
};

GenLearner::GenLearner(const LearnerOptions& options, nlohmann::json job, std::string spool_dir,
                       const LayoutRange& range)
    : options_(options),
      job_(std::move(job)),
      job_id_(job_.at("id").get<std::string>()),
      spool_dir_(std::move(spool_dir)),
      range_(range),
      impl_(std::make_unique<Impl>()),
      consumed_(range.first) {
  counters_ = {{"actors_seen", 0},    {"results", 0},      {"stored", 0},
               {"duplicates", 0},     {"leases", 0},       {"releases", 0},
               {"expired_actors", 0}, {"refused_keys", 0}, {"bytes_in", 0}};
  // The spool of a predecessor: layouts it acknowledged and nobody wrote yet.
  std::error_code ec;
  fs::create_directories(spool_dir_, ec);
  if (ec) throw UserError("cannot create " + spool_dir_ + ": " + ec.message());
  for (const auto& entry : fs::directory_iterator(spool_dir_)) {
    const std::string name = entry.path().filename().string();
    const size_t dot = name.find(".layout");
    uint64_t k = 0;
    const bool ours = dot != std::string::npos && dot + 7 == name.size() && dot > 0 &&
                      name.find_first_not_of("0123456789") == dot &&
                      (k = std::stoull(name.substr(0, dot)), true);
    if (ours && k >= range_.first && k < range_.limit) {
      stored_.insert(k);
    } else {
      fs::remove(entry.path(), ec);  // written before the committed point, or a temporary
    }
  }

  auto& socket = impl_->router;
  socket.set(zmq::sockopt::linger, 1000);
  socket.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(options_.max_body_bytes + kFrameHeaderBytes));
  socket.set(zmq::sockopt::rcvhwm, 10000);
  socket.set(zmq::sockopt::sndhwm, 10000);
  if (options_.curve.enabled()) {
    impl_->zap.emplace(impl_->context, zmq::socket_type::rep);
    impl_->zap->bind(kZapEndpoint);
    make_curve_server(socket, options_.curve);
  } else if (beyond_loopback(options_.bind)) {
    log_line("warning: " + options_.bind +
             " is reachable beyond this machine and not encrypted; anyone who can "
             "connect can send results (use --curve outside a trusted cluster)");
  }
  try {
    socket.bind(options_.bind);
  } catch (const zmq::error_t& e) {
    throw UserError("cannot bind " + options_.bind + ": " + e.what());
  }
  endpoint_ = socket.get(zmq::sockopt::last_endpoint);
  if (!stored_.empty())
    log_line(std::to_string(stored_.size()) + " acknowledged layouts found in " + spool_dir_ +
             " (a resumed run)");
  thread_ = std::thread([this] { serve(); });
}

GenLearner::~GenLearner() {
  // Actors told DONE exit; an actor not told would wait for a learner that is gone.
  const auto deadline = Clock::now() + std::chrono::seconds(3);
  while (finishing_ && !all_told_done_ && Clock::now() < deadline && thread_.joinable())
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  closing_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string GenLearner::spool_path(uint64_t k) const {
  return spool_dir_ + "/" + std::to_string(k) + ".layout";
}

PreparedLayout GenLearner::take(uint64_t k) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (error_) std::rethrow_exception(error_);
    if (stored_.count(k)) break;
    if (stop_requested()) return {};
    changed_.wait_for(lock, std::chrono::milliseconds(200));
    if (options_.watchdog && !stored_.count(k)) {
      lock.unlock();
      options_.watchdog();
      lock.lock();
    }
  }
  consumed_ = k + 1;
  lock.unlock();
  return read_spool(spool_path(k));
}

void GenLearner::committed(uint64_t next_layout) {
  std::vector<uint64_t> gone;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    while (!stored_.empty() && *stored_.begin() < next_layout) {
      gone.push_back(*stored_.begin());
      stored_.erase(stored_.begin());
    }
  }
  std::error_code ec;
  for (uint64_t k : gone) fs::remove(spool_path(k), ec);
}

void GenLearner::finished() {
  finishing_ = true;
  changed_.notify_all();
}

nlohmann::json GenLearner::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  nlohmann::json out = counters_;
  out["dropped"] = drops_.to_json();
  // Lease to durable storage, over the last results (a ring of them).
  std::vector<double> ms(latencies_ms_.begin(),
                         latencies_ms_.begin() + std::min(latency_count_, latencies_ms_.size()));
  if (!ms.empty()) {
    std::sort(ms.begin(), ms.end());
    auto at = [&ms](double q) {
      return ms[std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())))];
    };
    out["lease_to_stored_ms"] = {{"p50", at(0.5)}, {"p95", at(0.95)}, {"max", ms.back()}, {"of", ms.size()}};
  }
  out["endpoint"] = endpoint_;
  return out;
}

std::string GenLearner::frame(MessageType type, nlohmann::json header) {
  Message m;
  m.type = type;
  m.header = std::move(header);
  return encode(m);  // actors check no sequence of the learner's: 0
}

void GenLearner::count(const char* counter, uint64_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  counters_[counter] = counters_[counter].get<uint64_t>() + n;
}

void GenLearner::answer_zap() {
  const ZapVerdict verdict = distributed::answer_zap(*impl_->zap, options_.curve.authorized);
  if (!verdict.answered || verdict.admitted) return;
  count("refused_keys");
  log_line("refused a connection from " + verdict.peer + ": its key " +
           (verdict.key.empty() ? std::string("(none)") : verdict.key) + " is not authorized");
}

void GenLearner::handle(const std::string& from, Message& message, std::vector<Pending>& results,
                        Replies& replies) {
  const auto now = Clock::now();
  auto it = impl_->actors.find(from);
  if (message.type == MessageType::kHello) {
    const auto& caps = message.header.value("capabilities", nlohmann::json::array());
    const bool can_gen = caps.is_array() && std::find(caps.begin(), caps.end(), "gen") != caps.end();
    if (!can_gen) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (drops_.add(DropReason::kUnexpected))
        log_line("a hello without the \"gen\" capability from " + hex_id(from));
      return;
    }
    if (it == impl_->actors.end()) {
      count("actors_seen");
      it = impl_->actors.emplace(from, Actor{}).first;
    } else {
      // Its leases of before are void: it starts over and asks again.
      for (auto l = impl_->leases.begin(); l != impl_->leases.end();)
        l = l->second.first == from ? impl_->leases.erase(l) : std::next(l);
    }
    Actor& actor = it->second;
    actor.name = message.header.value("actor", std::string("?"));
    if (!actor.name.empty() && actor.name.size() > 200) actor.name.resize(200);
    actor.last_sequence = message.sequence;
    actor.credits = 0;
    actor.last_heard = now;
    if (!options_.quiet)
      log_line("actor " + escaped(actor.name) + " joined (" + std::to_string(impl_->actors.size()) +
               " connected)");
    replies.emplace_back(from, frame(finishing_ ? MessageType::kDone : MessageType::kWelcome,
                                     finishing_ ? nlohmann::json{{"reason", "the dataset is complete"}}
                                                : nlohmann::json{{"job", job_}}));
    return;
  }
  if (it == impl_->actors.end()) {
    // Not introduced (a learner restarted since): ask it to say hello again.
    replies.emplace_back(from, frame(MessageType::kRejoin, {}));
    return;
  }
  Actor& actor = it->second;
  if (message.sequence <= actor.last_sequence) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (drops_.add(DropReason::kReplayed))
      log_line("dropped a replayed frame from actor " + escaped(actor.name));
    return;
  }
  actor.last_sequence = message.sequence;
  actor.last_heard = now;
  switch (message.type) {
    case MessageType::kHeartbeat:
      return;
    case MessageType::kAskWork: {
      const auto credits = message.header.value("credits", nlohmann::json());
      if (credits.is_number_unsigned()) actor.credits = std::min<uint64_t>(credits.get<uint64_t>(), 4096);
      return;
    }
    case MessageType::kResult: {
      const auto job = message.header.value("job", nlohmann::json());
      const auto k = message.header.value("layout", nlohmann::json());
      bool ok = job == job_id_ && k.is_number_unsigned() && k.get<uint64_t>() < range_.limit;
      if (ok) {
        try {
          (void)decode_layout(message.blob);
        } catch (const UserError&) {
          ok = false;
        }
      }
      if (!ok) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (drops_.add(DropReason::kUnexpected))
          log_line("dropped a result of another job, layout or shape from actor " + escaped(actor.name));
        return;
      }
      results.push_back({from, k.get<uint64_t>(), std::move(message.blob)});
      return;
    }
    default: {
      std::lock_guard<std::mutex> lock(mutex_);
      if (drops_.add(DropReason::kUnexpected))
        log_line(std::string("dropped a \"") + type_name(message.type) + "\" from actor " +
                 escaped(actor.name));
      return;
    }
  }
}

void GenLearner::store(std::vector<Pending>& results, Replies& replies) {
  if (results.empty()) return;
  // Which are new: not in the spool, not written already, not twice in this batch.
  std::vector<Pending*> fresh;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::set<uint64_t> seen;
    for (auto& r : results)
      if (r.k >= consumed_ && r.k >= range_.first && !stored_.count(r.k) && seen.insert(r.k).second)
        fresh.push_back(&r);
  }
  // Durable before acknowledged: every file written and fsynced, renamed, the directory fsynced.
  std::vector<std::pair<std::string, std::string_view>> files;
  for (Pending* r : fresh) files.emplace_back(std::to_string(r->k) + ".layout", r->layout);
  write_checked_files(spool_dir_, files);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Pending* r : fresh) {
      stored_.insert(r->k);
      const auto lease = impl_->leases.find(r->k);
      if (lease != impl_->leases.end()) {
        // End to end: leased, made, sent, stored durably.
        latencies_ms_[latency_count_++ % latencies_ms_.size()] =
            std::chrono::duration<double, std::milli>(Clock::now() - lease->second.second).count();
        impl_->leases.erase(lease);
      }
    }
    // Counted together, so a snapshot always has results = stored + duplicates.
    counters_["results"] = counters_["results"].get<uint64_t>() + results.size();
    counters_["stored"] = counters_["stored"].get<uint64_t>() + fresh.size();
    counters_["duplicates"] = counters_["duplicates"].get<uint64_t>() + (results.size() - fresh.size());
  }
  changed_.notify_all();
  std::map<std::string, nlohmann::json> acks;
  for (const auto& r : results) acks[r.actor].push_back(r.k);
  for (auto& [actor, ks] : acks)
    replies.emplace_back(actor, frame(MessageType::kAck, {{"job", job_id_}, {"layouts", ks}}));
}

void GenLearner::hand_out_leases(Replies& replies) {
  if (finishing_) return;
  uint64_t from, to;
  std::set<uint64_t> stored;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    from = consumed_;
    to = std::min(range_.limit, consumed_ + options_.window);
    stored = std::set<uint64_t>(stored_.lower_bound(from), stored_.end());
  }
  uint64_t k = from;
  const auto now = Clock::now();
  for (auto& [id, actor] : impl_->actors) {
    nlohmann::json given = nlohmann::json::array();
    while (actor.credits > 0) {
      while (k < to && (stored.count(k) || impl_->leases.count(k))) ++k;
      if (k >= to) break;
      impl_->leases[k] = {id, now};
      given.push_back(k);
      --actor.credits;
    }
    if (!given.empty()) {
      count("leases", given.size());
      replies.emplace_back(id, frame(MessageType::kLease, {{"layouts", given}}));
    }
    if (k >= to) break;
  }
}

void GenLearner::expire(Replies& replies) {
  (void)replies;
  const auto now = Clock::now();
  for (auto it = impl_->actors.begin(); it != impl_->actors.end();) {
    if (seconds_between(it->second.last_heard, now) < options_.heartbeat_timeout_s) {
      ++it;
      continue;
    }
    uint64_t released = 0;
    for (auto l = impl_->leases.begin(); l != impl_->leases.end();)
      if (l->second.first == it->first) {
        l = impl_->leases.erase(l);
        ++released;
      } else {
        ++l;
      }
    if (!options_.quiet)
      log_line("actor " + escaped(it->second.name) + " is silent for " +
               std::to_string(static_cast<int>(options_.heartbeat_timeout_s)) + " s: gone, " +
               std::to_string(released) + " lease(s) handed out again");
    count("expired_actors");
    count("releases", released);
    it = impl_->actors.erase(it);
  }
  for (auto l = impl_->leases.begin(); l != impl_->leases.end();)
    if (seconds_between(l->second.second, now) >= options_.lease_timeout_s) {
      l = impl_->leases.erase(l);
      count("releases");
    } else {
      ++l;
    }
}

void GenLearner::serve() {
  auto& socket = impl_->router;
  auto last_beat = Clock::now();
  try {
    while (!closing_) {
      std::vector<zmq::pollitem_t> items = {{static_cast<void*>(socket), 0, ZMQ_POLLIN, 0}};
      if (impl_->zap) items.push_back({static_cast<void*>(*impl_->zap), 0, ZMQ_POLLIN, 0});
      zmq::poll(items, std::chrono::milliseconds(50));
      if (impl_->zap && (items[1].revents & ZMQ_POLLIN)) answer_zap();

      Replies replies;
      std::vector<Pending> results;
      for (size_t n = 0; n < kMaxMessagesPerTurn; ++n) {
        zmq::message_t id;
        if (!socket.recv(id, zmq::recv_flags::dontwait)) break;
        std::vector<zmq::message_t> parts;
        for (bool more = id.more(); more;) {
          zmq::message_t part;
          (void)socket.recv(part, zmq::recv_flags::none);
          more = part.more();
          parts.push_back(std::move(part));
        }
        const std::string from = id.to_string();
        count("bytes_in", parts.empty() ? 0 : parts[0].size());
        Decoded d;
        if (parts.size() == 1) d = decode(parts[0].to_string_view(), options_.max_body_bytes);
        else d.reason = DropReason::kLength;  // a message is one frame
        if (!d.message) {
          std::lock_guard<std::mutex> lock(mutex_);
          if (drops_.add(d.reason))
            log_line(std::string("dropped a frame (") + drop_reason_name(d.reason) + ") from " +
                     escaped(hex_id(from)));
          continue;
        }
        handle(from, *d.message, results, replies);
      }
      store(results, replies);
      expire(replies);
      hand_out_leases(replies);

      const auto now = Clock::now();
      const bool beat = now - last_beat >= kHeartbeatEvery;
      if (beat) last_beat = now;
      for (auto& [id, actor] : impl_->actors) {
        if (finishing_ && (!actor.told_done || now - actor.last_told >= kHeartbeatEvery / 4)) {
          replies.emplace_back(id, frame(MessageType::kDone, {{"reason", "the dataset is complete"}}));
          actor.told_done = true;
        } else if (beat && now - actor.last_told >= kHeartbeatEvery)
          replies.emplace_back(id, frame(MessageType::kHeartbeat, {}));
      }
      for (auto& [to, bytes] : replies) {
        auto it = impl_->actors.find(to);
        if (it != impl_->actors.end()) it->second.last_told = now;
        try {
          if (socket.send(zmq::buffer(to), zmq::send_flags::sndmore | zmq::send_flags::dontwait))
            (void)socket.send(zmq::buffer(bytes), zmq::send_flags::dontwait);
        } catch (const zmq::error_t&) {
          // The actor is gone: it asks again after reconnecting, or it is expired.
        }
      }
      if (finishing_) all_told_done_ = true;  // every actor known had its DONE queued above
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
    changed_.notify_all();
  }
}

}  // namespace traceplay::distributed
