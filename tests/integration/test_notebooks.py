"""The notebooks of experiments/notebooks/ executed headless by Debian's jupyter-nbconvert
on small inputs (a tiny run made here by the real binary, an SGF written here): each runs
without an error and draws its figures. And the metrics parity: traceplay_metrics
(python/traceplay_metrics.py) recomputes from a real samples.jsonl exactly the summary
that `traceplay eval` wrote, intervals included, on samples that mix optimal, correct but
longer, and wrong responses."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = os.environ["TRACEPLAY_BIN"]
SOURCE = Path(os.environ.get("TRACEPLAY_SOURCE_DIR", Path(__file__).resolve().parents[2]))
PYTHON_DIR = os.environ.get("TRACEPLAY_PYTHON_DIR", str(SOURCE / "build/release/python"))
NOTEBOOKS = SOURCE / "experiments/notebooks"
NBCONVERT = shutil.which("jupyter-nbconvert") or "/usr/bin/jupyter-nbconvert"

sys.path.insert(0, PYTHON_DIR)
import traceplay_metrics as tm  # noqa: E402
from traceplay import search  # noqa: E402

# The smallest run that evaluates both model kinds (as test_report.py's): a search-
# augmented and a solution-only arm on 4x4 mazes, and a Sokoban arm (solution-only: its
# t* comes from Sokoban A*, which ILR does not use but mean_astar_trace_tokens does).
EXPERIMENT = """
name = "nb"
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
tasks = 6
samples = 3
astar_runs = 2
[[arms]]
name = "search-augmented"
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
"""

SGF = "(;GM[1]FF[4]SZ[9]KM[7.5];B[ee];W[cc];B[gc];W[dg];B[fg];W[cf];B[gg])"


def traceplay(args, cwd, timeout=300):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    (root / "nb.toml").write_text(EXPERIMENT)
    done = traceplay(["run", "nb.toml", "--threads", "1"], root)
    assert done.returncode == 0, done.stderr
    return root / "runs/nb"


def nbconvert_or_skip():
    """The notebook runner, or a skip naming the packages; a failure under CI=true, where
    a missing package must not pass unnoticed."""
    missing = [] if os.access(NBCONVERT, os.X_OK) else ["jupyter-nbconvert"]
    probe = subprocess.run(["/usr/bin/python3", "-c", "import ipykernel, nbclient"], capture_output=True)
    if probe.returncode != 0:
        missing.append("python3-ipykernel / python3-nbclient")
    if missing:
        message = f"{' and '.join(missing)} missing (Debian packages; scripts/bootstrap-deps installs them)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)


def execute(name, tmp_path, env):
    """Runs a notebook headless into tmp_path; returns the executed notebook's cells."""
    nbconvert_or_skip()
    done = subprocess.run(
        [NBCONVERT, "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300",
         "--output-dir", str(tmp_path), "--output", name, str(NOTEBOOKS / name)],
        env={**os.environ, "TRACEPLAY_PYTHON_DIR": PYTHON_DIR, "MPLBACKEND": "module://matplotlib_inline.backend_inline",
             **env},
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    cells = json.loads((tmp_path / name).read_text())["cells"]
    errors = [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    return cells


def images(cells):
    return sum(1 for c in cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))


def text_of(cells):
    return "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                   for c in cells for o in c.get("outputs", []))


def test_committed_notebooks_are_what_their_cells_make():
    done = subprocess.run([sys.executable, str(NOTEBOOKS / "make_notebooks.py"), "--check"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    for path in NOTEBOOKS.glob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            assert not cell.get("outputs") and cell.get("execution_count") is None, f"{path.name}: outputs kept"


def test_traces_notebook(tmp_path):
    # The Sokoban level is a generated 7x7 one (a Boxoban level's trace runs to 100k tokens).
    cells = execute("traces.ipynb", tmp_path, {"NB_MAZE_SIZE": "6", "NB_RUNS": "2"})
    assert images(cells) == 2
    assert "trace tokens" in text_of(cells)


def test_metrics_notebook(tmp_path, tiny_run):
    cells = execute("metrics.ipynb", tmp_path, {"NB_RUN_DIR": str(tiny_run)})
    assert images(cells) == 2
    out = text_of(cells)
    for arm in ("search-augmented", "solution-only", "sokoban"):
        assert f"{arm}: " in out and "the same as summary.json" in out
    assert "DIFFERENT" not in out


def test_go_notebook(tmp_path):
    sgf = tmp_path / "game.sgf"
    sgf.write_text(SGF)
    cells = execute("go_analysis.ipynb", tmp_path / "out",
                    {"NB_SGF": str(sgf), "NB_MOVE": "5", "NB_VISITS": "64", "NB_EVALUATOR": "uniform"})
    assert images(cells) == 1
    assert "position after 5" in text_of(cells)


# A tiny 5x5 self-play run's first network (as test_gtp_model.py makes it).
GO_NET_RUN = """name = "nbgo"
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


def test_go_notebook_with_a_network(tmp_path):
    (tmp_path / "sp.toml").write_text(GO_NET_RUN)
    done = traceplay(["selfplay", "--config", "sp.toml", "--out", "sp"], tmp_path)
    assert done.returncode == 0, done.stderr
    cells = execute("go_analysis.ipynb", tmp_path / "out",
                    {"NB_VISITS": "48", "NB_EVALUATOR": str(tmp_path / "sp/models/v0001")})
    assert images(cells) == 1
    assert "resnet tiny (history 2)" in text_of(cells) and "48 visits" in text_of(cells)


def test_the_go_notebook_fails_on_a_missing_sgf(tmp_path):
    # A notebook that fails must fail the run (nbconvert exits non-zero, naming the error).
    nbconvert_or_skip()
    done = subprocess.run(
        [NBCONVERT, "--to", "notebook", "--execute", "--output-dir", str(tmp_path), str(NOTEBOOKS / "go_analysis.ipynb")],
        env={**os.environ, "TRACEPLAY_PYTHON_DIR": PYTHON_DIR, "NB_SGF": str(tmp_path / "missing.sgf")},
        capture_output=True, text=True, timeout=600)
    assert done.returncode != 0 and "ValueError" in done.stderr and "missing.sgf" in done.stderr


# --- parity: traceplay_metrics against `traceplay eval` ---

def sample_line(task_id, k, tokens, outcome):
    """A samples.jsonl line as models/samples_file.cpp writes it (keys in the pinned order)."""
    line = {"id": task_id, "sample": k, "tokens": tokens, **outcome}
    return json.dumps(line, separators=(",", ":"))


def rewritten_samples(eval_dir, search_augmented):
    """The model's samples with real solutions put in, by task i: i % 3 == 0 an optimal
    response with the dataset's trace and one with a non-deterministic A* trace (another
    length), i % 3 == 1 a correct but longer plan (a detour), the rest the model's own
    (the tiny model's are wrong), so that every metric and interval is away from 0 and 1."""
    ev = tm.load_eval(eval_dir, astar_runs=0)
    from traceplay import data
    dataset = data.Dataset(str(ev.data_dir))
    records = {r.id: dataset.decode(r) for r in dataset.records("test")}
    order = [t.id for t in ev.tasks]
    width, height = ev.params["dataset"]["params"]["width"], ev.params["dataset"]["params"]["height"]
    out = []
    for line in (eval_dir / "samples.jsonl").read_text().splitlines():
        s = json.loads(line)
        i, k = order.index(s["id"]), s["sample"]
        tokens = records[s["id"]]
        trace, plan = tokens["trace"], tokens["plan"]
        if (i % 3, k) not in ((0, 0), (0, 1), (1, 0)):
            out.append(line)
            continue
        if i % 3 == 1:  # a detour: to the second position, back, then the plan
            plan = plan[:6] + plan[:3] + plan[3:]
        if k == 1 and search_augmented:
            task = tm.task_of_prompt("maze", tokens["prompt"], width, height)
            trace = search.astar_maze(task, deterministic=False, seed=i + 1).trace
        response = ["bos", *(trace if search_augmented else []), *plan, "eos"]
        positions = plan.count("plan")
        out.append(sample_line(s["id"], k, response, {
            "trace_tokens": len(trace) if search_augmented else 0, "plan_positions": positions, "correct": True,
            "optimal": positions <= tokens["plan"].count("plan"), "reason": None}))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("arm", ["search-augmented", "solution-only"])
def test_metrics_equal_the_eval_summary(tmp_path, tiny_run, arm):
    original = tiny_run / arm / "eval-test"
    # As run wrote them, the summary is recomputed exactly (the tiny model solves little).
    assert tm.recompute_summary(original) == json.loads((original / "summary.json").read_text())

    # The CLI scores the rewritten samples: eval over a directory holding eval.json and
    # samples.jsonl but no summary replays every line (refusing one whose outcome is not
    # what it says) and writes the summary.
    rescored = tmp_path / "eval"
    rescored.mkdir()
    shutil.copy(original / "eval.json", rescored)
    (rescored / "samples.jsonl").write_text(rewritten_samples(original, arm == "search-augmented"))
    params = json.loads((original / "eval.json").read_text())["parameters"]
    data_dir = tm.load_eval(original, astar_runs=0).data_dir
    done = traceplay(["eval", "--checkpoint", str(tiny_run / arm / "train"), "--data", str(data_dir),
                      "--out", str(rescored),
                      "--tasks", str(params["tasks"]), "--samples", str(params["samples"]),
                      "--astar-runs", str(params["astar_runs"]), "--seed", str(params["seed"]),
                      "--threads", "1", "--json"], tmp_path)
    assert done.returncode == 0, done.stderr
    cli = json.loads((rescored / "summary.json").read_text())
    assert 0 < cli["optimal"] < cli["solved"] and cli["swc"] > 0
    assert cli["optimal_per_sample"] < cli["solved_per_sample"] < 1
    lo, hi = cli["swc_ci95"]
    assert lo < hi
    if arm == "search-augmented":
        assert cli["ilr_solved"] > 0 and cli["ilr_solved_ci95"][0] < cli["ilr_solved_ci95"][1]
    else:
        assert cli["ilr_solved"] is None and cli["mean_astar_trace_tokens"] > 0

    # eval.json's dataset path is relative to the run's folder, so it is not found from here.
    with pytest.raises(ValueError, match="cannot find the dataset"):
        tm.load_eval(rescored)
    python = tm.recompute_summary(rescored, data_dir=data_dir)
    assert list(python) == list(cli)
    assert python == cli  # the same doubles: == on floats, no tolerance


def test_fast_mode_metrics_equal_the_eval_summary(tmp_path, tiny_run):
    # Dualformer's fast mode writes no trace: ILR is null even for a search-augmented model.
    arm = tiny_run / "search-augmented"
    data_dir = tm.load_eval(arm / "eval-test", astar_runs=0).data_dir
    done = traceplay(["eval", "--checkpoint", str(arm / "train"), "--data", str(data_dir), "--out",
                      str(tmp_path / "fast"), "--mode", "fast", "--tasks", "4", "--samples", "2",
                      "--astar-runs", "2", "--threads", "1"], tmp_path)
    assert done.returncode == 0, done.stderr
    cli = json.loads((tmp_path / "fast/summary.json").read_text())
    python = tm.recompute_summary(tmp_path / "fast", data_dir=data_dir)
    assert python["ilr_solved"] is None and python["mean_astar_trace_tokens"] > 0
    assert python == {k: cli[k] for k in python}  # the summary adds the mode's shares after these


def test_load_eval_errors(tmp_path, tiny_run):
    with pytest.raises(ValueError, match="no eval.json"):
        tm.load_eval(tmp_path)
    copy = tmp_path / "eval"
    shutil.copytree(tiny_run / "search-augmented/eval-test", copy)
    data_dir = tm.load_eval(tiny_run / "search-augmented/eval-test", astar_runs=0).data_dir
    lines = (copy / "samples.jsonl").read_text().splitlines(keepends=True)
    # A torn last line (no newline) is not a sample yet, as for the writer's resume.
    (copy / "samples.jsonl").write_text("".join(lines) + lines[0][:20])
    assert len(tm.load_eval(copy, data_dir=data_dir, astar_runs=0).tasks) == 6
    (copy / "samples.jsonl").write_text("".join(lines[:3]) + "{not json\n")
    with pytest.raises(ValueError, match=r"samples.jsonl:4: not JSON"):
        tm.load_eval(copy, data_dir=data_dir)
    (copy / "samples.jsonl").write_text("".join(lines[:3]) + '{"id": "00"}\n')
    with pytest.raises(ValueError, match=r"samples.jsonl:4: not a sample line"):
        tm.load_eval(copy, data_dir=data_dir)
    (copy / "samples.jsonl").write_text("".join(lines[:3]))
    with pytest.raises(ValueError, match="has no samples of task"):
        tm.load_eval(copy, data_dir=data_dir)
    with pytest.raises(ValueError, match="expected a keyword and two numbers"):
        tm.task_of_prompt("maze", ["start", "0", "x"], 4, 4)
    with pytest.raises(ValueError, match="one worker"):
        tm.task_of_prompt("sokoban", ["box", "1", "1"], 4, 4)


def test_sokoban_metrics_equal_the_eval_summary(tiny_run):
    # Sokoban prompts become levels and t* comes from Sokoban A* with eval's 64-bit seeds.
    original = tiny_run / "sokoban" / "eval-test"
    summary = json.loads((original / "summary.json").read_text())
    assert summary["mean_astar_trace_tokens"] > 0
    assert tm.recompute_summary(original) == summary


def test_intervals_and_rng_match_their_definitions():
    # The generator is checked against the C++ one by the parity tests above (bootstrap
    # intervals, A* seeds); here splitmix64's published first output for seed 0.
    assert tm._splitmix64(0)[1] == 0xE220A8397B1DCDAF
    values = [0.0, 1.0, 0.5, 0.25, 1.0]
    lo, hi = tm.bootstrap_mean_interval(values)
    assert 0 <= lo < sum(values) / len(values) < hi <= 1
    assert tm.bootstrap_mean_interval([0.25] * 7) == [0.25, 0.25]
    assert tm.wilson_interval(0, 10) == [0.0, pytest.approx(0.2775, abs=1e-4)]
    assert tm.wilson_interval(0, 0) == [0.0, 1.0]
    with pytest.raises(ValueError, match="successes"):
        tm.wilson_interval(3, 2)
    with pytest.raises(ValueError, match="no samples"):
        tm.score_task(tm.TaskOutcome("0" * 16, 3, None, []))
    with pytest.raises(ValueError, match="optimal but not correct"):
        tm.score_task(tm.TaskOutcome("0" * 16, 3, None, [tm.SampleOutcome(False, True, 0, 3)]))
