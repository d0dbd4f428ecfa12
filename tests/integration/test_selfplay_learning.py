"""The bot learns Go by itself, measured: a 5x5 self-play run (tiny residual net, 6
versions, about 30 s on one core) must make its last version beat the untrained v0000 in
the gating matches at equal visits, and the same run with a learning rate of 1e-9 (the
negative control: the same games, searches and matches, but the weights do not move)
must not.

Measured (5x5, these settings, seeds 1-3): the last version scored 1.00, 0.95 and 1.00
against v0000 over 20 games; the control 0.50 (every pair of games split by colour).
The floor 0.75 leaves room for a slower learner on another machine; 20 games at a true
score of 0.95 fall below it with probability < 0.2%."""
import json
import os
import subprocess

BIN = os.environ["TRACEPLAY_BIN"]

CONFIG = """name = "learn5"
seed = 2
[game]
size = 5
komi = 0.5
[net]
kind = "resnet"
preset = "tiny"
history = 2
[actor]
games_in_flight = 16
full_visits = 32
fast_visits = 8
[learner]
batch = 128
lr = {lr}
min_positions = 400
window_positions = 20000
positions_per_version = 400
steps_per_version = 80
[gating]
games = 4
first_games = 20
visits = 32
[run]
versions = 6
"""


def run(tmp_path, name, lr):
    config = tmp_path / f"{name}.toml"
    config.write_text(CONFIG.format(lr=lr))
    out = tmp_path / name
    r = subprocess.run([BIN, "selfplay", "--config", str(config), "--out", str(out), "--json"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    elo = [json.loads(line) for line in (out / "elo.jsonl").read_text().splitlines()]
    against_first = [e for e in elo if e["kind"] == "first"]
    assert [e["version"] for e in against_first] == [1, 2, 3, 4, 5, 6]
    return against_first[-1], elo


def test_the_last_version_beats_the_first_and_the_control_does_not(tmp_path):
    learned, elo = run(tmp_path, "learning", "0.001")
    assert learned["games"] == 20
    assert learned["score"] >= 0.75, learned
    assert learned["elo_ci95"][0] > 0, learned  # the table says so too
    assert any(e["promoted"] for e in elo if e["kind"] == "best")

    control, elo = run(tmp_path, "control", "1e-9")
    assert control["games"] == 20
    assert 0.3 <= control["score"] <= 0.7, control
    assert control["elo_ci95"][0] < 0 < control["elo_ci95"][1], control
