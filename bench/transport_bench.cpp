#include "bench/transport_bench.h"
#include "bench/temp_dir.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "core/error.h"
#include "core/prepared_layout.h"
#include "distributed/gen_learner.h"
#include "distributed/model_fetcher.h"
#include "distributed/model_publisher.h"
#include "distributed/wire.h"
#include "search/maze_source.h"
#include "selfplay/model_store.h"

extern char** environ;

namespace traceplay::bench {

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void print(nlohmann::json line) {
  line["bench"] = "transport";
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
}

search::MazeSourceParams maze() {
  search::MazeSourceParams p;
  p.width = p.height = 10;
  return p;
}

// One thread making layouts for `seconds`: records/s and bytes/s of what it would send.
nlohmann::json produce(double seconds) {
  const auto source = search::make_maze_source(maze());
  auto worker = source->make_worker();
  uint64_t records = 0, bytes = 0, k = 0;
  const auto start = Clock::now();
  while (since(start) < seconds) {
    const PreparedLayout layout = prepare_layout(*worker, 1, k++);
    records += layout.size();
    bytes += encode_layout(layout).size();
  }
  const double s = since(start);
  return {{"case", "produce"},
          {"threads", 1},
          {"value", static_cast<double>(records) / s},
          {"unit", "records/s"},
          {"mb_per_s", static_cast<double>(bytes) / s / 1e6},
          {"layouts", k}};
}

// A wire-protocol client sending ready-made results with at most `in_flight` unacknowledged.
void send_results(const std::string& endpoint, const std::string& job_id, const std::string& layout,
                  int index, int senders, uint64_t limit, int in_flight, const std::atomic<bool>& stop) {
  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  socket.connect(endpoint);
  uint64_t sequence = 0;
  auto send = [&](distributed::MessageType type, nlohmann::json header, const std::string& blob = {}) {
    distributed::Message m{type, ++sequence, std::move(header), blob};
    socket.send(zmq::buffer(distributed::encode(m)), zmq::send_flags::none);
  };
  send(distributed::MessageType::kHello,
       {{"actor", "bench-" + std::to_string(index)}, {"capabilities", {"gen"}}});
  int unacked = 0;
  bool welcomed = false;
  uint64_t k = static_cast<uint64_t>(index);
  while (!stop) {
    while (welcomed && unacked < in_flight && k < limit) {
      send(distributed::MessageType::kResult, {{"job", job_id}, {"layout", k}}, layout);
      k += static_cast<uint64_t>(senders);
      ++unacked;
    }
    zmq::pollitem_t item{static_cast<void*>(socket), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(20));
    for (zmq::message_t msg; socket.recv(msg, zmq::recv_flags::dontwait);) {
      const auto d = distributed::decode(msg.to_string_view());
      if (!d.message) continue;
      if (d.message->type == distributed::MessageType::kWelcome) welcomed = true;
      if (d.message->type == distributed::MessageType::kAck)
        unacked -= static_cast<int>(d.message->header["layouts"].size());
      if (d.message->type == distributed::MessageType::kDone) return;
    }
  }
}

nlohmann::json ingest(int senders, double seconds, double produce_records_per_s) {
  const auto source = search::make_maze_source(maze());
  auto worker = source->make_worker();
  const PreparedLayout layout = prepare_layout(*worker, 1, 0);
  const std::string bytes = encode_layout(layout);
  TempDir spool("transport");
  distributed::LearnerOptions options;
  options.bind = "tcp://127.0.0.1:*";
  options.quiet = true;
  const uint64_t limit = uint64_t{1} << 40;
  distributed::GenLearner learner(options, {{"kind", "gen"}, {"id", "bench"}, {"seed", 1}}, spool.path(),
                                  LayoutRange{1, 0, limit, 1});
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < senders; ++i)
    threads.emplace_back(send_results, learner.endpoint(), "bench", std::cref(bytes), i, senders, limit, 64,
                         std::cref(stop));
  // The writer's side: layouts taken in order, the spool trimmed as a writer commits.
  uint64_t taken = 0;
  const auto start = Clock::now();
  while (since(start) < seconds) {
    learner.take(taken++);
    if (taken % 256 == 0) learner.committed(taken);
  }
  const double s = since(start);
  const nlohmann::json stats = learner.stats();
  stop = true;
  for (auto& t : threads) t.join();
  const double records_per_s = static_cast<double>(taken * layout.size()) / s;
  const double produced = senders * produce_records_per_s;
  return {{"case", "ingest"},
          {"senders", senders},
          {"threads", senders},
          {"value", records_per_s},
          {"unit", "records/s"},
          {"mb_per_s", static_cast<double>(taken * bytes.size()) / s / 1e6},
          {"layouts", taken},
          {"records_per_layout", layout.size()},
          {"peer", std::to_string(senders) + " x produce"},
          {"peer_value", produced},
          {"ratio", records_per_s / produced},
          {"dropped", stats["dropped"]}};
}

// Runs `binary args...` with stdout to a file; returns its last line as JSON.
nlohmann::json run_json(const std::string& binary, std::vector<std::string> args,
                        const std::string& out_file) {
  args.insert(args.begin(), binary);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw UserError("cannot start " + binary);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw UserError("bench transport: `traceplay " + args[1] + " ...` failed");
  std::ifstream in(out_file);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return nlohmann::json::parse(last);
}

nlohmann::json gen_actors(const std::string& binary, int actors, int threads, uint64_t count) {
  TempDir dir("transport");
  const std::vector<std::string> spec = {"--domain", "maze", "--size", "10", "--count", std::to_string(count),
                                         "--seed",   "1"};
  auto with = [&](std::vector<std::string> extra, const std::string& out) {
    std::vector<std::string> args = {"gen", "--out", dir.path() + "/" + out, "--json"};
    args.insert(args.end(), spec.begin(), spec.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return run_json(binary, args, dir.path() + "/" + out + ".json");
  };
  const nlohmann::json local = with({"--threads", std::to_string(threads)}, "local");
  const nlohmann::json remote = with({"--actors", std::to_string(actors)}, "remote");
  const double local_rate = local["records_per_s"], remote_rate = remote["records_per_s"];
  return {{"case", "gen-actors"},
          {"actors", actors},
          {"threads", threads},
          {"value", remote_rate},
          {"unit", "records/s"},
          {"peer", "gen --threads " + std::to_string(threads)},
          {"peer_value", local_rate},
          {"ratio", remote_rate / local_rate},
          {"records", count},
          {"mb_per_s", remote["learner"]["bytes_in"].get<double>() / remote["seconds"].get<double>() / 1e6},
          {"lease_to_stored_ms", remote["learner"].value("lease_to_stored_ms", nlohmann::json())},
          {"dropped", remote["learner"]["dropped"]}};
}

// The time from publish() to the last of `actors` fetchers (threads of this process, each
// its own sockets and store) having installed a model of `mb` MB: announced over PUB,
// fetched in 1 MiB chunks 4 in flight, each chunk and file checked, written, fsynced
// and renamed into the store (what an actor does before it plays with a version).
nlohmann::json model_delivery(int actors, int mb) {
  TempDir dir("transport");
  const size_t bytes = static_cast<size_t>(mb) * 1000 * 1000;
  std::string weights(bytes, '\0');
  std::mt19937_64 rng(1);
  for (size_t i = 0; i + 8 <= bytes; i += 8) {
    const uint64_t r = rng();
    std::memcpy(&weights[i], &r, 8);
  }
  const std::string version_dir =
      selfplay::publish_version(dir.path() + "/learner", 1, [&](const std::string& d) {
        std::ofstream(d + "/model.safetensors", std::ios::binary) << weights;
        std::ofstream(d + "/config.json") << "{\"bench\": \"transport\"}\n";
      }).dir;
  weights = std::string();
  distributed::PublisherOptions po;
  po.announce_bind = po.fetch_bind = "tcp://127.0.0.1:*";
  po.quiet = true;
  distributed::ModelPublisher publisher(po);
  std::vector<std::unique_ptr<distributed::ModelFetcher>> fetchers;
  for (int i = 0; i < actors; ++i) {
    distributed::FetcherOptions fo;
    fo.announce_connect = publisher.announce_endpoint();
    fo.fetch_connect = publisher.fetch_endpoint();
    fo.models_dir = dir.path() + "/actor-" + std::to_string(i);
    fo.quiet = true;
    fetchers.push_back(std::make_unique<distributed::ModelFetcher>(fo));
  }
  // Every fetcher connected (each asks once for the newest, which nobody has yet) before
  // the clock starts, so the figure is delivery, not connection.
  const auto connecting = Clock::now();
  while (publisher.stats()["unserved"].get<int>() < actors && since(connecting) < 10)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto start = Clock::now();
  publisher.publish(1, version_dir);
  uint64_t rerequested = 0, corrupt = 0;
  for (auto& f : fetchers) {
    if (!f->wait_newer(0, std::chrono::seconds(600)))
      throw std::runtime_error("bench transport: a fetcher did not get the model in 600 s");
  }
  const double s = since(start);
  for (auto& f : fetchers) {
    const nlohmann::json stats = f->stats();
    rerequested += stats["rerequested"].get<uint64_t>();
    corrupt += stats["corrupt_chunks"].get<uint64_t>();
  }
  return {{"case", "model-delivery"},
          {"actors", actors},
          {"threads", actors},
          {"mb", mb},
          {"value", s},
          {"unit", "s"},
          {"mb_per_s", static_cast<double>(actors) * static_cast<double>(bytes) / s / 1e6},
          {"actors_are", "threads of one process, one store each"},
          {"chunk_bytes", distributed::kDefaultChunkBytes},
          {"window", distributed::FetcherOptions{}.window},
          {"rerequested", rerequested},
          {"corrupt_chunks", corrupt}};
}

}  // namespace

int run_transport_bench(const BenchOptions& options, const std::string& binary) {
  const double seconds = options.quick ? 0.5 : options.seconds;
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int senders = options.quick ? 4 : 16;
  const nlohmann::json produced = produce(seconds);
  print(produced);
  print(ingest(senders, seconds, produced["value"].get<double>()));
  print(gen_actors(binary, senders, threads, options.quick ? 2000 : 50000));
  print(model_delivery(options.quick ? 4 : 16, options.quick ? 5 : 50));
  return 0;
}

}  // namespace traceplay::bench
