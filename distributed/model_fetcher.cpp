#include "distributed/model_fetcher.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <stdexcept>

#include <zmq.hpp>

#include "core/error.h"
#include "core/hash.h"
#include "core/shard.h"
#include "distributed/model_manifest.h"
#include "distributed/socket_security.h"
#include "selfplay/model_store.h"

namespace traceplay::distributed {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using selfplay::ModelVersion;

namespace {

constexpr size_t kMaxMessagesPerTurn = 64;
constexpr const char* kStagingPrefix = ".fetch-";
constexpr const char* kChecksumFile = "model.safetensors";  // ModelVersion::xxh64 is of this file

bool is_staging_name(const std::string& name) { return name.rfind(kStagingPrefix, 0) == 0; }

ModelVersion local_version(const std::string& models_dir, int version) {
  ModelVersion v;
  v.version = version;
  v.dir = models_dir + "/" + selfplay::version_dir_name(version);
  std::error_code ec;
  if (fs::exists(v.dir + "/" + kChecksumFile, ec)) v.xxh64 = xxh64_file(v.dir + "/" + kChecksumFile);
  return v;
}

}  // namespace

// The version being fetched: its manifest, its staging directory and files, which chunks
// are written, which are asked for and since when.
struct ModelFetcher::Target {
  ModelManifest manifest;
  std::string staging;
  std::vector<int> fds;
  std::vector<std::vector<bool>> written;
  size_t remaining = 0;
  std::deque<std::pair<size_t, size_t>> todo;                        // (file, chunk), to ask for
  std::map<std::pair<size_t, size_t>, Clock::time_point> in_flight;  // asked for, since
  Clock::time_point started;

  void close_files() {
    for (int& fd : fds)
      if (fd >= 0) ::close(fd), fd = -1;
  }
  ~Target() { close_files(); }
};

struct ModelFetcher::Impl {
  zmq::context_t context{1};
  zmq::socket_t sub{context, zmq::socket_type::sub};
  zmq::socket_t dealer{context, zmq::socket_type::dealer};
  int store_lock = -1;  // the store's flock, held as long as this lives
  uint64_t sequence = 0;
  std::unique_ptr<Target> target;
  Clock::time_point last_heard{}, last_query{};
  // The request timeout now: doubled (up to 30 s) each time requests expire, back to
  // request_timeout_s on the next good chunk, so a learner slow to answer many actors
  // is not sent every request again and again.
  double timeout_s = 0;
  ~Impl() {
    if (store_lock >= 0) ::close(store_lock);
  }
};

ModelFetcher::ModelFetcher(const FetcherOptions& options)
    : options_(options), impl_(std::make_unique<Impl>()) {
  if (options_.window < 1) throw UserError("a model fetcher needs a window of at least 1 chunk");
  counters_ = {{"announcements", 0}, {"chunks", 0},         {"bytes", 0},         {"duplicates", 0},
               {"stale", 0},         {"corrupt_chunks", 0}, {"corrupt_files", 0}, {"rerequested", 0},
               {"queries", 0},       {"abandoned", 0},      {"installed", 0},     {"errors", 0}};
  const std::string& dir = options_.models_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw UserError("cannot create the model store " + dir + ": " + ec.message());
  impl_->store_lock = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (impl_->store_lock < 0) throw UserError("cannot open the model store " + dir);
  if (::flock(impl_->store_lock, LOCK_EX | LOCK_NB) != 0)
    throw UserError("another fetcher uses the model store " + dir + " (give each actor its own)");
  // What a killed fetcher (or publisher) left: hidden, never a version, removed now.
  selfplay::remove_partial_versions(dir);
  std::vector<fs::path> staged;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec))
    if (is_staging_name(entry.path().filename().string())) staged.push_back(entry.path());
  for (const fs::path& p : staged) fs::remove_all(p, ec);
  const std::vector<int> have = selfplay::list_versions(dir);
  if (!have.empty()) latest_ = local_version(dir, have.back());

  auto& sub = impl_->sub;
  auto& dealer = impl_->dealer;
  for (zmq::socket_t* s : {&sub, &dealer}) {
    s->set(zmq::sockopt::linger, 0);
    s->set(zmq::sockopt::reconnect_ivl, 100);
    s->set(zmq::sockopt::reconnect_ivl_max, 1000);
    s->set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(options_.max_body_bytes + kFrameHeaderBytes));
    if (options_.curve.enabled()) make_curve_client(*s, options_.curve);
  }
  sub.set(zmq::sockopt::subscribe, "");
  try {
    sub.connect(options_.announce_connect);
    dealer.connect(options_.fetch_connect);
  } catch (const zmq::error_t& e) {
    throw UserError("cannot connect to " + options_.announce_connect + " / " + options_.fetch_connect + ": " +
                    e.what());
  }
  thread_ = std::thread([this] { run(); });
}

ModelFetcher::~ModelFetcher() {
  close();
  if (thread_.joinable()) thread_.join();
  abandon();  // the staging directory of a version not complete goes with the fetcher
}

void ModelFetcher::close() {
  closing_ = true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

std::optional<ModelVersion> ModelFetcher::latest() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return latest_;
}

std::optional<ModelVersion> ModelFetcher::wait_newer(int than, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  const bool newer =
      changed_.wait_for(lock, timeout, [&] { return closed_ || (latest_ && latest_->version > than); });
  if (!newer || closed_) return std::nullopt;
  return latest_;
}

nlohmann::json ModelFetcher::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  nlohmann::json out = counters_;
  out["dropped"] = drops_.to_json();
  out["version"] = latest_ ? latest_->version : -1;
  out["fetching"] = fetching_.load();
  return out;
}

void ModelFetcher::count(const char* counter, uint64_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  counters_[counter] = counters_[counter].get<uint64_t>() + n;
}

bool ModelFetcher::drop(DropReason reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  return drops_.add(reason);
}

void ModelFetcher::log_line(const std::string& text) const {
  std::fprintf(stderr, "%s: %s\n", options_.name.empty() ? "fetcher" : options_.name.c_str(), text.c_str());
  std::fflush(stderr);
}

void ModelFetcher::consider(const nlohmann::json& announcement, bool answered) {
  ModelManifest manifest;
  try {
    manifest = parse_manifest(announcement, options_.max_body_bytes);
  } catch (const UserError& e) {
    if (drop(DropReason::kUnexpected)) log_line(std::string("dropped an announcement: ") + e.what());
    return;
  }
  count("announcements");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (latest_ && manifest.version <= latest_->version) return;  // never back, nothing twice
  }
  Target* t = impl_->target.get();
  if (t && t->manifest == manifest) return;  // the one being fetched (a repeat, or a restarted learner)
  // An older one from the PUB was sent before the one being fetched (read later than the
  // answer that made this fetcher switch). An answer on the ROUTER is the learner's
  // newest now: older only when it restarted without the version being fetched.
  if (t && manifest.version < t->manifest.version && !answered) return;
  if (t) {
    if (!options_.quiet)
      log_line("v" + std::to_string(t->manifest.version) + " abandoned for v" +
               std::to_string(manifest.version) +
               (t->manifest.version == manifest.version ? " with other files" : ""));
    abandon();
    count("abandoned");
  }
  start(std::move(manifest));
}

void ModelFetcher::start(ModelManifest manifest) {
  auto t = std::make_unique<Target>();
  t->staging = options_.models_dir + "/" + kStagingPrefix + selfplay::version_dir_name(manifest.version);
  std::error_code ec;
  fs::remove_all(t->staging, ec);
  fs::create_directory(t->staging, ec);
  if (ec) throw std::runtime_error("cannot create " + t->staging + ": " + ec.message());
  for (size_t f = 0; f < manifest.files.size(); ++f) {
    const std::string path = t->staging + "/" + manifest.files[f].name;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot create " + path);
    t->fds.push_back(fd);
    t->written.emplace_back(manifest.files[f].chunks.size(), false);
    for (size_t c = 0; c < manifest.files[f].chunks.size(); ++c) t->todo.emplace_back(f, c);
  }
  t->remaining = t->todo.size();
  t->manifest = std::move(manifest);
  t->started = Clock::now();
  fetching_ = t->manifest.version;
  impl_->target = std::move(t);
  if (impl_->target->remaining == 0) complete();
}

void ModelFetcher::abandon() {
  if (!impl_->target) return;
  const std::string staging = impl_->target->staging;
  impl_->target.reset();
  fetching_ = -1;
  std::error_code ec;
  fs::remove_all(staging, ec);
}

void ModelFetcher::accept(const Message& message, std::string_view blob) {
  Target* t = impl_->target.get();
  const auto version = message.header.value("version", nlohmann::json());
  const auto file = message.header.value("file", nlohmann::json());
  const auto chunk = message.header.value("chunk", nlohmann::json());
  if (!version.is_number_integer() || !file.is_number_unsigned() || !chunk.is_number_unsigned()) {
    if (drop(DropReason::kUnexpected)) log_line("dropped a chunk without version, file and chunk");
    return;
  }
  if (!t || version.get<int64_t>() != t->manifest.version) return count("stale");  // asked before a switch
  const size_t f = file.get<size_t>(), c = chunk.get<size_t>();
  if (f >= t->written.size() || c >= t->written[f].size()) {
    if (drop(DropReason::kUnexpected)) log_line("dropped a chunk the manifest does not have");
    return;
  }
  if (t->written[f][c]) return count("duplicates");  // an answer to a request sent twice
  const auto key = std::make_pair(f, c);
  const ModelManifest& m = t->manifest;
  if (blob.size() != m.chunk_size(f, c) || xxh64(blob) != m.files[f].chunks[c]) {
    // Damaged on the way, or a faulty server: never written; asked for again first.
    count("corrupt_chunks");
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (drops_.add(DropReason::kChecksum))
        log_line("refused chunk " + std::to_string(c) + " of " + m.files[f].name + " of v" +
                 std::to_string(m.version) + ": its bytes are not the announced ones; fetching it again");
    }
    t->in_flight.erase(key);
    t->todo.push_front(key);
    return;
  }
  const char* data = blob.data();
  size_t left = blob.size();
  off_t at = static_cast<off_t>(c * m.chunk_bytes);
  while (left > 0) {
    const ssize_t n = ::pwrite(t->fds[f], data, left, at);
    if (n <= 0) throw std::runtime_error("cannot write " + t->staging + "/" + m.files[f].name);
    data += n, left -= static_cast<size_t>(n), at += n;
  }
  t->in_flight.erase(key);
  impl_->timeout_s = options_.request_timeout_s;
  t->written[f][c] = true;
  --t->remaining;
  count("chunks");
  count("bytes", blob.size());
  if (options_.after_chunk) options_.after_chunk(m.version, t->manifest.total_chunks() - t->remaining);
  if (t->remaining == 0) complete();
}

void ModelFetcher::complete() {
  Target* t = impl_->target.get();
  t->close_files();
  // Every chunk was checked; the whole files are checked again as they lie on disk.
  bool whole = true;
  for (size_t f = 0; f < t->manifest.files.size(); ++f) {
    const ModelFile& file = t->manifest.files[f];
    const std::string path = t->staging + "/" + file.name;
    std::error_code ec;
    if (fs::file_size(path, ec) == file.bytes && !ec && xxh64_file(path) == file.xxh64) continue;
    whole = false;
    count("corrupt_files");
    log_line(path + " is not the announced file once written: fetching it again");
    t->fds[f] = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (t->fds[f] < 0) throw std::runtime_error("cannot create " + path);
    for (size_t c = 0; c < file.chunks.size(); ++c) {
      t->written[f][c] = false;
      t->todo.emplace_back(f, c);
      ++t->remaining;
    }
  }
  if (!whole) return;  // the damaged files are asked for again
  const int version = t->manifest.version;
  ModelVersion installed;
  try {
    installed = selfplay::publish_version(
        options_.models_dir, version,
        [t](const std::string& dir) {
          for (const ModelFile& file : t->manifest.files)
            fs::rename(t->staging + "/" + file.name, dir + "/" + file.name);
        },
        /*checksum_file=*/"");
  } catch (const std::invalid_argument&) {
    // Already in the store (nothing else should write it): believe the store.
    installed = local_version(options_.models_dir, version);
  }
  for (const ModelFile& file : t->manifest.files)
    if (file.name == kChecksumFile) installed.xxh64 = file.xxh64;
  const double seconds = std::chrono::duration<double>(Clock::now() - t->started).count();
  const uint64_t bytes = t->manifest.total_bytes();
  abandon();  // the staging directory, empty now
  {
    std::lock_guard<std::mutex> lock(mutex_);
    latest_ = installed;
    counters_["installed"] = counters_["installed"].get<uint64_t>() + 1;
  }
  changed_.notify_all();
  if (!options_.quiet)
    log_line("model v" + std::to_string(version) + " installed in " + installed.dir + " (" +
             std::to_string(bytes) + " bytes in " + std::to_string(seconds) + " s)");
}

void ModelFetcher::request_more() {
  Target* t = impl_->target.get();
  auto send = [&](MessageType type, nlohmann::json header) {
    Message m;
    m.type = type;
    m.sequence = ++impl_->sequence;
    m.header = std::move(header);
    try {
      return impl_->dealer.send(zmq::buffer(encode(m)), zmq::send_flags::dontwait).has_value();
    } catch (const zmq::error_t&) {
      return false;
    }
  };
  const auto now = Clock::now();
  if (impl_->timeout_s <= 0) impl_->timeout_s = options_.request_timeout_s;
  const auto timeout = std::chrono::duration<double>(impl_->timeout_s);
  bool silent = !t && now - impl_->last_heard >= timeout;
  bool expired = false;
  if (t) {
    // Unanswered requests go again, first (a restarted learner, a reply lost or dropped).
    for (auto it = t->in_flight.begin(); it != t->in_flight.end();)
      if (now - it->second >= timeout) {
        t->todo.push_front(it->first);
        it = t->in_flight.erase(it);
        count("rerequested");
        silent = expired = true;
      } else {
        ++it;
      }
    while (t->in_flight.size() < options_.window && !t->todo.empty()) {
      const auto [f, c] = t->todo.front();
      if (t->written[f][c]) {
        t->todo.pop_front();
        continue;
      }
      if (!send(MessageType::kChunkRequest, {{"version", t->manifest.version}, {"file", f}, {"chunk", c}}))
        break;
      t->todo.pop_front();
      t->in_flight[{f, c}] = now;
    }
  }
  if (expired) impl_->timeout_s = std::min(2 * impl_->timeout_s, std::max(30.0, options_.request_timeout_s));
  // Nothing heard for a while: ask which version is the newest (the PUB may be slow to join).
  if (silent && now - impl_->last_query >= timeout && send(MessageType::kModelQuery, {})) {
    impl_->last_query = now;
    count("queries");
  }
}

void ModelFetcher::run() {
  auto& sub = impl_->sub;
  auto& dealer = impl_->dealer;
  while (!closing_) {
    zmq::pollitem_t items[] = {{static_cast<void*>(sub), 0, ZMQ_POLLIN, 0},
                               {static_cast<void*>(dealer), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 2, std::chrono::milliseconds(20));
    try {
      for (zmq::socket_t* socket : {&sub, &dealer}) {
        for (size_t n = 0; n < kMaxMessagesPerTurn && !closing_; ++n) {
          zmq::message_t bytes;
          if (!socket->recv(bytes, zmq::recv_flags::dontwait)) break;
          if (bytes.more()) {  // a publisher sends one frame a message: drain the rest, drop
            for (zmq::message_t part; bytes.more();) {
              (void)socket->recv(part, zmq::recv_flags::none);
              bytes.move(part);
            }
            drop(DropReason::kLength);
            continue;
          }
          // The blob stays in the ZeroMQ message (a chunk is written from there).
          const DecodedView view = decode_view(bytes.to_string_view(), options_.max_body_bytes);
          const Decoded& d = view.decoded;
          if (!d.message) {
            if (drop(d.reason)) log_line(std::string("dropped a frame (") + drop_reason_name(d.reason) + ")");
            continue;
          }
          impl_->last_heard = Clock::now();
          const Message& m = *d.message;
          if (m.type == MessageType::kModelAnnounce) {
            consider(m.header, /*answered=*/socket == &dealer);
          } else if (m.type == MessageType::kChunk && socket == &dealer) {
            accept(m, view.blob);
          } else if (drop(DropReason::kUnexpected)) {
            log_line(std::string("dropped a \"") + type_name(m.type) + "\"");
          }
        }
      }
      request_more();
    } catch (const std::exception& e) {
      // The disk (full, unwritable): this version is given up; the next announcement retries.
      count("errors");
      log_line(std::string("fetch failed: ") + e.what());
      abandon();
    }
  }
}

}  // namespace traceplay::distributed
