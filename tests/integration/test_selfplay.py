"""`traceplay selfplay --config FILE --out DIR` on 5x5 with a tiny net: versions published
whole under models/, the games in the pinned store, one progress line per version, a
resume that goes on to more versions, and bad configs refused with one line, exit 2,
nothing written."""
import json
import os
import pathlib
import subprocess

BIN = os.environ["TRACEPLAY_BIN"]

CONFIG = """name = "t5"
seed = 3
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
window_positions = 2000
min_positions = 100
positions_per_version = 100
steps_per_version = 10
[gating]
games = 4
first_games = 2
visits = 8
parallel = 2
[run]
versions = {versions}
"""


def selfplay(tmp_path, versions, out, extra=""):
    config = tmp_path / "run.toml"
    config.write_text(CONFIG.format(versions=versions) + extra)
    return subprocess.run([BIN, "selfplay", "--config", str(config), "--out", str(out), "--json"],
                          capture_output=True, text=True, timeout=300)


def test_selfplay_publishes_versions_keeps_games_and_resumes(tmp_path):
    out = tmp_path / "run"
    r = selfplay(tmp_path, 2, out)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout.splitlines()[-1])
    assert summary["version"] == 2 and summary["stopped"] is False
    assert sorted(p.name for p in (out / "models").iterdir()) == ["v0000", "v0001", "v0002"]
    for v in ("v0000", "v0001", "v0002"):
        assert {"model.safetensors", "config.json"} <= {p.name for p in (out / "models" / v).iterdir()}
        config = json.loads((out / "models" / v / "config.json").read_text())
        assert config["format"] == "traceplay-go-net" and config["model_version"] == int(v[1:])
    index = json.loads((out / "games" / "games.json").read_text())
    assert index["format"] == "traceplay-selfplay-games" and index["size"] == 5
    assert index["counts"]["games"] == summary["games"] > 0
    assert index["counts"]["positions"] == summary["positions"] >= 200  # two versions of >= 100 new positions
    progress = [json.loads(line) for line in (out / "progress.jsonl").read_text().splitlines()]
    assert [p["version"] for p in progress] == [1, 2]
    for p in progress:
        assert p["steps"] == 10 * p["version"] and p["positions_per_s"] > 0 and p["evaluations_per_s"] > 0
        assert p["loss"]["total"] > 0
        assert p["best"] <= p["version"] and (p["elo"] is None or isinstance(p["elo"], float))
        fr = p["false_resign"]  # resignation is on (the default threshold)
        assert 0 <= fr["ci95"][0] <= fr["rate"] <= fr["ci95"][1] <= 1 and fr["would_resign"] <= fr["no_resign_games"]
    # Gating: each version against the best (4 games) and v0000 (2 games), in order.
    elo = [json.loads(line) for line in (out / "elo.jsonl").read_text().splitlines()]
    assert [(e["version"], e["kind"]) for e in elo] == [(1, "best"), (1, "first"), (2, "best"), (2, "first")]
    assert list(elo[0]) == ["version", "opponent", "kind", "games", "wins", "draws", "losses", "score", "elo_diff",
                            "elo_diff_ci95", "promoted", "best", "elo", "elo_ci95"]
    for e in elo:
        assert e["games"] == (4 if e["kind"] == "best" else 2) == e["wins"] + e["draws"] + e["losses"]
        assert e["best"] == (e["version"] if e["promoted"] else e["best"])
        assert e["elo_ci95"][0] <= e["elo"] <= e["elo_ci95"][1]
    assert elo[0]["opponent"] == 0 and elo[2]["opponent"] == elo[1]["best"]
    assert summary["best"] == elo[-1]["best"] == progress[-1]["best"]
    assert "Elo of the versions (v0000 = 0):" in r.stderr and "v0002" in r.stderr.split("Elo of the versions")[1]
    # The same directory goes on to version 3 from the stored games and version 2.
    r = selfplay(tmp_path, 3, out)
    assert r.returncode == 0, r.stderr
    assert "version 2, %d games stored" % index["counts"]["games"] in r.stderr
    assert "learner state restored at step 20" in r.stderr
    assert json.loads((out / "progress.jsonl").read_text().splitlines()[-1])["steps"] == 30
    assert json.loads(r.stdout.splitlines()[-1])["version"] == 3
    assert (out / "models" / "v0003" / "model.safetensors").exists()
    assert [json.loads(line)["version"] for line in (out / "elo.jsonl").read_text().splitlines()] == [1, 1, 2, 2, 3, 3]
    assert json.loads((out / "games" / "games.json").read_text())["counts"]["games"] > index["counts"]["games"]


def test_selfplay_refuses_bad_configs_with_one_line_and_writes_nothing(tmp_path):
    cases = [("[learner2]\n", 'unknown key "learner2"'), ("[run.x]\n", 'unknown key "x"'),
             ("[gating.y]\n", 'unknown key "y"')]
    out = tmp_path / "run"
    for extra, message in cases:
        r = selfplay(tmp_path, 2, out, extra)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and message in r.stderr, r.stderr
        assert not out.exists()
    config = tmp_path / "bad.toml"
    config.write_text(CONFIG.format(versions=2).replace("games_in_flight = 4", "games_in_flight = 4\nwhatever = 1"))
    r = subprocess.run([BIN, "selfplay", "--config", str(config), "--out", str(out)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and '[actor]: unknown key "whatever"' in r.stderr and not out.exists(), r.stderr
    config.write_text(CONFIG.format(versions=2).replace("fast_visits = 4", "fast_visits = 40"))
    r = subprocess.run([BIN, "selfplay", "--config", str(config), "--out", str(out)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and "fast_visits" in r.stderr and not out.exists()
    config.write_text(CONFIG.format(versions=2).replace("[run]", "[run]\ndevice = \"gpu7\""))
    r = subprocess.run([BIN, "selfplay", "--config", str(config), "--out", str(out)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and "[run] \"device\"" in r.stderr and not out.exists(), r.stderr
    for bad, key in (("threshold = 1.5", "threshold"), ("games = 0", "first_games"), ("visits = 0", "visits")):
        config.write_text(CONFIG.format(versions=2).replace("[gating]", "[gating]\n" + bad).replace("games = 4\n", "")
                          if key != "visits" else CONFIG.format(versions=2).replace("visits = 8", bad))
        r = subprocess.run([BIN, "selfplay", "--config", str(config), "--out", str(out)], capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 2 and key in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert not out.exists()
    config.write_text(CONFIG.format(versions=2).replace("size = 5", "size = 3"))
    r = subprocess.run([BIN, "selfplay", "--config", str(config), "--out", str(out)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and "size" in r.stderr and not out.exists()
    # Another config in a used directory is refused, the directory left as it was.
    assert selfplay(tmp_path, 2, out).returncode == 0
    before = sorted(str(p) for p in out.rglob("*"))
    config.write_text(CONFIG.format(versions=2).replace("komi = 0.5", "komi = 1.5"))
    r = subprocess.run([BIN, "selfplay", "--config", str(config), "--out", str(out)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and "another config" in r.stderr
    assert sorted(str(p) for p in out.rglob("*")) == before
