"""`traceplay` links no LibTorch and hands the command lines that need it over to its
sibling `traceplay-torch` (apps/README.md, "Two executables"): the hand-over keeps exit
codes, messages and help texts; a missing sibling is one clear error (exit 2); the
torch-free commands work without it."""
import os
import shutil
import subprocess

import pytest

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")
TORCH_BIN = os.path.join(os.path.dirname(BIN), "traceplay-torch")
TIMEOUT = 60
TORCH_COMMANDS = ["run", "eval", "train", "bootstrap", "selfplay"]


def run(binary, *args, argv0=BIN, stdin=None):
    """`binary args` started with argv[0] = argv0, so that help texts (which name the
    program by its argv[0]) of both executables can be compared byte for byte."""
    return subprocess.run([argv0, *map(str, args)], executable=binary, input=stdin, capture_output=True, text=True,
                          timeout=TIMEOUT)


def linked_libraries(binary):
    if shutil.which("ldd") is None:
        pytest.skip("ldd is not installed")
    result = subprocess.run(["ldd", binary], capture_output=True, text=True, timeout=TIMEOUT, check=True)
    return [line.split()[0] for line in result.stdout.splitlines() if line.strip()]


def test_traceplay_links_no_libtorch_and_its_sibling_does():
    assert not [lib for lib in linked_libraries(BIN) if "torch" in lib]
    assert [lib for lib in linked_libraries(TORCH_BIN) if "libtorch" in lib]


@pytest.mark.parametrize("args", [["train", "--data"], ["train", "--data", "/nonexistent/dataset", "--out", "x"],
                                  ["eval"], ["bootstrap", "--steps", "1"], ["run", "/nonexistent/config.toml"],
                                  ["bench", "decode", "--threads", "-1"]])
def test_a_torch_command_through_traceplay_keeps_its_exit_code_and_message(args):
    ours = run(BIN, *args)
    theirs = run(TORCH_BIN, *args)
    assert ours.returncode == theirs.returncode == 2
    assert ours.stdout == theirs.stdout == ""
    assert ours.stderr == theirs.stderr and ours.stderr.startswith("traceplay: ") and ours.stderr.count("\n") == 1


@pytest.mark.parametrize("args", [[command, "--help"] for command in TORCH_COMMANDS] + [["--help"], ["--help", "train"],
                                                                                         ["bench", "--help"]])
def test_help_texts_are_the_same_through_both(args):
    ours = run(BIN, *args)
    theirs = run(TORCH_BIN, *args)
    assert ours.returncode == theirs.returncode == 0
    assert ours.stdout == theirs.stdout and ours.stderr == theirs.stderr == ""


def test_the_main_help_lists_every_subcommand():
    text = run(BIN, "--help").stdout
    for command in ["gen", "solve", "inspect", "bench", "gtp", "match", "report"] + TORCH_COMMANDS:
        assert f"\n  {command} " in text, text


@pytest.fixture
def lone(tmp_path):
    """traceplay copied alone into a folder: no traceplay-torch beside it."""
    path = tmp_path / "traceplay"
    shutil.copy2(BIN, path)
    return str(path)


def test_report_runs_without_the_torch_binary(lone, tmp_path):
    # `traceplay report` is torch-free: a lone traceplay writes the page of a run directory.
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "run.json").write_text('{"name": "x", "status": "done", "arms": []}')
    result = run(lone, "report", str(run_dir), argv0=lone)
    assert result.returncode == 0, result.stderr
    assert (run_dir / "report/report.html").is_file()


@pytest.mark.parametrize("args", [["train", "--data", "d", "--out", "o"], ["eval", "--help"], ["run", "x.toml"],
                                  ["bench", "train", "--quick"], ["gtp", "--model", "m"], ["gtp", "--model=m"]])
def test_a_missing_sibling_is_one_clear_error(lone, args):
    result = run(lone, *args, argv0=lone)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "needs LibTorch" in result.stderr and os.path.join(os.path.dirname(lone), "traceplay-torch") in result.stderr


def test_torch_free_commands_need_no_sibling(lone, tmp_path):
    assert run(lone, "--version", argv0=lone).stdout == run(TORCH_BIN, "--version").stdout
    help_text = run(lone, "--help", argv0=lone).stdout
    assert "train" in help_text and "bootstrap" in help_text
    task = tmp_path / "task.json"
    task.write_text('{"width": 3, "height": 3, "start": [0, 0], "goal": [2, 2], "walls": [[1, 1]]}')
    solved = run(lone, "solve", "--domain", "maze", "--task", task, argv0=lone)
    assert solved.returncode == 0, solved.stderr
    # gtp plays with the light-playout bot: it answers without LibTorch anywhere near.
    gtp = run(lone, "gtp", stdin="name\nquit\n", argv0=lone)
    assert gtp.returncode == 0 and gtp.stdout == "= traceplay\n\n=\n\n", gtp.stderr


def test_bench_startup_names_a_missing_peer(lone):
    result = run(lone, "bench", "startup", "--quick", argv0=lone)
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1
    assert os.path.join(os.path.dirname(lone), "traceplay-torch") in result.stderr
