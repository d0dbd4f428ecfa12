"""One game on a clock: `traceplay gtp` (Black) against GNU Go (White) on 9x9 with 20 s
of absolute time for Black, through a small GTP driver that measures every genmove
itself and tells the bot its time left (time_left, as a server would). The bot must
never exceed its time, keep thinking while it has time, and play only legal moves.

Run alone (ctest RUN_SERIAL, tests/CMakeLists.txt): the timing must not share the CPU."""

import os
import shutil
import subprocess
import time

import pytest

BIN = os.environ.get("TRACEPLAY_BIN")
GNUGO = "/usr/games/gnugo"
MAIN_TIME = 20.0


class Gtp:
    def __init__(self, argv):
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, bufsize=1)

    def send(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        lines = []
        while True:
            out = self.process.stdout.readline()
            assert out, f"{line}: the engine closed its output"
            if out == "\n" and lines:
                break
            lines.append(out.rstrip("\n"))
        text = "\n".join(lines)
        assert text[0] in "=?", text
        return text[0] == "=", text[1:].strip()

    def ok(self, line):
        good, text = self.send(line)
        assert good, f"{line}: {text}"
        return text

    def close(self):
        try:
            self.send("quit")
        finally:
            self.process.wait(timeout=10)


@pytest.fixture
def engines():
    if not BIN:
        pytest.fail("TRACEPLAY_BIN is not set: run this test through ctest")
    if shutil.which(GNUGO) is None:
        pytest.fail(f"{GNUGO} is missing: run scripts/bootstrap-deps")
    # No visit limit: the clock alone decides how long the bot thinks.
    bot = Gtp([BIN, "gtp", "--size", "9", "--komi", "7", "--visits", "1000000000"])
    gnugo = Gtp([GNUGO, "--mode", "gtp", "--level", "1", "--chinese-rules", "--positional-superko"])
    yield bot, gnugo
    bot.close()
    gnugo.close()


def test_the_bot_never_exceeds_its_clock(engines):
    bot, gnugo = engines
    for e in (bot, gnugo):
        e.ok("boardsize 9")
        e.ok("clear_board")
        e.ok("komi 7")
    bot.ok(f"time_settings {int(MAIN_TIME)} 0 0")
    left = MAIN_TIME
    spent, passes, moves, end = [], 0, 0, None
    while end is None and moves < 200:
        # Black: our bot, on the clock.
        bot.ok(f"time_left black {left:.3f} 0")
        start = time.monotonic()
        move = bot.ok("genmove black")
        took = time.monotonic() - start
        assert took < left, f"move {moves + 1}: {took:.2f} s with {left:.2f} s left"
        left -= took
        spent.append(took)
        moves += 1
        if move == "resign":
            end = "black resigned"
            break
        good, why = gnugo.send(f"play black {move}")
        assert good, f"GNU Go refused our move {move}: {why}"
        passes = passes + 1 if move == "pass" else 0
        if passes == 2:
            end = "two passes"
            break
        # White: GNU Go, untimed.
        reply = gnugo.ok("genmove white")
        moves += 1
        if reply.lower() == "resign":
            end = "white resigned"
            break
        bot.ok(f"play white {reply}")
        passes = passes + 1 if reply.lower() == "pass" else 0
        if passes == 2:
            end = "two passes"
    assert end is not None, "the game did not end in 200 moves"
    assert left > 0 and sum(spent) < MAIN_TIME
    # It used its time to think (not a minimum-time bot), and kept a reserve.
    assert spent[0] > 0.1, spent[:3]
    assert sum(spent) < 0.9 * MAIN_TIME
    print(f"{end} after {moves} moves; Black thought {sum(spent):.2f} s of {MAIN_TIME:.0f} s, "
          f"longest move {max(spent):.2f} s")
