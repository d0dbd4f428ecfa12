"""`traceplay run` with Dualformer modes: an arm's eval.modes evaluates its model once per
mode into <arm>/eval-<split>-<mode>/, run.json records each summary as
arms[i].eval_modes.<mode>, the results table has one row per (arm, mode), a second run
is a no-op; bad mode lists exit 2 with one line naming the key and write nothing."""
import json
import os
import subprocess

import pytest

BIN = os.environ["TRACEPLAY_BIN"]

CONFIG = """
name = "modes"
seed = 2
[data]
domain = "maze"
size = 4
count = 300
test_fraction = 0.3
[model]
dim = 16
layers = 1
heads = 2
[train]
steps = 2
batch_tokens = 1024
warmup = 1
eval_every = 2
val_sequences = 4
[eval]
tasks = 3
samples = 2
astar_runs = 2
[[arms]]
name = "dualformer"
eval.modes = ["fast", "slow", "auto"]
[[arms]]
name = "solution-only"
model.mode = "solution-only"
eval.modes = ["auto", "fast"]
[[arms]]
name = "plain"
"""

MODE_KEYS = ["mode", "fast_share", "slow_share"]


def run(args, cwd):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_each_mode_is_evaluated_into_its_own_directory_and_recorded(tmp_path):
    (tmp_path / "modes.toml").write_text(CONFIG)
    first = run(["run", "modes.toml", "--threads", "1", "--json"], tmp_path)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    arms = {a["name"]: a for a in summary["arms"]}
    record = json.loads((tmp_path / "runs/modes/run.json").read_text())
    assert record["status"] == "done" and [a["status"] for a in record["arms"]] == ["done"] * 3

    for index, (name, modes) in enumerate((("dualformer", ["fast", "slow", "auto"]), ("solution-only", ["auto", "fast"]))):
        arm_dir = tmp_path / "runs/modes" / name
        assert sorted(p.name for p in arm_dir.iterdir() if p.name.startswith("eval")) == sorted(
            f"eval-test-{m}" for m in modes)
        recorded = record["arms"][index]
        assert "eval" not in recorded and "eval" not in arms[name]
        assert sorted(recorded["eval_modes"]) == sorted(modes)
        assert recorded["eval_dirs"] == {m: f"runs/modes/{name}/eval-test-{m}" for m in modes}
        for mode in modes:
            out = arm_dir / f"eval-test-{mode}"
            on_disk = json.loads((out / "summary.json").read_text())
            assert recorded["eval_modes"][mode] == on_disk == arms[name]["eval_modes"][mode]
            assert list(on_disk)[-3:] == MODE_KEYS and on_disk["mode"] == mode
            assert json.loads((out / "eval.json").read_text())["parameters"]["mode"] == mode
            lines = [json.loads(l) for l in (out / "samples.jsonl").read_text().splitlines()]
            assert len(lines) == 3 * 2
            forced = {"fast": "plan", "slow": "create"}.get(mode)
            if forced:
                assert all(l["tokens"][1] == forced for l in lines)
        # One row per (arm, mode) in the printed table.
        for mode in modes:
            assert f"{name} {mode} " in first.stdout
    # The solution-only model in fast mode: ILR null as always for it.
    assert record["arms"][1]["eval_modes"]["fast"]["ilr_solved"] is None
    # An arm without modes is as before: eval-test/, arms[i].eval, no mode keys.
    assert not set(MODE_KEYS) & set(record["arms"][2]["eval"]) and "optimal" in record["arms"][2]["eval"]
    assert record["arms"][2]["eval_dir"] == "runs/modes/plain/eval-test" and "eval_modes" not in record["arms"][2]
    assert "responses began with plan" in first.stdout  # the auto rows' shares

    again = run(["run", "modes.toml", "--threads", "1", "--json"], tmp_path)
    assert again.returncode == 0, again.stderr
    strip = lambda arms: [{k: v for k, v in a.items() if k in ("eval", "eval_modes")} for a in arms]
    assert strip(json.loads(again.stdout.strip().splitlines()[-1])["arms"]) == strip(summary["arms"])


BASE = CONFIG.split("[[arms]]")[0]


@pytest.mark.parametrize("arm, message", [
    ('eval.modes = ["fast", "quick"]', '"modes" holds "quick"'),
    ('eval.modes = ["fast", "fast"]', '"modes" lists "fast" twice'),
    ('eval.modes = []', '"modes" must be a non-empty list'),
    ('eval.modes = "fast"', '"modes" must be a non-empty list'),
    ('eval.modes = ["fast"]\neval.mode = "fast"', '"mode" and "modes" are both set'),
    ('eval.mode = "quick"', '"mode"'),
    ('model.mode = "solution-only"\neval.modes = ["fast", "slow"]', 'slow mode ("modes") needs a search-augmented'),
    ('model.mode = "solution-only"\neval.mode = "slow"', 'slow mode ("mode") needs a search-augmented'),
])
def test_bad_mode_lists_exit_2_with_one_line_and_write_nothing(tmp_path, arm, message):
    (tmp_path / "bad.toml").write_text(BASE + '[[arms]]\nname = "a"\n' + arm + "\n")
    result = run(["run", "bad.toml"], tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "[eval]" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""
    assert not (tmp_path / "runs").exists()
