# traceplay.search: A* traces as tokens and events, the Sokoban solver, parity with
# `traceplay solve`, and the GIL released during a search.
import json
import os
import subprocess

import numpy as np
import pytest

from traceplay import games, search

from gil_check import main_thread_steps_during

TRACEPLAY = os.environ.get("TRACEPLAY_BIN")


def maze():
    return games.generate_mazes(10, 10, seed=7, layout=2)[0]


def test_maze_trace_tokens_and_events_agree():
    r = search.astar_maze(maze())
    assert r.solved and r.status == "solved"
    assert r.cost == len(r.plan) - 1 and r.expansions > 0
    assert len(r.trace) == 5 * len(r.events)
    for i, e in enumerate(r.events):
        assert r.trace[5 * i:5 * i + 5] == [e.action, str(e.x), str(e.y), f"c{e.g}", f"c{e.h}"]
    assert r.events[0].action == "create" and (r.events[0].x, r.events[0].y) == maze().start
    assert sum(e.action == "close" for e in r.events) == r.expansions
    a = r.events_array()
    assert a.dtype == np.int32 and a.shape == (len(r.events), 5)
    assert list(a[1]) == [1, r.events[1].x, r.events[1].y, r.events[1].g, r.events[1].h]
    assert r.plan_tokens == [t for p in r.plan for t in ("plan", str(p[0]), str(p[1]))]
    assert maze().check_plan(r.plan)["valid"]
    assert r.prompt == maze().prompt()


def test_nondeterministic_seeds_and_limits():
    t = maze()
    a = search.astar_maze(t, deterministic=False, seed=1)
    b = search.astar_maze(t, deterministic=False, seed=1)
    assert a.trace == b.trace and a.cost == search.astar_maze(t).cost
    limited = search.astar_maze(t, max_expansions=2)
    assert limited.status == "limit" and not limited.solved and limited.expansions == 2
    for bad in ({"max_expansions": -1}, {"seed": -5}, {"time_limit": -1.0}):
        with pytest.raises(ValueError, match="must be >= 0"):
            search.astar_maze(t, **bad)
    # Seeds span 64 bits, as the command line's (eval's t* seeds its A* runs so).
    assert search.astar_maze(t, deterministic=False, seed=2**64 - 1).solved
    with pytest.raises(ValueError, match="below 2"):
        search.astar_maze(t, deterministic=False, seed=2**64)


LEVEL = ["#######", "#.@ $ #", "#     #", "#######"]


def test_sokoban_trace_and_solver():
    lv = games.SokobanLevel(LEVEL)
    traced = search.astar_sokoban(lv)
    assert traced.solved and traced.moves == "rdrruLLL" and traced.pushes == 3
    ev = traced.events[0]
    assert ev.action == "create" and (ev.x, ev.y) == (2, 1) and ev.boxes == [(4, 1)] and ev.g == 0
    solved = search.solve_sokoban(lv)
    assert solved.solved and solved.cost == traced.cost == 8 and solved.pushes == 3
    assert solved.trace == [] and lv.check_plan(solved.plan)["valid"]


def test_solver_bad_limits():
    with pytest.raises(ValueError, match="max_expansions"):
        search.solve_sokoban(games.SokobanLevel(LEVEL), max_expansions=-1)


@pytest.mark.skipif(not TRACEPLAY, reason="TRACEPLAY_BIN not set")
def test_parity_with_solve_cli(tmp_path):
    t = maze()
    task = tmp_path / "task.json"
    task.write_text(t.to_json())
    out = subprocess.run([TRACEPLAY, "solve", "--domain", "maze", "--task", str(task), "--trace", "--json"],
                         capture_output=True, text=True, check=True)
    cli = json.loads(out.stdout.strip().splitlines()[-1])
    py = search.astar_maze(t)
    assert (cli["trace"], cli["prompt"], cli["plan"], cli["cost"], cli["expansions"]) == \
        (py.trace, py.prompt, py.plan_tokens, py.cost, py.expansions)

    level = tmp_path / "l.xsb"
    level.write_text("\n".join(LEVEL) + "\n")
    out = subprocess.run([TRACEPLAY, "solve", "--domain", "sokoban", "--level", str(level), "--trace",
                          "--nondeterministic", "--seed", "3", "--json"], capture_output=True, text=True, check=True)
    cli = json.loads(out.stdout.strip().splitlines()[-1])
    py = search.astar_sokoban(games.load_levels(str(level))[0], deterministic=False, seed=3)
    assert (cli["trace"], cli["prompt"], cli["moves"]) == (py.trace, py.prompt, py.moves)


def test_astar_releases_the_gil():
    # A level too big for trace mode within the limit: the search runs for time_limit.
    rows = ["#" * 14] + ["#" + " " * 12 + "#" for _ in range(12)] + ["#" * 14]
    rows[2] = "#" + "  $ $ $ $   " + "#"
    rows[9] = "#" + " .  .  . .@ " + "#"
    level = games.SokobanLevel(rows)
    result, seconds, steps = main_thread_steps_during(lambda: search.astar_sokoban(level, time_limit=0.6))
    assert result.status == "limit" and seconds >= 0.5
    assert steps > 1000, f"the main thread ran {steps} times in the middle of the search"


def test_the_gil_check_sees_a_call_that_holds_the_gil():
    # The negative control: builtin sum holds the GIL for its whole loop.
    _, seconds, steps = main_thread_steps_during(lambda: sum(range(20_000_000)))
    assert seconds > 0.05 and steps == 0


SHARED = os.environ.get("TRACEPLAY_SHARED_DATA",
                        os.path.join(os.path.dirname(__file__), "../../../shared/data"))
BOXOBAN = os.path.join(SHARED, "sokoban", "boxoban_medium_valid_000.txt")


@pytest.mark.skipif(not TRACEPLAY or not os.path.exists(BOXOBAN), reason="needs TRACEPLAY_BIN and the Boxoban file")
def test_boxoban_solver_parity_with_solve_cli():
    levels = games.load_levels(BOXOBAN)
    assert len(levels) == 1000 and (levels[0].width, levels[0].height) == (10, 10)
    for n in (1, 2):
        out = subprocess.run([TRACEPLAY, "solve", "--domain", "sokoban", "--level", f"{BOXOBAN}:{n}", "--json"],
                             capture_output=True, text=True, check=True)
        cli = json.loads(out.stdout.strip().splitlines()[-1])
        py = search.solve_sokoban(levels[n - 1])
        assert (cli["moves"], cli["cost"], cli["pushes"], cli["plan"]) == (py.moves, py.cost, py.pushes, py.plan_tokens)
