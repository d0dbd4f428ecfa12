"""`traceplay run CONFIG.toml` driven as a user would: datasets per arm under
runs/<name>/, run.json provenance, skip-what-is-done, interruption and bad configs."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

BIN = os.environ["TRACEPLAY_BIN"]
SOURCE = Path(os.environ["TRACEPLAY_SOURCE_DIR"])

CONFIG = """
name = "tiny"
seed = 3
[data]
domain = "maze"
width = 5
height = 5
count = 300
test_fraction = 0.2
[[arms]]
name = "maze"
[[arms]]
name = "maze-again"          # same [data]: shares the dataset
[[arms]]
name = "sokoban"
data.domain = "sokoban"
data.width = 7
data.height = 7
data.count = 40
"""


def run(args, cwd, **kw):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=300, **kw)


def test_run_builds_every_arm_and_records_provenance(tmp_path):
    (tmp_path / "tiny.toml").write_text(CONFIG)
    first = run(["run", "tiny.toml", "--json"], tmp_path)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    assert [a["name"] for a in summary["arms"]] == ["maze", "maze-again", "sokoban"]
    maze_dir = summary["arms"][0]["dataset"]["dir"]
    assert summary["arms"][1]["dataset"]["dir"] == maze_dir
    assert summary["arms"][0]["dataset"]["records"] == 300
    assert summary["arms"][2]["dataset"]["records"] == 40
    assert (tmp_path / maze_dir / "manifest.json").is_file()
    # The results table names each arm.
    assert "maze-again" in first.stdout and "sokoban" in first.stdout

    record = json.loads((tmp_path / "runs/tiny/run.json").read_text())
    assert record["status"] == "done"
    assert record["build"]["git"] and record["build"]["traceplay"]
    assert record["machine"]["cores"] >= 1
    assert record["start"] and record["end"]
    assert record["arms"][2]["config"]["data"]["domain"] == "sokoban"
    assert record["arms"][2]["config"]["data"]["count"] == 40
    assert record["arms"][2]["config"]["data"]["test_fraction"] == 0.2  # inherited from the base [data]
    assert record["arms"][2]["seed"] == 3

    # Everything done: the second run only reports.
    manifest = (tmp_path / maze_dir / "manifest.json").read_bytes()
    again = run(["run", "tiny.toml", "--json"], tmp_path)
    assert again.returncode == 0, again.stderr
    statuses = [a["dataset"]["status"] for a in json.loads(again.stdout.strip().splitlines()[-1])["arms"]]
    assert statuses == ["already done"] * 3
    assert (tmp_path / maze_dir / "manifest.json").read_bytes() == manifest


def test_default_experiment_config_is_valid(tmp_path):
    # The config `make run` runs, resolved without building anything large: a copy with
    # small counts must run to the end.
    text = (SOURCE / "experiments/default.toml").read_text()
    text = text.replace("count = 2000", "count = 50").replace("data.count = 500", "data.count = 20")
    (tmp_path / "default.toml").write_text(text)
    result = run(["run", "default.toml"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "maze-5x5" in result.stdout and "sokoban-7x7" in result.stdout


@pytest.mark.parametrize("body, message", [
    ('name = "x"\nbogus = 1\n[data]\ndomain = "maze"\nsize = 5\ncount = 5\n', 'unknown key "bogus"'),
    ('name = "x"\n[data]\ndomain = "maze"\nsize = = 5\n', "bad.toml:4:"),
    ('name = "x"\n[data]\ndomain = "chess"\nsize = 5\ncount = 5\n', "chess"),
    ('name = "x"\n[data]\ndomain = "maze"\nsize = 5\ncount = 0\n', "count"),
    ('name = "x"\n', "a [data] table is required"),
    ('name = "x"\n[model]\npreset = "s"\n[data]\ndomain = "maze"\nsize = 5\ncount = 5\n', 'unknown key "model"'),
    ('name = "x"\nseed = -1\n[data]\ndomain = "maze"\nsize = 5\ncount = 5\n', "seed"),
])
def test_bad_configs_exit_2_with_one_message_and_write_nothing(tmp_path, body, message):
    (tmp_path / "bad.toml").write_text(body)
    result = run(["run", "bad.toml"], tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert not (tmp_path / "runs").exists()


def test_missing_config_file(tmp_path):
    result = run(["run", "nope.toml"], tmp_path)
    assert result.returncode == 2
    assert "nope.toml" in result.stderr


def test_interrupted_run_resumes(tmp_path):
    (tmp_path / "big.toml").write_text(
        'name = "big"\nseed = 1\n[data]\ndomain = "maze"\nsize = 30\ncount = 400000\nshard_records = 2000\n')
    proc = subprocess.Popen([BIN, "run", "big.toml", "--threads", "1"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    record = json.loads((tmp_path / "runs/big/run.json").read_text())
    assert record["status"] == "interrupted"
    assert record["arms"][0]["status"] == "interrupted"
