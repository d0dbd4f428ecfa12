// Model publication over real sockets on TCP loopback (distributed/model_publisher.h,
// model_fetcher.h): a version of several files reaches several fetchers byte for byte;
// a damaged chunk is refused and fetched again; a stopped or killed fetcher leaves no
// version behind; a newer announcement while fetching ends with the newest; a learner
// restart resumes the fetch where it was; CURVE admits listed keys only. A watcher
// thread reads every store while it changes and checks each version it can see against
// the source bytes: a reader sees a version whole or not at all.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <zmq.hpp>

#include "core/error.h"
#include "core/hash.h"
#include "dataset_test_util.h"
#include "distributed/model_fetcher.h"
#include "distributed/model_manifest.h"
#include "distributed/model_publisher.h"
#include "selfplay/model_store.h"

namespace traceplay::distributed {
namespace {

using testing::directory_bytes;
using testing::error_of;
using testing::ScratchDir;
using Files = std::map<std::string, std::string>;
namespace fs = std::filesystem;

constexpr auto kPatience = std::chrono::seconds(30);

std::string random_bytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

// A version in the learner's store, written as a learner would (model_store.h).
std::string publish_files(const std::string& models_dir, int version, const Files& files) {
  return selfplay::publish_version(
             models_dir, version,
             [&](const std::string& dir) {
               for (const auto& [name, bytes] : files) testing::write_bytes(dir + "/" + name, bytes);
             },
             "")
      .dir;
}

Files model_files(size_t weights_bytes, uint64_t seed) {
  return {{"config.json", "{\"seed\": " + std::to_string(seed) + "}"},
          {"model.safetensors", random_bytes(weights_bytes, seed)},
          {"empty.txt", ""}};
}

PublisherOptions publisher_options(uint64_t chunk_bytes) {
  PublisherOptions o;
  o.announce_bind = o.fetch_bind = "tcp://127.0.0.1:*";
  o.chunk_bytes = chunk_bytes;
  o.announce_every_s = 0.2;
  o.quiet = true;
  return o;
}

FetcherOptions fetcher_options(const ModelPublisher& publisher, const std::string& models_dir) {
  FetcherOptions o;
  o.announce_connect = publisher.announce_endpoint();
  o.fetch_connect = publisher.fetch_endpoint();
  o.models_dir = models_dir;
  o.request_timeout_s = 1;
  o.quiet = true;
  return o;
}

uint64_t counter(const nlohmann::json& stats, const char* name) { return stats.at(name).get<uint64_t>(); }

// Reads the stores (and the fetchers' latest()) until stopped; every version it sees must
// hold exactly the bytes of that version at the source.
class CompletenessWatcher {
 public:
  CompletenessWatcher(std::vector<std::string> stores, std::vector<const ModelFetcher*> fetchers,
                      std::map<int, Files> expected)
      : stores_(std::move(stores)), fetchers_(std::move(fetchers)), expected_(std::move(expected)) {
    thread_ = std::thread([this] { run(); });
  }
  ~CompletenessWatcher() { stop(); }
  // The failures seen ("" when none), and how many versions were checked.
  std::string stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return failures_;
  }
  size_t checked() const { return seen_.size(); }

 private:
  void check(const std::string& dir, int version) {
    if (!seen_.insert(dir).second) return;
    const auto it = expected_.find(version);
    if (it == expected_.end()) failures_ += dir + ": a version never published\n";
    else if (directory_bytes(dir) != it->second) failures_ += dir + ": not the published bytes\n";
  }
  void run() {
    while (!stop_) {
      for (const std::string& store : stores_)
        for (int v : selfplay::list_versions(store)) check(store + "/" + selfplay::version_dir_name(v), v);
      for (const ModelFetcher* f : fetchers_)
        if (const auto v = f->latest()) check(v->dir, v->version);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  const std::vector<std::string> stores_;
  const std::vector<const ModelFetcher*> fetchers_;
  const std::map<int, Files> expected_;
  std::set<std::string> seen_;
  std::string failures_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(ModelManifest, DescribesADirectoryAndRefusesWhatCannotTravel) {
  ScratchDir learner;
  const Files files = model_files(1000, 1);
  const std::string dir = publish_files(learner.path(), 0, files);
  const ModelManifest m = describe_model_dir(dir, 0, 300);
  ASSERT_EQ(m.files.size(), 3u);
  EXPECT_EQ(m.files[0].name, "config.json");  // sorted by name
  EXPECT_EQ(m.files[2].name, "model.safetensors");
  const std::string& weights = files.at("model.safetensors");
  EXPECT_EQ(m.files[2].bytes, 1000u);
  EXPECT_EQ(m.files[2].xxh64, xxh64(weights));
  ASSERT_EQ(m.files[2].chunks.size(), 4u);  // 300 + 300 + 300 + 100
  EXPECT_EQ(m.files[2].chunks[3], xxh64(weights.substr(900)));
  EXPECT_EQ(m.chunk_size(2, 3), 100u);
  EXPECT_TRUE(m.files[1].chunks.empty());  // the empty file
  EXPECT_EQ(m.total_bytes(), 1000u + files.at("config.json").size());
  EXPECT_EQ(parse_manifest(to_json(m), 1 << 20), m);

  auto refused = [&](const std::function<void(nlohmann::json&)>& change) {
    nlohmann::json j = to_json(m);
    change(j);
    return error_of([&] { parse_manifest(j, 1 << 20); });
  };
  EXPECT_NE(refused([](auto& j) { j["version"] = 10000; }).find("over 9999"), std::string::npos);
  EXPECT_NE(refused([](auto& j) { j["version"] = -1; }).find("version"), std::string::npos);
  EXPECT_NE(refused([](auto& j) { j["chunk_bytes"] = 0; }).find("chunk_bytes"), std::string::npos);
  EXPECT_NE(refused([](auto& j) { j["chunk_bytes"] = 2 << 20; }).find("chunk_bytes"), std::string::npos);
  for (const char* name : {"../x", "a/b", ".hidden", ""})
    EXPECT_NE(refused([&](auto& j) { j["files"][0]["name"] = name; }).find("plain file name"),
              std::string::npos)
        << name;
  EXPECT_NE(refused([](auto& j) { j["files"][1]["name"] = "config.json"; }).find("twice"), std::string::npos);
  EXPECT_NE(refused([](auto& j) { j["files"][2]["chunks"].erase(0); }).find("one hash per chunk"),
            std::string::npos);
  EXPECT_NE(refused([](auto& j) { j["files"][2]["chunks"][0] = "\x01zz"; }).find("16 lowercase hex"),
            std::string::npos);
  EXPECT_NE(refused([](auto& j) { j["files"] = 3; }).find("files"), std::string::npos);
  EXPECT_NE(error_of([] { parse_manifest(nlohmann::json::array(), 1 << 20); }), "(no error)");

  fs::create_directory(dir + "/sub");
  EXPECT_NE(error_of([&] { describe_model_dir(dir, 0); }).find("flat directory"), std::string::npos);
  EXPECT_NE(error_of([&] { describe_model_dir(learner / "missing", 0); }).find("does not exist"),
            std::string::npos);
}

TEST(ModelPublication, SeveralFetchersGetByteIdenticalFiles) {
  ScratchDir learner, a, b, c;
  const Files files = model_files((3 << 20) + 123, 7);  // 3 MB and a last chunk cut short
  const std::string source = publish_files(learner.path(), 1, files);
  ModelPublisher publisher(publisher_options(256 << 10));
  std::vector<std::unique_ptr<ModelFetcher>> fetchers;
  for (const ScratchDir* store : {&a, &b, &c}) {
    FetcherOptions o = fetcher_options(publisher, store->path());
    o.window = 3;
    fetchers.push_back(std::make_unique<ModelFetcher>(o));
    EXPECT_FALSE(fetchers.back()->latest());
  }
  CompletenessWatcher watcher({a.path(), b.path(), c.path()},
                              {fetchers[0].get(), fetchers[1].get(), fetchers[2].get()}, {{1, files}});
  const ModelManifest announced = publisher.publish(1, source);
  for (auto& f : fetchers) {
    const auto v = f->wait_newer(-1, kPatience);
    ASSERT_TRUE(v) << f->stats().dump();
    EXPECT_EQ(v->version, 1);
    EXPECT_EQ(directory_bytes(v->dir), files);
    EXPECT_EQ(v->xxh64, xxh64(files.at("model.safetensors")));
    const nlohmann::json s = f->stats();
    EXPECT_EQ(counter(s, "chunks"), announced.total_chunks()) << s.dump();
    EXPECT_EQ(counter(s, "bytes"), announced.total_bytes());
    EXPECT_EQ(counter(s, "corrupt_chunks"), 0u);
    EXPECT_EQ(counter(s, "installed"), 1u);
  }
  EXPECT_EQ(watcher.stop(), "");
  EXPECT_GE(watcher.checked(), 3u);
  for (const ScratchDir* store : {&a, &b, &c})  // the version and nothing else: no staging left
    EXPECT_EQ(std::distance(fs::directory_iterator(store->path()), fs::directory_iterator()), 1);
  EXPECT_GE(counter(publisher.stats(), "chunks_sent"), 3 * announced.total_chunks());
}

TEST(ModelPublication, AFlippedBitIsRefusedFetchedAgainAndNeverInstalled) {
  ScratchDir learner, store;
  const Files files = model_files(1 << 20, 8);
  const std::string source = publish_files(learner.path(), 2, files);
  PublisherOptions po = publisher_options(64 << 10);
  std::atomic<int> flipped{0};
  po.tamper = [&](int, size_t file, size_t chunk, std::string& bytes) {
    if (file == 2 && chunk == 5 && flipped < 2) {  // model.safetensors, twice
      bytes[100] ^= 0x10;
      ++flipped;
    }
  };
  ModelPublisher publisher(po);
  ModelFetcher fetcher(fetcher_options(publisher, store.path()));
  CompletenessWatcher watcher({store.path()}, {&fetcher}, {{2, files}});
  publisher.publish(2, source);
  const auto v = fetcher.wait_newer(-1, kPatience);
  ASSERT_TRUE(v) << fetcher.stats().dump();
  EXPECT_EQ(flipped, 2);
  EXPECT_EQ(directory_bytes(v->dir), files);
  const nlohmann::json s = fetcher.stats();
  EXPECT_EQ(counter(s, "corrupt_chunks"), 2u) << s.dump();
  EXPECT_EQ(s["dropped"].value("checksum", 0), 2);
  EXPECT_EQ(counter(s, "installed"), 1u);
  EXPECT_EQ(watcher.stop(), "");
}

TEST(ModelPublication, RogueRequestsAreDroppedAndCountedAndServiceGoesOn) {
  ScratchDir learner, store;
  const Files files = model_files(100000, 9);
  ModelPublisher publisher(publisher_options(64 << 10));
  publisher.publish(0, publish_files(learner.path(), 0, files));
  zmq::context_t context(1);
  zmq::socket_t rogue(context, zmq::socket_type::dealer);
  rogue.set(zmq::sockopt::linger, 0);
  rogue.connect(publisher.fetch_endpoint());
  auto send = [&](MessageType type, nlohmann::json header, std::string blob = {}) {
    rogue.send(zmq::buffer(encode(Message{type, 1, std::move(header), std::move(blob)})),
               zmq::send_flags::none);
  };
  rogue.send(zmq::buffer(std::string("garbage")), zmq::send_flags::none);
  send(MessageType::kChunkRequest, {{"version", 0}, {"file", 7}, {"chunk", 0}});  // no such file
  send(MessageType::kChunkRequest, {{"version", "zero"}});
  send(MessageType::kChunk, {{"version", 0}, {"file", 0}, {"chunk", 0}}, "bytes");  // the wrong way
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  nlohmann::json dropped;
  while (std::chrono::steady_clock::now() < deadline) {
    dropped = publisher.stats()["dropped"];
    if (dropped.value("short", 0) == 1 && dropped.value("unexpected", 0) == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(dropped, (nlohmann::json{{"short", 1}, {"unexpected", 3}}));
  // A request for a version not served gets the newest announcement instead.
  send(MessageType::kChunkRequest, {{"version", 5}, {"file", 0}, {"chunk", 0}});
  zmq::pollitem_t item{static_cast<void*>(rogue), 0, ZMQ_POLLIN, 0};
  ASSERT_EQ(zmq::poll(&item, 1, std::chrono::milliseconds(5000)), 1);
  zmq::message_t reply;
  ASSERT_TRUE(rogue.recv(reply, zmq::recv_flags::none));
  const Decoded d = decode(reply.to_string_view());
  ASSERT_TRUE(d.message);
  EXPECT_EQ(d.message->type, MessageType::kModelAnnounce);
  EXPECT_EQ(d.message->header["version"], 0);
  EXPECT_EQ(counter(publisher.stats(), "stale_requests"), 1u);

  ModelFetcher fetcher(fetcher_options(publisher, store.path()));
  const auto v = fetcher.wait_newer(-1, kPatience);
  ASSERT_TRUE(v);
  EXPECT_EQ(directory_bytes(v->dir), files);
}

TEST(ModelPublication, AStoppedOrKilledFetcherLeavesNoVersionBehind) {
  ScratchDir learner, store;
  const Files files = model_files(4 << 20, 10);
  const std::string source = publish_files(learner.path(), 1, files);
  ModelPublisher publisher(publisher_options(64 << 10));  // 64 chunks of weights
  publisher.publish(1, source);
  {
    FetcherOptions o = fetcher_options(publisher, store.path());
    o.window = 2;
    std::atomic<bool> midway{false};
    o.after_chunk = [&](int, size_t written) {
      if (written == 5) {
        midway = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // stopped meanwhile
      }
    };
    ModelFetcher fetcher(o);
    const auto until = std::chrono::steady_clock::now() + kPatience;
    while (!midway && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_TRUE(midway);
    EXPECT_TRUE(fs::exists(store / ".fetch-v0001"));  // staged, hidden
    EXPECT_TRUE(selfplay::list_versions(store.path()).empty());
    EXPECT_FALSE(fetcher.latest());
  }
  EXPECT_TRUE(fs::is_empty(store.path())) << "a stopped fetcher removes its staging directory";

  // What a killed fetcher (and a killed publication) leave: hidden, removed at the next start.
  fs::create_directory(store / ".fetch-v0001");
  testing::write_bytes(store / ".fetch-v0001/model.safetensors", "half a model");
  fs::create_directory(store / ".v0001.tmp-12345");
  EXPECT_TRUE(selfplay::list_versions(store.path()).empty());
  ModelFetcher again(fetcher_options(publisher, store.path()));
  EXPECT_FALSE(fs::exists(store / ".v0001.tmp-12345"));
  const auto v = again.wait_newer(-1, kPatience);
  ASSERT_TRUE(v);
  EXPECT_EQ(directory_bytes(v->dir), files);
  EXPECT_FALSE(fs::exists(store / ".fetch-v0001"));
  EXPECT_NE(error_of([&] {
              ModelFetcher second(fetcher_options(publisher, store.path()));
            }).find("another fetcher"),
            std::string::npos);
}

TEST(ModelPublication, ANewerVersionWhileFetchingEndsWithTheNewest) {
  ScratchDir learner, store;
  const Files v1 = model_files(8 << 20, 11), v2 = model_files(2 << 20, 12);
  const std::string dir1 = publish_files(learner.path(), 1, v1), dir2 = publish_files(learner.path(), 2, v2);
  ModelPublisher publisher(publisher_options(64 << 10));
  publisher.publish(1, dir1);
  FetcherOptions o = fetcher_options(publisher, store.path());
  o.window = 2;
  o.after_chunk = [&](int version, size_t written) {
    if (version == 1 && written == 3) publisher.publish(2, dir2);  // while v1 is far from done
  };
  ModelFetcher fetcher(o);
  CompletenessWatcher watcher({store.path()}, {&fetcher}, {{1, v1}, {2, v2}});
  std::optional<selfplay::ModelVersion> v;
  for (auto until = std::chrono::steady_clock::now() + kPatience;
       std::chrono::steady_clock::now() < until && !(v && v->version == 2);)
    v = fetcher.wait_newer(v ? v->version : -1, std::chrono::milliseconds(500));
  ASSERT_TRUE(v) << fetcher.stats().dump();
  EXPECT_EQ(v->version, 2);
  EXPECT_EQ(directory_bytes(v->dir), v2);
  EXPECT_EQ(selfplay::list_versions(store.path()), std::vector<int>{2});
  EXPECT_EQ(counter(fetcher.stats(), "abandoned"), 1u);
  EXPECT_EQ(watcher.stop(), "");
  EXPECT_THROW(publisher.publish(1, dir1), std::invalid_argument);  // never back
}

TEST(ModelPublication, AFetchResumesAfterTheLearnerRestarts) {
  ScratchDir learner, store;
  const Files files = model_files(2 << 20, 13);
  const std::string source = publish_files(learner.path(), 3, files);
  auto first = std::make_unique<ModelPublisher>(publisher_options(64 << 10));
  PublisherOptions same = publisher_options(64 << 10);
  same.announce_bind = first->announce_endpoint();
  same.fetch_bind = first->fetch_endpoint();
  const ModelManifest announced = first->publish(3, source);

  FetcherOptions o = fetcher_options(*first, store.path());
  o.window = 2;
  o.request_timeout_s = 0.3;
  std::atomic<bool> midway{false}, restarted{false};
  o.after_chunk = [&](int, size_t written) {
    if (written == 8) {
      midway = true;
      while (!restarted) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // The restarted learner's announcements of the same version arrive mid-fetch.
    if (written == 10) std::this_thread::sleep_for(std::chrono::milliseconds(600));
  };
  ModelFetcher fetcher(o);
  const auto until = std::chrono::steady_clock::now() + kPatience;
  while (!midway && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(midway);
  first.reset();  // the learner is gone, requests in flight with it
  ModelPublisher second(same);
  second.publish(3, source);  // what a restarted learner finds in its store
  restarted = true;

  const auto v = fetcher.wait_newer(-1, kPatience);
  ASSERT_TRUE(v) << fetcher.stats().dump();
  EXPECT_EQ(directory_bytes(v->dir), files);
  const nlohmann::json s = fetcher.stats();
  // Resumed, not started again: every chunk written once.
  EXPECT_EQ(counter(s, "chunks"), announced.total_chunks()) << s.dump();
  EXPECT_EQ(counter(s, "abandoned"), 0u);
  EXPECT_GE(counter(second.stats(), "chunks_sent"), 1u);
}

TEST(ModelPublication, TheModelSourceYieldsOnlyCompleteVersionsAndNeverGoesBack) {
  ScratchDir learner, store;
  const Files old_files = model_files(5000, 14), files = model_files(5000, 15);
  // A store that already holds v4: the source has it at once and ignores older announcements.
  publish_files(store.path(), 4, files);
  ModelPublisher publisher(publisher_options(1024));
  publisher.publish(3, publish_files(learner.path(), 3, old_files));
  ModelFetcher fetcher(fetcher_options(publisher, store.path()));
  const selfplay::ModelSource& source = fetcher;
  ASSERT_TRUE(source.latest());
  EXPECT_EQ(source.latest()->version, 4);
  EXPECT_EQ(source.latest()->xxh64, xxh64(files.at("model.safetensors")));
  EXPECT_FALSE(source.wait_newer(4, std::chrono::milliseconds(600)));  // v3 announced meanwhile
  EXPECT_GE(counter(fetcher.stats(), "announcements"), 1u);
  EXPECT_EQ(counter(fetcher.stats(), "chunks"), 0u);
  EXPECT_EQ(selfplay::list_versions(store.path()), std::vector<int>{4});

  publisher.publish(5, publish_files(learner.path(), 5, old_files));
  const auto v = source.wait_newer(4, kPatience);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->version, 5);
  EXPECT_EQ(directory_bytes(v->dir), old_files);
  fetcher.close();
  EXPECT_FALSE(source.wait_newer(0, std::chrono::milliseconds(100))) << "closed";
}

TEST(ModelPublication, CurveAdmitsListedKeysOnly) {
  const KeyPair server = generate_key_pair(), listed = generate_key_pair(), unlisted = generate_key_pair();
  ScratchDir learner, in, out;
  const Files files = model_files(200000, 16);
  PublisherOptions po = publisher_options(64 << 10);
  po.curve.keys = server;
  po.curve.authorized = {listed.public_key};
  ModelPublisher publisher(po);
  publisher.publish(1, publish_files(learner.path(), 1, files));

  FetcherOptions stranger = fetcher_options(publisher, out.path());
  stranger.curve = {unlisted, server.public_key};
  ModelFetcher refused(stranger);
  FetcherOptions member = fetcher_options(publisher, in.path());
  member.curve = {listed, server.public_key};
  ModelFetcher admitted(member);
  const auto v = admitted.wait_newer(-1, kPatience);
  ASSERT_TRUE(v);
  EXPECT_EQ(directory_bytes(v->dir), files);
  EXPECT_FALSE(refused.wait_newer(-1, std::chrono::milliseconds(1000)));
  EXPECT_EQ(counter(refused.stats(), "announcements"), 0u);
  EXPECT_GE(counter(publisher.stats(), "refused_keys"), 2u);  // its PUB and its ROUTER connections
  EXPECT_TRUE(fs::is_empty(out.path()));
}

}  // namespace
}  // namespace traceplay::distributed
