// `traceplay inspect DIR`: the manifest summary of a dataset, its shards verified
// (xxh64, zstd stream, record counts), and the first records decoded back to tokens.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/commands.h"
#include "core/dataset.h"
#include "core/error.h"
#include "core/hash.h"

namespace traceplay::apps {

namespace {

struct InspectArgs {
  std::string dir, split = "train";
  int records = 2;
  bool json = false;
};

std::string join(const std::vector<std::string>& tokens, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    if (i > from) out += ' ';
    out += tokens[i];
  }
  return out;
}

// Long traces show their first 8 and last 4 steps (5 tokens a maze step).
std::string abbreviated(const std::vector<std::string>& tokens) {
  constexpr size_t kHead = 40, kTail = 20;
  if (tokens.size() <= kHead + kTail + 10) return join(tokens, 0, tokens.size());
  return join(tokens, 0, kHead) + " ... (" + std::to_string(tokens.size() - kHead - kTail) + " more) ... " +
         join(tokens, tokens.size() - kTail, tokens.size());
}

std::string lengths_line(const char* name, const LengthSummary& l) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%s %llu/%.1f/%llu", name, static_cast<unsigned long long>(l.min), l.mean,
                static_cast<unsigned long long>(l.max));
  return buf;
}

void print_text(const DatasetReader& reader, Split split, const std::vector<DatasetRecord>& records) {
  const Manifest& m = reader.manifest();
  std::printf("dataset     %s (%s v%d, traceplay %s, git %s)\n", reader.dir().c_str(), Manifest::kFormat,
              Manifest::kVersion, m.traceplay_version.c_str(), m.git_sha.c_str());
  std::printf("domain      %s %s\n", m.domain.c_str(), m.params.dump().c_str());
  std::printf("seed        %llu, %s A*, test fraction %g\n", static_cast<unsigned long long>(m.seed),
              m.deterministic ? "deterministic" : "non-deterministic", m.test_fraction);
  std::printf("records     train %llu, test %llu\n", static_cast<unsigned long long>(m.train),
              static_cast<unsigned long long>(m.test));
  std::printf("vocabulary  %zu tokens\n", m.vocabulary.size());
  std::printf("lengths     min/mean/max  %s  %s  %s\n", lengths_line("prompt", m.prompt_lengths).c_str(),
              lengths_line("trace", m.trace_lengths).c_str(), lengths_line("plan", m.plan_lengths).c_str());
  std::printf("shards      %zu, all verified (xxh64, zstd stream, record count)\n", m.shards.size());
  constexpr size_t kListed = 10;
  for (size_t i = 0; i < m.shards.size() && i < kListed; ++i)
    std::printf("  %-24s %8llu records  xxh64 %s\n", m.shards[i].file.c_str(),
                static_cast<unsigned long long>(m.shards[i].records), hex16(m.shards[i].xxh64).c_str());
  if (m.shards.size() > kListed) std::printf("  ... and %zu more\n", m.shards.size() - kListed);
  const Vocabulary& vocabulary = reader.vocabulary();
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    std::printf("\n%s record %zu: id %s, layout %s, meta %s\n", split_name(split), i, hex16(r.id).c_str(),
                hex16(r.layout).c_str(), r.meta.dump().c_str());
    std::printf("  prompt (%zu): %s\n", r.prompt.size(),
                join(vocabulary.decode(r.prompt), 0, r.prompt.size()).c_str());
    std::printf("  trace (%zu): %s\n", r.trace.size(), abbreviated(vocabulary.decode(r.trace)).c_str());
    std::printf("  plan (%zu): %s\n", r.plan.size(),
                join(vocabulary.decode(r.plan), 0, r.plan.size()).c_str());
  }
}

nlohmann::json summary_json(const DatasetReader& reader, Split split,
                            const std::vector<DatasetRecord>& records) {
  const Manifest& m = reader.manifest();
  nlohmann::json shards = nlohmann::json::array();
  for (const auto& s : m.shards)
    shards.push_back({{"file", s.file}, {"records", s.records}, {"xxh64", hex16(s.xxh64)}});
  auto lengths = [](const LengthSummary& l) {
    return nlohmann::json{{"min", l.min}, {"mean", l.mean}, {"max", l.max}};
  };
  nlohmann::json out_records = nlohmann::json::array();
  for (const auto& r : records)
    out_records.push_back({{"id", hex16(r.id)},
                           {"layout", hex16(r.layout)},
                           {"prompt", reader.vocabulary().decode(r.prompt)},
                           {"trace", reader.vocabulary().decode(r.trace)},
                           {"plan", reader.vocabulary().decode(r.plan)},
                           {"meta", r.meta}});
  return {{"dir", reader.dir()},
          {"domain", m.domain},
          {"params", m.params},
          {"seed", m.seed},
          {"deterministic", m.deterministic},
          {"test_fraction", m.test_fraction},
          {"counts", {{"train", m.train}, {"test", m.test}}},
          {"vocabulary_size", m.vocabulary.size()},
          {"lengths",
           {{"prompt", lengths(m.prompt_lengths)},
            {"trace", lengths(m.trace_lengths)},
            {"plan", lengths(m.plan_lengths)}}},
          {"shards", shards},
          {"verified", true},
          {"created_by", {{"traceplay", m.traceplay_version}, {"git", m.git_sha}}},
          {"split", split_name(split)},
          {"records", out_records}};
}

}  // namespace

void add_inspect_command(CLI::App& app, int& exit_code) {
  auto* cmd =
      app.add_subcommand("inspect", "Summarize and verify a dataset; show its first records as tokens");
  auto a = std::make_shared<InspectArgs>();
  cmd->add_option("dir", a->dir, "Dataset directory")->required();
  cmd->add_option("--records", a->records, "Records to show (default 2)")->check(CLI::Range(0, 1000000));
  cmd->add_option("--split", a->split, "train | test (default train)");
  cmd->add_flag("--json", a->json, "Print one JSON object (summary and decoded records) as the last line");
  cmd->callback([&exit_code, a] {
    const Split split = parse_split(a->split, "--split");
    const DatasetReader reader(a->dir);
    reader.verify();
    std::vector<DatasetRecord> records;
    if (a->records > 0)
      reader.for_each(split, [&](const DatasetRecord& r) {
        records.push_back(r);
        return records.size() < static_cast<size_t>(a->records);
      });
    if (a->json) std::printf("%s\n", summary_json(reader, split, records).dump().c_str());
    else print_text(reader, split, records);
    exit_code = kExitOk;
  });
}

}  // namespace traceplay::apps
