"""`traceplay gen --domain go-tactics`: a few dozen proven tasks, `inspect`ed, each task's
proven winning moves re-derived by `traceplay solve --domain go-tactics` from the
decoded prompt alone (the prompt carries the whole task), the prompt layout and plan
checked against the meta, same seed same bytes, and the bad-input paths (exit 2, one
line, nothing written)."""

import json
import os
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
        # The plan is the first proven winning move.
        first = meta["winning"][0]
        assert plan == (["plan", "pass"] if first == 49 else ["plan", str(first % 7), str(first // 7)])
        # A save task is never won by passing (the target really is threatened).
        if meta["goal"] == "save":
            assert 49 not in meta["winning"]
        solved = run("solve", "--domain", "go-tactics", "--size", "7", "--prompt", " ".join(prompt), "--json")
        again = json.loads(solved.stdout.strip().splitlines()[-1])
        assert again["proven"] and again["goal"] == meta["goal"], again
        assert again["winning"] == meta["winning"], (prompt, again, meta)
        assert again["plan"] == plan
    assert goals == {"capture", "save"}


def test_same_seed_same_bytes_for_any_thread_count(tmp_path, dataset):
    one = tmp_path / "one"
    run("gen", "--out", str(one), *GEN[:-1], "1")
    assert files(one) == files(dataset)


BAD = {
    "size over the limit": ["--domain", "go-tactics", "--size", "10", "--count", "5", "--seed", "1"],
    "size under the limit": ["--domain", "go-tactics", "--size", "4", "--count", "5", "--seed", "1"],
    "horizon zero": GEN + ["--horizon", "0"],
    "safe liberties one": GEN + ["--safe-liberties", "1"],
    "max nodes zero": GEN + ["--max-nodes", "0"],
    "negative max nodes": GEN + ["--max-nodes", "-5"],
    "width": ["--domain", "go-tactics", "--width", "7", "--height", "7", "--count", "5", "--seed", "1"],
    "walls": GEN + ["--walls", "2"],
    "nondeterministic": GEN + ["--nondeterministic"],
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


def test_a_config_data_table_sets_the_goal_and_the_limit(tmp_path):
    config = tmp_path / "tactics.toml"
    config.write_text('seed = 2\n[data]\ndomain = "go-tactics"\nsize = 5\ncount = 6\nhorizon = 12\n'
                      'safe_liberties = 2\nmax_nodes = 50000\n')
    run("gen", "--out", str(tmp_path / "data"), "--config", str(config))
    summary = records(tmp_path / "data", "train")
    assert summary["params"] == {"count": 6, "horizon": 12, "max_nodes": 50000, "safe_liberties": 2,
                                 "shard_records": 10000, "size": 5, "targets_per_layout": 3}
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
