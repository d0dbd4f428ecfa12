"""Hostile input, as a new user or a network peer might give it (issue 19): endless or
huge files, directories, FIFOs and devices where a file is expected, an out-of-range
komi, an edited manifest vocabulary, raw bytes of a damaged file, an unknown subcommand.
Each is refused at once with one clear line (exit 2; in GTP a `?` reply and the session
goes on). Every run is bounded by a timeout."""

import json
import os
import shutil
import subprocess

import pytest

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")
TIMEOUT = 30


def run(*args, stdin=None):
    return subprocess.run([BIN, *map(str, args)], input=stdin, capture_output=True, timeout=TIMEOUT)


def one_clean_line(stderr):
    """The one line of an error, checked to be printable ASCII or valid UTF-8 text."""
    text = stderr.decode("utf-8")  # raises on invalid UTF-8
    assert text.count("\n") == 1 and text.endswith("\n"), text
    assert all(c == "\n" or (c.isprintable() and c != "\x7f") for c in text), repr(text)
    return text


def gtp(commands, *flags):
    """Replies of a `traceplay gtp` session fed `commands`, and its stderr."""
    result = run("gtp", *flags, stdin=("\n".join(commands) + "\nquit\n").encode())
    assert result.returncode == 0, result.stderr
    replies = [r.strip() for r in result.stdout.decode().split("\n\n") if r.strip()]
    assert replies[-1] == "=", replies  # quit
    return replies[:-1], result.stderr.decode("utf-8")


# --- 1, 3, 4: GTP -------------------------------------------------------------------

def test_gtp_loadsgf_refuses_endless_huge_and_non_files_and_the_session_goes_on(tmp_path):
    fifo = tmp_path / "game.fifo"
    os.mkfifo(fifo)  # no writer: a blocking open would hang the engine
    huge = tmp_path / "huge.sgf"
    with open(huge, "wb") as f:  # sparse: 17 MiB over the 16 MiB cap, written in no time
        f.truncate(17 << 20)
    good = tmp_path / "good.sgf"
    good.write_text("(;FF[4]GM[1]SZ[9]KM[6.5];B[ee];W[cc])")
    replies, stderr = gtp([f"loadsgf /dev/zero", f"loadsgf {fifo}", f"loadsgf {tmp_path}", f"loadsgf {huge}",
                           f"loadsgf {good}", "name"], "--size", "9")
    assert replies == ["? cannot load file"] * 4 + ["=", "= traceplay"], replies
    assert "/dev/zero: is not a regular file (a character device)" in stderr
    assert f"{fifo}: is not a regular file (a FIFO)" in stderr
    assert f"{tmp_path}: is a directory" in stderr
    assert f"{huge}: is larger than the limit of {16 << 20} bytes" in stderr


def test_gtp_komi_has_the_range_of_the_flag():
    replies, _ = gtp(["komi 1e308", "komi -1000.5", "komi 1000", "komi -6.5"])
    assert replies == ["? komi must be between -1000 and 1000"] * 2 + ["=", "="], replies
    for komi in ("1e308", "nan", "-inf", "1000.5"):
        result = run("gtp", "--komi", komi, stdin=b"quit\n")
        assert result.returncode == 2 and "--komi: must be a number in -1000..1000" in one_clean_line(result.stderr)
    for komi in ("-1000", "1000"):
        assert run("gtp", "--komi", komi, stdin=b"quit\n").returncode == 0
    result = run("match", "--komi", "nan", "--engine-a", "true", "--engine-b", "true", "--games", "1")
    assert result.returncode == 2 and "--komi must be a number in -1000..1000" in one_clean_line(result.stderr)


def test_loadsgf_with_an_out_of_range_komi_is_refused(tmp_path):
    game = tmp_path / "komi.sgf"
    game.write_text("(;FF[4]GM[1]SZ[9]KM[1e308])")
    bad = tmp_path / "km.sgf"
    bad.write_text("(;FF[4]GM[1]SZ[9]KM[100000])")
    replies, stderr = gtp([f"loadsgf {game}", f"loadsgf {bad}"])
    assert replies == ["? cannot load file"] * 2
    assert "bad komi KM[1e308]" in stderr and "komi KM[100000] is outside -1000..1000" in stderr


# --- 4: directories and FIFOs as levels and tasks -------------------------------------

@pytest.mark.parametrize("args, reason", [
    (["--domain", "sokoban", "--level", "{dir}"], "level file {dir}: is a directory"),
    (["--domain", "sokoban", "--level", "{dir}:2"], "level file {dir}: is a directory"),
    (["--domain", "sokoban", "--level", "{fifo}"], "level file {fifo}: is not a regular file (a FIFO)"),
    (["--domain", "maze", "--task", "{dir}"], "cannot read {dir}: is a directory"),
    (["--domain", "maze", "--task", "{fifo}"], "cannot read {fifo}: is not a regular file (a FIFO)"),
    (["--domain", "maze", "--task", "/dev/zero"], "cannot read /dev/zero: is not a regular file (a character device)"),
])
def test_solve_says_what_a_level_or_task_path_is(tmp_path, args, reason):
    fifo = tmp_path / "level.fifo"
    os.mkfifo(fifo)
    names = {"dir": tmp_path, "fifo": fifo}
    result = run("solve", *[a.format(**names) for a in args])
    assert result.returncode == 2 and result.stdout == b""
    assert reason.format(**names) in one_clean_line(result.stderr)


def test_gen_levels_and_configs_say_what_they_are(tmp_path):
    result = run("gen", "--domain", "sokoban", "--levels", tmp_path, "--count", "1", "--out", tmp_path / "out")
    assert result.returncode == 2 and f"levels file {tmp_path}: is a directory" in one_clean_line(result.stderr)
    result = run("run", tmp_path)
    assert result.returncode == 2 and f"{tmp_path}: is a directory" in one_clean_line(result.stderr)


# --- 2: an edited manifest vocabulary -------------------------------------------------

@pytest.fixture(scope="module")
def maze5(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile") / "maze5"
    result = run("gen", "--domain", "maze", "--size", "5", "--count", "60", "--seed", "2", "--threads", "1",
                 "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def edited(maze5, tmp_path, edit):
    target = tmp_path / "edited"
    shutil.copytree(maze5, target)
    manifest = json.loads((target / "manifest.json").read_text())
    edit(manifest)
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return target


def rename(manifest, old, new):
    vocabulary = manifest["vocabulary"]
    vocabulary[vocabulary.index(old)] = new


def test_the_true_vocabulary_passes(maze5):
    assert run("inspect", maze5).returncode == 0


def test_a_renamed_token_is_refused_by_inspect_and_train(maze5, tmp_path):
    data = edited(maze5, tmp_path, lambda m: rename(m, "c9", "c9x"))
    index = json.loads((maze5 / "manifest.json").read_text())["vocabulary"].index("c9")
    expected = (f'{data}/manifest.json: "vocabulary" differs from the maze 5x5 vocabulary: '
                f'token {index} is "c9x", expected "c9"')
    result = run("inspect", data)
    assert result.returncode == 2 and expected in one_clean_line(result.stderr)
    out = tmp_path / "run"
    result = run("train", "--data", data, "--out", out, "--dim", "32", "--layers", "1", "--heads", "2",
                 "--threads", "1", "--steps", "2", "--warmup", "1")
    assert result.returncode == 2 and expected in one_clean_line(result.stderr)
    assert not out.exists()


def test_params_that_do_not_match_the_vocabulary_are_refused(maze5, tmp_path):
    data = edited(maze5, tmp_path, lambda m: m["params"].update(width=6))
    result = run("inspect", data)
    assert result.returncode == 2
    assert 'differs from the maze 6x5 vocabulary: token 7 is "c0", expected "5"' in one_clean_line(result.stderr)


# --- 5: raw bytes of a damaged file ---------------------------------------------------

def test_raw_bytes_of_a_damaged_manifest_are_escaped(maze5, tmp_path):
    data = tmp_path / "damaged"
    shutil.copytree(maze5, data)
    raw = (data / "manifest.json").read_bytes()
    # Inside the string "version": the JSON reader quotes what it read up to the bad byte.
    at = raw.index(b'"version"') + 3
    (data / "manifest.json").write_bytes(raw[:at] + b"\xff\xfe\x1b[2J" + raw[at:])
    result = run("inspect", data)
    assert result.returncode == 2
    line = one_clean_line(result.stderr)
    assert "manifest.json: not valid JSON" in line and "\\xff" in line


def test_raw_bytes_of_a_damaged_sgf_are_escaped(tmp_path):
    game = tmp_path / "damaged.sgf"
    game.write_bytes(b"(;FF[4]GM[1]SZ[9];B[\x1b[2J\xff])")
    replies, stderr = gtp([f"loadsgf {game}"])
    assert replies == ["? cannot load file"]
    assert "bad move B[\\x1b[2J\\xff]" in stderr and "\x1b" not in stderr


def test_control_characters_of_a_config_value_are_escaped(tmp_path):
    # TOML's own escapes put a terminal escape sequence and a C1 control into a value
    # that the message quotes.
    config = tmp_path / "bad.toml"
    config.write_text('[data]\ndomain = "maze\\u001b[2J\\u0085"\n')
    result = run("gen", "--config", config, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert 'got "maze\\x1b[2J\\xc2\\x85"' in one_clean_line(result.stderr)
    invalid = tmp_path / "invalid.toml"
    invalid.write_bytes(b"[data]\ndomain = \"maze\x1b\xff\"\n")
    result = run("gen", "--config", invalid, "--out", tmp_path / "out")
    assert result.returncode == 2 and "invalid.toml" in one_clean_line(result.stderr)


# --- 6: an unknown subcommand ---------------------------------------------------------

@pytest.mark.parametrize("args", [["nosuchcommand", "--help"], ["nosuchcommand"], ["--help", "nosuchcommand"],
                                  ["nosuchcommand", "--version"]])
def test_an_unknown_subcommand_is_exit_2_whatever_follows(args):
    result = run(*args)
    assert result.returncode == 2 and result.stdout == b""
    assert 'unknown command "nosuchcommand"' in one_clean_line(result.stderr)


@pytest.mark.parametrize("args", [["--help"], ["train", "--help"], ["solve", "--help"], ["--version"]])
def test_help_and_version_still_exit_0(args):
    result = run(*args)
    assert result.returncode == 0 and result.stdout and result.stderr == b""


def test_traceplay_torch_refuses_an_unknown_subcommand_too():
    torch_bin = os.path.join(os.path.dirname(BIN), "traceplay-torch")
    result = subprocess.run([torch_bin, "nosuchcommand", "--help"], capture_output=True, timeout=TIMEOUT)
    assert result.returncode == 2 and result.stdout == b""
    assert 'unknown command "nosuchcommand"' in one_clean_line(result.stderr)


# --- Limits on untrusted input (DESIGN.md) --------------------------------------------

def test_gtp_line_over_the_limit_is_refused_and_the_session_goes_on():
    # 10 MB of one command line: refused under its id, not executed cut short; memory
    # stays bounded (the reader keeps 64 KiB of a line).
    long_line = "5 play b d" + "4" * (10 << 20)
    replies, stderr = gtp([long_line, "6 play b d4", "7 name", "# " + "c" * (100 << 10), "8 name"], "--size", "9")
    assert replies == [f"?5 line longer than the limit of {64 << 10} bytes", "=6", "=7 traceplay", "=8 traceplay"]
    assert "line longer than the limit" in stderr


def test_gtp_tcp_line_over_the_limit_and_connection_limit():
    import re
    import socket
    server = subprocess.Popen([BIN, "gtp", "--listen", "127.0.0.1:0", "--size", "9"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r"listening on 127\.0\.0\.1:(\d+)", server.stderr.readline()).group(1))

        def exchange(sock, data):
            sock.sendall(data)
            out = b""
            while not out.endswith(b"\n\n"):
                chunk = sock.recv(65536)
                assert chunk, out
                out += chunk
            return out.decode()

        first = socket.create_connection(("127.0.0.1", port), timeout=10)
        assert exchange(first, b"1 " + b"x" * (1 << 20) + b"\n") == f"?1 line longer than the limit of {64 << 10} bytes\n\n"
        assert exchange(first, b"2 name\n") == "=2 traceplay\n\n"
        others = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(31)]
        for s in others[:1]:
            assert exchange(s, b"name\n") == "= traceplay\n\n"
        extra = socket.create_connection(("127.0.0.1", port), timeout=10)
        assert extra.recv(100) == b""  # the 33rd is closed at once
        for s in others:
            s.close()
        assert exchange(first, b"3 name\n") == "=3 traceplay\n\n"  # the first goes on
        first.close()
        extra.close()
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)
    assert "32 connections are open (the limit)" in stderr


def test_loadsgf_over_the_nesting_and_node_limits_is_refused(tmp_path):
    deep = tmp_path / "deep.sgf"
    deep.write_text("(;SZ[9]" + "(;B[aa]" * 10001 + ")" * 10002)
    many = tmp_path / "many.sgf"
    many.write_text("(;SZ[9]" + ";C[x]" * 250001 + ")")
    replies, stderr = gtp([f"loadsgf {deep}", f"loadsgf {many}", "name"], "--size", "9")
    assert replies == ["? cannot load file"] * 2 + ["= traceplay"]
    assert "variations nested deeper than the limit of 10000" in stderr
    assert "more nodes than the limit of 250000" in stderr


def test_an_xsb_level_over_the_size_limit_is_one_line(tmp_path):
    level = tmp_path / "tall.xsb"
    level.write_text("#####\n#@$.#\n#####\n" + "#\n" * 300)
    result = run("solve", "--domain", "sokoban", "--level", level)
    assert result.returncode == 2 and result.stdout == b""
    assert "level 1 (line 256): more than the limit of 255 rows" in one_clean_line(result.stderr)

