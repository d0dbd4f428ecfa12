"""Our engine (`traceplay gtp`, the light-playout MCTS bot) against GNU Go on 9x9, komi 7,
through `traceplay match`, GNU Go playing the same rules (--chinese-rules
--positional-superko):

- with --capture-all-dead (GNU Go removes every dead stone before it passes): neither
  side makes an illegal move (no forfeits), every game finishes, and for every game
  that ended by two passes our engine's `final_score` equals GNU Go's (this checks our
  rules and counting, and that our estimator invents no dead stones);
- without it (dead stones stay on the board): our engine's `final_status_list dead`
  against GNU Go's at the end of each two-pass game; agreement = |ours & GNU Go's| /
  |ours | GNU Go's| summed over all games must be >= 0.9 (the figure is printed).

TRACEPLAY_MATCH_GAMES=N plays N games per test instead of the quick default."""

import os

import pytest

from match_util import BIN, GNUGO, check_sgf_matches_game, games, gnugo, log, match_ok

pytestmark = pytest.mark.skipif(not os.access(GNUGO, os.X_OK), reason="GNU Go is not installed")

GAMES = int(os.environ.get("TRACEPLAY_MATCH_GAMES", "6"))
OURS = f"{BIN} gtp --visits 200 --threads 1"
RULES = "--chinese-rules --positional-superko"


def score_value(text):
    """GTP final_score ("B+3", "W+0.5", "0", "W+12.0") as a number, > 0 for Black."""
    text = text.strip().upper()
    if text in ("0", "DRAW"):
        return 0.0
    assert text[:2] in ("B+", "W+"), text
    return float(text[2:]) * (1 if text[0] == "B" else -1)


def play(tmp_path, gnugo_flags, seed):
    out = tmp_path / "m"
    summary, _ = match_ok("--engine-a", f"{OURS} --seed {seed}", "--engine-b", gnugo(1, RULES, gnugo_flags),
                          "--games", GAMES, "--size", 9, "--komi", 7, "--random-opening", 2, "--seed", seed,
                          "--timeout", 60, "--sgf-dir", out, timeout=600)
    # No illegal moves (nor any other forfeit) on either side; every game finished.
    assert (summary["forfeits_a"], summary["forfeits_b"]) == (0, 0), (out / "games.jsonl").read_text()
    recorded = games(out)
    for g in recorded:
        assert g["end"] in ("two_passes", "resignation"), g["reason"]
        check_sgf_matches_game(out, g, 9, 7)
    return summary, recorded


def test_capture_all_dead_final_scores_agree(tmp_path):
    summary, recorded = play(tmp_path, "--capture-all-dead", 1)
    passed = [g for g in recorded if g["end"] == "two_passes"]
    log(f"capture-all-dead: {len(passed)} of {len(recorded)} games ended by two passes; "
        f"A (ours) {summary['wins_a']} - {summary['wins_b']} GNU Go")
    assert passed, "no game ended by two passes: nothing was compared"
    for g in passed:
        ours, theirs = g["final_score"]["A"], g["final_score"]["B"]
        assert ours is not None and theirs is not None, g
        assert score_value(ours) == score_value(theirs), f"game {g['game']}: ours {ours}, GNU Go {theirs}"


def test_dead_stone_agreement_without_capture_all_dead(tmp_path):
    summary, recorded = play(tmp_path, "", 2)
    both = union = 0
    compared = 0
    for g in recorded:
        if g["end"] != "two_passes":
            continue
        ours, theirs = g["dead"]["A"], g["dead"]["B"]
        assert ours is not None and theirs is not None, g
        both += len(set(ours) & set(theirs))
        union += len(set(ours) | set(theirs))
        compared += 1
    agreement = both / union if union else 1.0
    print(f"dead-stone agreement with GNU Go: {agreement:.3f} ({both}/{union} stones, {compared} games)")
    assert compared > 0, "no game ended by two passes: nothing was compared"
    assert agreement >= 0.9
