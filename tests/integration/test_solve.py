"""`traceplay solve` driven as a user would: mazes (golden traces), Sokoban (plans
checked by an independent simulator and BFS written here), unsolvable and limited
searches, and every bad-input path (exit 2, one message on stderr, nothing on stdout).
"""
import collections
import json
import os
import subprocess
import tempfile

import pytest

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")
DATA = os.environ.get("TRACEPLAY_SHARED_DATA", os.path.join(os.path.dirname(__file__), "../../../shared/data"))
BOXOBAN = os.path.join(DATA, "sokoban", "boxoban_medium_valid_000.txt")
EXAMPLE = os.path.join(DATA, "searchformer", "sokoban_example_7722.txt")


def run(*args):
    return subprocess.run([BIN, "solve", *args], capture_output=True, text=True, timeout=120)


def solve_json(*args):
    r = run(*args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# --- an independent Sokoban simulator and BFS (y down, as the .xsb rows) -----------

def parse_level(rows):
    walls, boxes, docks, worker = set(), set(), set(), None
    for y, row in enumerate(rows):
        for x, c in enumerate(row):
            if c == "#":
                walls.add((x, y))
            if c in ".+*":
                docks.add((x, y))
            if c in "$*":
                boxes.add((x, y))
            if c in "@+":
                worker = (x, y)
    return walls, frozenset(boxes), docks, worker


def read_levels(path):
    levels, rows = [], []
    for line in open(path):
        line = line.rstrip("\n").rstrip()
        if line and not line.startswith(";") and line.lstrip(" -_").startswith("#"):
            rows.append(line)
        elif rows:
            levels.append(rows)
            rows = []
    if rows:
        levels.append(rows)
    return levels


STEPS = {"u": (0, -1), "d": (0, 1), "l": (-1, 0), "r": (1, 0)}


def step(walls, boxes, worker, d):
    dx, dy = d
    nxt = (worker[0] + dx, worker[1] + dy)
    if nxt in walls:
        return None
    if nxt in boxes:
        beyond = (nxt[0] + dx, nxt[1] + dy)
        if beyond in walls or beyond in boxes:
            return None
        return (boxes - {nxt}) | {beyond}, nxt, True
    return boxes, nxt, False


def replay_lurd(rows, moves):
    """Positions visited; asserts each letter's case says whether it pushes."""
    walls, boxes, docks, worker = parse_level(rows)
    positions = [worker]
    for letter in moves:
        result = step(walls, boxes, worker, STEPS[letter.lower()])
        assert result is not None, f"illegal move {letter}"
        boxes, worker, pushed = result
        assert pushed == letter.isupper(), f"case of {letter} does not match the push"
        positions.append(worker)
    assert boxes <= docks, "not every box is on a dock"
    return positions


def bfs_moves(rows):
    walls, boxes, docks, worker = parse_level(rows)
    start = (worker, boxes)
    seen = {start}
    queue = collections.deque([(start, 0)])
    while queue:
        (worker, boxes), d = queue.popleft()
        if boxes <= docks:
            return d
        for delta in STEPS.values():
            result = step(walls, boxes, worker, delta)
            if result is None:
                continue
            state = (result[1], result[0])
            if state not in seen:
                seen.add(state)
                queue.append((state, d + 1))
    return None


def plan_positions(tokens):
    assert tokens[0::3] == ["plan"] * (len(tokens) // 3) and len(tokens) % 3 == 0
    return [(int(tokens[i + 1]), int(tokens[i + 2])) for i in range(0, len(tokens), 3)]


# --- maze ----------------------------------------------------------------------

def golden_tasks():
    with open(os.path.join(DATA, "searchformer", "maze_golden_40.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.mark.parametrize("index", [0, 7, 19, 39])
def test_maze_golden_task_solved_with_golden_tokens(tmp_path, index):
    golden = golden_tasks()[index]
    task = write(tmp_path, "task.json", json.dumps(golden["task"]))
    out = solve_json("--domain", "maze", "--task", task, "--trace")
    assert out["solved"] is True
    assert out["plan"] == golden["plan"]
    assert out["trace"] == golden["trace"]
    assert out["cost"] == len(golden["plan"]) // 3 - 1
    assert out["prompt"][:3] == ["start", str(golden["task"]["start"][0]), str(golden["task"]["start"][1])]
    assert out["expansions"] == golden["trace"].count("close")
    # Without --trace: the same plan, no tokens of the search.
    plain = solve_json("--domain", "maze", "--task", task)
    assert plain["plan"] == golden["plan"] and "trace" not in plain and "prompt" not in plain


def test_maze_nondeterministic_is_reproducible_and_optimal(tmp_path):
    golden = golden_tasks()[39]
    task = write(tmp_path, "task.json", json.dumps(golden["task"]))
    a = solve_json("--domain", "maze", "--task", task, "--trace", "--nondeterministic", "--seed", "5")
    b = solve_json("--domain", "maze", "--task", task, "--trace", "--nondeterministic", "--seed", "5")
    assert a["trace"] == b["trace"]
    assert a["cost"] == len(golden["plan"]) // 3 - 1


def test_maze_unsolvable(tmp_path):
    task = write(tmp_path, "task.json", json.dumps(
        {"width": 3, "height": 3, "start": [0, 0], "goal": [2, 2], "walls": [[1, 0], [1, 1], [1, 2]]}))
    r = run("--domain", "maze", "--task", task, "--json")
    assert r.returncode == 0
    out = json.loads(r.stdout.splitlines()[-1])
    assert out["solved"] is False and out["plan"] == []


# --- Sokoban -------------------------------------------------------------------

def test_sokoban_example_is_move_optimal_by_bfs():
    rows = read_levels(EXAMPLE)[0]
    want = bfs_moves(rows)
    out = solve_json("--domain", "sokoban", "--level", EXAMPLE)
    assert out["solved"] is True and out["cost"] == want
    positions = replay_lurd(rows, out["moves"])
    assert plan_positions(out["plan"]) == positions
    assert len(positions) - 1 == out["cost"]
    # Trace mode reaches the same optimal cost and prints its tokens.
    traced = solve_json("--domain", "sokoban", "--level", EXAMPLE, "--trace")
    assert traced["cost"] == want
    assert traced["prompt"][0] == "worker" and traced["trace"][:2] == ["create", "worker"]
    assert traced["trace"].count("close") == traced["expansions"]


@pytest.mark.parametrize("index", [1, 2, 500, 1000])
def test_sokoban_boxoban_plan_replays_in_an_independent_simulator(index):
    rows = read_levels(BOXOBAN)[index - 1]
    out = solve_json("--domain", "sokoban", "--level", f"{BOXOBAN}:{index}")
    assert out["solved"] is True
    positions = replay_lurd(rows, out["moves"])
    assert len(positions) - 1 == out["cost"]
    assert plan_positions(out["plan"]) == positions


def test_sokoban_small_levels_cost_equals_bfs(tmp_path):
    levels = [
        ["#######", "#     #", "# $ . #", "#  @  #", "#######"],
        ["######", "#.  .#", "# $$ #", "#  @ #", "######"],
        ["  ####", "###  #", "#. $@#", "#  $.#", "######"],
    ]
    path = write(tmp_path, "small.xsb", "\n\n".join("\n".join(rows) for rows in levels) + "\n")
    for i, rows in enumerate(levels, 1):
        out = solve_json("--domain", "sokoban", "--level", f"{path}:{i}")
        assert out["solved"] is True
        assert out["cost"] == bfs_moves(rows), rows
        replay_lurd(rows, out["moves"])


def test_sokoban_unsolvable_is_a_result(tmp_path):
    path = write(tmp_path, "dead.xsb", "#####\n#$ @#\n#  .#\n#####\n")
    for extra in ([], ["--trace"]):
        r = run("--domain", "sokoban", "--level", path, "--json", *extra)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout.splitlines()[-1])
        assert out["solved"] is False and "reason" not in out


def test_sokoban_limits_stop_the_search():
    for args in (["--max-expansions", "2"], ["--trace", "--max-expansions", "2"]):
        r = run("--domain", "sokoban", "--level", f"{BOXOBAN}:3", "--json", *args)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout.splitlines()[-1])
        assert out["solved"] is False and out["reason"] == "limit"
        assert out["expansions"] <= 2


def test_sokoban_trace_nondeterministic_same_seed_same_trace():
    a = solve_json("--domain", "sokoban", "--level", EXAMPLE, "--trace", "--nondeterministic", "--seed", "3")
    b = solve_json("--domain", "sokoban", "--level", EXAMPLE, "--trace", "--nondeterministic", "--seed", "3")
    assert a["trace"] == b["trace"] and a["cost"] == b["cost"]


def test_text_output_names_plan_cost_and_expansions():
    r = run("--domain", "sokoban", "--level", EXAMPLE)
    assert r.returncode == 0
    assert "moves" in r.stdout and "expanded" in r.stdout and "plan 2 3" in r.stdout


# --- bad input ----------------------------------------------------------------

def bad_inputs(tmp):
    malformed = os.path.join(tmp, "malformed.xsb")
    with open(malformed, "w") as f:
        f.write("; 1\n#####\n#@$.#\n#####\n\n; 2\n#####\n#@$$#\n#####\n")
    bad_task = os.path.join(tmp, "bad_task.json")
    with open(bad_task, "w") as f:
        f.write('{"width": 3, "height": 3, "start": [0, 0]}')
    not_json = os.path.join(tmp, "not.json")
    with open(not_json, "w") as f:
        f.write("{nope")
    return {
        "missing level file": (["--domain", "sokoban", "--level", os.path.join(tmp, "none.xsb")], "none.xsb"),
        "index past the end": (["--domain", "sokoban", "--level", BOXOBAN + ":1001"], "1000 levels"),
        "index zero": (["--domain", "sokoban", "--level", BOXOBAN + ":0"], "no level 0"),
        "index not a number": (["--domain", "sokoban", "--level", BOXOBAN + ":x"], "FILE:N"),
        "malformed level": (["--domain", "sokoban", "--level", malformed + ":1"], "level 2 (line 7)"),
        "no level given": (["--domain", "sokoban"], "--level"),
        "task for sokoban": (["--domain", "sokoban", "--level", EXAMPLE, "--task", bad_task], "--task"),
        "other domain": (["--domain", "go", "--level", EXAMPLE], "maze, sokoban or go-tactics"),
        "prompt for sokoban": (["--domain", "sokoban", "--level", EXAMPLE, "--prompt", "x"], "--domain go-tactics"),
        "go-tactics without a prompt": (["--domain", "go-tactics", "--size", "7"], "--prompt"),
        "no domain": (["--level", EXAMPLE], "--domain"),
        "unknown flag": (["--domain", "sokoban", "--level", EXAMPLE, "--fast"], "--fast"),
        "negative limit": (["--domain", "sokoban", "--level", EXAMPLE, "--max-expansions", "-1"], "max-expansions"),
        "bad time limit": (["--domain", "sokoban", "--level", EXAMPLE, "--time-limit", "soon"], "time-limit"),
        "seed alone": (["--domain", "sokoban", "--level", EXAMPLE, "--seed", "3"], "--nondeterministic"),
        "nondeterministic solver": (["--domain", "sokoban", "--level", EXAMPLE, "--nondeterministic"], "--trace"),
        "missing task": (["--domain", "maze", "--task", os.path.join(tmp, "none.json")], "none.json"),
        "malformed task": (["--domain", "maze", "--task", bad_task], "goal"),
        "task not json": (["--domain", "maze", "--task", not_json], "not valid JSON"),
        "no task": (["--domain", "maze"], "--task"),
    }


@pytest.mark.parametrize("case", sorted(bad_inputs(tempfile.gettempdir()).keys()))
def test_bad_input_exits_2_with_one_message(tmp_path, case):
    args, mention = bad_inputs(str(tmp_path))[case]
    r = run(*args, "--json")
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert mention in lines[0], lines[0]
