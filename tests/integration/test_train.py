"""`traceplay train` driven as a user would, with a tiny model on small mazes: resume
after a step limit and after SIGINT/SIGTERM gives bit-identical losses and weights,
re-runs (already done, refused, --force, --resume needed), every bad flag (exit 2, one
line, nothing written), metrics.jsonl keys, --config, the untrained control (--steps 0),
and data parallelism over c10d: two Gloo ranks over loopback match one process
accumulating the same global batch, and a failing rank stops the run cleanly."""

import json
import os
import signal
import subprocess
import time

import pytest

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")

TINY = ["--dim", "32", "--layers", "1", "--heads", "2", "--threads", "1", "--batch-tokens", "1024",
        "--warmup", "5", "--log-every", "1", "--eval-every", "10", "--checkpoint-every", "4"]
TIMING = {"tokens_per_s", "padded_tokens_per_s", "elapsed_s"}
KEYS = {"step", "loss", "loss_trace", "loss_plan", "lr", "tokens_per_s", "grad_norm", "elapsed_s"}


def run(*args, timeout=300, check=True):
    result = subprocess.run([BIN, "train", *map(str, args)], capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def train(data, out, *args, **kw):
    return run("--data", data, "--out", out, *TINY, *args, **kw)


def metrics(out):
    with open(os.path.join(out, "metrics.jsonl")) as f:
        return [json.loads(line) for line in f]


def losses(out):
    """Every logged number that does not depend on timing."""
    return [{k: v for k, v in line.items() if k not in TIMING} for line in metrics(out)]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def files(directory):
    out = {}
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            out[os.path.relpath(path, directory)] = read(path)
    return out


def state(out):
    with open(os.path.join(out, "checkpoint", "train_state.json")) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("data") / "maze5"
    result = subprocess.run([BIN, "gen", "--domain", "maze", "--size", "5", "--count", "300", "--seed", "2",
                             "--threads", "1", "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return str(out)


@pytest.fixture(scope="module")
def straight(data, tmp_path_factory):
    """An uninterrupted 20-step run."""
    out = str(tmp_path_factory.mktemp("straight") / "run")
    train(data, out, "--steps", 20)
    return out


def test_resume_after_a_step_limit_is_bit_identical(data, straight, tmp_path):
    out = str(tmp_path / "run")
    first = train(data, out, "--steps", 20, "--stop-at", 7)
    assert "stopped at step 7 of 20" in first.stdout
    assert state(out)["step"] == 7 and not state(out)["finished"]
    assert [line["step"] for line in metrics(out)] == list(range(1, 8))
    train(data, out, "--steps", 20, "--resume")
    assert losses(out) == losses(straight)
    assert read(os.path.join(out, "checkpoint", "model.safetensors")) == \
        read(os.path.join(straight, "checkpoint", "model.safetensors"))
    assert read(os.path.join(out, "checkpoint", "optimizer.safetensors")) == \
        read(os.path.join(straight, "checkpoint", "optimizer.safetensors"))


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stop_signal_checkpoints_and_the_run_resumes(data, tmp_path, sig, code):
    out = str(tmp_path / "run")
    args = [BIN, "train", "--data", data, "--out", out, *TINY, "--steps", 120]
    reference = str(tmp_path / "reference")
    proc = subprocess.Popen(list(map(str, args)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    path = os.path.join(out, "metrics.jsonl")
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if os.path.exists(path) and len(open(path).read().splitlines()) >= 5:
            break
        time.sleep(0.02)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert "--resume" in err
    stopped = state(out)
    assert 5 <= stopped["step"] < 120 and not stopped["finished"]
    assert [line["step"] for line in metrics(out)] == list(range(1, stopped["step"] + 1))
    assert not os.path.exists(os.path.join(out, "checkpoint.tmp"))
    # The resumed run ends where an uninterrupted one ends.
    run("--data", data, "--out", out, *TINY, "--steps", 120, "--resume")
    run("--data", data, "--out", reference, *TINY, "--steps", 120)
    assert losses(out) == losses(reference)
    assert read(os.path.join(out, "checkpoint", "model.safetensors")) == \
        read(os.path.join(reference, "checkpoint", "model.safetensors"))


def test_reruns_are_done_refused_or_forced(data, straight, tmp_path):
    out = str(tmp_path / "run")
    train(data, out, "--steps", 20)
    before = files(out)
    again = train(data, out, "--steps", 20)
    assert "already done" in again.stdout
    assert files(out) == before
    other = train(data, out, "--steps", 20, "--lr", "1e-3", check=False)
    assert other.returncode == 2
    assert other.stderr.strip().count("\n") == 0
    assert "other settings" in other.stderr and "lr" in other.stderr and "--force" in other.stderr
    assert files(out) == before
    forced = train(data, out, "--steps", 20, "--lr", "1e-3", "--force")
    assert "trained 20 steps" in forced.stdout
    assert losses(out) != losses(straight)
    # An unfinished run needs --resume.
    partial = str(tmp_path / "partial")
    train(data, partial, "--steps", 20, "--stop-at", 3)
    refused = train(data, partial, "--steps", 20, check=False)
    assert refused.returncode == 2 and "--resume" in refused.stderr
    assert state(partial)["step"] == 3


@pytest.mark.parametrize("args,message", [
    (["--steps", "-1"], "--steps"),
    (["--steps", "10", "--warmup", "50"], "--warmup"),
    (["--mode", "plans"], "--mode"),
    (["--preset", "q"], "--preset"),
    (["--preset", "s", "--dim", "64"], "exclude each other"),
    (["--dim", "30", "--heads", "4", "--layers", "1"], "--dim (30) must be divisible"),
    (["--lr", "0"], "--lr"),
    (["--loss-average", "batch"], "--loss-average"),
    (["--grad-clip", "-1"], "--grad-clip"),
    (["--world-size", "2", "--rank", "2"], "--rank"),
    (["--world-size", "2", "--master", "nohost"], "--master"),
    (["--nproc", "0"], "--nproc"),
    (["--seed", "-1"], "--seed"),
    (["--device", "cuda"], "--device"),
    (["--steps", "abc"], "--steps"),
])
def test_bad_flags_exit_2_with_one_line_and_write_nothing(data, tmp_path, args, message):
    out = tmp_path / "run"
    base = ["--data", data, "--out", out, "--dim", "32", "--layers", "1", "--heads", "2", "--threads", "1",
            "--warmup", "5"]
    if "--preset" in args or "--dim" in args:
        base = ["--data", data, "--out", out, "--threads", "1", "--warmup", "5"]
    result = run(*base, *args, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert not out.exists()


def test_bad_inputs_name_the_file(data, tmp_path):
    out = tmp_path / "run"
    missing = run("--data", tmp_path / "nothing", "--out", out, *TINY, check=False)
    assert missing.returncode == 2 and "nothing" in missing.stderr and missing.stderr.count("\n") == 1
    config = tmp_path / "bad.toml"
    config.write_text("[train]\nsteps = 10\nwarmpu = 3\n")
    bad = run("--data", data, "--out", out, "--config", config, check=False)
    assert bad.returncode == 2 and "warmpu" in bad.stderr and "bad.toml" in bad.stderr
    assert not out.exists()


def test_metrics_lines_hold_the_pinned_keys(data, straight):
    lines = metrics(straight)
    assert [line["step"] for line in lines] == list(range(1, 21))
    for line in lines:
        assert KEYS <= set(line), line
        assert line["loss_trace"] is not None and line["loss_plan"] > 0 and line["grad_norm"] > 0
    evaluated = [line["step"] for line in lines if "val_loss" in line]
    assert evaluated == [10, 20]
    assert 0 <= lines[-1]["val_token_accuracy"] <= 1
    # The schedule: warmup to the peak at step 5, cosine down to 0.1 x lr at the end.
    assert lines[4]["lr"] == pytest.approx(2.5e-4)
    assert lines[-1]["lr"] == pytest.approx(2.5e-5)
    assert lines[0]["lr"] == pytest.approx(2.5e-4 / 5)


def test_solution_only_logs_no_trace_loss_and_json_is_the_last_line(data, tmp_path):
    out = str(tmp_path / "run")
    result = train(data, out, "--steps", 6, "--mode", "solution-only", "--json")
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["finished"] and summary["step"] == 6 and summary["out"] == out
    assert summary["val_loss"] > 0 and summary["parameters"] > 0
    assert all(line["loss_trace"] is None for line in metrics(out))
    with open(os.path.join(out, "checkpoint", "config.json")) as f:
        config = json.load(f)
    assert config["mode"] == "solution-only" and config["step"] == 6 and config["domain"] == "maze"


def test_config_tables_with_flags_winning(data, tmp_path):
    config = tmp_path / "exp.toml"
    config.write_text('[model]\ndim = 32\nlayers = 1\nheads = 2\nmode = "solution-only"\n'
                      '[train]\nsteps = 4\nwarmup = 2\nlr = 1e-3\nthreads = 1\nbatch_tokens = 1024\nlog_every = 1\n')
    out = str(tmp_path / "run")
    run("--data", data, "--out", out, "--config", config, "--steps", 3)
    s = state(out)
    assert s["step"] == 3 and s["settings"]["steps"] == 3
    assert s["settings"]["lr"] == 1e-3 and s["settings"]["mode"] == "solution-only"
    assert s["settings"]["model"]["dim"] == 32


def test_zero_steps_checkpoint_the_untrained_model(data, tmp_path):
    out = str(tmp_path / "run")
    result = train(data, out, "--steps", 0, "--json")
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["finished"] and summary["step"] == 0 and summary["val_loss"] > 0
    assert state(out)["finished"]
    assert os.path.exists(os.path.join(out, "checkpoint", "model.safetensors"))


def test_two_gloo_ranks_match_one_process_accumulating_the_same_batch(data, tmp_path):
    one, two = str(tmp_path / "one"), str(tmp_path / "two")
    train(data, one, "--steps", 20, "--accumulate", 2)
    result = train(data, two, "--steps", 20, "--nproc", 2, "--json")
    assert json.loads(result.stdout.strip().splitlines()[-1])["finished"]
    a, b = metrics(one), metrics(two)
    assert [line["step"] for line in a] == [line["step"] for line in b] == list(range(1, 21))
    for x, y in zip(a, b):
        assert abs(x["loss"] - y["loss"]) <= 1e-4 * abs(x["loss"]), (x, y)
    assert abs(a[-1]["val_loss"] - b[-1]["val_loss"]) <= 1e-4 * a[-1]["val_loss"]
    # The same run by its settings: one can resume what the other started.
    assert state(one)["settings"] == state(two)["settings"]


def test_a_failing_rank_stops_the_run_cleanly(data, tmp_path):
    out = str(tmp_path / "run")
    args = [BIN, "train", "--data", data, "--out", out, *TINY, "--steps", 100000, "--nproc", 2]
    proc = subprocess.Popen(list(map(str, args)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    path = os.path.join(out, "metrics.jsonl")
    deadline = time.time() + 120
    while time.time() < deadline and not (os.path.exists(path) and len(open(path).read().splitlines()) >= 3):
        time.sleep(0.05)
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert len(children) == 2
    os.kill(int(children[1]), signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "failed" in err
    time.sleep(0.5)
    assert subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True).returncode != 0
