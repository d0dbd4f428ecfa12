// Model responses parsed back into plans (models/response_check.h over
// search/plan_tokens.h), on tasks that come from dataset records as `eval` gets them.
// Input lines:
//   1. "maze W H" or "sokoban W H" (W, H in 1..30; anything else: a 10x10 maze)
//   2. the record's prompt tokens       3. the record's plan tokens
//   4. the response tokens (the sampler's, bos first)
// Tokens become ids through the domain's vocabulary; an unknown token becomes an id
// outside it. The task is built by eval_task_from_record (UserError when the record does
// not fit); check_response must never fail, and a response equal to the record's own
// plan must be correct and optimal.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/dataset.h"
#include "core/error.h"
#include "fuzz/fuzz_input.h"
#include "models/response_check.h"
#include "search/maze_trace.h"
#include "search/sokoban_trace.h"

namespace {

std::vector<int32_t> to_ids(const traceplay::Vocabulary& vocabulary, const std::vector<std::string>& tokens) {
  std::vector<int32_t> ids;
  for (const auto& t : tokens) {
    const int32_t id = vocabulary.find(t);
    ids.push_back(id >= 0 ? id : static_cast<int32_t>(vocabulary.size()) + 7);
  }
  return ids;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace traceplay;
  const auto lines = fuzz::split_lines(fuzz::as_text(data, size));
  const auto line = [&lines](size_t i) {
    return i < lines.size() ? fuzz::split_words(lines[i]) : std::vector<std::string>{};
  };

  Manifest manifest;
  manifest.domain = "maze";
  int width = 10, height = 10;
  const auto header = line(0);
  if (header.size() == 3 && (header[0] == "maze" || header[0] == "sokoban")) {
    const int w = std::atoi(header[1].c_str()), h = std::atoi(header[2].c_str());
    if (w >= 1 && w <= 30 && h >= 1 && h <= 30) manifest.domain = header[0], width = w, height = h;
  }
  manifest.params = {{"width", width}, {"height", height}};
  const Vocabulary vocabulary = manifest.domain == "maze"
                                    ? search::maze_vocabulary(width, height)
                                    : search::sokoban_vocabulary(std::max(width, height), 10);
  DatasetRecord record;
  record.prompt = to_ids(vocabulary, line(1));
  record.plan = to_ids(vocabulary, line(2));
  const std::vector<std::string> response = line(3);

  models::EvalTask task;
  try {
    task = models::eval_task_from_record(record, manifest, vocabulary, "<fuzz>");
  } catch (const UserError&) {
    return 0;
  }
  models::check_response(task, response);

  std::vector<std::string> own = {"bos"};
  for (int32_t id : record.plan) own.push_back(vocabulary.token(id));
  own.push_back("eos");
  const models::ResponseCheck check = models::check_response(task, own);
  if (!check.outcome.correct || !check.outcome.optimal) {
    std::fprintf(stderr, "the record's own plan is not a correct, optimal response: %s\n",
                 check.reason.value_or("").c_str());
    std::abort();
  }
  return 0;
}
