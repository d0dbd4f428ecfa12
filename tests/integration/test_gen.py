"""`traceplay gen` driven as a user would: byte-identical datasets for any thread count
and the same seed, SIGKILL / SIGINT / SIGTERM mid-way and resume, re-runs (no-op,
refuse, --force), --config, --json, and every bad-input path (exit 2, one line on
stderr, no output created)."""

import io
import json
import os
import signal
import subprocess
import time

import pytest
import zstandard

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")
SHARED = os.environ.get("TRACEPLAY_SHARED_DATA", os.path.join(os.path.dirname(__file__), "../../../shared/data"))

MAZE = ["--domain", "maze", "--size", "10", "--count", "3000", "--seed", "7", "--shard-records", "500"]
# Big enough to take a few seconds: interrupted runs are stopped mid-way.
LONG = ["--domain", "maze", "--size", "20", "--count", "60000", "--seed", "3", "--shard-records", "2000"]


def gen(out, *args, check=True):
    result = subprocess.run([BIN, "gen", "--out", str(out), *args], capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def files(directory):
    """{name: bytes} of every file of a dataset directory (hidden ones included)."""
    out = {}
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as f:
            out[name] = f.read()
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The maze dataset made in one go, two threads."""
    out = tmp_path_factory.mktemp("reference") / "maze"
    gen(out, *MAZE, "--threads", "2")
    return files(out)


@pytest.fixture(scope="module")
def long_reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("long") / "maze"
    gen(out, *LONG, "--threads", "2")
    return files(out)


def test_thread_count_does_not_change_a_byte(tmp_path, reference):
    gen(tmp_path / "one", *MAZE, "--threads", "1")
    assert files(tmp_path / "one") == reference
    assert "manifest.json" in reference and len(reference) == 1 + 2 * 6  # chunks of 500: train and test each


def test_same_seed_same_bytes_other_seed_differs(tmp_path, reference):
    gen(tmp_path / "again", *MAZE, "--threads", "2")
    assert files(tmp_path / "again") == reference
    other = [a if a != "7" else "8" for a in MAZE]
    gen(tmp_path / "other", *other, "--threads", "2")
    other_files = files(tmp_path / "other")
    assert other_files["train-00000.jsonl.zst"] != reference["train-00000.jsonl.zst"]


def test_json_summary_is_the_last_line(tmp_path):
    result = gen(tmp_path / "d", *MAZE, "--threads", "2", "--json")
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["status"] == "built"
    assert summary["counts"]["train"] + summary["counts"]["test"] == 3000
    assert summary["records"] == 3000 and summary["records_made"] == 3000
    assert len(summary["shards"]) == 12 and summary["seconds"] > 0 and summary["records_per_s"] > 0
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text())
    assert summary["shards"] == manifest["shards"]


def start(out, *args):
    return subprocess.Popen([BIN, "gen", "--out", str(out), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for_a_finished_chunk(out, process, timeout=60):
    """Blocks until the state file records a finished chunk (the run is truly mid-way)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert process.poll() is None, "gen finished before it could be interrupted"
        try:
            state = json.loads((out / ".gen-state.json").read_text())
            if state["writer"]["records"] > 0:
                return
        except (FileNotFoundError, json.JSONDecodeError):
            pass
        time.sleep(0.05)
    raise AssertionError("no chunk finished in time")


def assert_nothing_truncated(out):
    """Every shard present decompresses completely; anything else is the state or a temporary."""
    assert not (out / "manifest.json").exists()
    for name in os.listdir(out):
        if ".tmp-" in name or name == ".gen-state.json":
            continue
        assert name.endswith(".jsonl.zst"), name
        data = (out / name).read_bytes()
        text = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()
        assert text.endswith(b"\n")
        for line in text.splitlines():
            json.loads(line)


def test_sigkill_leaves_no_truncated_file_and_rerun_completes(tmp_path, long_reference):
    out = tmp_path / "killed"
    process = start(out, *LONG, "--threads", "2")
    wait_for_a_finished_chunk(out, process)
    time.sleep(0.3)
    process.kill()
    process.wait()
    assert_nothing_truncated(out)
    result = gen(out, *LONG, "--threads", "1")
    assert "resumed" in result.stdout
    assert files(out) == long_reference


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_saves_and_the_same_command_resumes(tmp_path, long_reference, sig, code):
    out = tmp_path / "stopped"
    process = start(out, *LONG, "--threads", "2")
    wait_for_a_finished_chunk(out, process)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert "resume" in stderr
    assert_nothing_truncated(out)
    assert not [n for n in os.listdir(out) if ".tmp-" in n], "a clean stop leaves no temporary"
    state = json.loads((out / ".gen-state.json").read_text())
    assert 0 < state["writer"]["records"] < 60000
    gen(out, *LONG, "--threads", "2")
    assert files(out) == long_reference


def test_rerun_on_a_finished_dataset_is_a_no_op(tmp_path, reference):
    out = tmp_path / "d"
    gen(out, *MAZE, "--threads", "2")
    before = {n: os.stat(out / n).st_mtime_ns for n in os.listdir(out)}
    result = gen(out, *MAZE, "--threads", "1", "--json")
    assert "already done" in result.stdout
    assert json.loads(result.stdout.splitlines()[-1])["status"] == "already done"
    assert {n: os.stat(out / n).st_mtime_ns for n in os.listdir(out)} == before
    assert files(out) == reference


def test_other_parameters_are_refused_unless_forced(tmp_path):
    out = tmp_path / "d"
    gen(out, *MAZE, "--threads", "2")
    before = files(out)
    for change in (["--count", "2999"], ["--test-fraction", "0.2"], ["--nondeterministic"], ["--size", "11"]):
        args = list(MAZE)
        if change[0] in args:
            i = args.index(change[0])
            args[i:i + len(change)] = change
        else:
            args += change
        result = gen(out, *args, check=False)
        assert result.returncode == 2, (change, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "--force" in result.stderr
        assert files(out) == before
    other = [a if a != "7" else "9" for a in MAZE]
    gen(out, *other, "--force")
    gen(tmp_path / "fresh", *other)
    assert files(out) == files(tmp_path / "fresh")


def test_unfinished_dataset_with_other_parameters_is_refused(tmp_path):
    out = tmp_path / "stopped"
    process = start(out, *LONG, "--threads", "2")
    wait_for_a_finished_chunk(out, process)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    other = [a if a != "3" else "4" for a in LONG]
    result = gen(out, *other, check=False)
    assert result.returncode == 2 and "seed 3 (asked 4)" in result.stderr


def test_config_file_gives_the_same_dataset_and_flags_win(tmp_path, reference):
    config = tmp_path / "maze.toml"
    config.write_text('name = "x"\nseed = 7\n\n[data]\ndomain = "maze"\nsize = 10\ncount = 3000\n'
                      'shard_records = 500\nthreads = 2\n')
    gen(tmp_path / "from-config", "--config", str(config))
    assert files(tmp_path / "from-config") == reference
    gen(tmp_path / "seed8", "--config", str(config), "--seed", "8")
    manifest = json.loads((tmp_path / "seed8" / "manifest.json").read_text())
    assert manifest["seed"] == 8 and manifest["params"]["count"] == 3000
    gen(tmp_path / "wide", "--config", str(config), "--width", "12", "--height", "9", "--count", "50")
    params = json.loads((tmp_path / "wide" / "manifest.json").read_text())["params"]
    assert (params["width"], params["height"], params["count"]) == (12, 9, 50)


def test_stale_temporaries_are_removed(tmp_path, reference):
    out = tmp_path / "d"
    out.mkdir()
    (out / "train-00000.jsonl.zst.tmp-4242").write_bytes(b"half a shard")
    (out / ".gen-state.json.tmp-4243").write_bytes(b"{")
    gen(out, *MAZE)
    assert files(out) == reference


def test_sokoban_defaults_and_thread_independence(tmp_path):
    args = ["--domain", "sokoban", "--count", "60", "--seed", "1"]
    gen(tmp_path / "a", *args, "--threads", "1")
    gen(tmp_path / "b", *args, "--threads", "2")
    assert files(tmp_path / "a") == files(tmp_path / "b")
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["domain"] == "sokoban" and manifest["deterministic"] is False
    assert manifest["params"]["width"] == 7 and manifest["params"]["height"] == 7
    assert manifest["params"]["walls"] == 2 and manifest["params"]["boxes"] == 2
    assert manifest["counts"]["train"] + manifest["counts"]["test"] == 60
    gen(tmp_path / "det", *args, "--deterministic")
    assert json.loads((tmp_path / "det" / "manifest.json").read_text())["deterministic"] is True


def test_sokoban_levels_of_a_collection(tmp_path):
    levels = os.path.join(SHARED, "sokoban", "boxoban_medium_valid_000.txt")
    result = gen(tmp_path / "d", "--domain", "sokoban", "--levels", levels, "--count", "12", "--seed", "1",
                 "--json", "--threads", "2")
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["records"] == 12
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text())
    assert manifest["params"]["levels_file"].endswith("boxoban_medium_valid_000.txt")


BAD = {
    "count zero": MAZE[:4] + ["--count", "0", "--seed", "1"],
    "count negative": MAZE[:4] + ["--count", "-5", "--seed", "1"],
    "count not a number": MAZE[:4] + ["--count", "many", "--seed", "1"],
    "fraction one": MAZE + ["--test-fraction", "1"],
    "fraction negative": MAZE + ["--test-fraction", "-0.1"],
    "size too small": ["--domain", "maze", "--size", "1", "--count", "5", "--seed", "1"],
    "size too large": ["--domain", "maze", "--size", "1000", "--count", "5", "--seed", "1"],
    "no size": ["--domain", "maze", "--count", "5", "--seed", "1"],
    "size and width": MAZE + ["--width", "5", "--height", "5"],
    "width alone": ["--domain", "maze", "--width", "5", "--count", "5", "--seed", "1"],
    "unknown domain": ["--domain", "chess", "--size", "8", "--count", "5", "--seed", "1"],
    "no domain": ["--size", "8", "--count", "5", "--seed", "1"],
    "levels with maze": MAZE + ["--levels", "x.xsb"],
    "walls with maze": MAZE + ["--walls", "3"],
    "missing levels file": ["--domain", "sokoban", "--levels", "/no/such.xsb", "--count", "5", "--seed", "1"],
    "levels with size": ["--domain", "sokoban", "--levels", "LEVELS", "--size", "7", "--count", "5", "--seed", "1"],
    "no count": ["--domain", "maze", "--size", "5", "--seed", "1"],
    "no seed": ["--domain", "maze", "--size", "5", "--count", "5"],
    "negative seed": ["--domain", "maze", "--size", "5", "--count", "5", "--seed", "-1"],
    "zero threads": MAZE + ["--threads", "0"],
    "both determinism flags": MAZE + ["--deterministic", "--nondeterministic"],
    "missing config": MAZE + ["--config", "/no/such.toml"],
    "malformed config": MAZE + ["--config", "BROKEN"],
    "unknown config key": MAZE + ["--config", "UNKNOWN"],
    "unknown flag": MAZE + ["--colour", "red"],
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_exits_2_with_one_line_and_no_output(tmp_path, case):
    (tmp_path / "broken.toml").write_text('[data]\ndomain = "maze"\nsize = \n')
    (tmp_path / "unknown.toml").write_text('[data]\ndomain = "maze"\nsise = 10\n')
    levels = os.path.join(SHARED, "sokoban", "microban.xsb")
    args = [{"BROKEN": str(tmp_path / "broken.toml"), "UNKNOWN": str(tmp_path / "unknown.toml"),
             "LEVELS": levels}.get(a, a) for a in BAD[case]]
    out = tmp_path / "out"
    result = gen(out, *args, check=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("traceplay: "), result.stderr
    assert "internal error" not in result.stderr
    assert not out.exists()
    assert result.stdout == ""


def test_missing_out_and_out_that_is_a_file(tmp_path):
    result = subprocess.run([BIN, "gen", *MAZE], capture_output=True, text=True)
    assert result.returncode == 2 and "--out" in result.stderr
    target = tmp_path / "file"
    target.write_text("keep me")
    result = gen(target, *MAZE, check=False)
    assert result.returncode == 2 and str(target) in result.stderr
    assert target.read_text() == "keep me"


def test_a_directory_that_is_no_dataset_is_refused(tmp_path):
    out = tmp_path / "home"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    result = gen(out, *MAZE, check=False)
    assert result.returncode == 2 and "no traceplay dataset" in result.stderr
    assert os.listdir(out) == ["thesis.tex"]


def test_more_records_than_the_domain_has_stops_with_one_error(tmp_path):
    # 2x2 mazes have only a handful of distinct tasks: once every one is made, 100,000
    # layouts in a row add nothing and gen stops (it used to draw layouts forever).
    out = tmp_path / "tiny"
    result = gen(out, "--domain", "maze", "--size", "2", "--count", "5000", "--seed", "1", "--threads", "1",
                 check=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert "distinct records" in lines[-1] and "--count 5000" in lines[-1]
    assert not (out / "manifest.json").exists()
    # The same parameters with a count the domain can give finish.
    made = int(lines[-1].split("only ")[1].split(" ")[0])
    assert 0 < made < 5000
    ok = gen(tmp_path / "fits", "--domain", "maze", "--size", "2", "--count", str(made), "--seed", "1",
             "--threads", "1")
    assert ok.returncode == 0
