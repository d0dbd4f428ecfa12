"""`traceplay gtp` driven by @sabaki/gtp (npm; the GTP client of the Sabaki Go GUI) over
a pipe and over TCP: every command, the error cases, the analysis commands stopped by
the next line, and a full game to two passes (tests/js/gtp_suite.js does the talking).
Plus the transport's own failure paths: bad flags exit 2 with one message, and a client
that disconnects mid-analysis leaves the server serving others.

node_modules is installed by scripts/bootstrap-deps (npm ci from package-lock.json);
without it this test fails, it does not skip."""

import json
import os
import random
import re
import shutil
import socket
import subprocess

import pytest

SOURCE = os.environ.get("TRACEPLAY_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("TRACEPLAY_BIN")
SCRIPT = os.path.join(SOURCE, "tests", "js", "gtp_suite.js")


@pytest.fixture(scope="module", autouse=True)
def prerequisites():
    if not BIN:
        pytest.fail("TRACEPLAY_BIN is not set: run this test through ctest")
    if shutil.which("node") is None:
        pytest.fail("node is not installed: run scripts/bootstrap-deps")
    for package in ("gtp", "sgf"):
        if not os.path.isfile(os.path.join(SOURCE, "node_modules", "@sabaki", package, "package.json")):
            pytest.fail(f"{SOURCE}/node_modules/@sabaki/{package} is missing: run scripts/bootstrap-deps (npm ci)")


def run_suite(*args):
    r = subprocess.run(["node", SCRIPT, *map(str, args)], capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, f"gtp_suite.js {args[0]}: exit {r.returncode}\n{r.stderr}\n{r.stdout}"
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["checks"] > 100
    assert summary["game_moves"] >= 2
    assert re.fullmatch(r"[BW]\+(R|\d+(\.\d+)?)|0", summary["result"]), summary
    return summary


class Server:
    """`traceplay gtp --listen 127.0.0.1:0`: the port it picked, read from stderr."""

    def __init__(self, *flags):
        self.process = subprocess.Popen([BIN, "gtp", "--listen", "127.0.0.1:0", *flags], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        line = self.process.stderr.readline()
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        assert match, f"no listening line: {line!r}"
        self.port = int(match.group(1))
        assert self.port > 0

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        out = self.process.stdout.read()
        assert out == "", f"the TCP server wrote to stdout: {out!r}"


@pytest.fixture
def server():
    s = Server("--size", "9", "--visits", "200")
    yield s
    s.close()


def test_sabaki_over_a_pipe(tmp_path):
    run_suite("pipe", BIN, tmp_path)


def test_sabaki_over_tcp_two_connections_at_once(server, tmp_path):
    run_suite("tcp", "127.0.0.1", server.port, tmp_path)


def gtp_exchange(sock, line):
    sock.sendall((line + "\n").encode())
    data = b""
    while not data.endswith(b"\n\n"):
        chunk = sock.recv(65536)
        assert chunk, "connection closed"
        data += chunk
    return data.decode()


def test_a_client_leaving_mid_analysis_does_not_stop_the_server(server):
    a = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    a.sendall(b"lz-analyze b 5\n")
    streamed = b""
    while streamed.count(b"\n") < 2:  # the header and a first update
        chunk = a.recv(65536)
        assert chunk, "connection closed"
        streamed += chunk
    assert streamed.startswith(b"=\ninfo move ")
    a.close()  # gone mid-stream
    b = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    assert gtp_exchange(b, "1 name") == "=1 traceplay\n\n"
    assert gtp_exchange(b, "2 boardsize 9") == "=2\n\n"
    assert re.fullmatch(r"=3 ([A-HJ][1-9]|pass)\n\n", gtp_exchange(b, "3 genmove b"))
    assert gtp_exchange(b, "4 quit") == "=4\n\n"
    assert b.recv(1) == b""  # the server closes the connection after quit
    b.close()
    assert server.process.poll() is None


def test_stdio_answers_every_line_and_ends_at_eof():
    lines = ["1 name", "", "# comment", "   ", "2 foo", "3 play b z99", "4 boardsize 9", "5 play b e5",
             "6 play w e5", "7", "8 lz-analyze b 5"]
    r = subprocess.run([BIN, "gtp", "--size", "9", "--visits", "50"], input="\n".join(lines) + "\n",
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    # One response per non-empty, non-comment line (8); the analysis ends at the end of input.
    assert r.stdout == ("=1 traceplay\n\n?2 unknown command\n\n?3 syntax error\n\n=4\n\n=5\n\n"
                        "?6 illegal move\n\n?7 unknown command\n\n=8\n\n")


@pytest.mark.parametrize("evaluator", ["uniform", "rollout"])
def test_the_evaluator_flag_picks_the_leaf_evaluator(evaluator):
    # uniform: value 0 and a uniform prior everywhere, so every child ties and the first
    # legal point (A5, the top left) is played; the rollouts see that the corner is bad.
    r = subprocess.run([BIN, "gtp", "--size", "5", "--visits", "200", "--evaluator", evaluator,
                        "--playouts-per-leaf", "2"], input="genmove b\nquit\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    move = r.stdout.split("\n")[0]
    assert (move == "= A5") == (evaluator == "uniform"), move


@pytest.mark.parametrize("flags,message", [
    (["--size", "1"], "--size"),
    (["--visits", "0"], "--visits"),
    (["--visits", "10", "--time-per-move", "1"], "excludes"),
    (["--seed", "-1"], "--seed"),
    (["--komi", "x"], "--komi"),
    (["--listen", "127.0.0.1:99999"], "port"),
    (["--listen", "nohost:80"], "not an IP address"),
    (["--evaluator", "network"], "--evaluator"),
    (["--playouts-per-leaf", "0"], "--playouts-per-leaf"),
    (["--bogus"], "bogus"),
])
def test_bad_flags_exit_2_with_one_message(flags, message):
    r = subprocess.run([BIN, "gtp", *flags], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 2, (flags, r.stderr)
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert message in r.stderr


def test_a_port_in_use_is_refused(server):
    r = subprocess.run([BIN, "gtp", "--listen", f"127.0.0.1:{server.port}"], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2
    assert "127.0.0.1:%d" % server.port in r.stderr


def preprocess(raw):
    """The spec's preprocessing (what the engine must do before parsing), in Python."""
    kept = bytes(c for c in raw if c >= 32 and c != 127 or c == 9)
    kept = kept.split(b"#", 1)[0].replace(b"\t", b" ")
    return kept if kept.strip(b" ") else b""


def test_random_input_gets_one_well_formed_response_per_line():
    """The real bot under random bytes and random command mixes over stdin."""
    rng = random.Random(9)
    names = ["protocol_version", "name", "version", "known_command", "list_commands", "boardsize", "clear_board",
             "komi", "play", "genmove", "undo", "showboard", "final_score", "final_status_list", "fixed_handicap",
             "place_free_handicap", "set_free_handicap", "time_settings", "time_left", "kgs-time_settings",
             "loadsgf", "reg_genmove", "lz-analyze", "lz-genmove_analyze", "kata-analyze", "kata-genmove_analyze",
             "stop", "foo"]
    words = ["b", "w", "black", "x", "d4", "E5", "a1", "j9", "t19", "pass", "0", "2", "3", "5", "9", "13", "26",
             "-1", "7.5", "nan", "interval", "10", "ownership", "true", "dead", "alive", "none", "absolute", "byoyomi",
             "canadian", "/nonexistent.sgf", "\t", "#x"]
    lines = []
    for i in range(600):
        if i % 2:
            lines.append(bytes(rng.choice([b for b in range(256) if b != 10]) for _ in range(rng.randint(0, 30))))
        else:
            line = (f"{rng.randint(0, 999)} " if rng.random() < 0.3 else "") + rng.choice(names)
            line += "".join(" " + rng.choice(words) for _ in range(rng.randint(0, 4)))
            lines.append(line.encode())
    lines.append(b"boardsize 9")
    lines.append(b"genmove b")
    r = subprocess.run([BIN, "gtp", "--size", "9", "--visits", "30"], input=b"\n".join(lines) + b"\n",
                       capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    answered = [preprocess(line) for line in lines]
    answered = [line for line in answered if line]
    responses = r.stdout.decode("latin-1").split("\n\n")
    assert responses[-1] == ""
    responses = responses[:-1]
    assert len(responses) == len(answered)
    for line, response in zip(answered, responses):
        first = line.split()[0].decode("latin-1")
        id_ = first if re.fullmatch(r"[0-9]+", first) else ""
        assert re.match(r"[=?]" + id_ + r"( |\n|$)", response), (line, response)
    assert re.fullmatch(r"= ([A-HJ][1-9]|pass|resign)", responses[-1])
