# traceplay.games: maze tasks and Sokoban levels through the Python module.
import json

import numpy as np
import pytest

import traceplay
from traceplay import games


def small_maze():
    return games.MazeTask(4, 3, start=(0, 0), goal=(3, 2), walls=[(1, 0), (1, 1)])


def test_maze_task_properties_render_and_array():
    t = small_maze()
    assert (t.width, t.height, t.start, t.goal) == (4, 3, (0, 0), (3, 2))
    assert t.walls == [(1, 0), (1, 1)]
    # Top row is y = 2 (y grows up).
    assert t.render() == "...G\n.#..\nS#..\n"
    a = t.to_array()
    assert a.dtype == np.uint8 and a.shape == (3, 4)
    assert a[0, 0] == 2 and a[2, 3] == 3 and a[0, 1] == 1 and a[1, 1] == 1 and a[2, 0] == 0
    assert int((a == 1).sum()) == 2


def test_maze_step_and_plan_replay():
    t = small_maze()
    assert t.step((0, 0), "up") == (0, 1)
    assert t.step((0, 0), "right") is None  # a wall
    assert t.step((0, 0), "down") is None   # off the grid
    with pytest.raises(ValueError, match="direction must be"):
        t.step((0, 0), "north")
    good = [(0, 0), (0, 1), (0, 2), (1, 2), (2, 2), (3, 2)]
    assert t.check_plan(good) == {"valid": True, "moves": 5, "reason": ""}
    bad = t.check_plan([(0, 0), (1, 0)])
    assert not bad["valid"] and bad["reason"]


def test_maze_json_round_trip_and_files(tmp_path):
    t = small_maze()
    again = games.MazeTask.from_json(t.to_json())
    assert (again.width, again.walls, again.goal) == (t.width, t.walls, t.goal)
    path = tmp_path / "task.json"
    path.write_text(t.to_json())
    assert games.MazeTask.load(str(path)).walls == t.walls


def test_maze_bad_input_is_one_value_error(tmp_path):
    with pytest.raises(ValueError) as e:
        games.MazeTask(-3, 4, start=(0, 0), goal=(1, 1))
    assert "\n" not in str(e.value) and str(e.value)
    with pytest.raises(ValueError, match="wall"):
        games.MazeTask(3, 3, start=(0, 0), goal=(2, 2), walls=[(0, 0)])
    missing = tmp_path / "nope.json"
    with pytest.raises(ValueError, match="nope.json"):
        games.MazeTask.load(str(missing))
    with pytest.raises(ValueError, match="not valid JSON"):
        games.MazeTask.from_json("{")
    with pytest.raises(TypeError):
        games.MazeTask("a", 3, start=(0, 0), goal=(1, 1))


def test_generate_mazes_follow_the_generator():
    tasks = games.generate_mazes(6, 6, seed=3, layout=0)
    assert tasks, "layout 0 of seed 3 gives tasks"
    walls = tasks[0].walls
    for t in tasks:
        assert t.walls == walls  # one layout, many start/goal draws
        assert (t.width, t.height) == (6, 6)
    assert [t.to_json() for t in games.generate_mazes(6, 6, seed=3)] == [t.to_json() for t in tasks]
    with pytest.raises(ValueError):
        games.generate_mazes(1, 1)


LEVEL = [
    "#######",
    "#.@ $ #",
    "#     #",
    "#######",
]


def test_sokoban_level_and_array():
    lv = games.SokobanLevel(LEVEL)
    assert (lv.width, lv.height, lv.worker) == (7, 4, (2, 1))
    assert lv.boxes == [(4, 1)] and lv.docks == [(1, 1)]
    assert lv.render() == "\n".join(LEVEL) + "\n"
    a = lv.to_array()
    assert a.dtype == np.uint8 and a.shape == (4, 7)
    assert a[1, 1] == 2 and a[1, 2] == 5 and a[1, 4] == 3 and a[0, 0] == 1 and a[2, 2] == 0


def test_sokoban_game_steps_pushes_and_solves():
    lv = games.SokobanLevel(LEVEL)
    g = games.SokobanGame(lv)
    assert g.step("up") == "illegal"
    for d in ["r", "d", "r", "r", "u"]:
        assert g.step(d) == "moved"
    assert g.worker == (5, 1)
    assert g.step("left") == "pushed" and g.boxes == [(3, 1)]
    assert g.step("left") == "pushed"
    assert g.step("left") == "pushed"
    assert g.solved and g.boxes == [(1, 1)]
    assert g.render().splitlines()[1] == "#*@   #"
    assert g.to_array()[1, 1] == 4
    plan = g.path
    check = lv.check_plan(plan)
    assert check["valid"] and check["moves"] == len(plan) - 1
    lurd = lv.plan_to_lurd(plan)
    assert lurd == "rdrruLLL"
    assert lv.lurd_to_plan(lurd) == plan
    with pytest.raises(ValueError):
        lv.lurd_to_plan("x")
    with pytest.raises(ValueError, match="direction"):
        g.step("sideways")


def test_sokoban_files_and_bad_levels(tmp_path):
    f = tmp_path / "two.xsb"
    f.write_text("; first\n" + "\n".join(LEVEL) + "\n\n; second\n" + "\n".join(LEVEL).replace("@ $", " $@") + "\n")
    levels = games.load_levels(str(f))
    assert len(levels) == 2 and levels[1].worker == (4, 1)
    assert games.SokobanLevel.from_text(f.read_text(), index=2).worker == (4, 1)
    with pytest.raises(ValueError, match="no level 3"):
        games.SokobanLevel.from_text(f.read_text(), index=3)
    with pytest.raises(ValueError, match="missing.xsb"):
        games.load_levels(str(tmp_path / "missing.xsb"))
    with pytest.raises(ValueError):
        games.SokobanLevel(["#####", "#@$ #", "#####"])  # a box and no dock
    bad = tmp_path / "bad.xsb"
    bad.write_text("#####\n#@$.#\n#%  #\n#####\n")
    with pytest.raises(ValueError, match="bad.xsb"):
        games.load_levels(str(bad))


def test_generate_sokoban_is_seeded():
    a = games.generate_sokoban(seed=5)
    b = games.generate_sokoban(seed=5)
    assert a is not None and a.rows() == b.rows()
    assert (a.width, a.height) == (7, 7) and len(a.docks) == 2
    with pytest.raises(ValueError):
        games.generate_sokoban(width=-1)


def test_help_has_docstrings():
    assert "ValueError" in traceplay.__doc__
    assert "numpy uint8" in games.MazeTask.to_array.__doc__
    assert "seed" in games.generate_mazes.__doc__
