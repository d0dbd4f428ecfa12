"""`traceplay report RUN_DIR [--out DIR]` on real runs made here by the real binary: an
experiment with a bootstrapped arm and a Sokoban arm, and a self-play run. The page and
its images exist (each embedded in the page as a data: URI of the very bytes of the PNG
file beside it), the tables hold run.json's values, the page loads in headless Chromium
with every image and no console error (a screenshot is kept), also copied alone into an
empty folder (self-contained), and bad input is exit 2 with one line and nothing written."""
import base64
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from browser_util import CHROMIUM, Browser

BIN = os.environ["TRACEPLAY_BIN"]

EXPERIMENT = """
name = "rep"
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
mode = "search-augmented"
[train]
steps = 4
batch_tokens = 1024
warmup = 2
eval_every = 2
val_sequences = 8
[eval]
tasks = 4
samples = 2
astar_runs = 2
[[arms]]
name = "solution-only"
model.mode = "solution-only"
[[arms]]
name = "sokoban"
data.domain = "sokoban"
data.size = 7
data.count = 40
model.mode = "solution-only"
eval.tasks = 2
[[arms]]
name = "bootstrapped"
bootstrap.iterations = 2
bootstrap.samples = 2
bootstrap.train.steps = 2
bootstrap.train.warmup = 0
[[arms]]
name = "dualformer"
train.drop = [0.3, 0.2, 0.2, 0.2]
eval.modes = ["fast", "slow"]
"""

SELFPLAY = """name = "sp"
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
versions = 2
"""


def traceplay(args, cwd):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    root = tmp_path_factory.mktemp("experiment")
    (root / "rep.toml").write_text(EXPERIMENT)
    done = traceplay(["run", "rep.toml", "--threads", "1"], root)
    assert done.returncode == 0, done.stderr
    return root / "runs/rep"


@pytest.fixture(scope="module")
def selfplay_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("selfplay")
    (root / "sp.toml").write_text(SELFPLAY)
    done = traceplay(["selfplay", "--config", "sp.toml", "--out", "runs/sp"], root)
    assert done.returncode == 0, done.stderr
    return root / "runs/sp"


def images(page_text):
    """The figures' file names (data-file), in page order."""
    return re.findall(r'<img data-file="([^"]+)"', page_text)


def embedded(page_text):
    """{file name: the PNG bytes embedded in the page under that name}."""
    found = re.findall(r'<img data-file="([^"]+)" alt="[^"]*" src="data:image/png;base64,([^"]+)"', page_text)
    return {name: base64.b64decode(data, validate=True) for name, data in found}


def section_ids(page_text):
    return re.findall(r'<h2 id="([^"]+)"', page_text)


def check_in_browser(page, tmp_path):
    """Headless Chromium loads the page from disk: every image decoded (naturalWidth > 0),
    no console error, exception or failed load; a screenshot is kept in tmp_path."""
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing (Debian's chromium; scripts/bootstrap-deps installs it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    browser = Browser(tmp_path / "chromium-profile")
    try:
        session = browser.open(page.resolve().as_uri())
        loaded = browser.evaluate(session, "Array.from(document.images).map(i => "
                                  "[i.getAttribute('data-file') || i.getAttribute('src'), i.complete, i.naturalWidth])")
        shot = tmp_path / "screenshot.png"
        browser.screenshot(session, shot)
        errors = browser.errors()
    finally:
        browser.close()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return loaded, errors


def test_experiment_report_tables_equal_run_json_and_page_loads_in_chromium(experiment, tmp_path):
    done = traceplay(["report", str(experiment)], experiment.parent)
    assert done.returncode == 0, done.stderr
    page = experiment / "report/report.html"
    assert done.stdout.strip() == str(page)
    text = page.read_text()
    assert section_ids(text) == ["run", "loss", "metrics", "bootstrap", "trace-lengths", "tasks"]
    names = images(text)
    assert "loss.png" in names
    assert any(n.startswith("trace-lengths-") for n in names)
    # Maze and Sokoban tasks drawn, each of the three arms' own.
    tasks = [n for n in names if n.startswith("task-")]
    assert {n.split("-")[1] for n in tasks} == {"0", "1", "2", "3"}
    figures = embedded(text)
    assert list(figures) == names  # every image embedded
    for name in names:
        assert "/" not in name and (experiment / "report" / name).read_bytes()[:4] == b"\x89PNG"
        assert figures[name] == (experiment / "report" / name).read_bytes()
    assert not list(experiment.glob(".report-tmp-*")) and not list((experiment / "report").glob(".report-tmp-*"))

    # The metrics table: each arm's row (one per Dualformer mode) holds run.json's summary, exactly.
    record = json.loads((experiment / "run.json").read_text())
    rows = [(a["name"], a["eval"]) for a in record["arms"] if "eval" in a]
    rows += [(f'{a["name"]} {mode}', s) for a in record["arms"] for mode, s in (a.get("eval_modes") or {}).items()]
    assert {label for label, _ in rows} == {"solution-only", "sokoban", "bootstrapped", "dualformer fast", "dualformer slow"}
    for label, summary in rows:
        row = re.search(rf'<tr data-arm="{re.escape(label)}">(.*?)</tr>', text).group(1)
        cells = dict(re.findall(r'data-key="([a-z_]+)" data-value="([^"]+)"', row))
        for key in ("tasks", "samples", "solved", "optimal", "swc", "ilr_solved", "ilr_optimal", "mean_trace_tokens"):
            expected = summary[key]
            assert cells[key] == ("null" if expected is None else repr(expected)), (label, key)
        lo, hi = summary["optimal_ci95"]
        assert f'data-key="optimal" data-value="{summary["optimal"]!r}" data-lo="{lo!r}" data-hi="{hi!r}"' in row
    # The bootstrapping table: one row per step with its evaluation.
    steps = record["arms"][2]["bootstrap"]
    assert len(steps) == 3
    for step in steps:
        row = re.search(rf'<tr data-step="{step["step"]}">(.*?)</tr>', text).group(1)
        assert f'data-key="optimal" data-value="{step["eval"]["optimal"]!r}"' in row
        assert f'data-key="replaced" data-value="{step.get("replaced", 0)!r}"' in row or step["step"] == 0

    # The page alone, copied into an empty folder: self-contained, every image still there.
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(page, alone / "report.html")
    loaded, errors = check_in_browser(alone / "report.html", tmp_path)
    assert [src for src, _, _ in loaded] == names
    assert all(complete and width > 0 for _, complete, width in loaded), loaded
    assert errors == []
    assert (tmp_path / "screenshot.png").stat().st_size > 50_000  # the figures, not a blank page

    # --out elsewhere, in folders that do not exist yet; a second report replaces the page.
    out = tmp_path / "a/b/report"
    again = traceplay(["report", str(experiment), "--out", str(out)], tmp_path)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(names + ["report.html"])
    again = traceplay(["report", str(experiment), "--out", str(out)], tmp_path)
    assert again.returncode == 0 and (out / "report.html").read_text() == (out / "report.html").read_text()
    assert not list(out.parent.glob(".report-tmp-*")) and not list(out.glob(".report-tmp-*"))


def test_selfplay_report_has_elo_gating_and_go_positions_and_loads_in_chromium(selfplay_run, tmp_path):
    out = tmp_path / "sp-report"
    done = traceplay(["report", str(selfplay_run), "--out", str(out)], tmp_path)
    assert done.returncode == 0, done.stderr
    text = (out / "report.html").read_text()
    assert section_ids(text) == ["run", "progress", "gating", "go"]
    names = images(text)
    assert "selfplay.png" in names and any(n.startswith("go-first-") for n in names)
    figures = embedded(text)
    assert list(figures) == names and all(figures[n] == (out / n).read_bytes() for n in names)
    elo = [json.loads(l) for l in (selfplay_run / "elo.jsonl").read_text().splitlines()]
    assert text.count('<td data-key="kind"') == len(elo)
    for line in elo:
        assert f'data-key="elo" data-value="{line["elo"]!r}"' in text
    loaded, errors = check_in_browser(out / "report.html", tmp_path)
    assert [src for src, _, _ in loaded] == names
    assert all(complete and width > 0 for _, complete, width in loaded), loaded
    assert errors == []


def test_the_browser_check_sees_a_broken_image(tmp_path):
    # The check above can fail: a page whose image is missing is caught.
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head>'
                    '<body><img src="missing.png"></body></html>')
    loaded, errors = check_in_browser(page, tmp_path)
    assert loaded == [["missing.png", True, 0]]
    assert any("missing.png" in e for e in errors), errors


@pytest.mark.parametrize("case", ["missing", "not-a-run", "damaged", "arms-not-a-list", "out-is-a-file", "out-under-a-file",
                                  "damaged-dataset", "damaged-shard"])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, case):
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text('{"name": "x", "arms": []}')
    blocker = tmp_path / "file.txt"
    blocker.write_text("keep me")
    args = {
        "missing": [str(tmp_path / "nope")],
        "not-a-run": [str(tmp_path)],
        "damaged": [str(run)],
        "arms-not-a-list": [str(run)],
        "out-is-a-file": [str(run), "--out", str(blocker)],
        "out-under-a-file": [str(run), "--out", str(blocker / "sub")],
        "damaged-dataset": [str(run)],
        "damaged-shard": [str(run)],
    }[case]
    if case.startswith("damaged-"):
        # Found while the figures are under way: the temporary folder goes, nothing stays.
        (run / "run.json").write_text('{"name": "x", "arms": [{"name": "a", "dataset": "runs/x/data"}]}')
        (run / "data").mkdir()
        manifest = {"format": "traceplay-dataset", "domain": "maze", "vocabulary": ["bos"],
                    "shards": [{"file": "test-00000.jsonl.zst", "records": 1}]}
        (run / "data/manifest.json").write_text(json.dumps(manifest) if case == "damaged-shard" else "{")
        (run / "data/test-00000.jsonl.zst").write_bytes(b"not zstd")
    if case == "damaged":
        (run / "run.json").write_text('{"name": "x", "arms": [')
    if case == "arms-not-a-list":
        (run / "run.json").write_text('{"name": "x", "arms": 3}')
    if case == "not-a-run":
        (run / "run.json").unlink()
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    done = traceplay(["report", *args], tmp_path)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("traceplay: ")
    assert done.stdout == ""
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    assert blocker.read_text() == "keep me"
