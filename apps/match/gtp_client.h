// The controller side of GTP v2 for one engine process: numbered commands, `=`/`?`
// responses matched by id, and a timeout per command.
//
// A command gets a GtpResponse when the engine answers it, success or not. When the
// engine cannot go on (it exited, it did not answer in time, it answered something that
// is not a GTP response or with another id) send() throws EngineFailure and the engine
// is stopped at once (its output can no longer be trusted to line up with our
// commands); every later send() throws too. quit() ends a healthy engine politely.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "apps/match/engine_process.h"

namespace traceplay::match {

struct GtpResponse {
  bool success = false;  // '=' (true) or '?' (false)
  std::string text;      // after the id, leading spaces and trailing whitespace removed
};

// The engine crashed, hung or broke the protocol; what() says which, naming the command.
class EngineFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class GtpClient {
 public:
  // Starts `command` (see EngineProcess: /bin/sh -c, stderr to `stderr_path` or
  // discarded when empty). `label` names the engine in messages ("engine A").
  GtpClient(std::string label, std::string command, std::string stderr_path = "");
  ~GtpClient();

  GtpResponse send(const std::string& command, double timeout_s);
  // The answer of a command that must succeed; a `?` answer throws EngineFailure too.
  std::string ask(const std::string& command, double timeout_s);

  // Sends quit (waiting at most timeout_s), then stops the process. Never throws.
  void quit(double timeout_s = 5);
  bool alive() const { return process_ && !process_->stopped(); }
  const std::string& label() const { return label_; }
  const std::string& command() const { return command_; }

 private:
  [[noreturn]] void fail(const std::string& why);

  std::string label_, command_;
  std::unique_ptr<EngineProcess> process_;
  int next_id_ = 1;
};

// Parses one response block (the text up to and including its terminating blank line,
// carriage returns already dropped). Returns false when it is not a GTP response or
// carries an id other than `expected_id`; `error` then says why.
bool parse_gtp_response(const std::string& block, int expected_id, GtpResponse& response, std::string& error);

}  // namespace traceplay::match
