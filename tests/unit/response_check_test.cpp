// Checking responses against real dataset records (made by the dataset's own sources):
// a record's own trace + plan is correct and optimal; walls, jumps, wrong goals,
// detours, malformed and truncated responses are not, each with a reason.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/hash.h"
#include "models/astar_reference.h"
#include "models/response_check.h"
#include "models/samples_file.h"
#include "search/maze_source.h"
#include "search/maze_trace.h"
#include "search/plan_tokens.h"
#include "search/sokoban_source.h"
#include "tests/unit/dataset_test_util.h"

namespace traceplay::models {
namespace {

using testing::error_of;

struct Source {
  std::unique_ptr<TraceSource> source;
  Manifest manifest;
  std::vector<DatasetRecord> records;
};

Source maze_records(int size, size_t want) {
  search::MazeSourceParams params;
  params.width = params.height = size;
  Source s{search::make_maze_source(params), {}, {}};
  s.manifest.domain = "maze";
  s.manifest.params = s.source->params();
  s.manifest.vocabulary = s.source->vocabulary().tokens();
  auto worker = s.source->make_worker();
  for (uint64_t k = 0; s.records.size() < want; ++k)
    for (auto& r : worker->generate(7, k)) s.records.push_back(std::move(r));
  s.records.resize(want);
  return s;
}

Source sokoban_records(size_t want) {
  search::SokobanSourceParams params;
  params.cost_tokens = 200;
  Source s{search::make_sokoban_source(params), {}, {}};
  s.manifest.domain = "sokoban";
  s.manifest.params = s.source->params();
  s.manifest.vocabulary = s.source->vocabulary().tokens();
  auto worker = s.source->make_worker();
  for (uint64_t k = 0; s.records.size() < want; ++k)
    for (auto& r : worker->generate(3, k)) s.records.push_back(std::move(r));
  return s;
}

// `bos trace plan eos` of a record, as token strings.
std::vector<std::string> response_of(const Source& s, const DatasetRecord& r, bool with_trace = true) {
  const auto& v = s.source->vocabulary();
  std::vector<std::string> out{"bos"};
  if (with_trace)
    for (auto t : v.decode(r.trace)) out.push_back(t);
  for (auto t : v.decode(r.plan)) out.push_back(t);
  out.push_back("eos");
  return out;
}

std::vector<std::string> with_plan(std::vector<Pos> plan) {
  std::vector<std::string> out{"bos"};
  for (const auto& t : search::plan_tokens(plan)) out.push_back(t);
  out.push_back("eos");
  return out;
}

std::vector<Pos> plan_of(const EvalTask& task, const std::vector<std::string>& response) {
  return search::parse_plan_response(response, std::max(task.width, task.height)).plan;
}

TEST(ResponseCheck, RecordsOwnResponsesAreCorrectAndOptimal) {
  const Source s = maze_records(6, 20);
  for (const auto& r : s.records) {
    const EvalTask task = eval_task_from_record(r, s.manifest, s.source->vocabulary(), "test");
    EXPECT_EQ(task.id, r.id);
    EXPECT_EQ(hash_tokens(task.prompt), r.id);
    EXPECT_EQ(task.reference_plan_positions, static_cast<int>(r.plan.size() / 3));
    const ResponseCheck full = check_response(task, response_of(s, r));
    EXPECT_TRUE(full.outcome.correct) << *full.reason;
    EXPECT_TRUE(full.outcome.optimal);
    EXPECT_FALSE(full.reason);
    EXPECT_EQ(full.outcome.trace_tokens, static_cast<int>(r.trace.size()));
    EXPECT_EQ(full.outcome.plan_positions, task.reference_plan_positions);
    const ResponseCheck plan_only = check_response(task, response_of(s, r, false));
    EXPECT_TRUE(plan_only.outcome.optimal);
    EXPECT_EQ(plan_only.outcome.trace_tokens, 0);
  }
}

TEST(ResponseCheck, WrongPlansAreNotCorrectAndSayWhy) {
  const Source s = maze_records(6, 10);
  for (const auto& r : s.records) {
    const EvalTask task = eval_task_from_record(r, s.manifest, s.source->vocabulary(), "test");
    const std::vector<Pos> plan = plan_of(task, response_of(s, r));
    ASSERT_GE(plan.size(), 6u);  // the generator keeps plans of at least max(W, H) positions

    auto into_wall = plan;
    into_wall[1] = task.maze->walls().front();
    const ResponseCheck wall = check_response(task, with_plan(into_wall));
    EXPECT_FALSE(wall.outcome.correct);
    EXPECT_FALSE(wall.outcome.optimal);
    ASSERT_TRUE(wall.reason);
    EXPECT_NE(wall.reason->find("step 1"), std::string::npos) << *wall.reason;
    EXPECT_NE(wall.reason->find("is a wall"), std::string::npos) << *wall.reason;

    auto jump = plan;
    jump.erase(jump.begin() + 2);
    const ResponseCheck jumped = check_response(task, with_plan(jump));
    EXPECT_FALSE(jumped.outcome.correct);
    EXPECT_NE(jumped.reason->find("not adjacent"), std::string::npos) << *jumped.reason;

    auto short_of_goal = plan;
    short_of_goal.pop_back();
    const ResponseCheck missed = check_response(task, with_plan(short_of_goal));
    EXPECT_FALSE(missed.outcome.correct);
    EXPECT_NE(missed.reason->find("does not end at the goal"), std::string::npos) << *missed.reason;

    auto wrong_start = plan;
    wrong_start.erase(wrong_start.begin());
    EXPECT_NE(check_response(task, with_plan(wrong_start)).reason->find("does not begin at the start"),
              std::string::npos);

    // A detour (there and back again) replays but is two positions longer than l*.
    auto detour = plan;
    detour.insert(detour.begin() + 1, {plan[1], plan[0]});
    const ResponseCheck longer = check_response(task, with_plan(detour));
    EXPECT_TRUE(longer.outcome.correct) << *longer.reason;
    EXPECT_FALSE(longer.outcome.optimal);
    EXPECT_FALSE(longer.reason);
    EXPECT_EQ(longer.outcome.plan_positions, task.reference_plan_positions + 2);
  }
}

TEST(ResponseCheck, MalformedAndTruncatedResponses) {
  const Source s = maze_records(5, 1);
  const DatasetRecord& r = s.records[0];
  const EvalTask task = eval_task_from_record(r, s.manifest, s.source->vocabulary(), "test");
  const struct {
    std::vector<std::string> tokens;
    int trace_tokens;
    const char* reason;
  } cases[] = {
      {{"bos", "create", "0", "0", "eos"}, 3, "token 4: expected a \"plan\" token, got \"eos\""},
      {{"bos"}, 0, "token 1: expected a \"plan\" token, got the end of the response"},
      {{"bos", "close", "plan", "1", "wall", "eos"},
       1,
       "token 4: expected a y coordinate below 5, got \"wall\""},
      {{"bos", "plan", "0", "0", "eos", "eos"}, 0, "token 5: expected nothing after \"eos\", got \"eos\""},
      {{"bos", "plan", "0", "7", "eos"}, 0, "token 3: expected a y coordinate below 5, got \"7\""},
  };
  for (const auto& c : cases) {
    const ResponseCheck got = check_response(task, c.tokens);
    EXPECT_FALSE(got.outcome.correct);
    EXPECT_EQ(got.outcome.trace_tokens, c.trace_tokens);
    ASSERT_TRUE(got.reason);
    EXPECT_EQ(*got.reason, c.reason);
  }
  // The record's own response cut before its eos: the plan is complete but unfinished.
  auto truncated = response_of(s, r);
  truncated.pop_back();
  const ResponseCheck cut = check_response(task, truncated);
  EXPECT_FALSE(cut.outcome.correct);
  EXPECT_EQ(*cut.reason, "no eos: the response reached the length limit");
  EXPECT_EQ(cut.outcome.trace_tokens, static_cast<int>(r.trace.size()));
}

TEST(ResponseCheck, SokobanRecords) {
  const Source s = sokoban_records(3);
  for (const auto& r : s.records) {
    const EvalTask task = eval_task_from_record(r, s.manifest, s.source->vocabulary(), "test");
    ASSERT_TRUE(task.sokoban);
    const ResponseCheck own = check_response(task, response_of(s, r));
    EXPECT_TRUE(own.outcome.optimal) << *own.reason;
    EXPECT_EQ(own.outcome.trace_tokens, static_cast<int>(r.trace.size()));
    auto plan = plan_of(task, response_of(s, r));
    plan.pop_back();
    const ResponseCheck unfinished = check_response(task, with_plan(plan));
    EXPECT_FALSE(unfinished.outcome.correct);
    EXPECT_TRUE(unfinished.reason);
  }
}

TEST(ResponseCheck, BrokenRecordsAreUserErrorsNamingTheRecord) {
  Source s = maze_records(5, 1);
  DatasetRecord r = s.records[0];
  const std::string id = hex16(r.id);
  DatasetRecord bad_plan = r;
  bad_plan.plan.resize(bad_plan.plan.size() - 3);  // stops short of the goal
  EXPECT_NE(error_of([&] {
              eval_task_from_record(bad_plan, s.manifest, s.source->vocabulary(), "data/test");
            }).find("data/test: record " + id + ": its own plan does not replay"),
            std::string::npos);
  DatasetRecord bad_prompt = r;
  bad_prompt.prompt[0] = bad_prompt.prompt[3];  // "goal" where "start" belongs
  EXPECT_NE(error_of([&] {
              eval_task_from_record(bad_prompt, s.manifest, s.source->vocabulary(), "x");
            }).find("maze prompt token 0: expected \"start\", got \"goal\""),
            std::string::npos);
  // A plan with a response's framing is not a record's plan (found by fuzz_response).
  for (const char* framing : {"bos", "eos"}) {
    DatasetRecord framed = r;
    const int32_t id_of = s.source->vocabulary().find(framing);
    if (std::string(framing) == "bos") framed.plan.insert(framed.plan.begin(), id_of);
    else framed.plan.push_back(id_of);
    EXPECT_NE(error_of([&] {
                eval_task_from_record(framed, s.manifest, s.source->vocabulary(), "x");
              }).find("its plan is not bare \"plan x y\" triples"),
              std::string::npos)
        << framing;
  }
  Manifest no_size = s.manifest;
  no_size.params = nlohmann::json::object();
  r.meta = nlohmann::json::object();
  EXPECT_NE(
      error_of([&] { eval_task_from_record(r, no_size, s.source->vocabulary(), "x"); }).find("\"width\""),
      std::string::npos);
}

TEST(MazeTaskFromPrompt, RoundTripAndErrors) {
  const Source s = maze_records(7, 5);
  for (const auto& r : s.records) {
    const auto prompt = s.source->vocabulary().decode(r.prompt);
    const maze::MazeTask task = search::maze_task_from_prompt(prompt, 7, 7);
    EXPECT_EQ(search::maze_prompt(task), prompt);
  }
  using search::maze_task_from_prompt;
  EXPECT_EQ(error_of([] {
              maze_task_from_prompt({"start", "0", "0", "goal", "1"}, 3, 3);
            }),
            "maze prompt token 5: expected a coordinate, got the end of the prompt");
  EXPECT_EQ(error_of([] {
              maze_task_from_prompt({"start", "0", "0", "goal", "1", "3"}, 3, 3);
            }),
            "maze prompt token 5: coordinate 3 is outside the 3x3 grid");
  EXPECT_EQ(error_of([] {
              maze_task_from_prompt({"start", "0", "0", "goal", "1", "1", "box", "0", "1"}, 3, 3);
            }),
            "maze prompt token 6: expected \"wall\", got \"box\"");
  EXPECT_NE(error_of([] {
              maze_task_from_prompt({"start", "0", "0", "goal", "1", "1", "wall", "0", "0"}, 3, 3);
            }).find("is a wall"),
            std::string::npos);
}

TEST(AstarReference, MeanTraceOfNondeterministicRunsIsReproducible) {
  const Source s = maze_records(6, 3);
  for (const auto& r : s.records) {
    const EvalTask task = eval_task_from_record(r, s.manifest, s.source->vocabulary(), "test");
    const auto a = astar_mean_trace_tokens(task, 16);
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, *astar_mean_trace_tokens(task, 16));
    EXPECT_GT(*a, 0);
    // Every run's trace is whole steps of 5 tokens and at least the plan's closes.
    const auto one = astar_mean_trace_tokens(task, 1);
    EXPECT_EQ(static_cast<int64_t>(*one) % 5, 0);
    EXPECT_GE(*one, 5.0 * task.reference_plan_positions);
  }
  EXPECT_FALSE(astar_mean_trace_tokens(
      eval_task_from_record(s.records[0], s.manifest, s.source->vocabulary(), "t"), 0));
  const Source k = sokoban_records(1);
  const EvalTask sokoban = eval_task_from_record(k.records[0], k.manifest, k.source->vocabulary(), "test");
  EXPECT_GT(*astar_mean_trace_tokens(sokoban, 4), 0);
}

TEST(SamplesFile, LinesRoundTripAndTornLinesAreDropped) {
  testing::ScratchDir dir;
  SampleRecord a{
      0x0123456789abcdefULL, 3, {"bos", "plan", "1", "2", "eos"}, {true, true, 0, 1}, std::nullopt};
  SampleRecord b{42, 0, {"bos", "wall", "\"odd\""}, {false, false, 2, 0}, "token 3: expected \"plan\""};
  std::string text;
  append_sample_line(text, a);
  EXPECT_EQ(text,
            "{\"id\":\"0123456789abcdef\",\"sample\":3,\"tokens\":[\"bos\",\"plan\",\"1\",\"2\",\"eos\"],"
            "\"trace_tokens\":0,\"plan_positions\":1,\"correct\":true,\"optimal\":true,\"reason\":null}\n");
  append_sample_line(text, b);
  const SampleRecord back =
      parse_sample_line(text.substr(text.find('\n') + 1, text.size() - text.find('\n') - 2), "x");
  EXPECT_EQ(back.id, 42u);
  EXPECT_EQ(back.tokens, b.tokens);
  EXPECT_EQ(*back.reason, *b.reason);
  EXPECT_EQ(back.outcome.trace_tokens, 2);

  const std::string path = dir / "samples.jsonl";
  testing::write_bytes(path, text + "{\"id\":\"01");  // a line torn by a kill
  std::vector<std::string> seen;
  const uint64_t kept = read_complete_lines(path, [&](std::string_view line, uint64_t) {
    seen.emplace_back(line);
    return true;
  });
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_EQ(kept, text.size());
  {
    SampleAppender appender(path, kept);
    appender.append("more\n");
    appender.close();
  }
  EXPECT_EQ(testing::file_bytes(path), text + "more\n");
  EXPECT_EQ(read_complete_lines(dir / "missing.jsonl", [](std::string_view, uint64_t) { return true; }), 0u);

  EXPECT_NE(error_of([] { parse_sample_line("{\"id\":\"zz\"}", "f:1"); }).find("f:1: \"id\""),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_sample_line("not json", "f:2"); }).find("f:2: not JSON"), std::string::npos);
  EXPECT_NE(error_of([] { parse_sample_line("1e999", "f:3"); }).find("f:3: not JSON"), std::string::npos);
}

// The limits on samples.jsonl (DESIGN.md, "Limits on untrusted input"): counts that
// would not fit the response limit (before, trace_tokens was cast to int32 as it came),
// a line longer than the line limit (not held whole), and files that are not files.
TEST(ResponseCheck, SamplesFileLimits) {
  const auto line = [](const std::string& field, int64_t value) {
    std::string text;
    append_sample_line(text, SampleRecord{1, 0, {"bos"}, {false, false, 0, 0}, std::nullopt});
    const std::string key = "\"" + field + "\":0";
    text.replace(text.find(key), key.size(), "\"" + field + "\":" + std::to_string(value));
    return text.substr(0, text.size() - 1);
  };
  EXPECT_NO_THROW(parse_sample_line(line("trace_tokens", kMaxResponseTokens), "f:1"));
  EXPECT_EQ(error_of([&] { parse_sample_line(line("trace_tokens", int64_t{1} << 32), "f:1"); }),
            "f:1: \"trace_tokens\" is 4294967296, more than the limit of 1048576");
  EXPECT_NE(error_of([&] {
              parse_sample_line(line("plan_positions", kMaxResponseTokens + 1), "f:2");
            }).find("\"plan_positions\" is 1048577"),
            std::string::npos);
  std::string many = "{\"id\":\"0000000000000001\",\"sample\":0,\"tokens\":[\"a\"";
  for (int64_t i = 0; i < kMaxResponseTokens; ++i) many += ",\"a\"";
  many += "],\"trace_tokens\":0,\"plan_positions\":0,\"correct\":false,\"optimal\":false,\"reason\":null}";
  EXPECT_EQ(error_of([&] { parse_sample_line(many, "f:3"); }),
            "f:3: 1048577 tokens, more than the limit of 1048576");

  testing::ScratchDir dir;
  const std::string path = dir / "samples.jsonl";
  {
    std::ofstream out(path);
    out << "{}\n";
  }
  ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(3 + kMaxSampleLineBytes + 1)), 0);  // sparse: zeros
  uint64_t lines = 0;
  const std::string error =
      error_of([&] { read_complete_lines(path, [&](std::string_view, uint64_t) { return ++lines, true; }); });
  EXPECT_EQ(lines, 1u);
  EXPECT_EQ(error, path + ": line 2 is longer than the limit of 67108864 bytes");
  const std::string fifo = dir / "samples.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto read_all = [](const std::string& p) {
    return error_of([&] { read_complete_lines(p, [](std::string_view, uint64_t) { return true; }); });
  };
  EXPECT_NE(read_all(fifo).find("is not a regular file (a FIFO)"), std::string::npos) << read_all(fifo);
  EXPECT_NE(read_all(dir.path()).find("is a directory"), std::string::npos);
}

}  // namespace
}  // namespace traceplay::models
