"""Reproducibility on one machine (README, "Reproducibility"): the same config and seed
give bit-identical datasets, checkpoints, optimizer states, samples and metrics, whatever
the number of worker threads. Only wall-clock figures (elapsed seconds, tokens/s, the
run's start and end) may differ; they are removed before comparing."""
import json
import os
import subprocess
from pathlib import Path

import pytest

BIN = os.environ["TRACEPLAY_BIN"]

CONFIG = """
name = "repro"
seed = 11
[data]
domain = "maze"
size = 5
count = 300
test_fraction = 0.3
deterministic = false
[model]
dim = 16
layers = 1
heads = 2
[train]
steps = 6
batch_tokens = 1024
warmup = 2
eval_every = 3
val_sequences = 8
[eval]
tasks = 6
samples = 2
astar_runs = 3
[[arms]]
name = "solution-only"
model.mode = "solution-only"
[[arms]]
name = "search-augmented"
"""

# Wall-clock keys: the only ones allowed to differ between two runs.
TIMING_KEYS = {"elapsed_s", "tokens_per_s", "padded_tokens_per_s", "records_per_s", "start", "end", "seconds", "wall_s"}


def without_timing(value):
    if isinstance(value, dict):
        return {k: without_timing(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [without_timing(v) for v in value]
    return value


def json_lines(path):
    return [without_timing(json.loads(line)) for line in path.read_text().splitlines()]


def run_once(directory, threads):
    directory.mkdir()
    (directory / "repro.toml").write_text(CONFIG)
    result = subprocess.run([BIN, "run", "repro.toml", "--threads", str(threads), "--json"], cwd=directory,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return directory / "runs/repro"


def test_same_config_and_seed_give_bit_identical_results_whatever_the_threads(tmp_path):
    a = run_once(tmp_path / "a", threads=2)
    b = run_once(tmp_path / "b", threads=1)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    kinds = {".zst": 0, ".safetensors": 0, ".jsonl": 0}
    for rel in files:
        if rel.suffix == ".jsonl":
            assert json_lines(a / rel) == json_lines(b / rel), rel
        elif rel.name in ("run.json", "train_state.json"):
            one, two = (json.loads((d / rel).read_text()) for d in (a, b))
            for record in (one, two):  # how the run was launched, not what it made
                record.pop("threads", None)
                record.get("last_run", {}).pop("threads", None)
            assert without_timing(one) == without_timing(two), rel
        else:
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
        if rel.suffix in kinds:
            kinds[rel.suffix] += 1
    # Datasets (shards), checkpoints and optimizer states, samples and metrics were compared.
    assert kinds[".zst"] >= 2 and kinds[".safetensors"] >= 4 and kinds[".jsonl"] >= 4, kinds
    # And the results are not trivially equal: the arms differ from each other.
    assert (a / "solution-only/train/checkpoint/model.safetensors").read_bytes() != \
        (a / "search-augmented/train/checkpoint/model.safetensors").read_bytes()


@pytest.mark.parametrize("domain", ["maze", "sokoban"])
def test_gen_gives_the_same_bytes_with_any_number_of_threads(tmp_path, domain):
    size = ["--size", "5"] if domain == "maze" else ["--width", "7", "--height", "7", "--count", "30"]
    outputs = []
    for threads in (1, 2, 3):
        out = tmp_path / f"t{threads}"
        args = [BIN, "gen", "--domain", domain, *size, "--seed", "5", "--threads", str(threads),
                "--out", str(out), "--shard-records", "40", "--nondeterministic"]
        if domain == "maze":
            args += ["--count", "200"]
        result = subprocess.run(args, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert len(outputs[0]) >= 3  # a manifest and several shards
    assert outputs[0] == outputs[1] == outputs[2]
