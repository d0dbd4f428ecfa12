"""`traceplay eval` driven as a user would, on checkpoints made by `traceplay train
--steps 0` (an untrained tiny model: the mechanics, not the learning): the pinned
summary (last --json line and summary.json), samples.jsonl (one line per task and
sample, in the split's order, every line's outcome re-derived here by replaying its
tokens independently), null ILR for solution-only models, SIGINT / SIGTERM mid-way and
resume to the same bytes with another batch size, the no-op re-run, refusal of other
parameters and --force, and bad input (exit 2, one line on stderr, nothing written)."""

import io
import json
import os
import signal
import subprocess
import time

import pytest
import zstandard

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")

SUMMARY_KEYS = ["tasks", "samples", "solved", "solved_ci95", "optimal", "optimal_ci95", "solved_per_sample",
                "solved_per_sample_ci95", "optimal_per_sample", "optimal_per_sample_ci95", "swc", "swc_ci95",
                "ilr_solved", "ilr_solved_ci95", "ilr_optimal", "ilr_optimal_ci95", "mean_trace_tokens",
                "mean_astar_trace_tokens"]
SAMPLE_KEYS = ["id", "sample", "tokens", "trace_tokens", "plan_positions", "correct", "optimal", "reason"]


def run(*args, timeout=300):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def has_train():
    return run("train", "--help").returncode == 0


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    if not has_train():
        pytest.skip("this build has no `traceplay train` to make a checkpoint with")
    root = tmp_path_factory.mktemp("eval")
    data = root / "maze5"
    r = run("gen", "--domain", "maze", "--size", "5", "--count", "3000", "--seed", "1", "--threads", "1", "--out", data)
    assert r.returncode == 0, r.stderr
    runs = {}
    for mode in ("search-augmented", "solution-only"):
        out = root / mode
        r = run("train", "--data", data, "--out", out, "--dim", "32", "--layers", "2", "--heads", "2", "--mode", mode,
                "--steps", "0", "--threads", "1", "--seed", "3")
        assert r.returncode == 0, r.stderr
        runs[mode] = out
    return {"root": root, "data": data, "runs": runs}


def split_records(data):
    """The test split's records in order, as the dataset reader gives them."""
    manifest = json.load(open(os.path.join(data, "manifest.json")))
    records = []
    for shard in manifest["shards"]:
        if not shard["file"].startswith("test-"):
            continue
        with open(os.path.join(data, shard["file"]), "rb") as f:
            text = zstandard.ZstdDecompressor().stream_reader(f).read().decode()
        records += [json.loads(line) for line in text.splitlines()]
    return manifest, records


def replay(tokens, record, vocabulary):
    """An independent maze plan check: (correct, plan positions, trace tokens)."""
    body = tokens[1:] if tokens[:1] == ["bos"] else tokens
    trace = 0
    while trace < len(body) and body[trace] not in ("plan", "eos"):
        trace += 1
    if "eos" not in body or body.index("eos") != len(body) - 1 or "bos" in body:
        return False, None, trace
    plan = body[trace:-1]
    if len(plan) % 3 or any(plan[i] != "plan" for i in range(0, len(plan), 3)):
        return False, None, trace
    try:
        cells = [(int(plan[i + 1]), int(plan[i + 2])) for i in range(0, len(plan), 3)]
    except ValueError:
        return False, None, trace
    prompt = [vocabulary[i] for i in record["prompt"]]
    start, goal = (int(prompt[1]), int(prompt[2])), (int(prompt[4]), int(prompt[5]))
    walls = {(int(prompt[i + 1]), int(prompt[i + 2])) for i in range(6, len(prompt), 3)}
    ok = bool(cells) and cells[0] == start and cells[-1] == goal
    ok = ok and all(0 <= x < 5 and 0 <= y < 5 and (x, y) not in walls for x, y in cells)
    ok = ok and all(abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1 for a, b in zip(cells, cells[1:]))
    return ok, len(cells), trace


def wilson(k, n, z=1.959964):
    """The Wilson score interval, written out independently of the C++ one."""
    p = k / n
    center = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    return max(0.0, center - half), min(1.0, center + half)


def check_intervals(summary, lines, samples):
    """Each rate's "_ci95" is the Wilson interval of its counts; SWC's and ILR's are
    bootstrap intervals: [lo, hi] around the metric (null with it)."""
    tasks = [lines[i:i + samples] for i in range(0, len(lines), samples)]
    counts = {"solved": (sum(any(l["correct"] for l in t) for t in tasks), len(tasks)),
              "optimal": (sum(any(l["optimal"] for l in t) for t in tasks), len(tasks)),
              "solved_per_sample": (sum(l["correct"] for l in lines), len(lines)),
              "optimal_per_sample": (sum(l["optimal"] for l in lines), len(lines))}
    for key, (k, n) in counts.items():
        assert summary[key] == pytest.approx(k / n)
        assert summary[key + "_ci95"] == pytest.approx(list(wilson(k, n)), abs=1e-12)
        lo, hi = summary[key + "_ci95"]
        assert 0.0 <= lo <= summary[key] <= hi <= 1.0
    for key in ("swc", "ilr_solved", "ilr_optimal"):
        if summary[key] is None:
            assert summary[key + "_ci95"] is None
        else:
            lo, hi = summary[key + "_ci95"]
            assert 0.0 <= lo <= summary[key] + 1e-12 and summary[key] <= hi + 1e-12


def evaluate(setup, mode, out, *extra, tasks=12, samples=3):
    return run("eval", "--checkpoint", setup["runs"][mode], "--data", setup["data"], "--tasks", tasks,
               "--samples", samples, "--threads", "1", "--out", out, "--json", *extra)


def read_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def test_summary_and_samples(setup, tmp_path):
    out = tmp_path / "sa"
    r = evaluate(setup, "search-augmented", out, "--batch", "5")
    assert r.returncode == 0, r.stderr
    last = json.loads(r.stdout.strip().splitlines()[-1])
    assert list(last) == SUMMARY_KEYS
    assert last["tasks"] == 12 and last["samples"] == 3
    for key in ("solved", "optimal", "solved_per_sample", "optimal_per_sample", "swc"):
        assert 0.0 <= last[key] <= 1.0
    assert last["ilr_solved"] is not None and last["mean_astar_trace_tokens"] > 0
    assert "solved" in r.stdout and "%" in r.stdout  # the table
    assert json.load(open(out / "summary.json")) == last
    assert sorted(os.listdir(out)) == ["eval.json", "samples.jsonl", "summary.json"]

    manifest, records = split_records(setup["data"])
    lines = read_lines(out / "samples.jsonl")
    assert len(lines) == 12 * 3
    traces = []
    for i, line in enumerate(lines):
        record = records[i // 3]
        assert list(line) == SAMPLE_KEYS
        assert line["id"] == record["id"] and line["sample"] == i % 3
        assert line["tokens"][0] == "bos" and all(t in manifest["vocabulary"] for t in line["tokens"])
        correct, positions, trace = replay(line["tokens"], record, manifest["vocabulary"])
        assert line["correct"] == correct and line["trace_tokens"] == trace
        assert (line["reason"] is None) == correct
        if correct:
            assert line["plan_positions"] == positions
            assert line["optimal"] == (positions <= len(record["plan"]) // 3)
        else:
            assert not line["optimal"] and isinstance(line["reason"], str) and line["reason"]
        traces.append(line["trace_tokens"])
    assert last["mean_trace_tokens"] == pytest.approx(sum(traces) / len(traces))
    assert last["solved_per_sample"] == pytest.approx(sum(l["correct"] for l in lines) / len(lines))
    check_intervals(last, lines, 3)
    # The table prints the intervals beside the rates.
    lo, hi = last["optimal_ci95"]
    assert f"[{100 * lo:.1f}, {100 * hi:.1f}]" in r.stdout


def test_solution_only_has_null_ilr(setup, tmp_path):
    r = evaluate(setup, "solution-only", tmp_path / "so", "--temperature", "0", samples=1)
    assert r.returncode == 0, r.stderr
    last = json.loads(r.stdout.strip().splitlines()[-1])
    assert last["ilr_solved"] is None and last["ilr_optimal"] is None
    assert last["mean_astar_trace_tokens"] > 0
    check_intervals(last, read_lines(tmp_path / "so" / "samples.jsonl"), 1)
    # Greedy: every line of one task is the same response, whatever the batch.
    r2 = evaluate(setup, "solution-only", tmp_path / "so2", "--temperature", "0", "--batch", "1", samples=1)
    assert r2.returncode == 0, r2.stderr
    assert (tmp_path / "so" / "samples.jsonl").read_bytes() == (tmp_path / "so2" / "samples.jsonl").read_bytes()


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_and_resume_give_the_same_result(setup, tmp_path, sig, code):
    # Long enough to be stopped mid-way: an untrained model writes until eos or the limit,
    # and the stopped run decodes one sequence at a time (the partial file is flushed
    # every second, so the run must last well beyond that on a fast machine).
    args = ["--max-len", "120", "--astar-runs", "8"]
    tasks, samples = 100, 16
    straight = evaluate(setup, "search-augmented", tmp_path / "straight", "--batch", "16", *args, tasks=tasks,
                        samples=samples)
    assert straight.returncode == 0, straight.stderr

    out = tmp_path / "stopped"
    cmd = [BIN, "eval", "--checkpoint", setup["runs"]["search-augmented"], "--data", setup["data"], "--tasks", tasks,
           "--samples", samples, "--threads", "1", "--out", out, "--json", "--batch", "1", *args]
    proc = subprocess.Popen(list(map(str, cmd)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    partial = out / "samples.jsonl.partial"
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if partial.exists() and partial.stat().st_size > 2000:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the evaluation finished before it could be interrupted"
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert "interrupted" in stderr and stdout == ""
    assert not (out / "summary.json").exists() and not (out / "samples.jsonl").exists()
    kept = partial.read_text()
    assert kept.endswith("\n") and 0 < kept.count("\n") < tasks * samples
    with open(partial, "a") as f:
        f.write('{"id": "0123')  # what a kill mid-line would leave: dropped on resume

    resumed = evaluate(setup, "search-augmented", out, "--batch", "6", *args, tasks=tasks, samples=samples)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.strip().splitlines()[-1] == straight.stdout.strip().splitlines()[-1]
    assert (out / "samples.jsonl").read_bytes() == (tmp_path / "straight" / "samples.jsonl").read_bytes()
    assert (out / "samples.jsonl").read_text().startswith(kept)  # finished lines were kept, not resampled


def test_rerun_is_a_no_op_other_parameters_are_refused(setup, tmp_path):
    out = tmp_path / "e"
    first = evaluate(setup, "search-augmented", out)
    assert first.returncode == 0, first.stderr
    before = {name: (out / name).stat().st_mtime_ns for name in os.listdir(out)}
    again = evaluate(setup, "search-augmented", out, "--batch", "3")  # batch is not a parameter of the result
    assert again.returncode == 0, again.stderr
    assert "already done" in again.stdout
    assert again.stdout.strip().splitlines()[-1] == first.stdout.strip().splitlines()[-1]
    assert {name: (out / name).stat().st_mtime_ns for name in os.listdir(out)} == before

    other = evaluate(setup, "search-augmented", out, "--temperature", "0.5")
    assert other.returncode == 2
    assert other.stderr.count("\n") == 1 and "other parameters" in other.stderr and "temperature" in other.stderr
    assert {name: (out / name).stat().st_mtime_ns for name in os.listdir(out)} == before
    forced = evaluate(setup, "search-augmented", out, "--temperature", "0.5", "--force")
    assert forced.returncode == 0, forced.stderr
    assert json.load(open(out / "eval.json"))["parameters"]["temperature"] == 0.5


def test_a_summary_without_intervals_is_recomputed_from_its_samples(setup, tmp_path):
    # A summary.json from before the 95% intervals: the next run of the same evaluation
    # rebuilds it from the kept samples (not resampled) and gives the intervals.
    out = tmp_path / "old"
    first = evaluate(setup, "search-augmented", out)
    assert first.returncode == 0, first.stderr
    full = json.load(open(out / "summary.json"))
    samples = (out / "samples.jsonl").read_bytes()
    old = {k: v for k, v in full.items() if not k.endswith("_ci95")}
    (out / "summary.json").write_text(json.dumps(old) + "\n")
    again = evaluate(setup, "search-augmented", out)
    assert again.returncode == 0, again.stderr
    assert "already done" not in again.stdout
    assert json.load(open(out / "summary.json")) == full
    assert (out / "samples.jsonl").read_bytes() == samples


def test_config_eval_table_and_flags_win(setup, tmp_path):
    config = tmp_path / "e.toml"
    config.write_text("[eval]\ntasks = 3\nsamples = 2\ntemperature = 0.5\nastar_runs = 4\n")
    out = tmp_path / "c"
    r = run("eval", "--checkpoint", setup["runs"]["search-augmented"], "--data", setup["data"], "--config", config,
            "--samples", "3", "--threads", "1", "--out", out, "--json")
    assert r.returncode == 0, r.stderr
    params = json.load(open(out / "eval.json"))["parameters"]
    assert (params["tasks"], params["samples"], params["temperature"], params["astar_runs"]) == (3, 3, 0.5, 4)


def test_default_output_is_inside_the_run_directory(setup, tmp_path):
    run_dir = setup["runs"]["solution-only"]
    r = run("eval", "--checkpoint", os.path.join(run_dir, "checkpoint"), "--data", setup["data"], "--tasks", "2",
            "--samples", "1", "--threads", "1", "--astar-runs", "2", "--split", "train")
    assert r.returncode == 0, r.stderr
    assert (run_dir / "eval-train" / "summary.json").exists()


def test_bad_input_exits_2_with_one_line_and_writes_nothing(setup, tmp_path):
    sa = setup["runs"]["search-augmented"]
    other_data = tmp_path / "maze6"
    assert run("gen", "--domain", "maze", "--size", "6", "--count", "200", "--seed", "1", "--threads", "1",
               "--out", other_data).returncode == 0
    bare = tmp_path / "bare"
    bare.mkdir()
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("[eval]\nsampels = 3\n")
    cases = [
        (["--checkpoint", sa, "--data", setup["data"], "--samples", "0"], "--samples"),
        (["--checkpoint", sa, "--data", setup["data"], "--temperature", "-1"], "--temperature"),
        (["--checkpoint", sa, "--data", setup["data"], "--top-k", "-2"], "--top-k"),
        (["--checkpoint", sa, "--data", setup["data"], "--batch", "0"], "--batch"),
        (["--checkpoint", sa, "--data", setup["data"], "--max-len", "1"], "--max-len"),
        (["--checkpoint", sa, "--data", setup["data"], "--split", "valid"], "--split"),
        (["--checkpoint", sa, "--data", setup["data"], "--device", "tpu"], "--device"),
        (["--checkpoint", sa, "--data", setup["data"], "--seed", "-1"], "--seed"),
        (["--checkpoint", bare, "--data", setup["data"]], str(bare)),
        (["--checkpoint", sa, "--data", tmp_path / "missing"], "missing"),
        (["--checkpoint", sa, "--data", other_data], "vocabulary"),
        (["--data", setup["data"]], "--checkpoint"),
        (["--checkpoint", sa, "--data", setup["data"], "--config", bad_config], "sampels"),
    ]
    for args, mention in cases:
        out = tmp_path / "never"
        r = run("eval", *args, "--out", out)
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.count("\n") == 1 and mention in r.stderr, (args, r.stderr)
        assert r.stdout == ""
        assert not out.exists(), args
    assert not (sa / "eval-test").exists()
