"""Dualformer's evaluation modes, `traceplay eval --mode fast|slow|auto`, driven as a user
would on a search-augmented model trained briefly on 4x4 mazes (it has only ever seen
`bos create ... plan ... eos`): fast mode forces `plan` first and every response is
still parsed and replayed, with the verdict an independent replay gives (that a plan
with an empty trace is correct when it replays is unit-tested in
response_check_test.cpp: RecordsOwnResponsesAreCorrectAndOptimal); slow mode forces
`create` first; auto
forces nothing, gives exactly the samples of an evaluation without a mode, and reports
how responses began; every mode is its own set of parameters (its own default
directory; one OUT is not silently overwritten by another mode); bad modes exit 2 with
one line and write nothing."""

import json
import os
import subprocess

import pytest

from test_eval import SUMMARY_KEYS, read_lines, replay, split_records

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")
MODE_KEYS = ["mode", "fast_share", "slow_share"]
TASKS = 20


def run(*args, timeout=600):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("modes")
    data = root / "maze4"
    r = run("gen", "--domain", "maze", "--size", "4", "--count", "3000", "--seed", "1", "--threads", "1", "--out", data)
    assert r.returncode == 0, r.stderr
    runs = {}
    for mode, steps in (("search-augmented", STEPS), ("solution-only", 0)):
        out = root / mode
        r = run("train", "--data", data, "--out", out, "--dim", "32", "--layers", "2", "--heads", "2", "--mode", mode,
                "--steps", steps, "--batch-tokens", "2048", "--lr", "3e-3", "--warmup", "20", "--log-every", "50",
                "--eval-every", "100000", "--threads", "1", "--seed", "1")
        assert r.returncode == 0, r.stderr
        runs[mode] = out
    return {"root": root, "data": data, "runs": runs}


# Measured on the 2-core development machine (one thread): 150 steps take 7 s and make
# 95% of sampled (T = 1) auto-mode responses begin with a trace step, 300 steps 98%;
# an untrained model begins with `create` or `close` about 2 times in 30 (its vocabulary).
# In fast mode the same models write no plan that parses (0 of 40 at 300 and 600 steps):
# after the forced `plan` they go on writing trace steps, never having seen a plan
# without a trace -- what Dualformer's trace dropping is for.
STEPS = 200
AUTO_SLOW_FLOOR = 0.75


def evaluate(setup, model, out, *extra, tasks=TASKS, samples=1, temperature=0):
    args = ["eval", "--checkpoint", setup["runs"][model], "--data", setup["data"], "--tasks", tasks,
            "--samples", samples, "--temperature", temperature, "--astar-runs", "2", "--threads", "1", "--json", *extra]
    if out is not None:
        args += ["--out", out]
    r = run(*args)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1]), r


def test_fast_mode_forces_plan_and_its_plans_parse_and_replay(setup, tmp_path):
    out = tmp_path / "fast"
    summary, r = evaluate(setup, "search-augmented", out, "--mode", "fast")
    assert list(summary) == SUMMARY_KEYS + MODE_KEYS
    assert summary["mode"] == "fast" and summary["fast_share"] == 1.0 and summary["slow_share"] == 0.0
    assert summary["mean_trace_tokens"] == 0.0
    assert summary["ilr_solved"] is None and summary["ilr_optimal"] is None  # no trace written
    assert summary["mean_astar_trace_tokens"] > 0
    assert "fast mode" in r.stdout and "began with plan" in r.stdout
    assert json.load(open(out / "eval.json"))["parameters"]["mode"] == "fast"

    manifest, records = split_records(setup["data"])
    lines = read_lines(out / "samples.jsonl")
    assert len(lines) == TASKS
    for line, record in zip(lines, records):
        assert line["id"] == record["id"]
        assert line["tokens"][:2] == ["bos", "plan"]
        assert line["trace_tokens"] == 0
        correct, positions, _ = replay(line["tokens"], record, manifest["vocabulary"])
        assert line["correct"] == correct  # the evaluator agrees with an independent replay
        assert (line["reason"] is None) == correct and isinstance(line["reason"] or "", str)
        if correct:
            assert line["plan_positions"] == positions
    assert summary["solved_per_sample"] == pytest.approx(sum(l["correct"] for l in lines) / len(lines))


def test_slow_mode_forces_a_trace_step(setup, tmp_path):
    summary, _ = evaluate(setup, "search-augmented", tmp_path / "slow", "--mode", "slow")
    assert list(summary) == SUMMARY_KEYS + MODE_KEYS
    assert (summary["mode"], summary["fast_share"], summary["slow_share"]) == ("slow", 0.0, 1.0)
    assert summary["ilr_solved"] is not None
    for line in read_lines(tmp_path / "slow" / "samples.jsonl"):
        assert line["tokens"][:2] == ["bos", "create"]
        assert line["trace_tokens"] > 0


def test_auto_mode_forces_nothing_and_reports_how_responses_began(setup, tmp_path):
    # Sampled, so that the model's own choice of first token is exercised.
    auto, _ = evaluate(setup, "search-augmented", tmp_path / "auto", "--mode", "auto", "--seed", 5, samples=3,
                       temperature=1)
    plain, _ = evaluate(setup, "search-augmented", tmp_path / "plain", "--seed", 5, samples=3, temperature=1)
    assert list(plain) == SUMMARY_KEYS  # without a mode: the summary as before modes existed
    assert list(auto) == SUMMARY_KEYS + MODE_KEYS
    # Nothing forced: the very samples of an evaluation without a mode.
    assert (tmp_path / "auto" / "samples.jsonl").read_bytes() == (tmp_path / "plain" / "samples.jsonl").read_bytes()
    assert {k: auto[k] for k in SUMMARY_KEYS} == plain
    lines = read_lines(tmp_path / "auto" / "samples.jsonl")
    first = [line["tokens"][1] if len(line["tokens"]) > 1 else None for line in lines]
    assert auto["fast_share"] == pytest.approx(first.count("plan") / len(lines))
    assert auto["slow_share"] == pytest.approx(sum(t in ("create", "close") for t in first) / len(lines))
    assert auto["fast_share"] + auto["slow_share"] <= 1.0
    # A search-augmented model was only ever taught to begin with a trace.
    print("auto:", auto)
    assert auto["slow_share"] >= AUTO_SLOW_FLOOR


def test_modes_are_parameters_with_their_own_directories(setup, tmp_path):
    # Default directories inside the run directory: one per mode, side by side.
    run_dir = setup["runs"]["search-augmented"]
    for mode in ("fast", "slow"):
        evaluate(setup, "search-augmented", None, "--mode", mode, tasks=3)
    names = sorted(os.listdir(run_dir))
    assert "eval-test-fast" in names and "eval-test-slow" in names
    fast = json.load(open(run_dir / "eval-test-fast" / "eval.json"))["parameters"]
    slow = json.load(open(run_dir / "eval-test-slow" / "eval.json"))["parameters"]
    assert {k: v for k, v in fast.items() if k != "mode"} == {k: v for k, v in slow.items() if k != "mode"}
    assert (fast["mode"], slow["mode"]) == ("fast", "slow")

    # One OUT: another mode (or none) is refused, not mixed in; --force replaces.
    out = tmp_path / "one"
    evaluate(setup, "search-augmented", out, "--mode", "fast", tasks=3)
    before = (out / "samples.jsonl").read_bytes()
    for other in (["--mode", "slow"], []):
        r = run("eval", "--checkpoint", run_dir, "--data", setup["data"], "--tasks", 3, "--samples", 1,
                "--temperature", 0, "--astar-runs", 2, "--threads", 1, "--out", out, *other)
        assert r.returncode == 2, r.stderr
        assert r.stderr.count("\n") == 1 and "other parameters" in r.stderr and "mode" in r.stderr, r.stderr
    assert (out / "samples.jsonl").read_bytes() == before
    evaluate(setup, "search-augmented", out, "--mode", "slow", "--force", tasks=3)
    assert json.load(open(out / "eval.json"))["parameters"]["mode"] == "slow"
    # An evaluation without a mode keeps the parameters it always had.
    plain = tmp_path / "plain"
    evaluate(setup, "search-augmented", plain, tasks=3)
    assert "mode" not in json.load(open(plain / "eval.json"))["parameters"]


def test_solution_only_models_fast_and_auto_but_not_slow(setup, tmp_path):
    fast, _ = evaluate(setup, "solution-only", tmp_path / "fast", "--mode", "fast", tasks=4)
    assert fast["mode"] == "fast" and fast["fast_share"] == 1.0 and fast["ilr_solved"] is None
    auto, _ = evaluate(setup, "solution-only", tmp_path / "auto", "--mode", "auto", tasks=4)
    assert auto["fast_share"] + auto["slow_share"] <= 1.0


def test_bad_modes_exit_2_with_one_line_and_write_nothing(setup, tmp_path):
    sa, so = setup["runs"]["search-augmented"], setup["runs"]["solution-only"]
    config = tmp_path / "bad.toml"
    config.write_text('[eval]\nmode = "quick"\n')
    cases = [
        ([sa, "--mode", "bogus"], "--mode"),
        ([sa, "--mode", "FAST"], "--mode"),
        ([so, "--mode", "slow"], "solution-only"),
        ([sa, "--config", config], '"mode"'),
    ]
    for args, mention in cases:
        out = tmp_path / "never"
        r = run("eval", "--checkpoint", *args, "--data", setup["data"], "--out", out)
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.count("\n") == 1 and mention in r.stderr, (args, r.stderr)
        assert r.stdout == "" and not out.exists(), args
    r = run("eval", "--checkpoint", so, "--data", setup["data"], "--mode", "slow")
    assert r.returncode == 2 and not (so / "eval-test-slow").exists()
