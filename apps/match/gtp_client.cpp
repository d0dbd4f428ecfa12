#include "apps/match/gtp_client.h"

#include <cctype>
#include <chrono>
#include <cmath>
#include <sstream>

namespace traceplay::match {
namespace {

std::string quoted_excerpt(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::string out = text.size() > 60 ? text.substr(0, 60) + "..." : text;
  for (char& c : out)
    if (c == '\n') c = ' ';
  return "'" + out + "'";
}

std::string seconds_text(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

}  // namespace

bool parse_gtp_response(const std::string& block, int expected_id, GtpResponse& response,
                        std::string& error) {
  if (block.empty() || (block[0] != '=' && block[0] != '?')) {
    error = "answered " + quoted_excerpt(block) + ", not a GTP response";
    return false;
  }
  size_t i = 1;
  while (i < block.size() && std::isdigit(static_cast<unsigned char>(block[i]))) ++i;
  if (i > 1) {
    const std::string id = block.substr(1, i - 1);
    if (id.size() > 9 || std::stoi(id) != expected_id) {
      error = "answered with id " + id + " to command " + std::to_string(expected_id);
      return false;
    }
  }
  if (i < block.size() && block[i] != ' ' && block[i] != '\t' && block[i] != '\n') {
    error = "answered " + quoted_excerpt(block) + ", not a GTP response";
    return false;
  }
  size_t begin = i, end = block.size();
  while (begin < end && (block[begin] == ' ' || block[begin] == '\t')) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(block[end - 1]))) --end;
  response.success = block[0] == '=';
  response.text = block.substr(begin, end - begin);
  return true;
}

GtpClient::GtpClient(std::string label, std::string command, std::string stderr_path)
    : label_(std::move(label)),
      command_(std::move(command)),
      process_(std::make_unique<EngineProcess>(command_, stderr_path)) {}

GtpClient::~GtpClient() { quit(1); }

void GtpClient::fail(const std::string& why) {
  if (process_) process_->stop(std::chrono::milliseconds(0));
  throw EngineFailure(label_ + " " + why);
}

GtpResponse GtpClient::send(const std::string& command, double timeout_s) {
  if (!alive()) throw EngineFailure(label_ + " is not running (" + command + ")");
  const int id = next_id_++;
  const auto deadline = EngineProcess::Clock::now() +
                        std::chrono::milliseconds(static_cast<long long>(std::ceil(timeout_s * 1000)));
  if (!process_->write(std::to_string(id) + " " + command + "\n")) {
    process_->stop(std::chrono::milliseconds(200));
    fail("exited (" + process_->exit_description() + ") before '" + command + "'");
  }
  std::string block;
  // GTP separates responses by one empty line; stray empty lines before a response are
  // skipped rather than taken as an empty (malformed) response.
  do {
    switch (process_->read_until("\n\n", deadline, block)) {
      case EngineProcess::ReadStatus::kOk:
        break;
      case EngineProcess::ReadStatus::kTimeout:
        fail("did not answer '" + command + "' within " + seconds_text(timeout_s) + " s");
      case EngineProcess::ReadStatus::kClosed:
        process_->stop(std::chrono::milliseconds(200));
        fail("exited (" + process_->exit_description() + ") without answering '" + command + "'");
    }
    while (!block.empty() && block.front() == '\n') block.erase(0, 1);
  } while (block.empty());
  GtpResponse response;
  std::string error;
  if (!parse_gtp_response(block, id, response, error)) fail(error + " (to '" + command + "')");
  return response;
}

std::string GtpClient::ask(const std::string& command, double timeout_s) {
  GtpResponse r = send(command, timeout_s);
  if (!r.success) throw EngineFailure(label_ + " refused '" + command + "': ? " + r.text);
  return r.text;
}

void GtpClient::quit(double timeout_s) {
  if (!process_) return;
  if (alive()) {
    try {
      send("quit", timeout_s);
    } catch (const EngineFailure&) {
      // already stopped by send()
    }
  }
  process_->stop(std::chrono::milliseconds(static_cast<long long>(timeout_s * 1000)));
}

}  // namespace traceplay::match
