"""`traceplay gen --domain go-tactics`: a few dozen proven tasks, `inspect`ed, each task's
proven winning moves re-derived by `traceplay solve --domain go-tactics` from the
decoded prompt alone (the prompt carries the whole task), the prompt layout checked
against the meta, the MCTS trace read by a parser of its own (the grammar of DESIGN.md)
and the plan against the meta's teacher verdict, the teacher's correct-move rate against
a random legal move, same seed same bytes (deterministic and non-deterministic), and the
bad-input paths (exit 2, one line, nothing written)."""

import json
import math
import os
import re
import subprocess

import pytest

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")

GEN = ["--domain", "go-tactics", "--size", "7", "--count", "30", "--seed", "5", "--threads", "2"]


def run(*args, check=True):
    result = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def files(directory):
    return {name: open(os.path.join(directory, name), "rb").read() for name in sorted(os.listdir(directory))}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("tactics") / "data"
    run("gen", "--out", str(out), *GEN)
    return out


def records(directory, split):
    result = run("inspect", str(directory), "--split", split, "--records", "1000", "--json")
    return json.loads(result.stdout.strip().splitlines()[-1])


def parse_trace(trace, size):
    """The trace's simulations as (path, bucket): `sim [x y | pass]... v<K>` each."""
    sims, i = [], 0
    while i < len(trace):
        assert trace[i] == "sim", (i, trace[i])
        i, path = i + 1, []
        while not re.fullmatch(r"v[0-8]", trace[i]):
            if trace[i] == "pass":
                path.append(None)
                i += 1
            else:
                x, y = int(trace[i]), int(trace[i + 1])
                assert 0 <= x < size and 0 <= y < size
                path.append((x, y))
                i += 2
        sims.append((path, int(trace[i][1:])))
        i += 1
    return sims


def point_of(plan, size):
    return size * size if plan == ["plan", "pass"] else int(plan[1]) + size * int(plan[2])


def test_inspect_verifies_and_every_task_is_proven_again_from_its_prompt(dataset):
    train, test = records(dataset, "train"), records(dataset, "test")
    assert train["domain"] == "go-tactics" and train["verified"]
    assert train["params"]["size"] == 7 and train["params"]["safe_liberties"] == 3
    tasks = train["records"] + test["records"]
    assert len(tasks) == 30 == train["counts"]["train"] + train["counts"]["test"]
    goals = set()
    for task in tasks:
        meta, prompt, plan = task["meta"], task["prompt"], task["plan"]
        goals.add(meta["goal"])
        assert meta["winning"] and meta["nodes"] > 0 and meta["size"] == 7
        # The prompt ends with the side to move and the goal on the meta's target.
        goal_at = prompt.index(meta["goal"])
        assert prompt[goal_at + 1:] == [str(meta["target"] % 7), str(meta["target"] // 7)]
        assert prompt[goal_at - 2] == "to_move" and len(prompt) == goal_at + 3
        # The trace: 64 simulations, the first the root's own; the plan is the teacher's move,
        # one the root was searched through, and meta says truly whether it is proven.
        sims = parse_trace(task["trace"], 7)
        assert len(sims) == 64 == meta["simulations"] and sims[0][0] == []
        assert plan[0] == "plan" and len(plan) in (2, 3)
        move = None if plan == ["plan", "pass"] else (int(plan[1]), int(plan[2]))
        assert any(path and path[0] == move for path, _ in sims)
        assert meta["teacher_correct"] == (point_of(plan, 7) in meta["winning"])
        # A save task is never won by passing (the target really is threatened).
        if meta["goal"] == "save":
            assert 49 not in meta["winning"]
        solved = run("solve", "--domain", "go-tactics", "--size", "7", "--prompt", " ".join(prompt), "--json")
        again = json.loads(solved.stdout.strip().splitlines()[-1])
        assert again["proven"] and again["goal"] == meta["goal"], again
        assert again["winning"] == meta["winning"], (prompt, again, meta)
    assert goals == {"capture", "save"}


def wilson(k, n, z=1.96):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_the_teacher_beats_a_random_legal_move(dataset):
    tasks = records(dataset, "train")["records"] + records(dataset, "test")["records"]
    correct = sum(t["meta"]["teacher_correct"] for t in tasks)
    random_rate = sum(len(t["meta"]["winning"]) / t["meta"]["first_moves"] for t in tasks) / len(tasks)
    low, high = wilson(correct, len(tasks))
    print(f"teacher {correct}/{len(tasks)} ({low:.2f}..{high:.2f}), random legal move {random_rate:.2f}")
    assert low > random_rate


def test_same_seed_same_bytes_for_any_thread_count(tmp_path, dataset):
    one = tmp_path / "one"
    run("gen", "--out", str(one), *GEN[:-1], "1")
    assert files(one) == files(dataset)


def test_nondeterministic_traces_follow_the_dataset_seed(tmp_path, dataset):
    """The same tasks (the MCTS seed is drawn after the task's own draws), other traces;
    same seed, same bytes; the manifest says which mode made them."""
    a, b = tmp_path / "a", tmp_path / "b"
    run("gen", "--out", str(a), *GEN, "--nondeterministic")
    run("gen", "--out", str(b), *GEN[:-1], "1", "--nondeterministic")
    assert files(a) == files(b)
    det, nondet = records(dataset, "train"), records(a, "train")
    assert det["deterministic"] is True and nondet["deterministic"] is False
    assert [t["prompt"] for t in det["records"]] == [t["prompt"] for t in nondet["records"]]
    assert [t["trace"] for t in det["records"]] != [t["trace"] for t in nondet["records"]]


def test_mcts_flags_reach_the_trace_and_the_manifest(tmp_path):
    out = tmp_path / "data"
    run("gen", "--out", str(out), "--domain", "go-tactics", "--size", "5", "--count", "4", "--seed", "3",
        "--simulations", "10", "--c-puct", "1.5", "--rollouts", "2", "--prior", "uniform", "--test-fraction", "0")
    summary = records(out, "train")
    assert summary["params"]["simulations"] == 10 and summary["params"]["c_puct"] == 1.5
    assert summary["params"]["rollouts"] == 2 and summary["params"]["prior"] == "uniform"
    for task in summary["records"]:
        sims = parse_trace(task["trace"], 5)
        assert len(sims) == 10 == task["meta"]["simulations"]
        # Two rollouts a leaf: values in {-1, 0, 1}, buckets 0, 4, 8.
        assert {bucket for _, bucket in sims} <= {0, 4, 8}


BAD = {
    "size over the limit": ["--domain", "go-tactics", "--size", "10", "--count", "5", "--seed", "1"],
    "size under the limit": ["--domain", "go-tactics", "--size", "4", "--count", "5", "--seed", "1"],
    "horizon zero": GEN + ["--horizon", "0"],
    "safe liberties one": GEN + ["--safe-liberties", "1"],
    "max nodes zero": GEN + ["--max-nodes", "0"],
    "negative max nodes": GEN + ["--max-nodes", "-5"],
    "width": ["--domain", "go-tactics", "--width", "7", "--height", "7", "--count", "5", "--seed", "1"],
    "walls": GEN + ["--walls", "2"],
    "simulations zero": GEN + ["--simulations", "0"],
    "simulations over the limit": GEN + ["--simulations", "100001"],
    "simulations not a number": GEN + ["--simulations", "many"],
    "c_puct zero": GEN + ["--c-puct", "0"],
    "c_puct over the limit": GEN + ["--c-puct", "1000"],
    "rollouts zero": GEN + ["--rollouts", "0"],
    "rollouts over the limit": GEN + ["--rollouts", "65"],
    "unknown prior": GEN + ["--prior", "network"],
    "prior for maze": ["--domain", "maze", "--size", "5", "--count", "5", "--seed", "1", "--prior", "uniform"],
    "simulations for maze": ["--domain", "maze", "--size", "5", "--count", "5", "--seed", "1", "--simulations", "8"],
    "c_puct for sokoban": ["--domain", "sokoban", "--count", "5", "--seed", "1", "--c-puct", "1"],
    "horizon for maze": ["--domain", "maze", "--size", "5", "--count", "5", "--seed", "1", "--horizon", "8"],
    "unknown option": GEN + ["--komi", "7"],
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_exits_2_with_one_line_and_nothing_written(tmp_path, case):
    out = tmp_path / "out"
    result = run("gen", "--out", str(out), *BAD[case], check=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("traceplay: "), result.stderr
    assert "internal error" not in result.stderr
    assert not out.exists() and result.stdout == ""


BAD_PROMPTS = {
    "no target": "black 0 0 white 1 0 to_move black",
    "target on an empty point": "black 0 0 white 1 0 to_move black capture 3 3",
    "capture of an own stone": "black 0 0 white 1 0 to_move black capture 0 0",
    "coordinate off the board": "black 0 9 white 1 0 to_move black capture 1 0",
    "stones out of order": "black 2 0 black 0 0 white 1 0 to_move black capture 1 0",
    "ko point occupied": "black 0 0 white 1 0 ko 1 0 to_move black capture 1 0",
    "unknown token": "black 0 0 white 1 0 to_move black capture 1 0 extra",
}


@pytest.mark.parametrize("case", sorted(BAD_PROMPTS))
def test_solve_refuses_a_bad_prompt_with_exit_2(case):
    result = run("solve", "--domain", "go-tactics", "--size", "7", "--prompt", BAD_PROMPTS[case], check=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("traceplay: ") and "internal error" not in result.stderr
    assert result.stdout == ""


def test_solve_refuses_a_board_over_the_size_limit():
    result = run("solve", "--domain", "go-tactics", "--size", "19", "--prompt", "black 0 0 to_move white capture 0 0",
                 check=False)
    assert result.returncode == 2 and "5..9" in result.stderr and result.stdout == ""


def test_mcts_keys_of_a_config_reach_actors_and_give_the_same_bytes(tmp_path):
    """The teacher's [data] keys travel to `--actors` processes (the learner's job spec):
    the same bytes as threads in this process."""
    config = tmp_path / "mcts.toml"
    config.write_text('[data]\ndomain = "go-tactics"\nsize = 5\ncount = 8\nseed = 4\nsimulations = 12\n'
                      'c_puct = 1.5\nrollouts = 2\nprior = "uniform"\ndeterministic = false\n')
    here, actors = tmp_path / "here", tmp_path / "actors"
    run("gen", "--out", str(here), "--config", str(config), "--threads", "1")
    run("gen", "--out", str(actors), "--config", str(config), "--actors", "1")
    assert files(here) == files(actors)
    summary = records(here, "train")
    assert summary["deterministic"] is False
    assert {k: summary["params"][k] for k in ("simulations", "c_puct", "rollouts", "prior")} == {
        "simulations": 12, "c_puct": 1.5, "rollouts": 2, "prior": "uniform"}


def test_a_config_data_table_sets_the_goal_and_the_limit(tmp_path):
    config = tmp_path / "tactics.toml"
    config.write_text('seed = 2\n[data]\ndomain = "go-tactics"\nsize = 5\ncount = 6\nhorizon = 12\n'
                      'safe_liberties = 2\nmax_nodes = 50000\n')
    run("gen", "--out", str(tmp_path / "data"), "--config", str(config))
    summary = records(tmp_path / "data", "train")
    assert summary["params"] == {"count": 6, "horizon": 12, "max_nodes": 50000, "safe_liberties": 2,
                                 "shard_records": 10000, "size": 5, "targets_per_layout": 3,
                                 "simulations": 64, "c_puct": 2.0, "rollouts": 4, "prior": "solver-order"}
    assert summary["seed"] == 2
    for task in summary["records"]:
        assert task["meta"]["liberties"] == 1  # safe at 2: only chains in atari are targets
        again = json.loads(run("solve", "--domain", "go-tactics", "--size", "5", "--prompt", " ".join(task["prompt"]),
                               "--horizon", "12", "--safe-liberties", "2", "--max-nodes", "50000",
                               "--json").stdout.strip().splitlines()[-1])
        assert again["winning"] == task["meta"]["winning"]


# Curated problems: the ladder of tests/unit/go_tactics_solver_test.cpp (both ataris
# capture), the same with a ladder breaker (one does), and the same with two breakers and
# White to move, whose proof needs more than the default node limit (dropped).
PROBLEMS = ("(;GM[1]FF[4]SZ[9]PL[B]AB[dc][cd][ee]AW[dd]TR[dd];B[ed])\n"
            "(;GM[1]FF[4]SZ[9]PL[B]AB[dc][cd][ee]AW[dd][bg]TR[dd])\n"
            "(;GM[1]FF[4]SZ[9]PL[W]AB[dc][cd][ee]AW[dd][bg][gb]TR[dd])\n")


def test_curated_sgf_problems_are_proven_and_kept_in_order(tmp_path):
    problems = tmp_path / "problems.sgf"
    problems.write_text(PROBLEMS)
    out = tmp_path / "data"
    run("gen", "--out", str(out), "--domain", "go-tactics", "--problems", str(problems), "--count", "10",
        "--seed", "1", "--test-fraction", "0")
    summary = records(out, "train")
    assert summary["params"]["problems"] == 3 and summary["params"]["size"] == 9
    tasks = summary["records"]
    assert [t["meta"]["problem"] for t in tasks] == [1, 2]
    assert [t["meta"]["winning"] for t in tasks] == [[31, 39], [39]]  # (4,3) and (3,4); then (3,4) only
    assert tasks[0]["prompt"] == "black 3 2 black 2 3 black 4 4 white 3 3 to_move black capture 3 3".split()
    for task in tasks:
        again = json.loads(run("solve", "--domain", "go-tactics", "--size", "9", "--prompt", " ".join(task["prompt"]),
                               "--json").stdout.strip().splitlines()[-1])
        assert again["winning"] == task["meta"]["winning"]


BAD_PROBLEMS = {
    "no target": ("(;GM[1]FF[4]SZ[9]PL[B]AB[dc][cd]AW[dd])", "no target"),
    "target on an empty point": ("(;GM[1]FF[4]SZ[9]AB[dc][cd]AW[dd]TR[aa])", "empty point"),
    "board over the size limit": ("(;GM[1]FF[4]SZ[19]AB[dc][cd]AW[dd]TR[dd])", "5..9"),
    "two sizes": ("(;GM[1]FF[4]SZ[9]AB[dc][cd]AW[dd]TR[dd])(;GM[1]FF[4]SZ[7]AB[dc][cd]AW[dd]TR[dd])", "one size"),
    "target already safe": ("(;GM[1]FF[4]SZ[9]AW[dd]TR[dd])", "liberties"),
    "bad PL": ("(;GM[1]FF[4]SZ[9]PL[X]AB[dc][cd]AW[dd]TR[dd])", "PL"),
    "two targets": ("(;GM[1]FF[4]SZ[9]AB[dc][cd]AW[dd][ff]TR[dd][ff])", "exactly one"),
    "malformed sgf": ("(;GM[1]FF[4]SZ[9]AB[dc", "problems.sgf"),
}


@pytest.mark.parametrize("case", sorted(BAD_PROBLEMS))
def test_a_broken_problem_file_exits_2_with_one_line_and_nothing_written(tmp_path, case):
    text, mention = BAD_PROBLEMS[case]
    problems = tmp_path / "problems.sgf"
    problems.write_text(text)
    out = tmp_path / "out"
    result = run("gen", "--out", str(out), "--domain", "go-tactics", "--problems", str(problems), "--count", "5",
                 "--seed", "1", check=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and mention in lines[0] and "internal error" not in lines[0], result.stderr
    assert not out.exists() and result.stdout == ""


MISUSE = {
    "with a size": (["--domain", "go-tactics", "--problems", "FILE", "--size", "9"], "drop --size"),
    "for a maze": (["--domain", "maze", "--size", "5", "--problems", "FILE"], "are for go-tactics"),
    "missing file": (["--domain", "go-tactics", "--problems", "/no/such.sgf"], "no such file"),
}


@pytest.mark.parametrize("case", sorted(MISUSE))
def test_problems_flag_misuse_exits_2(tmp_path, case):
    problems = tmp_path / "problems.sgf"
    problems.write_text(PROBLEMS)
    args, mention = MISUSE[case]
    args = [str(problems) if a == "FILE" else a for a in args]
    result = run("gen", "--out", str(tmp_path / "out"), *args, "--count", "5", "--seed", "1", check=False)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and mention in lines[0], result.stderr
    assert not (tmp_path / "out").exists()
