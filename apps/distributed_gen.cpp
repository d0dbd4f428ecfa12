#include "apps/distributed_gen.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "apps/sibling_binary.h"
#include "core/dataset_builder.h"
#include "core/error.h"
#include "core/hash.h"

extern char** environ;

namespace traceplay::apps {

namespace fs = std::filesystem;

nlohmann::json dataset_spec_to_json(const DatasetSpec& spec) {
  nlohmann::json t = nlohmann::json::object();
  auto put = [&t](const char* key, const auto& value) {
    if (value) t[key] = *value;
  };
  put("domain", spec.domain);
  put("size", spec.size);
  put("width", spec.width);
  put("height", spec.height);
  put("walls", spec.walls);
  put("boxes", spec.boxes);
  if (spec.levels) t["levels"] = fs::absolute(*spec.levels).string();
  if (spec.problems) t["problems"] = fs::absolute(*spec.problems).string();
  put("max_expansions", spec.max_expansions);
  put("max_trace_tokens", spec.max_trace_tokens);
  put("horizon", spec.horizon);
  put("safe_liberties", spec.safe_liberties);
  put("max_nodes", spec.max_nodes);
  put("simulations", spec.simulations);
  put("c_puct", spec.c_puct);
  put("rollouts", spec.rollouts);
  put("prior", spec.prior);
  put("count", spec.count);
  put("seed", spec.seed);
  put("deterministic", spec.deterministic);
  put("test_fraction", spec.test_fraction);
  put("shard_records", spec.shard_records);
  return t;
}

namespace {

std::string job_id(const DatasetSpec& spec, const TraceSource& source) {
  return hex16(xxh64(dataset_header(source, build_options(spec, false, false)).identity().dump()));
}

}  // namespace

nlohmann::json gen_job(const DatasetSpec& spec) {
  const auto source = make_source(spec);
  return {{"kind", "gen"},
          {"id", job_id(spec, *source)},
          {"seed", *spec.seed},
          {"spec", dataset_spec_to_json(spec)}};
}

distributed::GenJob make_gen_job(const nlohmann::json& job) {
  if (!job.is_object() || job.value("kind", std::string()) != "gen" || !job.contains("spec"))
    throw UserError("the learner sent a job this actor cannot do (not a \"gen\" job)");
  const DatasetSpec spec = dataset_spec_from_json(job["spec"], "the learner's job");
  distributed::GenJob out;
  out.source = make_source(spec);
  out.seed = *spec.seed;
  out.id = job_id(spec, *out.source);
  return out;
}

namespace {

// N `traceplay actor` processes on this machine, ended with the producer.
class LocalActors {
 public:
  LocalActors(const std::string& endpoint, const std::string& dir, int count, int threads) {
    const std::string binary = sibling_binary("traceplay");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw UserError("cannot create " + dir + ": " + ec.message());
    for (int i = 0; i < count; ++i) {
      std::vector<std::string> args = {binary,      "actor",
                                       "--connect", endpoint,
                                       "--threads", std::to_string(threads),
                                       "--outbox",  dir + "/a" + std::to_string(i),
                                       "--name",    "local-" + std::to_string(i),
                                       "--quiet"};
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      pid_t pid = 0;
      if (::posix_spawn(&pid, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
        stop(SIGTERM);
        throw UserError("cannot start " + binary + " actor");
      }
      pids_.push_back(pid);
    }
  }
  ~LocalActors() { stop(SIGTERM); }

  // Throws when every actor has exited (none is left to make layouts).
  void check() {
    for (size_t i = 0; i < pids_.size(); ++i) {
      if (pids_[i] <= 0) continue;
      int status = 0;
      if (::waitpid(pids_[i], &status, WNOHANG) == pids_[i]) {
        pids_[i] = 0;
        codes_ +=
            (codes_.empty() ? "" : ", ") + (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                                              : "signal " + std::to_string(WTERMSIG(status)));
      }
    }
    for (pid_t p : pids_)
      if (p > 0) return;
    throw UserError("every local actor exited before the dataset was complete (" + codes_ + ")");
  }

  // Waits for the actors (told "done" by the learner) up to `grace`, then sends `signal`.
  void stop(int signal, std::chrono::milliseconds grace = std::chrono::milliseconds(0)) {
    const auto deadline = std::chrono::steady_clock::now() + grace;
    for (pid_t& p : pids_) {
      if (p <= 0) continue;
      int status = 0;
      while (::waitpid(p, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
          ::kill(p, signal);
          ::waitpid(p, &status, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      p = 0;
    }
  }

 private:
  std::vector<pid_t> pids_;
  std::string codes_;
};

// The learner, the actors it started, and the cleanup of both.
class LearnerProducer : public LayoutProducer {
 public:
  LearnerProducer(distributed::LearnerOptions options, const DatasetSpec& spec, const std::string& out_dir,
                  int local_actors, const LayoutRange& range, std::shared_ptr<nlohmann::json> stats_out)
      : out_dir_(out_dir), stats_out_(std::move(stats_out)) {
    if (local_actors > 0)
      options.watchdog = [this] {
        if (actors_) actors_->check();
      };
    learner_ = std::make_unique<distributed::GenLearner>(options, gen_job(spec),
                                                         out_dir + "/" + kSpoolDirName, range);
    if (!options.quiet)
      std::fprintf(stderr, "learner: serving %s at %s\n", out_dir.c_str(), learner_->endpoint().c_str());
    if (local_actors > 0) {
      const int threads = std::max(1, range.threads / local_actors);
      actors_ = std::make_unique<LocalActors>(learner_->endpoint(), out_dir + "/" + kLocalActorsDirName,
                                              local_actors, threads);
    }
  }

  ~LearnerProducer() override {
    // Done: the actors heard it from the learner and exit; interrupted: they are stopped.
    if (actors_)
      actors_->stop(SIGTERM, done_ ? std::chrono::milliseconds(10000) : std::chrono::milliseconds(0));
    actors_.reset();
    learner_.reset();  // after its last DONE
    if (done_) remove_work_dirs(out_dir_);
  }

  PreparedLayout take(uint64_t k) override {
    PreparedLayout layout = learner_->take(k);
    if (stats_out_) *stats_out_ = learner_->stats();
    return layout;
  }
  void committed(uint64_t next_layout) override { learner_->committed(next_layout); }
  void finished() override {
    done_ = true;
    learner_->finished();
    if (stats_out_) *stats_out_ = learner_->stats();
  }

 private:
  std::string out_dir_;
  std::unique_ptr<distributed::GenLearner> learner_;
  std::unique_ptr<LocalActors> actors_;
  bool done_ = false;
  std::shared_ptr<nlohmann::json> stats_out_;
};

}  // namespace

LayoutProducerFactory learner_producer(const distributed::LearnerOptions& options, const DatasetSpec& spec,
                                       const std::string& out_dir, int local_actors,
                                       std::shared_ptr<nlohmann::json> stats_out) {
  return [=](const TraceSource&, const LayoutRange& range) -> std::unique_ptr<LayoutProducer> {
    return std::make_unique<LearnerProducer>(options, spec, out_dir, local_actors, range, stats_out);
  };
}

}  // namespace traceplay::apps
