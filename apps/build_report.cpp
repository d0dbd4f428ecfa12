#include "apps/build_report.h"

#include <cstdio>

namespace traceplay::apps {

void print_build_result(const BuildResult& r, const std::string& out, bool json, const std::string& command,
                        const nlohmann::json& learner) {
  const auto& m = r.manifest;
  const std::string counts = std::to_string(m.train) + " train + " + std::to_string(m.test) + " test records";
  switch (r.status) {
    case BuildStatus::kAlreadyDone:
      std::printf("%s: already done (%s %s, %zu shard%s)\n", out.c_str(), m.domain.c_str(), counts.c_str(),
                  m.shards.size(), m.shards.size() == 1 ? "" : "s");
      break;
    case BuildStatus::kInterrupted:
      std::fprintf(stderr,
                   "traceplay %s: interrupted; %llu records in finished shards are kept; "
                   "run the same command to resume\n",
                   command.c_str(), static_cast<unsigned long long>(m.train + m.test));
      break;
    case BuildStatus::kBuilt:
      std::printf("%s: %s dataset, %s in %zu shard%s (%.1f s, %.0f records/s%s)\n", out.c_str(),
                  m.domain.c_str(), counts.c_str(), m.shards.size(), m.shards.size() == 1 ? "" : "s",
                  r.seconds, r.seconds > 0 ? static_cast<double>(r.records_made) / r.seconds : 0.0,
                  r.resumed_from ? (", resumed after " + std::to_string(r.resumed_from)).c_str() : "");
      break;
  }
  if (json) {
    nlohmann::json summary = r.summary(out);
    if (!learner.is_null()) summary["learner"] = learner;  // a distributed build's counters
    std::printf("%s\n", summary.dump().c_str());
  }
  std::fflush(stdout);
}

}  // namespace traceplay::apps
