#include "distributed/model_publisher.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <stdexcept>

#include <zmq.hpp>

#include "core/error.h"
#include "core/escape.h"
#include "core/hash.h"
#include "distributed/socket_security.h"

namespace traceplay::distributed {

using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kMaxRequestBytes = 64 << 10;  // a request is a small JSON header
constexpr size_t kMaxMessagesPerTurn = 256;

void log_line(const std::string& text) {
  std::fprintf(stderr, "publisher: %s\n", text.c_str());
  std::fflush(stderr);
}

std::string frame(MessageType type, nlohmann::json header, std::string blob = {}) {
  Message m;
  m.type = type;
  m.header = std::move(header);
  m.blob = std::move(blob);
  return encode(m);  // actors check no sequence of the learner's: 0
}

}  // namespace

// A version being served: its manifest, the announcement frame, its files held open.
struct ModelPublisher::Served {
  ModelManifest manifest;
  std::string dir, announcement;
  std::vector<int> fds;
  ~Served() {
    for (int fd : fds) ::close(fd);
  }
};

struct ModelPublisher::Impl {
  zmq::context_t context{1};
  zmq::socket_t pub{context, zmq::socket_type::pub};
  zmq::socket_t router{context, zmq::socket_type::router};
  std::optional<zmq::socket_t> zap;
  std::shared_ptr<const Served> served;  // the service thread's copy of newest_
  // Reused for every chunk: a fresh megabyte each time costs page faults, not only copies.
  std::string chunk, frame;
};

ModelPublisher::ModelPublisher(const PublisherOptions& options)
    : options_(options), impl_(std::make_unique<Impl>()) {
  if (options_.chunk_bytes == 0 || options_.chunk_bytes > kDefaultMaxBodyBytes / 2)
    throw UserError("a model chunk must hold between 1 byte and " + std::to_string(kDefaultMaxBodyBytes / 2));
  counters_ = {{"published", 0},         {"announcements", 0}, {"queries", 0},        {"requests", 0},
               {"chunks_sent", 0},       {"bytes_out", 0},     {"stale_requests", 0}, {"unserved", 0},
               {"changed_at_source", 0}, {"refused_keys", 0}};
  auto& pub = impl_->pub;
  auto& router = impl_->router;
  for (zmq::socket_t* s : {&pub, &router}) {
    s->set(zmq::sockopt::linger, 0);
    s->set(zmq::sockopt::sndhwm, 1000);
  }
  router.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kMaxRequestBytes));
  if (options_.curve.enabled()) {
    impl_->zap.emplace(impl_->context, zmq::socket_type::rep);
    impl_->zap->bind(kZapEndpoint);
    make_curve_server(pub, options_.curve);
    make_curve_server(router, options_.curve);
  } else {
    for (const std::string& bind : {options_.announce_bind, options_.fetch_bind})
      if (beyond_loopback(bind))
        log_line("warning: " + bind +
                 " is reachable beyond this machine and not encrypted; anyone who can connect can fetch the "
                 "model (use --curve outside a trusted cluster)");
  }
  auto bind = [](zmq::socket_t& socket, const std::string& endpoint) {
    try {
      socket.bind(endpoint);
    } catch (const zmq::error_t& e) {
      throw UserError("cannot bind " + endpoint + ": " + e.what());
    }
    return socket.get(zmq::sockopt::last_endpoint);
  };
  announce_endpoint_ = bind(pub, options_.announce_bind);
  fetch_endpoint_ = bind(router, options_.fetch_bind);
  thread_ = std::thread([this] { serve(); });
}

ModelPublisher::~ModelPublisher() {
  closing_ = true;
  if (thread_.joinable()) thread_.join();
}

ModelManifest ModelPublisher::publish(int version, const std::string& dir) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (newest_ && version < newest_->manifest.version)
      throw std::invalid_argument("model version " + std::to_string(version) + " is older than the served " +
                                  std::to_string(newest_->manifest.version));
  }
  auto served = std::make_shared<Served>();
  served->manifest = describe_model_dir(dir, version, options_.chunk_bytes);
  served->dir = dir;
  for (const ModelFile& f : served->manifest.files) {
    const std::string path = dir + "/" + f.name;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw UserError("cannot open " + path);
    served->fds.push_back(fd);
  }
  served->announcement = frame(MessageType::kModelAnnounce, to_json(served->manifest));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    newest_ = served;
    counters_["published"] = counters_["published"].get<uint64_t>() + 1;
  }
  if (!options_.quiet)
    log_line("serving model v" + std::to_string(version) + " (" +
             std::to_string(served->manifest.files.size()) + " files, " +
             std::to_string(served->manifest.total_bytes()) + " bytes) from " + dir);
  return served->manifest;
}

nlohmann::json ModelPublisher::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  nlohmann::json out = counters_;
  out["dropped"] = drops_.to_json();
  out["version"] = newest_ ? newest_->manifest.version : -1;
  out["announce_endpoint"] = announce_endpoint_;
  out["fetch_endpoint"] = fetch_endpoint_;
  return out;
}

void ModelPublisher::count(const char* counter, uint64_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  counters_[counter] = counters_[counter].get<uint64_t>() + n;
}

void ModelPublisher::answer(const std::string& from, const Message& message) {
  auto reply = [&](const std::string& bytes) {
    try {
      if (impl_->router.send(zmq::buffer(from), zmq::send_flags::sndmore | zmq::send_flags::dontwait))
        (void)impl_->router.send(zmq::buffer(bytes), zmq::send_flags::dontwait);
    } catch (const zmq::error_t&) {
      // The actor is gone, or its queue is full: it asks again after its timeout.
    }
  };
  auto drop = [&](const std::string& why) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (drops_.add(DropReason::kUnexpected)) log_line("dropped " + why);
  };
  const Served* served = impl_->served.get();
  if (message.type == MessageType::kModelQuery) {
    count("queries");
    if (!served) return count("unserved");
    count("announcements");
    return reply(served->announcement);
  }
  if (message.type != MessageType::kChunkRequest)
    return drop(std::string("a \"") + type_name(message.type) + "\" (this socket serves model chunks)");
  count("requests");
  if (!served) return count("unserved");  // nothing published yet: the actor asks again
  const auto version = message.header.value("version", nlohmann::json());
  const auto file = message.header.value("file", nlohmann::json());
  const auto chunk = message.header.value("chunk", nlohmann::json());
  if (!version.is_number_integer() || !file.is_number_unsigned() || !chunk.is_number_unsigned())
    return drop("a chunk request without version, file and chunk");
  const ModelManifest& m = served->manifest;
  if (version.get<int64_t>() != m.version) {
    // Not served (an older version, or one this learner does not have): the newest instead.
    count("stale_requests");
    count("announcements");
    return reply(served->announcement);
  }
  const uint64_t f = file.get<uint64_t>(), c = chunk.get<uint64_t>();
  if (f >= m.files.size() || c >= m.files[f].chunks.size())
    return drop("a request for chunk " + std::to_string(c) + " of file " + std::to_string(f) + " of v" +
                std::to_string(m.version) + ", which has no such chunk");
  std::string& bytes = impl_->chunk;
  bytes.resize(m.chunk_size(f, c));
  const ssize_t got =
      ::pread(served->fds[f], bytes.data(), bytes.size(), static_cast<off_t>(c * m.chunk_bytes));
  if (got != static_cast<ssize_t>(bytes.size()) || xxh64(bytes) != m.files[f].chunks[c]) {
    // The directory was meant to be immutable: never send what the manifest does not say.
    count("changed_at_source");
    log_line("chunk " + std::to_string(c) + " of " + served->dir + "/" + m.files[f].name +
             " is not what was announced: not sent (the version directory changed)");
    return;
  }
  uint64_t hash = m.files[f].chunks[c];  // checked just above
  if (options_.tamper) {
    options_.tamper(m.version, f, c, bytes);
    hash = xxh64(bytes);
  }
  const size_t size = bytes.size();
  encode_into(impl_->frame, MessageType::kChunk, 0,
              {{"version", m.version}, {"file", f}, {"chunk", c}, {"xxh64", hex16(hash)}}, bytes);
  reply(impl_->frame);
  count("chunks_sent");
  count("bytes_out", size);
}

void ModelPublisher::serve() {
  auto& router = impl_->router;
  Clock::time_point last_announced{};
  const auto announce_every = std::chrono::duration<double>(options_.announce_every_s);
  while (!closing_) {
    std::vector<zmq::pollitem_t> items = {{static_cast<void*>(router), 0, ZMQ_POLLIN, 0}};
    if (impl_->zap) items.push_back({static_cast<void*>(*impl_->zap), 0, ZMQ_POLLIN, 0});
    zmq::poll(items, std::chrono::milliseconds(20));
    if (impl_->zap && (items[1].revents & ZMQ_POLLIN)) {
      const ZapVerdict verdict = answer_zap(*impl_->zap, options_.curve.authorized);
      if (verdict.answered && !verdict.admitted) {
        count("refused_keys");
        log_line("refused a connection from " + verdict.peer + ": its key " +
                 (verdict.key.empty() ? std::string("(none)") : verdict.key) + " is not authorized");
      }
    }
    // A new version: announced at once, and served from now on.
    std::shared_ptr<const Served> newest;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      newest = newest_;
    }
    const bool fresh = newest && newest != impl_->served;
    impl_->served = newest;
    if (impl_->served && (fresh || Clock::now() - last_announced >= announce_every)) {
      (void)impl_->pub.send(zmq::buffer(impl_->served->announcement), zmq::send_flags::dontwait);
      last_announced = Clock::now();
      count("announcements");
    }
    for (size_t n = 0; n < kMaxMessagesPerTurn && !closing_; ++n) {
      zmq::message_t id;
      if (!router.recv(id, zmq::recv_flags::dontwait)) break;
      std::vector<zmq::message_t> parts;
      for (bool more = id.more(); more;) {
        zmq::message_t part;
        (void)router.recv(part, zmq::recv_flags::none);
        more = part.more();
        parts.push_back(std::move(part));
      }
      Decoded d;
      if (parts.size() == 1) d = decode(parts[0].to_string_view(), kMaxRequestBytes);
      else d.reason = DropReason::kLength;  // a message is one frame
      if (!d.message) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (drops_.add(d.reason))
          log_line(std::string("dropped a frame (") + drop_reason_name(d.reason) + ")");
        continue;
      }
      answer(id.to_string(), *d.message);
    }
  }
}

}  // namespace traceplay::distributed
