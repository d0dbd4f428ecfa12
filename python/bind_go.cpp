// traceplay.go: the Go board (play, undo, legal moves, score), SGF read and write,
// network features as numpy, MCTS analysis of a position with the rollout or uniform
// evaluator or a Go network (a go.Evaluator from traceplay.models.load_go_net: policy,
// value, visits, ownership), and the GTP engine as an object that answers command
// strings. Searches and engine commands release the GIL.
#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "apps/evaluator_factory.h"
#include "apps/gtp/board_text.h"
#include "apps/gtp/engine.h"
#include "apps/gtp/time_control.h"
#include "apps/gtp/vertex.h"
#include "core/version.h"
#include "games/go/board.h"
#include "games/go/features.h"
#include "games/go/game_record.h"
#include "games/go/scoring.h"
#include "games/go/sgf_reader.h"
#include "games/go/sgf_writer.h"
#include "python/bindings.h"
#include "search/mcts.h"
#include "search/mcts_player.h"
#include "search/mcts_settings.h"

namespace traceplay::python {

namespace {

go::Color parse_color(const std::string& word) {
  const auto c = gtp::parse_color(word);
  if (!c) throw py::value_error("color must be black or white (b, w), got \"" + word + "\"");
  return *c;
}

// A move from Python: a GTP vertex ("D4", "pass") or an (x, y) tuple, y = 0 the top row.
go::Move parse_move(const py::handle& move, int size) {
  if (py::isinstance<py::str>(move)) {
    const std::string word = move.cast<std::string>();
    const auto m = gtp::parse_vertex(word, size);
    if (!m)
      throw py::value_error("\"" + word + "\" is not a vertex of a " + std::to_string(size) + "x" +
                            std::to_string(size) + " board (like D4, or pass)");
    return *m;
  }
  const auto xy = move.cast<std::pair<int, int>>();
  if (xy.first < 0 || xy.second < 0 || xy.first >= size || xy.second >= size)
    throw py::value_error("(" + std::to_string(xy.first) + ", " + std::to_string(xy.second) + ") is off a " +
                          std::to_string(size) + "x" + std::to_string(size) + " board");
  return go::Move::at(xy.first, xy.second);
}

std::string vertex(go::Move m, int size) { return gtp::format_vertex(m, size); }

go::Superko parse_superko(const std::string& name) {
  if (name == "positional") return go::Superko::kPositional;
  if (name == "situational") return go::Superko::kSituational;
  if (name == "none") return go::Superko::kNone;
  throw py::value_error("superko must be positional, situational or none, got \"" + name + "\"");
}

go::Board make_board(int size, double komi, const std::string& superko, bool allow_suicide) {
  if (size < go::kMinBoardSize || size > go::kMaxBoardSize)
    throw py::value_error("board size must be " + std::to_string(go::kMinBoardSize) + ".." +
                          std::to_string(go::kMaxBoardSize) + ", got " + std::to_string(size));
  if (!go::is_valid_komi(komi)) throw py::value_error("komi must be in -1000..1000");
  go::Rules rules;
  rules.komi = komi;
  rules.superko = parse_superko(superko);
  rules.allow_suicide = allow_suicide;
  return go::Board(size, rules);
}

void play(go::Board& board, const py::handle& move, const std::optional<std::string>& color) {
  const go::Color c = color ? parse_color(*color) : board.to_move();
  const go::Move m = parse_move(move, board.size());
  const go::MoveLegality legality = board.play(c, m);
  if (legality != go::MoveLegality::kLegal)
    throw py::value_error("illegal move " + gtp::format_color(c) + " " + vertex(m, board.size()) + ": " +
                          go::to_string(legality));
}

// The stones as uint8 (size, size), [y, x] with y = 0 the top row: 0 empty, 1 black, 2 white.
py::array_t<uint8_t> stones_array(const go::Board& board) {
  std::vector<uint8_t> cells(static_cast<size_t>(board.size() * board.size()));
  for (int y = 0; y < board.size(); ++y)
    for (int x = 0; x < board.size(); ++x)
      cells[static_cast<size_t>(x + board.size() * y)] = static_cast<uint8_t>(board.at(x, y));
  return to_numpy(std::move(cells), {board.size(), board.size()});
}

py::array_t<float> features_array(const go::Board& board, int history) {
  if (history < 1) throw py::value_error("history must be >= 1, got " + std::to_string(history));
  go::FeatureOptions options;
  options.history = history;
  const int planes = go::feature_planes(options);
  return to_numpy(go::extract_features(board, options), {planes, board.size(), board.size()});
}

// The record of a board's game: its moves since the start, with size and komi.
go::GameRecord record_of(const go::Board& board, const std::string& black, const std::string& white,
                         const std::string& result) {
  go::GameRecord record;
  record.size = board.size();
  record.komi = board.rules().komi;
  record.black_player = black;
  record.white_player = white;
  record.result = result;
  for (const auto& cm : board.moves()) record.add_move(cm.color, cm.move);
  return record;
}

// A game record replayed on a board: setup stones and moves of the first `moves` nodes
// with a move (all when negative). ValueError names the first move the rules refuse.
go::Board replay(const go::GameRecord& record, int moves) {
  if (record.size < go::kMinBoardSize || record.size > go::kMaxBoardSize)
    throw py::value_error("board size " + std::to_string(record.size) + " is outside " +
                          std::to_string(go::kMinBoardSize) + ".." + std::to_string(go::kMaxBoardSize));
  go::Rules rules;
  if (record.komi) rules.komi = *record.komi;
  go::Board board(record.size, rules);
  int played = 0;
  for (const go::RecordNode& node : record.nodes) {
    if (node.has_setup()) {
      std::vector<go::SetupStone> stones;
      for (go::Move m : node.add_black) stones.push_back({m, go::Color::kBlack});
      for (go::Move m : node.add_white) stones.push_back({m, go::Color::kWhite});
      for (go::Move m : node.add_empty) stones.push_back({m, go::Color::kEmpty});
      if (!board.setup(stones))
        throw py::value_error("the record's setup stones leave a chain without liberties");
    }
    if (!node.move) continue;
    if (moves >= 0 && played >= moves) break;
    const go::MoveLegality legality = board.play(node.move->color, node.move->move);
    if (legality != go::MoveLegality::kLegal)
      throw py::value_error("move " + std::to_string(played + 1) + " (" +
                            gtp::format_color(node.move->color) + " " + vertex(node.move->move, record.size) +
                            ") is illegal: " + go::to_string(legality));
    ++played;
  }
  return board;
}

std::vector<std::pair<std::string, std::string>> moves_of(const std::vector<go::ColoredMove>& moves,
                                                          int size) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& cm : moves) out.emplace_back(gtp::format_color(cm.color), vertex(cm.move, size));
  return out;
}

// The evaluator argument of analyze and GtpEngine: a name ('rollout', 'uniform') or a
// go.Evaluator (a Go network loaded by traceplay.models.load_go_net), checked against
// the board size as `traceplay gtp --model` checks --size.
EvaluatorHandle resolve_evaluator(const py::object& evaluator, int playouts, int size) {
  EvaluatorHandle h;
  if (py::isinstance<py::str>(evaluator)) {
    const std::string name = evaluator.cast<std::string>();
    h.evaluator = apps::make_evaluator(name, playouts);  // std::invalid_argument -> ValueError
    h.description = name;
    return h;
  }
  if (!py::isinstance<EvaluatorHandle>(evaluator))
    throw py::type_error(
        "evaluator must be 'rollout', 'uniform' or a traceplay.go.Evaluator "
        "(traceplay.models.load_go_net), got " +
        py::repr(evaluator).cast<std::string>());
  h = evaluator.cast<EvaluatorHandle>();
  if (size < h.min_board_size || size > h.max_board_size)
    throw py::value_error(h.description + ": this net plays board sizes " + std::to_string(h.min_board_size) +
                          ".." + std::to_string(h.max_board_size) + ", not size " + std::to_string(size));
  return h;
}

// One MCTS search of a position: what the bot thinks of every root move.
struct PositionAnalysis {
  int size = 0;
  int64_t root_visits = 0;
  double winrate = 0.5, score_lead = 0;
  std::string best_move;
  std::vector<search::MoveStats> moves;
  std::vector<int64_t> visits;   // size * size + 1 (x + size * y, pass last)
  std::vector<float> priors;     // the same
  std::vector<float> ownership;  // size * size, or empty
};

PositionAnalysis analyze(const go::Board& board, int64_t visits, double max_seconds,
                         const py::object& evaluator, int playouts, int threads, int64_t seed, bool ownership,
                         double c_puct) {
  if (visits < 0) throw py::value_error("visits must be >= 0, got " + std::to_string(visits));
  if (!(max_seconds >= 0)) throw py::value_error("max_seconds must be >= 0");
  if (visits == 0 && max_seconds == 0)
    throw py::value_error("give visits or max_seconds (both are 0: no limit)");
  if (seed < 0) throw py::value_error("seed must be >= 0, got " + std::to_string(seed));
  const EvaluatorHandle eval = resolve_evaluator(evaluator, playouts, board.size());
  search::MctsSettings settings;
  if (eval.neural) settings.expand_visits = 1;  // as `traceplay gtp --model`
  settings.threads = threads;
  settings.seed = static_cast<uint64_t>(seed);
  settings.c_puct = c_puct;
  settings.validate();
  search::ThinkLimits limits;
  limits.max_visits = visits;
  limits.max_seconds = max_seconds;
  search::ThinkRequest request;
  request.limits = limits;
  request.want_ownership = ownership;
  request.allow_resign = false;

  PositionAnalysis out;
  const int size = board.size(), points = size * size;
  out.size = size;
  {
    py::gil_scoped_release release;
    search::Mcts mcts(settings, *eval.evaluator);
    search::Analysis a = mcts.search(board, limits, request);
    out.root_visits = a.root_visits;
    out.winrate = a.root_winrate;
    out.score_lead = a.root_score_lead;
    out.moves = std::move(a.moves);
    out.ownership = std::move(a.ownership);
    out.visits.assign(static_cast<size_t>(points + 1), 0);
    out.priors.assign(static_cast<size_t>(points + 1), 0.0f);
    for (const search::MctsNode& c : mcts.root().children) {
      const size_t i =
          c.move.is_pass() ? static_cast<size_t>(points) : static_cast<size_t>(c.move.x + size * c.move.y);
      out.visits[i] = c.visits;
      out.priors[i] = c.clean_prior;
    }
    if (!out.moves.empty()) out.best_move = vertex(out.moves.front().move, size);
  }
  return out;
}

// The GTP engine with the MCTS bot of `traceplay gtp` (same defaults), answering one
// command line at a time.
struct GtpEngine {
  std::unique_ptr<gtp::Engine> engine;
  double analysis_seconds = 1.0;
  bool quit = false;
};

const gtp::Clock& steady_clock() {
  static const gtp::SteadyClock clock;
  return clock;
}

std::unique_ptr<GtpEngine> make_gtp(int size, double komi, int64_t visits, double time_per_move, int threads,
                                    int64_t seed, const py::object& evaluator, int playouts,
                                    double analysis_seconds) {
  if (size < go::kMinBoardSize || size > go::kMaxBoardSize)
    throw py::value_error("size must be " + std::to_string(go::kMinBoardSize) + ".." +
                          std::to_string(go::kMaxBoardSize) + ", got " + std::to_string(size));
  if (!go::is_valid_komi(komi)) throw py::value_error("komi must be in -1000..1000");
  if (visits < 0 || !(time_per_move >= 0)) throw py::value_error("visits and time_per_move must be >= 0");
  if (seed < 0) throw py::value_error("seed must be >= 0, got " + std::to_string(seed));
  if (!(analysis_seconds > 0)) throw py::value_error("analysis_seconds must be > 0");
  const EvaluatorHandle eval = resolve_evaluator(evaluator, playouts, size);
  search::MctsSettings mcts;
  mcts.threads = threads;
  mcts.seed = static_cast<uint64_t>(seed);
  if (eval.neural) {  // as `traceplay gtp --model`
    mcts.expand_visits = 1;
    mcts.resign_min_visits = std::min<int64_t>(mcts.resign_min_visits, 100);
  }
  mcts.validate();
  gtp::EngineOptions options;
  options.board_size = size;
  options.min_board_size = eval.min_board_size;
  options.max_board_size = eval.max_board_size;
  options.komi = komi;
  options.default_limits.max_visits = visits;
  options.default_limits.max_seconds = time_per_move;
  options.name = "traceplay";
  options.version = std::string(kVersion) + "-" + kGitSha;
  options.seed = static_cast<uint64_t>(seed);
  options.log = [](const std::string&) {};  // diagnostics would go to stderr; Python sees replies only
  auto out = std::make_unique<GtpEngine>();
  out->engine = std::make_unique<gtp::Engine>(std::make_unique<search::MctsPlayer>(mcts, eval.evaluator),
                                              options, steady_clock());
  out->analysis_seconds = analysis_seconds;
  return out;
}

std::string gtp_execute(GtpEngine& g, const std::string& line) {
  if (g.quit) throw py::value_error("the engine has quit");
  if (line.find('\n') != std::string::npos)
    throw py::value_error("one command a call: the line has a newline");
  std::string response;
  py::gil_scoped_release release;
  const auto started = std::chrono::steady_clock::now();
  gtp::Channel channel;
  channel.write = [&response](const std::string& text) { response += text; };
  // Nothing else arrives while a command runs: analysis commands stop after analysis_seconds.
  channel.input_pending = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() >=
           g.analysis_seconds;
  };
  g.quit = !g.engine->execute(line, channel);
  return response;
}

}  // namespace

void bind_go(py::module_& m) {
  m.doc() =
      "Go: board, SGF, features, MCTS analysis and the GTP engine. Moves are GTP vertices\n"
      "('D4', 'pass') or (x, y) tuples with y = 0 the top row; colors 'black'/'white'.";

  py::class_<go::Board>(m, "Board",
                        "A Go game in progress: stones, side to move, ko and superko, history with undo.")
      .def(py::init(&make_board), py::arg("size") = 19, py::arg("komi") = 7.5,
           py::arg("superko") = "positional", py::arg("allow_suicide") = false,
           "size 2..25; superko 'positional' (default), 'situational' or 'none'.")
      .def_property_readonly("size", &go::Board::size)
      .def_property_readonly("komi", [](const go::Board& b) { return b.rules().komi; })
      .def_property_readonly("to_move", [](const go::Board& b) { return gtp::format_color(b.to_move()); })
      .def("play", &play, py::arg("move"), py::arg("color") = py::none(),
           "Plays a move for `color` (default: the side to move). ValueError for an illegal move,\n"
           "naming why (occupied, suicide, ko, superko); the board is then unchanged.")
      .def(
          "is_legal",
          [](const go::Board& b, const py::handle& move, const std::optional<std::string>& color) {
            return b.is_legal(color ? parse_color(*color) : b.to_move(), parse_move(move, b.size()));
          },
          py::arg("move"), py::arg("color") = py::none())
      .def(
          "legal_moves",
          [](const go::Board& b, const std::optional<std::string>& color) {
            std::vector<std::string> out;
            for (go::Move mv : b.legal_moves(color ? parse_color(*color) : b.to_move()))
              out.push_back(vertex(mv, b.size()));
            return out;
          },
          py::arg("color") = py::none(), "The legal on-board moves as vertices (pass is always legal).")
      .def("undo", &go::Board::undo, "Takes back the last move; False when there is none.")
      .def(
          "captures", [](const go::Board& b, const std::string& by) { return b.captures(parse_color(by)); },
          py::arg("by"), "Stones captured by `by`.")
      .def_property_readonly(
          "moves", [](const go::Board& b) { return moves_of(b.moves(), b.size()); },
          "The moves since the start as (color, vertex).")
      .def_property_readonly("game_over", &go::Board::game_over, "Two passes in a row.")
      .def_property_readonly("hash", &go::Board::hash, "Zobrist hash of the stones.")
      .def("stones", &stones_array,
           "The stones as a numpy uint8 array of shape (size, size), indexed [y, x] with y = 0 the\n"
           "top row: 0 empty, 1 black, 2 white.")
      .def("features", &features_array, py::arg("history") = 8,
           "The network input planes as a numpy float32 array of shape (2 * history + 7, size,\n"
           "size), [plane, y, x] (games/go/features.h: stones of the side to move and the\n"
           "opponent for `history` states, side to move, legal moves, liberties 1/2/3+, komi,\n"
           "ones).")
      .def(
          "score",
          [](const go::Board& b) {
            const go::AreaScore s = go::area_score(b);
            py::dict d;
            d["black"] = s.black;
            d["white"] = s.white;
            d["komi"] = s.komi;
            d["score"] = s.score();
            d["result"] = go::format_result(s.score());
            return d;
          },
          "Tromp-Taylor area score of the stones as they are: {'black', 'white', 'komi', 'score'\n"
          "(> 0: Black wins), 'result' ('B+7.5')}.")
      .def("render", &gtp::board_diagram, "The board as GTP showboard draws it ('X' black, 'O' white).")
      .def(
          "to_sgf",
          [](const go::Board& b, const std::string& black, const std::string& white,
             const std::string& result) { return go::write_sgf(record_of(b, black, white, result)); },
          py::arg("black") = "", py::arg("white") = "", py::arg("result") = "",
          "The game so far as SGF FF[4] text (size, komi, moves).")
      .def("copy", [](const go::Board& b) { return go::Board(b); })
      .def("__copy__", [](const go::Board& b) { return go::Board(b); })
      .def("__repr__", [](const go::Board& b) {
        return "<go.Board " + std::to_string(b.size()) + "x" + std::to_string(b.size()) + ", " +
               std::to_string(b.moves().size()) + " moves, " + gtp::format_color(b.to_move()) + " to move>";
      });

  py::class_<go::GameRecord>(m, "Game", "A game read from SGF: its properties, setup and moves.")
      .def_readonly("size", &go::GameRecord::size)
      .def_readonly("komi", &go::GameRecord::komi, "KM, or None.")
      .def_readonly("handicap", &go::GameRecord::handicap)
      .def_readonly("rules", &go::GameRecord::rules)
      .def_readonly("black", &go::GameRecord::black_player)
      .def_readonly("white", &go::GameRecord::white_player)
      .def_readonly("result", &go::GameRecord::result)
      .def_readonly("date", &go::GameRecord::date)
      .def_property_readonly(
          "moves", [](const go::GameRecord& r) { return moves_of(r.moves(), r.size); },
          "The main line's moves as (color, vertex).")
      .def("board", &replay, py::arg("moves") = -1,
           "The position after the first `moves` moves (all when negative), setup included;\n"
           "ValueError naming an illegal move.")
      .def("to_sgf", &go::write_sgf, "The record as SGF FF[4] text.");

  m.def(
      "read_sgf",
      [](const std::string& text, const std::string& name, size_t game) {
        return go::read_sgf_game(text, name, game);
      },
      py::arg("text"), py::arg("name") = "<sgf>", py::arg("game") = 0,
      "Game `game` (0-based) of SGF text; the main line is followed. ValueError naming the\n"
      "problem for malformed SGF.");
  m.def(
      "load_sgf", [](const std::string& path, size_t game) { return go::load_sgf_game(path, game); },
      py::arg("path"), py::arg("game") = 0,
      "Game `game` of an SGF file (ValueError when missing or malformed).");

  py::class_<search::MoveStats>(m, "MoveStats", "One root move of an analysis.")
      .def_readonly("visits", &search::MoveStats::visits)
      .def_readonly("winrate", &search::MoveStats::winrate, "For the side to move, [0, 1].")
      .def_readonly("prior", &search::MoveStats::prior)
      .def_readonly("lcb", &search::MoveStats::lcb)
      .def_readonly("score_lead", &search::MoveStats::score_lead);

  py::class_<PositionAnalysis>(
      m, "Analysis",
      "What MCTS thinks of a position (values for the side to move). Arrays index points\n"
      "x + size * y (y = 0 the top row), pass last.")
      .def_readonly("root_visits", &PositionAnalysis::root_visits)
      .def_readonly("winrate", &PositionAnalysis::winrate,
                    "The position's value for the side to move, [0, 1].")
      .def_property_readonly(
          "value", [](const PositionAnalysis& a) { return 2 * a.winrate - 1; }, "The same in [-1, 1].")
      .def_readonly("score_lead", &PositionAnalysis::score_lead, "Points, > 0: the side to move is ahead.")
      .def_readonly("best_move", &PositionAnalysis::best_move, "The most visited move (vertex).")
      .def_property_readonly(
          "moves",
          [](const PositionAnalysis& a) {
            py::list out;
            for (const auto& ms : a.moves) {
              py::dict d;
              d["move"] = vertex(ms.move, a.size);
              d["visits"] = ms.visits;
              d["winrate"] = ms.winrate;
              d["prior"] = ms.prior;
              d["lcb"] = ms.lcb;
              d["score_lead"] = ms.score_lead;
              std::vector<std::string> pv;
              for (go::Move mv : ms.pv) pv.push_back(vertex(mv, a.size));
              d["pv"] = pv;
              out.append(d);
            }
            return out;
          },
          "Visited root moves, best first: dicts of move, visits, winrate, prior, lcb,\n"
          "score_lead, pv (vertices).")
      .def_property_readonly(
          "visits", [](const PositionAnalysis& a) { return to_numpy(std::vector<int64_t>(a.visits)); },
          "int64 array of size * size + 1: visits of each root move.")
      .def_property_readonly(
          "priors", [](const PositionAnalysis& a) { return to_numpy(std::vector<float>(a.priors)); },
          "float32 array of size * size + 1: the evaluator's prior (0 for illegal moves).")
      .def_property_readonly(
          "policy",
          [](const PositionAnalysis& a) {
            std::vector<float> p(a.visits.size(), 0.0f);
            int64_t total = 0;
            for (int64_t v : a.visits) total += v;
            if (total > 0)
              for (size_t i = 0; i < p.size(); ++i)
                p[i] = static_cast<float>(static_cast<double>(a.visits[i]) / static_cast<double>(total));
            return to_numpy(std::move(p));
          },
          "float32 array of size * size + 1: the visit distribution (sums to 1).")
      .def_property_readonly(
          "ownership",
          [](const PositionAnalysis& a) -> py::object {
            if (a.ownership.empty()) return py::none();
            return to_numpy(std::vector<float>(a.ownership), {a.size, a.size});
          },
          "float32 (size, size) [y, x], +1 = the side to move's, or None unless asked.");

  py::class_<EvaluatorHandle>(
      m, "Evaluator",
      "What an MCTS search evaluates its leaves with: a named evaluator ('rollout', 'uniform')\n"
      "or a Go network from traceplay.models.load_go_net. analyze() and GtpEngine take one\n"
      "(or the name).")
      .def(py::init([](const std::string& name, int playouts) {
             EvaluatorHandle h;
             h.evaluator = apps::make_evaluator(name, playouts);  // std::invalid_argument -> ValueError
             h.description = name;
             return h;
           }),
           py::arg("name") = "rollout", py::arg("playouts") = 1,
           "'rollout' (light playouts, `playouts` per leaf) or 'uniform' (value 0, uniform prior).")
      .def_readonly("description", &EvaluatorHandle::description)
      .def_readonly("min_board_size", &EvaluatorHandle::min_board_size)
      .def_readonly("max_board_size", &EvaluatorHandle::max_board_size)
      .def_readonly("neural", &EvaluatorHandle::neural, "True for a network.")
      .def("__repr__", [](const EvaluatorHandle& h) { return "<go.Evaluator " + h.description + ">"; });

  m.def("analyze", &analyze, py::arg("board"), py::arg("visits") = 800, py::arg("max_seconds") = 0.0,
        py::arg("evaluator") = "rollout", py::arg("playouts") = 1, py::arg("threads") = 1,
        py::arg("seed") = 1, py::arg("ownership") = false, py::arg("c_puct") = 2.0,
        "MCTS on the position (the GTP bot's search, a fresh tree): evaluator 'rollout' (light\n"
        "playouts, `playouts` per leaf), 'uniform', or a go.Evaluator (a Go network from\n"
        "traceplay.models.load_go_net: its policy is the prior, its ownership head the\n"
        "ownership); stops at `visits` or `max_seconds` (0: no such limit). Deterministic for a\n"
        "seed with one thread. Releases the GIL.");

  py::class_<GtpEngine>(m, "GtpEngine",
                        "The GTP engine of `traceplay gtp` with its MCTS bot: execute() answers one command\n"
                        "line and returns the response text ('= ...\\n\\n' or '? ...\\n\\n').")
      .def(py::init(&make_gtp), py::arg("size") = 19, py::arg("komi") = 7.5, py::arg("visits") = 800,
           py::arg("time_per_move") = 0.0, py::arg("threads") = 1, py::arg("seed") = 1,
           py::arg("evaluator") = "rollout", py::arg("playouts") = 1, py::arg("analysis_seconds") = 1.0,
           "Settings as `traceplay gtp`'s flags; evaluator a name or a go.Evaluator (a Go network\n"
           "from traceplay.models.load_go_net, as `gtp --model`). Analysis commands (lz-analyze, "
           "kata-analyze)\n"
           "stream for analysis_seconds, then stop as if another command had arrived.")
      .def("execute", &gtp_execute, py::arg("line"), "Answers one command line (genmove releases the GIL).")
      .def_property_readonly(
          "board", [](const GtpEngine& g) { return go::Board(g.engine->board()); },
          "A copy of the engine's game.")
      .def_property_readonly(
          "quit", [](const GtpEngine& g) { return g.quit; }, "True once `quit` was answered.")
      .def_static("commands", &gtp::Engine::command_names, "The commands list_commands answers.");
}

}  // namespace traceplay::python
