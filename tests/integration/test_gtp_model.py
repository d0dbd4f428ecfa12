"""`traceplay gtp --model DIR`: the MCTS bot searching with a Go net from a self-play run.
A tiny 5x5 run makes the checkpoints; the engine then answers over stdin/stdout, its
analysis shows the net's prior and ownership, it plays whole games refereed by
`traceplay match`, and bad checkpoints or sizes are refused with one line, exit 2."""
import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from match_util import match_ok  # noqa: E402

BIN = os.environ["TRACEPLAY_BIN"]

CONFIG = """name = "g5"
seed = 5
[game]
size = 5
komi = 0.5
[net]
kind = "resnet"
preset = "tiny"
history = 2
[actor]
games_in_flight = 4
full_visits = 16
fast_visits = 4
[learner]
batch = 32
min_positions = 100
positions_per_version = 100
steps_per_version = 10
[run]
versions = 1
"""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gtp_model")
    (tmp / "run.toml").write_text(CONFIG)
    r = subprocess.run([BIN, "selfplay", "--config", str(tmp / "run.toml"), "--out", str(tmp / "run")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return tmp / "run"


def gtp(args, commands, timeout=120):
    """Runs one engine over a script of commands; returns (responses, stderr)."""
    r = subprocess.run([BIN, "gtp", *args], input="".join(c + "\n" for c in commands) + "quit\n",
                       capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, r.stderr
    return [block.strip() for block in r.stdout.split("\n\n") if block.strip()], r.stderr


def ask(engine, command):
    """One command to a running engine (nothing else queued, so analysis runs to its end)."""
    engine.stdin.write(command + "\n")
    engine.stdin.flush()
    lines = []
    while True:
        line = engine.stdout.readline()
        assert line, f"{command}: the engine closed its output"
        if line == "\n" and lines:
            return "\n".join(lines)
        lines.append(line.rstrip("\n"))


def test_plays_and_analyses_with_the_net(run_dir, tmp_path):
    model = str(run_dir / "models" / "v0001")
    log = open(tmp_path / "stderr", "w")
    engine = subprocess.Popen([BIN, "gtp", "--model", model, "--size", "5", "--visits", "300"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
    try:
        move = ask(engine, "genmove b")
        analysis = ask(engine, "kata-genmove_analyze w 1 ownership true")
        ask(engine, "quit")
        assert engine.wait(timeout=30) == 0
    finally:
        engine.kill()
        log.close()
    assert "playing with resnet tiny (history 2), run g5 v1" in (tmp_path / "stderr").read_text()
    assert move.startswith("= ") and move[2:] in {f"{c}{r}" for c in "ABCDE" for r in range(1, 6)} | {"pass"}
    last_update = [line for line in analysis.splitlines() if line.startswith("info ")][-1]
    infos = last_update.split("info ")[1:]
    assert infos, analysis
    # The net's policy is the prior: not the uniform 1/26 of a pure-prior search.
    priors = [float(p.split(" prior ")[1].split()[0]) for p in infos]
    assert max(abs(p - 1 / 26) for p in priors) > 0.002, priors
    ownership = last_update.split(" ownership ")[1].split(" play ")[0].split()
    assert len(ownership) == 25 and all(-1 <= float(x) <= 1 for x in ownership)
    assert analysis.splitlines()[-1].startswith("play ")


def test_sizes_outside_the_net_are_refused_in_the_session(run_dir):
    model = str(run_dir / "models" / "v0001")
    responses, _ = gtp(["--model", model, "--size", "5", "--visits", "8"],
                       ["boardsize 21", "boardsize 4", "boardsize 9", "genmove b"])
    assert responses[:3] == ["? unacceptable size", "? unacceptable size", "="]
    assert responses[3].startswith("= ")


def test_two_versions_play_whole_games_refereed(run_dir, tmp_path):
    engine = f"{BIN} gtp --size 5 --komi 0.5 --visits 24 --model "
    summary, _ = match_ok("--engine-a", engine + str(run_dir / "models" / "v0001"),
                          "--engine-b", engine + str(run_dir / "models" / "v0000"),
                          "--games", 2, "--size", 5, "--komi", 0.5, "--sgf-dir", tmp_path / "sgf")
    assert summary["games"] == 2 and summary["forfeits_a"] == summary["forfeits_b"] == 0


def refused(args):
    r = subprocess.run([BIN, "gtp", *args], input="quit\n", capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, r.stderr
    return r.stderr


def test_bad_checkpoints_and_sizes_exit_2_with_one_line(run_dir, tmp_path):
    model = str(run_dir / "models" / "v0001")
    assert "board sizes 5..19, not --size 3" in refused(["--model", model, "--size", "3"])
    assert "config.json" in refused(["--model", str(tmp_path / "missing")])
    assert "config.json" in refused(["--model", str(run_dir / "models")])
    # A Searchformer checkpoint (another kind) is named as such, never loaded as a Go net.
    other = tmp_path / "searchformer"
    other.mkdir()
    (other / "config.json").write_text(json.dumps({"format": "traceplay-model", "version": 1}))
    (other / "model.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    assert "searchformer" in refused(["--model", str(other)])
    # Damaged weights: named, exit 2.
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "config.json").write_text((run_dir / "models" / "v0001" / "config.json").read_text())
    (damaged / "model.safetensors").write_bytes((run_dir / "models" / "v0001" / "model.safetensors").read_bytes()[:100])
    assert "model.safetensors" in refused(["--model", str(damaged)])
    # One flipped bit inside a tensor keeps the file well formed: only the checkpoint's
    # checksum (config.json's weights_xxh64) can tell, and it refuses to play with it.
    weights = bytearray((run_dir / "models" / "v0001" / "model.safetensors").read_bytes())
    weights[-5] ^= 0x01
    (damaged / "model.safetensors").write_bytes(bytes(weights))
    assert "does not match its checkpoint" in refused(["--model", str(damaged)])
    assert "--evaluator" in refused(["--model", model, "--evaluator", "uniform"])
    assert "--model" in refused(["--device", "cpu"])  # --device is the net's
    assert "not a device" in refused(["--model", model, "--device", "tpu"])
