# traceplay.go: board, SGF, features, MCTS analysis, the GTP engine, and the GIL
# released during a search.
import numpy as np
import pytest

from traceplay import go

from gil_check import main_thread_steps_during


def test_board_play_undo_and_arrays():
    b = go.Board(9, komi=6.5)
    assert (b.size, b.komi, b.to_move) == (9, 6.5, "black")
    b.play("C7")
    b.play((4, 4))  # y = 0 is the top row: E5
    assert b.moves == [("black", "C7"), ("white", "E5")]
    s = b.stones()
    assert s.dtype == np.uint8 and s.shape == (9, 9)
    assert s[2, 2] == 1 and s[4, 4] == 2 and int(s.sum()) == 3
    with pytest.raises(ValueError, match="illegal move black E5: occupied"):
        b.play("E5", color="black")
    assert b.moves[-1] == ("white", "E5")  # unchanged
    assert b.is_legal("A1") and not b.is_legal("C7")
    assert len(b.legal_moves()) == 79
    assert b.undo() and b.to_move == "white" and b.stones()[4, 4] == 0
    f = b.features(history=4)
    assert f.dtype == np.float32 and f.shape == (4 * 2 + 7, 9, 9)
    assert f[0].sum() == 0 and f[1, 2, 2] == 1  # white to move: black's stone is the opponent's
    assert "X" in b.render()
    assert b.score()["komi"] == 6.5


def test_captures_ko_and_bad_input():
    b2 = go.Board(5)
    for mv in ["A2", "A1"]:
        b2.play(mv)
    b2.play("B1")  # black captures A1
    assert b2.captures("black") == 1
    for bad in (1, 26, -3):
        with pytest.raises(ValueError, match="board size must be 2..25"):
            go.Board(bad)
    with pytest.raises(ValueError, match="superko"):
        go.Board(9, superko="sometimes")
    with pytest.raises(ValueError, match="not a vertex"):
        go.Board(9).play("Z99")
    with pytest.raises(ValueError, match="off a 9x9"):
        go.Board(9).play((9, 0))
    with pytest.raises(ValueError, match="color"):
        go.Board(9).play("D4", color="red")


def test_sgf_round_trip(tmp_path):
    b = go.Board(9, komi=7)
    for mv in ["D4", "F6", "pass", "C3"]:
        b.play(mv)
    text = b.to_sgf(black="A", white="B", result="B+R")
    game = go.read_sgf(text)
    assert (game.size, game.komi, game.black, game.white, game.result) == (9, 7.0, "A", "B", "B+R")
    assert game.moves == b.moves
    again = game.board()
    assert np.array_equal(again.stones(), b.stones()) and again.to_move == b.to_move
    assert game.board(moves=1).moves == [("black", "D4")]
    path = tmp_path / "g.sgf"
    path.write_text(game.to_sgf())
    assert go.load_sgf(str(path)).moves == b.moves
    with pytest.raises(ValueError):
        go.read_sgf("(;SZ[9];B[zz")
    with pytest.raises(ValueError, match="missing.sgf"):
        go.load_sgf(str(tmp_path / "missing.sgf"))
    illegal = go.read_sgf("(;SZ[9];B[dd];W[dd])")
    with pytest.raises(ValueError, match="move 2"):
        illegal.board()


def test_analyze_contracts():
    b = go.Board(7)
    b.play("D4")
    a = go.analyze(b, visits=300, seed=3, ownership=True)
    points = 7 * 7 + 1
    assert a.visits.dtype == np.int64 and a.visits.shape == (points,)
    assert a.priors.dtype == np.float32 and a.priors.shape == (points,)
    assert a.policy.dtype == np.float32 and abs(float(a.policy.sum()) - 1) < 1e-5
    assert a.ownership.dtype == np.float32 and a.ownership.shape == (7, 7)
    assert a.visits[3 + 7 * 3] == 0  # D4 is occupied
    assert int(a.visits.sum()) == a.root_visits - 1
    assert 0 <= a.winrate <= 1 and -1 <= a.value <= 1
    assert a.best_move == a.moves[0]["move"] and a.moves[0]["visits"] == int(a.visits.max())
    again = go.analyze(b, visits=300, seed=3, ownership=True)
    assert np.array_equal(a.visits, again.visits)  # one thread: deterministic for a seed
    assert go.analyze(b, visits=50, evaluator="uniform").ownership is None
    with pytest.raises(ValueError, match="unknown|evaluator"):
        go.analyze(b, visits=10, evaluator="oracle")
    with pytest.raises(ValueError, match="visits"):
        go.analyze(b, visits=-1)
    with pytest.raises(ValueError):
        go.analyze(b, visits=0, max_seconds=0)


def test_gtp_engine():
    e = go.GtpEngine(size=9, komi=7, visits=60, seed=2)
    assert e.execute("protocol_version") == "= 2\n\n"
    assert e.execute("play b D4") == "=\n\n"
    reply = e.execute("genmove w")
    assert reply.startswith("= ") and reply.endswith("\n\n")
    assert e.board.moves[0] == ("black", "D4") and len(e.board.moves) == 2
    assert e.execute("play b D4").startswith("? ")
    assert e.execute("10 name") == "=10 traceplay\n\n"
    assert e.execute("frobnicate") == "? unknown command\n\n"
    assert "genmove" in go.GtpEngine.commands()
    assert e.execute("quit") == "=\n\n" and e.quit
    with pytest.raises(ValueError, match="quit"):
        e.execute("name")
    with pytest.raises(ValueError, match="size"):
        go.GtpEngine(size=0)
    with pytest.raises(ValueError):
        go.GtpEngine(evaluator="oracle")


def test_analysis_commands_end():
    e = go.GtpEngine(size=5, visits=0, analysis_seconds=0.3)
    reply = e.execute("lz-analyze 10")
    assert reply.startswith("=") and "info move" in reply


def test_mcts_releases_the_gil():
    b = go.Board(9)
    result, seconds, steps = main_thread_steps_during(lambda: go.analyze(b, visits=0, max_seconds=0.6))
    assert seconds >= 0.5 and result.root_visits > 0
    assert steps > 1000, f"the main thread ran {steps} times in the middle of the search"


def test_genmove_releases_the_gil():
    e = go.GtpEngine(size=9, visits=0, time_per_move=0.6)
    reply, seconds, steps = main_thread_steps_during(lambda: e.execute("genmove b"))
    assert reply.startswith("= ") and seconds >= 0.4
    assert steps > 1000
