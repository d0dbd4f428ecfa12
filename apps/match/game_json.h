// One finished match game as a JSON object: a line of games.jsonl in --sgf-dir, which
// tests and scripts read to compare the engines' own answers with the referee's.
//
// {"game": 1, "sgf": "game-0001.sgf", "black": "A", "white": "B",
//  "end": "two_passes" | "resignation" | "forfeit" | "move_cap",
//  "result": "B+3" (the SGF RE: "B+R", "W+F", "0" for a draw),
//  "winner": "A" | "B" | null, "forfeit": "A" | "B" | null, "reason": "...",
//  "moves": ["D5", "pass", ...] (GTP vertices, random opening included), "opening": K,
//  "score": 3.0 | null (Tromp-Taylor, > 0 Black ahead; two passes only),
//  "final_score": {"A": "B+3" | null, "B": ...},            (asked after two passes)
//  "dead": {"A": ["C3", ...] | null, "B": [...] | null},     (final_status_list dead)
//  "removed": ["C3", ...]}                                   (dead by both: taken off)
// The engines' answers are null when the game did not end by two passes or the engine
// refused or failed the command.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "apps/match/match_game.h"

namespace traceplay::match {

// `a_is_black`: engine A played Black in this game.
nlohmann::ordered_json game_json(const GameOutcome& outcome, int game, bool a_is_black,
                                 const std::string& sgf_file);

}  // namespace traceplay::match
