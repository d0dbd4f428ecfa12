"""`traceplay eval` on a go-tactics dataset, on checkpoints made by `traceplay train
--steps 0` (untrained tiny models: the mechanics, not the learning): every sample line
re-scored here independently (correct = `plan x y eos` / `plan pass eos` after the trace,
with the move in meta "winning"), the summary's "go_tactics" lines (the model's
correct-move rate with its Wilson interval and simulations per sample, beside the MCTS
teacher's rate, simulations and trace tokens from the dataset), t* = the teacher's trace;
and samples.jsonl rewritten with the teacher's own responses, wrong and illegal moves,
which eval reads back, replays and summarises."""

import json
import math
import os
import subprocess

import pytest

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")
TASKS, SAMPLES, SIMS = 20, 3, 8


def run(*args, timeout=300):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def last_json(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def wilson(k, n, z=1.959964):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    if run("train", "--help").returncode != 0:
        pytest.skip("this build has no `traceplay train` to make a checkpoint with")
    root = tmp_path_factory.mktemp("eval_tactics")
    data = root / "data"
    r = run("gen", "--domain", "go-tactics", "--size", "5", "--count", "60", "--seed", "2", "--simulations", SIMS,
            "--threads", "1", "--out", data)
    assert r.returncode == 0, r.stderr
    for mode in ("search-augmented", "solution-only"):
        r = run("train", "--data", data, "--out", root / mode, "--dim", "32", "--layers", "2", "--heads", "2",
                "--mode", mode, "--steps", "0", "--threads", "1", "--seed", "3")
        assert r.returncode == 0, r.stderr
    records = last_json(run("inspect", data, "--split", "train", "--records", TASKS, "--json"))["records"]
    return {"root": root, "data": data, "records": records}


def score(tokens, record):
    """(correct, trace tokens, simulations) of a response, written out independently."""
    body = tokens[1:] if tokens[:1] == ["bos"] else tokens
    first = next((i for i, t in enumerate(body) if t in ("plan", "eos")), len(body))
    trace = body[:first]
    tail = body[first:]
    size, winning = record["meta"]["size"], record["meta"]["winning"]
    correct = False
    if tail == ["plan", "pass", "eos"]:
        correct = size * size in winning
    elif len(tail) == 4 and tail[0] == "plan" and tail[3] == "eos" and all(t.isdigit() for t in tail[1:3]):
        x, y = int(tail[1]), int(tail[2])
        correct = x < size and y < size and x + size * y in winning
    return correct, len(trace), trace.count("sim")


def teacher_lines(setup):
    records = setup["records"]
    return (sum(r["meta"]["teacher_correct"] for r in records) / len(records),
            sum(r["meta"]["simulations"] for r in records) / len(records),
            sum(len(r["trace"]) for r in records) / len(records))


def evaluate(setup, mode, out):
    return last_json(run("eval", "--checkpoint", setup["root"] / mode, "--data", setup["data"], "--split", "train",
                         "--tasks", TASKS, "--samples", SAMPLES, "--threads", "1", "--out", out, "--json"))


def check_summary(summary, lines, setup):
    tactics = summary["go_tactics"]
    correct = sum(line["correct"] for line in lines)
    assert tactics["correct_move_rate"] == pytest.approx(correct / len(lines))
    assert tactics["correct_move_rate_ci95"] == pytest.approx(list(wilson(correct, len(lines))), abs=1e-12)
    sims = [score(line["tokens"], setup["records"][i // SAMPLES])[2] for i, line in enumerate(lines)]
    assert tactics["mean_simulations"] == pytest.approx(sum(sims) / len(sims))
    rate, simulations, tokens = teacher_lines(setup)
    assert tactics["teacher_correct_move_rate"] == pytest.approx(rate)
    k = sum(r["meta"]["teacher_correct"] for r in setup["records"])
    assert tactics["teacher_correct_move_rate_ci95"] == pytest.approx(list(wilson(k, TASKS)), abs=1e-12)
    assert tactics["teacher_mean_simulations"] == simulations == SIMS
    assert tactics["teacher_mean_trace_tokens"] == pytest.approx(tokens)
    assert summary["mean_astar_trace_tokens"] == pytest.approx(tokens)  # t*: the teacher's trace


@pytest.mark.parametrize("mode", ["search-augmented", "solution-only"])
def test_every_sample_is_rescored_and_the_teacher_stands_beside_the_model(setup, tmp_path, mode):
    summary = evaluate(setup, mode, tmp_path / "eval")
    lines = [json.loads(l) for l in open(tmp_path / "eval" / "samples.jsonl")]
    assert len(lines) == TASKS * SAMPLES
    for i, line in enumerate(lines):
        record = setup["records"][i // SAMPLES]
        assert line["id"] == record["id"]
        correct, trace_tokens, _ = score(line["tokens"], record)
        assert line["correct"] == correct == line["optimal"], line
        assert line["trace_tokens"] == trace_tokens
        assert (line["reason"] is None) == correct
    check_summary(summary, lines, setup)
    assert (summary["ilr_solved"] is None) == (mode == "solution-only")


def test_rewritten_samples_with_the_teachers_wrong_and_illegal_moves_are_replayed(setup, tmp_path):
    """The teacher's own response (trace, plan, eos), a pass where passing loses and a
    move on an occupied point: eval replays each line, accepts them as written, and sums."""
    out = tmp_path / "eval"
    evaluate(setup, "search-augmented", out)
    lines = []
    for record in setup["records"]:
        ok = record["meta"]["teacher_correct"]
        size = record["meta"]["size"]
        own = ["bos"] + record["trace"] + record["plan"] + ["eos"]
        stone = record["prompt"][1:3]  # the prompt's first stone: an occupied point
        responses = [(own, len(record["trace"]), ok, None if ok else "wrong: not a proven winning move"),
                     (["bos", "plan", "pass", "eos"], 0, size * size in record["meta"]["winning"],
                      "wrong: not a proven winning move"),
                     (["bos", "plan", *stone, "eos"], 0, False, "illegal: occupied")]
        for sample, (tokens, trace, correct, reason) in enumerate(responses):
            lines.append(json.dumps({"id": record["id"], "sample": sample, "tokens": tokens, "trace_tokens": trace,
                                     "plan_positions": 1, "correct": correct, "optimal": correct,
                                     "reason": None if correct else reason}, separators=(",", ":")))
    (out / "samples.jsonl").write_text("\n".join(lines) + "\n")
    os.remove(out / "summary.json")
    summary = evaluate(setup, "search-augmented", out)
    parsed = [json.loads(l) for l in lines]
    check_summary(summary, parsed, setup)
    rate, _, _ = teacher_lines(setup)
    assert summary["go_tactics"]["correct_move_rate"] == pytest.approx(rate / SAMPLES)
    assert summary["ilr_solved"] == pytest.approx(1.0 * rate)  # the teacher's own trace: t = t*
