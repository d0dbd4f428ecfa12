// The command table, dispatch, and the protocol-level commands.
#include "apps/gtp/engine.h"

#include <cstdio>
#include <exception>

#include "apps/gtp/board_text.h"
#include "apps/gtp/preprocess.h"
#include "apps/gtp/response.h"
#include "core/escape.h"

namespace traceplay::gtp {

Engine::Engine(std::unique_ptr<search::GoPlayer> player, EngineOptions options, const Clock& clock)
    : player_(std::move(player)),
      options_(std::move(options)),
      board_(options_.board_size, go::Rules{options_.komi, false, go::Superko::kPositional}),
      time_(clock, options_.time_policy) {
  new_game(options_.board_size);
}

const std::vector<std::pair<std::string, Engine::Handler>>& Engine::table() {
  static const std::vector<std::pair<std::string, Handler>> commands = {
      {"protocol_version", &Engine::cmd_protocol_version},
      {"name", &Engine::cmd_name},
      {"version", &Engine::cmd_version},
      {"known_command", &Engine::cmd_known_command},
      {"list_commands", &Engine::cmd_list_commands},
      {"quit", &Engine::cmd_quit},
      {"boardsize", &Engine::cmd_boardsize},
      {"clear_board", &Engine::cmd_clear_board},
      {"komi", &Engine::cmd_komi},
      {"play", &Engine::cmd_play},
      {"genmove", &Engine::cmd_genmove},
      {"undo", &Engine::cmd_undo},
      {"showboard", &Engine::cmd_showboard},
      {"final_score", &Engine::cmd_final_score},
      {"final_status_list", &Engine::cmd_final_status_list},
      {"fixed_handicap", &Engine::cmd_fixed_handicap},
      {"place_free_handicap", &Engine::cmd_place_free_handicap},
      {"set_free_handicap", &Engine::cmd_set_free_handicap},
      {"time_settings", &Engine::cmd_time_settings},
      {"time_left", &Engine::cmd_time_left},
      {"kgs-time_settings", &Engine::cmd_kgs_time_settings},
      {"loadsgf", &Engine::cmd_loadsgf},
      {"printsgf", &Engine::cmd_printsgf},
      {"reg_genmove", &Engine::cmd_reg_genmove},
      {"lz-analyze", &Engine::cmd_lz_analyze},
      {"lz-genmove_analyze", &Engine::cmd_lz_genmove_analyze},
      {"kata-analyze", &Engine::cmd_kata_analyze},
      {"kata-genmove_analyze", &Engine::cmd_kata_genmove_analyze},
      {"stop", &Engine::cmd_stop},
  };
  return commands;
}

std::vector<std::string> Engine::command_names() {
  std::vector<std::string> names;
  for (const auto& [name, handler] : table()) names.push_back(name);
  return names;
}

bool Engine::execute(std::string_view raw_line, const Channel& channel) {
  const std::string line = preprocess_line(raw_line);
  if (line.empty()) return true;
  const Command command = parse_command(line);
  Reply reply = fail("unknown command");
  for (const auto& [name, handler] : table()) {
    if (name != command.name) continue;
    try {
      reply = (this->*handler)(command, channel);
    } catch (const std::exception& e) {
      // A bug must not end the session: the controller gets a failure and goes on.
      log(std::string("internal error in ") + name + ": " + e.what());
      reply = fail(std::string("internal error: ") + e.what());
    }
    break;
  }
  if (!reply.streamed)
    channel.write(reply.ok ? success_response(command.id, reply.text)
                           : failure_response(command.id, reply.text));
  return !quit_;
}

void Engine::refuse_long_line(std::string_view first_bytes, size_t limit, const Channel& channel) const {
  const std::string line = preprocess_line(first_bytes);
  const std::string id = line.empty() ? std::string() : parse_command(line).id;
  const std::string message = "line longer than the limit of " + std::to_string(limit) + " bytes";
  log(message + " (" + escaped_excerpt(line, 40) + ")");
  channel.write(failure_response(id, message));
}

void Engine::log(const std::string& raw) const {
  // Messages quote file names and file content (loadsgf): escaped, one line.
  const std::string message = escaped(raw);
  if (options_.log) {
    options_.log(message);
  } else {
    std::fprintf(stderr, "traceplay gtp: %s\n", message.c_str());
    std::fflush(stderr);
  }
}

Engine::Reply Engine::cmd_protocol_version(const Command&, const Channel&) { return ok("2"); }

Engine::Reply Engine::cmd_name(const Command&, const Channel&) { return ok(options_.name); }

Engine::Reply Engine::cmd_version(const Command&, const Channel&) { return ok(options_.version); }

Engine::Reply Engine::cmd_known_command(const Command& c, const Channel&) {
  if (c.args.size() != 1) return fail("syntax error");
  for (const auto& [name, handler] : table())
    if (name == c.args[0]) return ok("true");
  return ok("false");
}

Engine::Reply Engine::cmd_list_commands(const Command&, const Channel&) {
  std::string text;
  for (const auto& [name, handler] : table()) text += (text.empty() ? "" : "\n") + name;
  return ok(text);
}

Engine::Reply Engine::cmd_quit(const Command&, const Channel&) {
  quit_ = true;
  return ok();
}

// Analysis stops on the next line, whatever it is; a `stop` that arrives when nothing
// runs has nothing to stop.
Engine::Reply Engine::cmd_stop(const Command&, const Channel&) { return ok(); }

Engine::Reply Engine::cmd_showboard(const Command&, const Channel&) { return ok(board_diagram(board_)); }

}  // namespace traceplay::gtp
