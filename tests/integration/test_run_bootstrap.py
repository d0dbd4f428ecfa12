"""`traceplay run` with a [bootstrap] table, driven as a user would at toy scale: the
whole loop (train -> (sample -> new dataset -> fine-tune -> evaluate) x N), run.json's
arms[i].bootstrap entries, the per-arm table, the no-op rerun, a stop and resume in the
middle of the loop, and bad [bootstrap] tables (exit 2, one line, nothing written)."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

BIN = os.environ["TRACEPLAY_BIN"]

CONFIG = """
name = "boot"
seed = 2
[data]
domain = "maze"
size = 4
count = 300
test_fraction = 0.3
deterministic = false
[model]
dim = 16
layers = 1
heads = 2
mode = "search-augmented"
[train]
steps = 4
batch_tokens = 1024
warmup = 2
eval_every = 2
val_sequences = 8
[eval]
tasks = 5
samples = 2
astar_runs = 3
[[arms]]
name = "solution-only"
model.mode = "solution-only"
[[arms]]
name = "bootstrapped"
bootstrap.iterations = 2
bootstrap.samples = 2
bootstrap.temperature = 1.0
bootstrap.train.steps = 3
bootstrap.train.lr = 1e-4
bootstrap.train.warmup = 0
"""


def run(args, cwd, **kw):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=600, **kw)


def test_bootstrap_loop_records_every_step(tmp_path):
    (tmp_path / "boot.toml").write_text(CONFIG)
    first = run(["run", "boot.toml", "--threads", "1", "--json"], tmp_path)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    arms = {a["name"]: a for a in summary["arms"]}
    assert "bootstrap" not in arms["solution-only"]
    steps = arms["bootstrapped"]["bootstrap"]
    assert [s["step"] for s in steps] == [0, 1, 2]
    assert steps[0]["eval"] == arms["bootstrapped"]["eval"]
    arm_dir = tmp_path / "runs/boot/bootstrapped"
    for s in steps[1:]:
        j = s["step"]
        assert s["dataset"] == f"runs/boot/bootstrapped/bootstrap-{j}/data"
        manifest = json.loads((tmp_path / s["dataset"] / "manifest.json").read_text())
        assert manifest["step"] == j and manifest["replaced"] == s["replaced"]
        assert 0 <= s["replaced_share"] <= 1
        assert s["eval"]["tasks"] == 5 and s["eval"]["samples"] == 2
        assert json.loads((arm_dir / f"bootstrap-{j}/eval-test/summary.json").read_text()) == s["eval"]
        train_state = json.loads((arm_dir / f"bootstrap-{j}/train/checkpoint/train_state.json").read_text())
        assert train_state["settings"]["steps"] == 3 and train_state["settings"]["lr"] == 1e-4
        assert train_state["settings"]["init_from"]["checkpoint_xxh64"]
    # Step 2 sampled with step 1's model from step 1's dataset.
    m2 = json.loads((tmp_path / steps[2]["dataset"] / "manifest.json").read_text())
    m1 = json.loads((tmp_path / steps[1]["dataset"] / "manifest.json").read_text())
    assert m2["parent"]["bootstrap"]["step"] == 1 and "bootstrap" not in m1["parent"]
    record = json.loads((tmp_path / "runs/boot/run.json").read_text())
    assert record["arms"][1]["bootstrap"] == steps
    assert record["arms"][1]["status"] == "done"
    assert "bootstrapping: bootstrapped" in first.stdout and "replaced" in first.stdout

    weights = (arm_dir / "bootstrap-2/train/checkpoint/model.safetensors").read_bytes()
    again = run(["run", "boot.toml", "--threads", "1", "--json"], tmp_path)
    assert again.returncode == 0, again.stderr
    # (The train entries say "already_done" now; everything else is as it was.)
    repeated = json.loads(again.stdout.strip().splitlines()[-1])["arms"][1]["bootstrap"]
    assert [{k: v for k, v in s.items() if k != "train"} for s in repeated] == \
        [{k: v for k, v in s.items() if k != "train"} for s in steps]
    assert all(s["train"]["already_done"] for s in repeated[1:])
    assert (arm_dir / "bootstrap-2/train/checkpoint/model.safetensors").read_bytes() == weights


def test_bootstrap_loop_stopped_mid_way_resumes_to_the_same_result(tmp_path):
    straight, stopped = tmp_path / "straight", tmp_path / "stopped"
    for d in (straight, stopped):
        d.mkdir()
        (d / "boot.toml").write_text(CONFIG)
    done = run(["run", "boot.toml", "--threads", "1", "--json"], straight)
    assert done.returncode == 0, done.stderr
    p = subprocess.Popen([BIN, "run", "boot.toml", "--threads", "1"], cwd=stopped, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    marker = stopped / "runs/boot/bootstrapped/bootstrap-1/data/bootstrap.json"
    deadline = time.time() + 300
    while time.time() < deadline and not marker.exists() and p.poll() is None:
        time.sleep(0.02)
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=300)
    assert p.returncode in (0, 130)
    resumed = run(["run", "boot.toml", "--threads", "1", "--json"], stopped)
    assert resumed.returncode == 0, resumed.stderr
    a = json.loads(done.stdout.strip().splitlines()[-1])["arms"][1]["bootstrap"]
    b = json.loads(resumed.stdout.strip().splitlines()[-1])["arms"][1]["bootstrap"]
    assert [s["eval"] for s in a] == [s["eval"] for s in b]
    assert [s["replaced"] for s in a] == [s["replaced"] for s in b]


BASE = 'name = "x"\n[data]\ndomain = "maze"\nsize = 4\ncount = 50\n[train]\nsteps = 1\n'


@pytest.mark.parametrize("body, message", [
    (BASE + '[model]\nmode = "solution-only"\n[bootstrap]\niterations = 1\nsamples = 2\n', "search-augmented"),
    (BASE + '[bootstrap]\niterations = 1\nsampels = 2\n', 'unknown key "sampels"'),
    (BASE + '[bootstrap]\niterations = 1\n', '"samples"'),
    (BASE + '[bootstrap]\niterations = 1\nsamples = 0\n', '"samples"'),
    (BASE + '[bootstrap]\niterations = -1\nsamples = 2\n', '"iterations"'),
    (BASE + '[bootstrap]\niterations = 1\nsamples = 2\n[bootstrap.train]\nlr = -1.0\n', '"lr"'),
    (BASE + '[bootstrap]\niterations = 1\nsamples = 2\nkeep_astar_candidate = "yes"\n', "keep_astar_candidate"),
])
def test_bad_bootstrap_tables_exit_2_and_write_nothing(tmp_path, body, message):
    (tmp_path / "bad.toml").write_text(body)
    result = run(["run", "bad.toml"], tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists()

