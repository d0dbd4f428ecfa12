"""Helpers shared by the match tests: run `traceplay match`, read its games.jsonl, read
SGF files back with our own reader (tests/tools/sgf_tool), convert GTP vertices."""

import json
import os
import re
import subprocess
import sys

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")
SGF_TOOL = os.environ.get("TRACEPLAY_SGF_TOOL")
GNUGO = "/usr/games/gnugo"
HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_ENGINE = f"/usr/bin/python3 {os.path.join(HERE, 'fake_gtp_engine.py')}"
COLUMNS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"

# The pinned --json line: these keys in this order, ", " and ": " between them.
JSON_LINE = re.compile(
    r'^\{"games": \d+, "wins_a": \d+, "wins_b": \d+, "draws": \d+, "forfeits_a": \d+, "forfeits_b": \d+, '
    r'"elo": (-?\d+(\.\d+)?|null), "elo_ci95": \[(-?\d+(\.\d+)?|null), (-?\d+(\.\d+)?|null)\]\}$')


def gnugo(level, *flags):
    return f"{GNUGO} --mode gtp --level {level} " + " ".join(flags)


def match(*args, timeout=170):
    """Runs traceplay match; returns the CompletedProcess (text)."""
    return subprocess.run([BIN, "match", *[str(a) for a in args]], capture_output=True, text=True, timeout=timeout)


def match_ok(*args, timeout=170):
    """Runs a match that must succeed with --json; returns (summary dict, stdout)."""
    r = match(*args, "--json", timeout=timeout)
    assert r.returncode == 0, f"exit {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    last = r.stdout.rstrip("\n").split("\n")[-1]
    assert JSON_LINE.match(last), f"last line is not the pinned JSON line: {last!r}"
    summary = json.loads(last)
    assert summary["wins_a"] + summary["wins_b"] + summary["draws"] == summary["games"]
    return summary, r.stdout


def games(sgf_dir):
    with open(os.path.join(sgf_dir, "games.jsonl")) as f:
        return [json.loads(line) for line in f]


def sgf_point(vertex, size):
    """GTP "D4" -> SGF "df"; pass -> ""."""
    if vertex.lower() == "pass":
        return ""
    x = COLUMNS.index(vertex[0].upper())
    y = size - int(vertex[1:])
    return chr(97 + x) + chr(97 + y)


def read_sgf(path):
    """Our SGF reader's view of a file (tests/tools/sgf_tool json)."""
    assert SGF_TOOL, "TRACEPLAY_SGF_TOOL is not set: run this test through ctest"
    r = subprocess.run([SGF_TOOL, "json", path], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def check_sgf_matches_game(sgf_dir, game, size, komi):
    """The game's SGF reads back (with our reader) to the moves and result the match recorded."""
    record = read_sgf(os.path.join(sgf_dir, game["sgf"]))
    assert record["size"] == size and record["komi"] == komi
    assert record["result"] == game["result"]
    moves = [n["move"] for n in record["nodes"] if n["move"] is not None]
    colours = ["B" if i % 2 == 0 else "W" for i in range(len(game["moves"]))]
    assert moves == [[c, sgf_point(v, size)] for c, v in zip(colours, game["moves"])]
    assert game["reason"] in record["nodes"][-1]["comment"]
    return record


def log(*args):
    print(*args, file=sys.stderr, flush=True)
