"""`traceplay train --drop p1,p2,p3,p4` (Dualformer trace dropping, config key
`train.drop`) driven as a user would, with a tiny model on small mazes: a run with drop
trains, records its probabilities in the run's settings and resumes bit-identically;
all-zero probabilities are today's run exactly (same settings, same bytes); bad values
exit 2 with one line and write nothing."""

import json
import os
import subprocess

import pytest

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")

TINY = ["--dim", "32", "--layers", "1", "--heads", "2", "--threads", "1", "--batch-tokens", "1024",
        "--warmup", "5", "--log-every", "1", "--eval-every", "10", "--checkpoint-every", "4"]
TIMING = {"tokens_per_s", "padded_tokens_per_s", "elapsed_s"}
DROP = "0.3,0.2,0.2,0.1"


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
    return [{k: v for k, v in line.items() if k not in TIMING} for line in metrics(out)]


def read(path):
    with open(path, "rb") as f:
        return f.read()


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
def plain(data, tmp_path_factory):
    """A 12-step run without trace dropping."""
    out = str(tmp_path_factory.mktemp("plain") / "run")
    train(data, out, "--steps", 12)
    return out


@pytest.fixture(scope="module")
def dropped(data, tmp_path_factory):
    """The same run with trace dropping, uninterrupted."""
    out = str(tmp_path_factory.mktemp("dropped") / "run")
    result = train(data, out, "--steps", 12, "--drop", DROP)
    assert "trace dropping p = [0.3, 0.2, 0.2, 0.1]" in result.stderr
    return out


def test_a_run_with_drop_trains_and_records_its_probabilities(plain, dropped):
    lines = metrics(dropped)
    assert [line["step"] for line in lines] == list(range(1, 13))
    assert all(line["loss"] > 0 and line["loss_trace"] is not None for line in lines)
    assert state(dropped)["settings"]["drop"] == [0.3, 0.2, 0.2, 0.1]
    assert "drop" not in state(plain)["settings"], "runs without drop keep their settings"
    # The dropped traces train other weights; the held-out loss is on whole traces in both.
    assert losses(dropped) != losses(plain)
    assert "val_loss" in lines[-1]


def test_a_resumed_run_with_drop_is_bit_identical(data, dropped, tmp_path):
    out = str(tmp_path / "run")
    first = train(data, out, "--steps", 12, "--drop", DROP, "--stop-at", 5)
    assert "stopped at step 5 of 12" in first.stdout
    train(data, out, "--steps", 12, "--drop", DROP, "--resume")
    assert losses(out) == losses(dropped)
    for name in ("model.safetensors", "optimizer.safetensors"):
        assert read(os.path.join(out, "checkpoint", name)) == read(os.path.join(dropped, "checkpoint", name))
    # Other probabilities are another run: refused without --force.
    other = train(data, out, "--steps", 12, "--drop", "0.1,0,0,0", "--resume", check=False)
    assert other.returncode == 2 and other.stderr.count("\n") == 1, other.stderr


def test_zero_probabilities_are_todays_run_exactly(data, plain, tmp_path):
    # The finished run without drop is the same run as one with all-zero probabilities ...
    again = train(data, plain, "--steps", 12, "--drop", "0,0,0,0")
    assert "already done" in again.stdout
    # ... and trains to the same bytes.
    out = str(tmp_path / "run")
    train(data, out, "--steps", 12, "--drop", "0,0,0,0")
    assert losses(out) == losses(plain)
    for name in ("model.safetensors", "optimizer.safetensors"):
        assert read(os.path.join(out, "checkpoint", name)) == read(os.path.join(plain, "checkpoint", name))


def test_the_config_key_with_the_flag_winning(data, tmp_path):
    config = tmp_path / "exp.toml"
    config.write_text("[train]\nsteps = 2\nwarmup = 1\ndrop = [0.45, 0.1, 0.1, 0.1]\n")
    out = str(tmp_path / "run")
    run("--data", data, "--out", out, "--config", config, *TINY[:8])
    assert state(out)["settings"]["drop"] == [0.45, 0.1, 0.1, 0.1]
    flagged = str(tmp_path / "flagged")
    run("--data", data, "--out", flagged, "--config", config, *TINY[:8], "--drop", "0,0,0,1")
    assert state(flagged)["settings"]["drop"] == [0.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize("args,message", [
    (["--drop", "1.5,0,0,0"], "--drop: p1 = 1.5 is not a probability in [0, 1]"),
    (["--drop", "0,0,0,-0.2"], "--drop: p4 = -0.2 is not a probability in [0, 1]"),
    (["--drop", "0.5,0.5,0.5,0"], "sum to 1.5, more than 1"),
    (["--drop", "0.1,0.1,0.1"], "--drop: expected four probabilities"),
    (["--drop", "0.1,0.1,0.1,0.1,0.1"], "--drop: expected four probabilities"),
    (["--drop", "half,0,0,0"], "\"half\" is not a number"),
    (["--drop", "0.1,0,0,0", "--mode", "solution-only"], "needs --mode search-augmented"),
])
def test_bad_drop_flags_exit_2_with_one_line_and_write_nothing(data, tmp_path, args, message):
    out = tmp_path / "run"
    result = train(data, out, "--steps", 5, *args, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("value,message", [
    ("[0.1, 0.2]", "\"drop\": expected four probabilities p1, p2, p3, p4 (drop levels 1..4), got 2"),
    ("[0.6, 0.6, 0, 0]", "\"drop\": the drop probabilities [0.6, 0.6, 0, 0] sum to 1.2, more than 1"),
    ("[2, 0, 0, 0]", "\"drop\": p1 = 2 is not a probability in [0, 1]"),
    ("\"0.1,0,0,0\"", "\"drop\" must be a list of four probabilities"),
    ("[0.1, \"a\", 0, 0]", "\"drop\" must be a list of four probabilities"),
])
def test_bad_drop_keys_exit_2_naming_the_file_and_key(data, tmp_path, value, message):
    config = tmp_path / "bad.toml"
    config.write_text(f"[train]\nsteps = 5\nwarmup = 1\ndrop = {value}\n")
    out = tmp_path / "run"
    result = run("--data", data, "--out", out, "--config", config, *TINY[:8], check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "bad.toml [train]" in result.stderr and message in result.stderr
    assert not out.exists()
