"""traceplay match mechanics with GNU Go against GNU Go (two processes, different levels)
and with a deliberately broken engine (fake_gtp_engine.py): games finish, the SGFs read
back (our reader) to the moves played, the JSON line has its pinned shape and its counts
add up, colours alternate, the random opening is seeded and makes games differ, broken
engines forfeit (and are restarted for the next game), the move cap gives draws, and bad
flags exit 2 with one message."""

import math
import os

import pytest

from match_util import (FAKE_ENGINE, GNUGO, check_sgf_matches_game, games, gnugo, match, match_ok)

pytestmark = pytest.mark.skipif(not os.access(GNUGO, os.X_OK), reason="GNU Go is not installed")

RULES = "--chinese-rules --positional-superko"


def test_gnugo_against_gnugo_games_finish_and_sgfs_read_back(tmp_path):
    out = tmp_path / "m"
    summary, stdout = match_ok("--engine-a", gnugo(0, RULES), "--engine-b", gnugo(1, RULES), "--games", 4,
                               "--size", 9, "--komi", 7, "--random-opening", 4, "--seed", 11, "--sgf-dir", out)
    assert summary["games"] == 4 and summary["forfeits_a"] == 0 and summary["forfeits_b"] == 0
    recorded = games(out)
    assert [g["game"] for g in recorded] == [1, 2, 3, 4]
    assert [g["black"] for g in recorded] == ["A", "B", "A", "B"]  # A is Black in odd games
    assert [g["white"] for g in recorded] == ["B", "A", "B", "A"]
    wins = {"A": 0, "B": 0, None: 0}
    for g in recorded:
        assert g["end"] in ("two_passes", "resignation"), g["reason"]
        assert g["opening"] == 4 and len(g["moves"]) > 4
        record = check_sgf_matches_game(out, g, 9, 7)
        assert record["black_player"] == "GNU Go" and record["white_player"] == "GNU Go"
        wins[g["winner"]] += 1
        if g["end"] == "two_passes":
            assert g["moves"][-2:] == ["pass", "pass"]
            # Only the stones both engines call dead are taken off.
            assert set(g["removed"]) == set(g["dead"]["A"]) & set(g["dead"]["B"])
            assert g["final_score"]["A"] and g["final_score"]["B"]
            assert (g["score"] > 0) == g["result"].startswith("B+")
        else:
            assert g["result"][1:] == "+R"
    assert (wins["A"], wins["B"], wins[None]) == (summary["wins_a"], summary["wins_b"], summary["draws"])
    # The random openings make the games differ (games 1 and 3 have the same colours).
    openings = [tuple(g["moves"][:4]) for g in recorded]
    assert len(set(openings)) == 4
    assert "game 4/4" in stdout and (out / "game-0004.sgf").exists()


def test_move_cap_draws_and_seeded_openings(tmp_path):
    def openings(seed, name):
        out = tmp_path / name
        summary, _ = match_ok("--engine-a", gnugo(0, RULES), "--engine-b", gnugo(0, RULES), "--games", 2,
                              "--random-opening", 6, "--max-moves", 8, "--seed", seed, "--sgf-dir", out)
        assert summary["draws"] == 2 and summary["wins_a"] == 0 and summary["wins_b"] == 0
        assert summary["elo"] == 0 and summary["elo_ci95"] == [0, 0]
        for g in games(out):
            assert g["end"] == "move_cap" and g["result"] == "0" and g["winner"] is None
            assert len(g["moves"]) == 8
            check_sgf_matches_game(out, g, 9, 7)
        return [g["moves"][:6] for g in games(out)]

    first = openings(5, "a")
    assert first == openings(5, "b")  # the same seed plays the same openings
    assert first != openings(6, "c")
    assert first[0] != first[1]


@pytest.mark.parametrize("mode,reason", [
    ("illegal", "illegal (occupied)"),
    ("garbage", "answered genmove with 'banana', not a move"),
    ("refuse", "answered genmove with '? cannot think'"),
    ("exit", "exited"),
    ("protocol", "not a GTP response"),
    ("hang", "did not answer 'genmove"),
])
def test_broken_engine_forfeits_every_game(tmp_path, mode, reason):
    out = tmp_path / "m"
    summary, stdout = match_ok("--engine-a", f"{FAKE_ENGINE} --genmove {mode}", "--engine-b", gnugo(0, RULES),
                               "--games", 2, "--timeout", 1, "--sgf-dir", out)
    assert (summary["forfeits_a"], summary["forfeits_b"]) == (2, 0)
    assert (summary["wins_a"], summary["wins_b"], summary["draws"]) == (0, 2, 0)
    # B won every game: no estimate, only the exact one-sided bound p_hi = 1 - 0.05^(1/N).
    p_hi = 1 - 0.05 ** (1 / 2)
    assert summary["elo"] is None and summary["elo_ci95"] == [None, round(-400 * math.log10(1 / p_hi - 1), 1)]
    for g in games(out):
        assert g["end"] == "forfeit" and g["forfeit"] == "A" and g["winner"] == "B", g
        assert reason in g["reason"], g["reason"]
        assert g["result"] == ("W+F" if g["black"] == "A" else "B+F")
        check_sgf_matches_game(out, g, 9, 7)
    # The engine's stderr went to its log, not to our stdout.
    assert "fake engine got" in (out / "engine-a.log").read_text()
    assert "fake engine got" not in stdout


def test_engine_refusing_a_legal_move_forfeits(tmp_path):
    out = tmp_path / "m"
    summary, _ = match_ok("--engine-a", gnugo(0, RULES), "--engine-b", f"{FAKE_ENGINE} --refuse-play",
                          "--games", 2, "--random-opening", 1, "--sgf-dir", out)
    assert (summary["forfeits_a"], summary["forfeits_b"], summary["wins_a"]) == (0, 2, 2)
    for g in games(out):
        assert g["forfeit"] == "B" and "engine B refused 'play B " in g["reason"], g["reason"]
        assert len(g["moves"]) == 1  # the opening move B refused is in the record


@pytest.mark.parametrize("args,message", [
    (["--engine-b", "x", "--games", "1"], "--engine-a is required"),
    (["--engine-a", "x", "--engine-b", "  ", "--games", "1"], "--engine-b is empty"),
    (["--engine-a", "x", "--engine-b", "y", "--games", "0"], "--games must be at least 1, got 0"),
    (["--engine-a", "x", "--engine-b", "y", "--games", "2", "--size", "1"], "--size must be in 2..25, got 1"),
    (["--engine-a", "x", "--engine-b", "y", "--games", "2", "--size", "26"], "--size must be in 2..25, got 26"),
    (["--engine-a", "x", "--engine-b", "y", "--games", "2", "--timeout", "0"], "--timeout must be > 0"),
    (["--engine-a", "x", "--engine-b", "y", "--games", "2", "--max-moves", "0"], "--max-moves must be at least 1, got 0"),
    (["--engine-a", "x", "--engine-b", "y", "--games", "2", "--random-opening", "-1"], "--random-opening must be >= 0"),
    (["--engine-a", "/nonexistent/engine", "--engine-b", GNUGO + " --mode gtp", "--games", "1"],
     "engine A (/nonexistent/engine) did not start: engine A exited (exit 127) without answering 'name'"),
    (["--engine-a", GNUGO + " --mode gtp", "--engine-b", "exit 0", "--games", "1"],
     "engine B (exit 0) did not start"),
])
def test_bad_flags_exit_2_with_one_message(args, message):
    r = match(*args)
    assert r.returncode == 2, r
    lines = r.stderr.strip().split("\n")
    assert len(lines) == 1 and lines[0].startswith("traceplay: ") and message in lines[0], r.stderr
    assert r.stdout == ""


def test_sgf_dir_holding_a_match_is_refused(tmp_path):
    (tmp_path / "games.jsonl").write_text("{}\n")
    r = match("--engine-a", gnugo(0), "--engine-b", gnugo(0), "--games", 1, "--sgf-dir", tmp_path)
    assert r.returncode == 2 and "already holds a match" in r.stderr
    assert (tmp_path / "games.jsonl").read_text() == "{}\n"
