"""`traceplay bench mcts --quick` prints one line per thread count (1..--threads) with the
keys DESIGN.md pins; the multi-thread lines carry the 1-thread figure as peer and the ratio."""
import json
import os
import subprocess

BIN = os.environ["TRACEPLAY_BIN"]


def test_bench_mcts_quick_prints_every_thread_count():
    result = subprocess.run([BIN, "bench", "mcts", "--quick", "--threads", "2"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["threads"] for line in lines] == [1, 2]
    for line in lines:
        assert line["bench"] == "mcts" and line["case"] == "9x9-light"
        assert line["unit"] == "simulations/s" and line["value"] > 0
        assert line["simulations"] > 0
    assert "peer" not in lines[0]
    two = lines[1]
    assert two["peer_value"] == lines[0]["value"]
    assert abs(two["ratio"] - two["value"] / two["peer_value"]) < 1e-9 * max(1.0, two["ratio"])


def test_bench_rejects_an_unknown_name():
    result = subprocess.run([BIN, "bench", "mctss"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip()
