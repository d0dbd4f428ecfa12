"""`traceplay bench` prints one JSON object a line with the keys DESIGN.md pins
(bench, case, threads, value, unit; peer, peer_value and ratio together)."""
import json
import os
import subprocess

import pytest

BIN = os.environ["TRACEPLAY_BIN"]


def bench_lines(name):
    result = subprocess.run([BIN, "bench", name, "--quick", "--threads", "2"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines
    for line in lines:
        assert line["bench"] == name
        assert {"case", "threads", "value", "unit"} <= line.keys()
        assert line["value"] >= 0
        if "peer" in line:
            assert abs(line["ratio"] - line["value"] / line["peer_value"]) < 1e-6 * max(1.0, line["ratio"])
    return lines


def test_bench_astar_cases():
    lines = bench_lines("astar")
    cases = {(line["case"], line["threads"]) for line in lines}
    for size in (10, 20, 30):
        assert (f"maze-{size}x{size}", 1) in cases
        assert (f"maze-{size}x{size}", 2) in cases
    assert ("sokoban-7x7", 1) in cases
    assert any(line["unit"] == "expansions/s" for line in lines)
    # Generation really happens: every trace case made some traces.
    assert all(line["value"] > 0 for line in lines)


def test_bench_sokoban_quick_solves_its_levels():
    lines = bench_lines("sokoban")
    solved = next(line for line in lines if line["unit"] == "levels solved")
    assert solved["value"] == solved["levels"] > 0


def test_bench_rejects_unknown_names():
    result = subprocess.run([BIN, "bench", "chess"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""


def test_bench_train_quick_prints_model_cases():
    lines = bench_lines("train")
    assert [line["case"] for line in lines] == ["tiny-b4-p16-t32"]
    line = lines[0]
    assert line["unit"] == "tokens/s" and line["value"] > 0 and line["steps"] >= 3
    assert line["peak_rss_mib"] > 0 and line["parameters"] > 0
    # The PyTorch peer runs where Debian's python3-torch is (it is on these machines).
    assert line["peer"] == "pytorch-eager" and line["peer_value"] > 0


def test_bench_selfplay_quick_prints_net_batches_and_games_in_flight():
    # Handed over to traceplay-torch (the Go net); every case measured something real.
    lines = bench_lines("selfplay")
    assert [line["case"] for line in lines] == ["net-batch-1", "net-batch-8", "net-batch-64", "mcts-threads-1",
                                                "mcts-threads-4", "mcts-threads-16", "games-in-flight-1",
                                                "games-in-flight-16"]
    assert all(line["value"] > 0 for line in lines)
    games = [line for line in lines if line["unit"] == "positions/s"]
    assert [g["games"] for g in games] == [1, 16]
    for g in games:
        assert g["positions"] >= 2 * g["games"] and g["evaluations_per_s"] > 0 and g["mean_batch"] >= 1
    # Sixteen games in flight fill larger batches than one (the point of the design).
    assert games[1]["mean_batch"] > games[0]["mean_batch"]
    searches = [line for line in lines if line["unit"] == "simulations/s"]
    for s in searches:
        assert s["per_search_thread"] * int(s["case"].rsplit("-", 1)[1]) == pytest.approx(s["value"])
    # Sixteen search threads put more leaves into each batch than one.
    assert searches[2]["mean_batch"] > searches[0]["mean_batch"]


def test_bench_decode_quick_compares_cached_with_pytorch_and_uncached():
    lines = bench_lines("decode")
    by_case = {line["case"]: line for line in lines}
    assert set(by_case) == {"tiny-b2-p16-n24", "tiny-b2-p16-n24-vs-uncached"}
    assert by_case["tiny-b2-p16-n24"]["peer"] == "pytorch-eager"
    uncached = by_case["tiny-b2-p16-n24-vs-uncached"]
    assert uncached["peer"] == "traceplay-uncached" and uncached["peer_method"] == "every step timed"
    assert uncached["value"] == by_case["tiny-b2-p16-n24"]["value"]


def test_bench_startup_times_each_command_beside_traceplay_torch():
    lines = bench_lines("startup")
    assert [line["case"] for line in lines] == ["version", "solve-maze-10x10", "inspect", "gtp-name-quit",
                                                "train-help"]
    for line in lines:
        assert line["unit"] == "ms" and line["value"] > 0 and line["runs"] == 3
        assert line["peer"] == "traceplay-torch" and line["peer_value"] > 0
        assert 0 < line["min"] <= line["value"] and 0 < line["peer_min"] <= line["peer_value"]
        assert line["command"].startswith("traceplay ")


def test_bench_transport_measures_ingestion_beside_production_and_a_distributed_gen():
    lines = {line["case"]: line for line in bench_lines("transport")}
    assert list(lines) == ["produce", "ingest", "gen-actors", "model-delivery"]
    assert lines["produce"]["unit"] == "records/s" and lines["produce"]["value"] > 0
    ingest = lines["ingest"]
    assert ingest["value"] > 0 and ingest["mb_per_s"] > 0 and ingest["dropped"] == {}
    assert ingest["peer_value"] == pytest.approx(ingest["senders"] * lines["produce"]["value"])
    actors = lines["gen-actors"]
    assert actors["value"] > 0 and actors["peer_value"] > 0 and actors["dropped"] == {}
    assert actors["lease_to_stored_ms"]["p50"] > 0
    delivery = lines["model-delivery"]
    assert delivery["unit"] == "s" and delivery["value"] > 0 and delivery["corrupt_chunks"] == 0
    assert delivery["mb_per_s"] == pytest.approx(delivery["actors"] * delivery["mb"] / delivery["value"], rel=1e-6)
