// A distributed gen in one process over TCP loopback: a GenLearner serving the dataset
// builder, actors (run_gen_actor) on threads. The same bytes as local threads; a rogue
// client's frames dropped and counted while the service goes on; CURVE lets in listed
// keys only. Process kills are in tests/integration/test_distributed_gen.py.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <zmq.hpp>

#include "core/dataset_builder.h"
#include "core/hash.h"
#include "dataset_test_util.h"
#include "distributed/curve.h"
#include "distributed/gen_actor.h"
#include "distributed/gen_learner.h"
#include "search/maze_source.h"

namespace traceplay::distributed {
namespace {

using testing::directory_bytes;
using testing::ScratchDir;

constexpr uint64_t kSeed = 5;

search::MazeSourceParams maze() {
  search::MazeSourceParams p;
  p.width = 7;
  p.height = 6;
  return p;
}

BuildOptions options(uint64_t count) {
  BuildOptions o;
  o.count = count;
  o.seed = kSeed;
  o.threads = 2;
  o.shard_records = 40;
  o.progress = false;
  return o;
}

const nlohmann::json kJob = {{"kind", "gen"}, {"id", "maze-7x6"}, {"seed", kSeed}};

GenJob make_job(const nlohmann::json& job) {
  GenJob out;
  out.source = search::make_maze_source(maze());
  out.seed = job.at("seed").get<uint64_t>();
  out.id = "maze-7x6";
  return out;
}

LearnerOptions learner_options() {
  LearnerOptions o;
  o.bind = "tcp://127.0.0.1:*";
  o.quiet = true;
  o.heartbeat_timeout_s = 5;
  return o;
}

ActorOptions actor_options(const std::string& endpoint, const std::string& outbox) {
  ActorOptions o;
  o.connect = endpoint;
  o.threads = 1;
  o.outbox = outbox;
  o.give_up_s = 20;
  return o;
}

TEST(DistributedGen, ActorsOverTcpWriteTheSameBytesAsLocalThreads) {
  const auto source = search::make_maze_source(maze());
  ScratchDir local, remote, outbox_a, outbox_b;
  build_dataset(*source, options(300), local.path());

  // The learner as the builder's producer, its counters kept when the build is finished.
  struct Snapshot : LayoutProducer {
    std::unique_ptr<GenLearner> learner;
    nlohmann::json* stats;
    PreparedLayout take(uint64_t k) override { return learner->take(k); }
    void committed(uint64_t n) override { learner->committed(n); }
    void finished() override {
      learner->finished();
      *stats = learner->stats();
    }
  };
  std::vector<std::thread> actors;
  std::vector<ActorResult> results(2);
  nlohmann::json stats;
  const LayoutProducerFactory factory = [&](const TraceSource&, const LayoutRange& range) {
    auto snapshot = std::make_unique<Snapshot>();
    snapshot->learner =
        std::make_unique<GenLearner>(learner_options(), kJob, remote.path() + "/.gen-spool", range);
    snapshot->stats = &stats;
    const std::string outboxes[] = {outbox_a.path(), outbox_b.path()};
    for (int i = 0; i < 2; ++i)
      actors.emplace_back([&, i, endpoint = snapshot->learner->endpoint(), outbox = outboxes[i]] {
        results[i] = run_gen_actor(actor_options(endpoint, outbox), make_job);
      });
    return std::unique_ptr<LayoutProducer>(std::move(snapshot));
  };
  const BuildResult r = build_dataset(*source, options(300), remote.path(), factory);
  for (auto& t : actors) t.join();
  EXPECT_EQ(r.status, BuildStatus::kBuilt);
  EXPECT_EQ(directory_bytes(remote.path()), directory_bytes(local.path()));
  uint64_t made = 0;
  for (const auto& a : results) {
    EXPECT_EQ(a.exit_code, 0) << a.reason;
    EXPECT_EQ(a.stats["acked"].get<uint64_t>() + a.stats["unneeded"].get<uint64_t>(),
              a.stats["sent"].get<uint64_t>())
        << "every result acknowledged once, or made past the dataset's end: " << a.stats.dump();
    EXPECT_TRUE(a.stats["dropped"].empty()) << a.stats.dump();
    made += a.stats["made"].get<uint64_t>();
  }
  // Every result received was stored or a duplicate; nothing was dropped.
  EXPECT_EQ(stats["results"].get<uint64_t>(),
            stats["stored"].get<uint64_t>() + stats["duplicates"].get<uint64_t>())
      << stats.dump();
  EXPECT_LE(stats["stored"].get<uint64_t>(), made);
  EXPECT_TRUE(stats["dropped"].empty()) << stats.dump();
  // Done: the outboxes are empty.
  EXPECT_TRUE(std::filesystem::is_empty(outbox_a.path()));
  EXPECT_TRUE(std::filesystem::is_empty(outbox_b.path()));
}

// A raw client speaking the wire format, or not.
class RogueClient {
 public:
  explicit RogueClient(const std::string& endpoint) : socket_(context_, zmq::socket_type::dealer) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.connect(endpoint);
  }
  void send_raw(const std::string& bytes) { socket_.send(zmq::buffer(bytes), zmq::send_flags::none); }
  void send(MessageType type, nlohmann::json header, uint64_t sequence, std::string blob = {}) {
    Message m;
    m.type = type;
    m.sequence = sequence;
    m.header = std::move(header);
    m.blob = std::move(blob);
    send_raw(encode(m));
  }
  // The next message within `ms`, decoded (nullopt: none came).
  std::optional<Message> receive(int ms = 3000) {
    zmq::pollitem_t item{static_cast<void*>(socket_), 0, ZMQ_POLLIN, 0};
    for (auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
         std::chrono::steady_clock::now() < until;) {
      zmq::poll(&item, 1, std::chrono::milliseconds(50));
      zmq::message_t msg;
      if (socket_.recv(msg, zmq::recv_flags::dontwait)) {
        Decoded d = decode(msg.to_string_view());
        if (d.message && d.message->type != MessageType::kHeartbeat) return d.message;
      }
    }
    return std::nullopt;
  }

 private:
  zmq::context_t context_{1};
  zmq::socket_t socket_;
};

uint64_t dropped(const GenLearner& learner, const char* reason) {
  const auto d = learner.stats()["dropped"];
  return d.contains(reason) ? d[reason].get<uint64_t>() : 0;
}

template <class F>
bool eventually(F f, int ms = 5000) {
  for (auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(std::chrono::milliseconds(20)))
    if (f()) return true;
  return false;
}

TEST(DistributedGen, RogueFramesAreDroppedAndCountedAndTheServiceGoesOn) {
  ScratchDir spool, outbox;
  GenLearner learner(learner_options(), kJob, spool.path(), LayoutRange{kSeed, 0, 1000, 1});
  RogueClient rogue(learner.endpoint());

  rogue.send_raw("garbage");
  std::string frame = encode(Message{MessageType::kHeartbeat, 1, {}, {}});
  std::string wrong_version = frame;
  wrong_version[4] = 9;
  rogue.send_raw(wrong_version);
  std::string flipped = encode(Message{MessageType::kHello, 1, {{"actor", "x"}}, {}});
  flipped.back() ^= 1;
  rogue.send_raw(flipped);
  rogue.send_raw(frame.substr(0, frame.size() - 1));
  std::string oversized = frame;
  for (int i = 20; i < 23; ++i) oversized[i] = static_cast<char>(0xff);
  oversized[23] = 0x7f;  // a 2 GiB blob announced
  rogue.send_raw(oversized);
  EXPECT_TRUE(eventually([&] {
    return dropped(learner, "short") == 1 && dropped(learner, "version") == 1 &&
           dropped(learner, "checksum") == 1 && dropped(learner, "length") == 1 &&
           dropped(learner, "oversized") == 1;
  })) << learner.stats().dump();

  // A result before hello: "who are you?", and nothing stored.
  rogue.send(MessageType::kResult, {{"job", "maze-7x6"}, {"layout", 0}}, 5);
  auto answer = rogue.receive();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->type, MessageType::kRejoin);
  // Hello, then a replayed sequence and a result of another job: dropped.
  rogue.send(MessageType::kHello, {{"actor", "rogue"}, {"capabilities", {"gen"}}}, 10);
  answer = rogue.receive();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->type, MessageType::kWelcome);
  EXPECT_EQ(answer->header["job"], kJob);
  rogue.send(MessageType::kHeartbeat, {}, 10);
  rogue.send(MessageType::kResult, {{"job", "another"}, {"layout", 0}}, 11);
  rogue.send(MessageType::kResult, {{"job", "maze-7x6"}, {"layout", 0}}, 12, "not a layout");
  rogue.send(MessageType::kLease, {{"layouts", {1}}}, 13);
  EXPECT_TRUE(eventually([&] {
    return dropped(learner, "replayed") == 1 && dropped(learner, "unexpected") == 3;
  })) << learner.stats().dump();
  EXPECT_EQ(learner.stats()["stored"], 0);

  // A real actor still gets work done.
  ActorResult result;
  std::thread actor(
      [&] { result = run_gen_actor(actor_options(learner.endpoint(), outbox.path()), make_job); });
  const auto source = search::make_maze_source(maze());
  auto worker = source->make_worker();
  for (uint64_t k = 0; k < 20; ++k) EXPECT_EQ(learner.take(k), prepare_layout(*worker, kSeed, k)) << k;
  learner.finished();
  actor.join();
  EXPECT_EQ(result.exit_code, 0) << result.reason;
}

TEST(DistributedGen, CurveAdmitsListedKeysOnly) {
  const KeyPair server = generate_key_pair(), listed = generate_key_pair(), unlisted = generate_key_pair();
  ScratchDir spool, outbox_in, outbox_out;
  LearnerOptions lo = learner_options();
  lo.curve.keys = server;
  lo.curve.authorized = {listed.public_key};
  GenLearner learner(lo, kJob, spool.path(), LayoutRange{kSeed, 0, 1000, 1});

  ActorOptions stranger = actor_options(learner.endpoint(), outbox_out.path());
  stranger.curve = {unlisted, server.public_key};
  stranger.give_up_s = 1.5;
  const ActorResult refused = run_gen_actor(stranger, make_job);
  EXPECT_EQ(refused.exit_code, 1) << "never welcomed, it gives up";
  EXPECT_GE(learner.stats()["refused_keys"].get<uint64_t>(), 1u);
  EXPECT_EQ(learner.stats()["actors_seen"], 0) << learner.stats().dump();
  EXPECT_EQ(learner.stats()["leases"], 0);

  ActorOptions member = actor_options(learner.endpoint(), outbox_in.path());
  member.curve = {listed, server.public_key};
  ActorResult result;
  std::thread actor([&] { result = run_gen_actor(member, make_job); });
  const auto source = search::make_maze_source(maze());
  auto worker = source->make_worker();
  EXPECT_EQ(learner.take(0), prepare_layout(*worker, kSeed, 0));
  learner.finished();
  actor.join();
  EXPECT_EQ(result.exit_code, 0) << result.reason;
  EXPECT_EQ(learner.stats()["actors_seen"], 1);
}

}  // namespace
}  // namespace traceplay::distributed
