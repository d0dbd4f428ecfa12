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


def shrink(table):
    """The same experiment at toy scale: small datasets, a few steps, a few tasks."""
    small = {"count": 600, "test_fraction": 0.3, "steps": 3, "warmup": 1, "log_every": 1, "checkpoint_every": 2, "tasks": 3, "samples": 2, "dim": 16, "layers": 1, "heads": 2,
             "batch_tokens": 512, "val_sequences": 4, "preset": "custom", "eval_every": 2, "astar_runs": 2}
    out = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out[key] = shrink(value)
        elif isinstance(value, list):
            out[key] = [shrink(v) if isinstance(v, dict) else v for v in value]
        elif key in small and not isinstance(value, bool):
            out[key] = small[key] if key != "steps" or value else 0
        else:
            out[key] = value
    return out


def to_toml(config):
    """Just enough TOML for experiment configs: scalars, tables, arrays of tables."""
    def scalar(v):
        return json.dumps(v) if not isinstance(v, bool) else ("true" if v else "false")

    def flat(prefix, table):
        for key, value in table.items():
            if isinstance(value, dict):
                yield from flat(f"{prefix}{key}.", value)
            else:
                yield f"{prefix}{key} = {scalar(value)}"

    lines = [f"{k} = {scalar(v)}" for k, v in config.items() if not isinstance(v, (dict, list))]
    for key, value in config.items():
        if isinstance(value, dict):
            lines += [f"[{key}]", *flat("", value)]
    for arm in config.get("arms", []):
        lines += ["[[arms]]", *flat("", arm)]
    return "\n".join(lines) + "\n"


def test_default_experiment_config_is_valid(tmp_path):
    # The config `make run` runs, at toy scale: every arm (datasets, training, the
    # untrained control, evaluation) must run to the end and print the results tables.
    import tomllib
    config = tomllib.loads((SOURCE / "experiments/default.toml").read_text())
    assert any(arm.get("train", {}).get("steps", None) == 0 for arm in config["arms"]), "no untrained control arm"
    (tmp_path / "default.toml").write_text(to_toml(shrink(config)))
    result = run(["run", "default.toml", "--threads", "1", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    for arm in config["arms"]:
        assert arm["name"] in result.stdout
    trained = [a for a in summary["arms"] if "eval" in a]
    assert len(trained) >= 3
    for arm in trained:
        assert set(arm["eval"]) >= {"tasks", "samples", "solved", "optimal", "swc", "ilr_solved", "ilr_optimal",
                                    "solved_ci95", "optimal_ci95", "swc_ci95"}
    assert "optimal" in result.stdout and "SWC" in result.stdout
    # The trained arms (not the untrained control) are compared on their shared tasks.
    pairs = {(c["a"], c["b"]) for c in summary["comparisons"]}
    assert pairs == {("solution-only", "search-augmented")}
    assert "A - B" in result.stdout


TRAIN_CONFIG = """
name = "learn"
seed = 2
[data]
domain = "maze"
size = 5
count = 300
test_fraction = 0.3
[model]
dim = 16
layers = 1
heads = 2
[train]
steps = 4
batch_tokens = 1024
warmup = 2
eval_every = 2
val_sequences = 8
[eval]
tasks = 4
samples = 2
astar_runs = 3
[[arms]]
name = "untrained"
train.steps = 0
[[arms]]
name = "solution-only"
model.mode = "solution-only"
[[arms]]
name = "search-augmented"
"""


def check_intervals_and_comparisons(run_dir, record, stdout):
    """Every rate's 95% interval lies in [0, 1] around it; run.json compares the two
    trained arms (the untrained control left out) on their 4 shared tasks, and each
    difference is what their samples.jsonl give, recomputed here."""
    for arm in record["arms"]:
        e = arm["eval"]
        for key in ("solved", "optimal", "solved_per_sample", "optimal_per_sample", "swc"):
            lo, hi = e[key + "_ci95"]
            assert 0.0 <= lo <= e[key] <= hi <= 1.0, (arm["name"], key)
        assert (e["ilr_optimal_ci95"] is None) == (e["ilr_optimal"] is None)
    optimal = {}
    for name in ("solution-only", "search-augmented"):
        lines = [json.loads(l) for l in (run_dir / name / "eval-test/samples.jsonl").read_text().splitlines()]
        tasks = {}
        for line in lines:
            tasks[line["id"]] = tasks.get(line["id"], False) or line["optimal"]
        optimal[name] = tasks
    assert optimal["solution-only"].keys() == optimal["search-augmented"].keys()
    comparisons = record["comparisons"]
    assert [(c["a"], c["b"], c["metric"]) for c in comparisons] == [
        ("solution-only", "search-augmented", m) for m in ("optimal", "solved", "swc")]
    for c in comparisons:
        assert c["tasks"] == 4
        lo, hi = c["ci95"]
        assert -1.0 <= lo <= c["difference"] <= hi <= 1.0
    expected = sum(optimal["solution-only"][t] - optimal["search-augmented"][t] for t in optimal["solution-only"]) / 4
    assert comparisons[0]["difference"] == pytest.approx(expected)
    assert "A - B" in stdout and "[" in stdout


def test_run_trains_and_evaluates_every_arm_and_skips_what_is_done(tmp_path):
    (tmp_path / "learn.toml").write_text(TRAIN_CONFIG)
    first = run(["run", "learn.toml", "--threads", "1", "--json"], tmp_path)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    arms = {a["name"]: a for a in summary["arms"]}
    assert arms["untrained"]["train"]["step"] == 0
    assert arms["solution-only"]["train"]["step"] == 4
    assert arms["solution-only"]["eval"]["ilr_solved"] is None  # solution-only: no trace
    assert arms["search-augmented"]["eval"]["mean_astar_trace_tokens"] > 0
    for name in arms:
        assert (tmp_path / f"runs/learn/{name}/train/checkpoint/model.safetensors").is_file()
        samples = (tmp_path / f"runs/learn/{name}/eval-test/samples.jsonl").read_text().splitlines()
        assert len(samples) == 4 * 2
        assert json.loads((tmp_path / f"runs/learn/{name}/eval-test/summary.json").read_text()) == arms[name]["eval"]
    record = json.loads((tmp_path / "runs/learn/run.json").read_text())
    assert record["status"] == "done"
    assert [a["status"] for a in record["arms"]] == ["done"] * 3
    check_intervals_and_comparisons(tmp_path / "runs/learn", record, first.stdout)
    assert record["libraries"]["libtorch"]
    assert record["arms"][1]["eval"] == arms["solution-only"]["eval"]

    # A second run finds everything done and changes nothing.
    weights = (tmp_path / "runs/learn/search-augmented/train/checkpoint/model.safetensors").read_bytes()
    again = run(["run", "learn.toml", "--threads", "1", "--json"], tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout.strip().splitlines()[-1])["arms"][2]["eval"] == arms["search-augmented"]["eval"]
    # Deterministic intervals: the comparisons recomputed from the same samples are the same.
    assert json.loads(again.stdout.strip().splitlines()[-1])["comparisons"] == summary["comparisons"]
    assert summary["comparisons"] == record["comparisons"]
    assert (tmp_path / "runs/learn/search-augmented/train/checkpoint/model.safetensors").read_bytes() == weights


def test_parallel_arms_give_what_sequential_arms_give(tmp_path):
    # Arms trained side by side (one thread each) make the same models and results as
    # arms trained one after another with one thread: each arm owns its seed and data.
    for mode, flags in (("sequential", ["--parallel", "1"]), ("parallel", ["--parallel", "3"])):
        (tmp_path / mode).mkdir()
        (tmp_path / mode / "learn.toml").write_text(TRAIN_CONFIG)
        done = run(["run", "learn.toml", "--threads", "1", "--json", *flags], tmp_path / mode)
        assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "parallel/runs/learn/run.json").read_text())["parallel"] == 3
    assert json.loads((tmp_path / "sequential/runs/learn/run.json").read_text())["parallel"] == 1
    one = json.loads(run(["run", "learn.toml", "--json"], tmp_path / "sequential").stdout.strip().splitlines()[-1])
    both = json.loads(run(["run", "learn.toml", "--json"], tmp_path / "parallel").stdout.strip().splitlines()[-1])
    assert [a["eval"] for a in one["arms"]] == [a["eval"] for a in both["arms"]]
    for name in ("untrained", "solution-only", "search-augmented"):
        arm = f"runs/learn/{name}"
        for file in ("train/checkpoint/model.safetensors", "eval-test/samples.jsonl"):
            assert (tmp_path / "sequential" / arm / file).read_bytes() == (tmp_path / "parallel" / arm / file).read_bytes()
        losses = [[json.loads(line)["loss"] for line in (tmp_path / mode / arm / "train/metrics.jsonl").read_text().splitlines()]
                  for mode in ("sequential", "parallel")]
        assert losses[0] == losses[1]


@pytest.mark.parametrize("value", ["0", "65", "1.5", '"two"'])
def test_bad_parallel_value_exits_2(tmp_path, value):
    (tmp_path / "p.toml").write_text(TRAIN_CONFIG.replace('name = "learn"', f'name = "learn"\nparallel = {value}', 1))
    result = run(["run", "p.toml"], tmp_path)
    assert result.returncode == 2, result.stderr
    assert '"parallel"' in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists()


def test_interrupted_training_resumes_to_the_same_model(tmp_path):
    config = TRAIN_CONFIG.replace("steps = 4", "steps = 400").replace("count = 300", "count = 600")
    (tmp_path / "learn.toml").write_text(config)
    proc = subprocess.Popen([BIN, "run", "learn.toml", "--threads", "1"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    metrics = tmp_path / "runs/learn/solution-only/train/metrics.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and not (metrics.exists() and metrics.read_text().count("\n") >= 2):
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    record = json.loads((tmp_path / "runs/learn/run.json").read_text())
    assert record["status"] == "interrupted"
    assert record["arms"][1]["status"] == "training interrupted"
    resumed = run(["run", "learn.toml", "--threads", "1", "--json"], tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    # The same arm trained straight through elsewhere gives the same weights.
    straight = tmp_path / "straight"
    straight.mkdir()
    (straight / "learn.toml").write_text(config)
    done = run(["run", "learn.toml", "--threads", "1"], straight)
    assert done.returncode == 0, done.stderr
    name = "runs/learn/solution-only/train/checkpoint/model.safetensors"
    assert (tmp_path / name).read_bytes() == (straight / name).read_bytes()


@pytest.mark.parametrize("body, message", [
    ('name = "x"\nbogus = 1\n[data]\ndomain = "maze"\nsize = 5\ncount = 5\n', 'unknown key "bogus"'),
    ('name = "x"\n[data]\ndomain = "maze"\nsize = = 5\n', "bad.toml:4:"),
    ('name = "x"\n[data]\ndomain = "chess"\nsize = 5\ncount = 5\n', "chess"),
    ('name = "x"\n[data]\ndomain = "maze"\nsize = 5\ncount = 0\n', "count"),
    ('name = "x"\n', "a [data] table is required"),
    ('name = "x"\n[model]\npreset = "s"\n[data]\ndomain = "maze"\nsize = 5\ncount = 5\n', "need a [train] table"),
    ('name = "x"\n[data]\ndomain = "maze"\nsize = 5\ncount = 5\n[train]\nsteps = -1\n', '"steps"'),
    ('name = "x"\n[data]\ndomain = "maze"\nsize = 5\ncount = 5\n[train]\nlr = "fast"\n', '"lr"'),
    ('name = "x"\n[data]\ndomain = "maze"\nsize = 5\ncount = 5\n[train]\n[model]\nmode = "both"\n', '"mode"'),
    ('name = "x"\n[data]\ndomain = "maze"\nsize = 5\ncount = 5\n[train]\n[eval]\nsampels = 3\n', 'unknown key "sampels"'),
    ('name = "x"\n[data]\ndomain = "maze"\nsize = 5\ncount = 5\n[train]\ndevice = "tpu"\n', "tpu"),
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
    # run.json is written once the stop handlers are in place; then the dataset is under way.
    deadline = time.time() + 60
    while time.time() < deadline and not (tmp_path / "runs/big/run.json").exists():
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    record = json.loads((tmp_path / "runs/big/run.json").read_text())
    assert record["status"] == "interrupted"
    assert record["arms"][0]["status"] == "dataset interrupted"
