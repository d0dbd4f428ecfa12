"""The experiments of issue [3] (experiments/bootstrap-maze.toml, dualformer-maze.toml)
run end to end at toy scale, so that a typo or a key that no longer exists shows here and
not 40 minutes into the real run: every arm, every bootstrapping step, every mode."""
import json
import os
import subprocess
import tomllib
from pathlib import Path

from test_run import shrink, to_toml

BIN = os.environ["TRACEPLAY_BIN"]
SOURCE = Path(os.environ["TRACEPLAY_SOURCE_DIR"])


def run_toy(name, tmp_path, edit=lambda c: None):
    config = shrink(tomllib.loads((SOURCE / "experiments" / name).read_text()))
    edit(config)
    (tmp_path / name).write_text(to_toml(config))
    result = subprocess.run([BIN, "run", name, "--threads", "1", "--json"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return config, json.loads(result.stdout.strip().splitlines()[-1]), result.stdout


def test_bootstrap_maze(tmp_path):
    def one_step(config):
        assert config["bootstrap"]["iterations"] >= 1
        config["bootstrap"]["iterations"] = 1
    _, summary, stdout = run_toy("bootstrap-maze.toml", tmp_path, one_step)
    arm = summary["arms"][0]
    assert [s["step"] for s in arm["bootstrap"]] == [0, 1]
    assert {d["metric"] for d in arm["bootstrap"][1]["vs_step0"]} == {"optimal", "solved", "swc"}
    assert "bootstrapping:" in stdout


def test_dualformer_maze(tmp_path):
    config, summary, stdout = run_toy("dualformer-maze.toml", tmp_path)
    arms = {a["name"]: a for a in summary["arms"]}
    assert set(arms) == {"solution-only", "search-augmented", "dualformer"}
    assert set(arms["dualformer"]["eval_modes"]) == {"fast", "slow", "auto"}
    assert arms["dualformer"]["eval_modes"]["fast"]["mode"] == "fast"
    assert "dualformer fast" in stdout and "dualformer slow" in stdout
    state = json.loads((tmp_path / "runs/dualformer-maze/dualformer/train/checkpoint/train_state.json").read_text())
    assert state["settings"]["drop"] == config["arms"][2]["train"]["drop"]
    # Every mode is paired with the other arms on the same tasks, never with its own model.
    pairs = {(c["a"], c["b"]) for c in summary.get("comparisons", json.loads(
        (tmp_path / "runs/dualformer-maze/run.json").read_text())["comparisons"])}
    assert ("search-augmented", "dualformer slow") in pairs and ("solution-only", "dualformer fast") in pairs
    assert not any(a.startswith("dualformer") and b.startswith("dualformer") for a, b in pairs)
