"""`traceplay bench go --quick` prints the playout and legal-move cases with the keys
DESIGN.md pins (bench, case, threads, value, unit; peer, peer_value and ratio together)."""
import json
import os
import subprocess

BIN = os.environ["TRACEPLAY_BIN"]


def test_bench_go_quick_prints_every_case():
    result = subprocess.run([BIN, "bench", "go", "--quick", "--threads", "2"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    cases = {(line["case"], line["threads"]): line for line in lines}
    for size in (9, 19):
        for threads in (1, 2):
            line = cases[(f"playouts-{size}x{size}", threads)]
            assert line["unit"] == "playouts/s" and line["value"] > 0
            # A random game from the empty board lasts longer than the board has points.
            assert line["moves_per_playout"] > size * size
            assert 0 < line["black_win_rate_komi_7_5"] < 1
        line = cases[(f"legal-moves-{size}x{size}", 1)]
        assert line["unit"] == "positions/s" and line["value"] > 0
        assert 0 < line["moves_per_position"] <= size * size
    for line in lines:
        assert line["bench"] == "go"
        assert {"case", "threads", "value", "unit"} <= line.keys()
        if "peer" in line:
            assert line["peer_value"] == 38100
            assert abs(line["ratio"] - line["value"] / line["peer_value"]) < 1e-9 * max(1.0, line["ratio"])
    assert cases[("playouts-9x9", 1)]["peer"].startswith("libEGO")
