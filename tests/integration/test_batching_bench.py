"""`traceplay bench batching --quick` prints the queue-overhead case and the fixed-cost
cases by batch size with the keys DESIGN.md pins; batches of 8 and 64 fill (the synthetic
backend sleeps, so this holds on a busy machine) and name batch 1 as their peer."""
import json
import os
import subprocess

BIN = os.environ["TRACEPLAY_BIN"]


def test_bench_batching_quick_prints_every_case():
    result = subprocess.run([BIN, "bench", "batching", "--quick"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["case"] for line in lines] == ["overhead", "fixed-cost-batch-1", "fixed-cost-batch-8",
                                                "fixed-cost-batch-64"]
    for line in lines:
        assert line["bench"] == "batching" and line["unit"] == "evaluations/s" and line["value"] > 0
    assert lines[0]["peer_value"] > 0 and lines[0]["us_per_evaluation"] > 0
    assert lines[1]["mean_batch"] == 1.0 and "peer" not in lines[1]
    for line in lines[2:]:
        assert line["peer"] == "batch 1" and line["peer_value"] == lines[1]["value"]
        assert line["mean_batch"] > 1.5
