#!/usr/bin/python3
"""A deliberately broken GTP engine for the match tests (test_match_gnugo.py).

It answers the setup commands (name, boardsize, clear_board, komi, play, ...) correctly
and misbehaves on genmove as --genmove says:
  illegal   answers the first point it saw played (its own first move when it starts:
            A1), so its second move at the latest is on an occupied point
  garbage   answers "= banana" (not a vertex)
  refuse    answers "? cannot think"
  exit      exits without answering
  hang      never answers (sleeps)
  protocol  answers a line that is not GTP
With --refuse-play it answers every `play` with "? illegal move" (so it refuses the moves
of the random opening and the opponent's legal moves).
It writes a line to stderr for every command, which the match must keep off its stdout.
"""

import argparse
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--refuse-play", action="store_true")
    parser.add_argument("--genmove", default="illegal",
                        choices=["illegal", "garbage", "refuse", "exit", "hang", "protocol"])
    args = parser.parse_args()
    seen = []  # points played so far, in GTP notation

    def reply(cid, text="", ok=True):
        sys.stdout.write(("=" if ok else "?") + cid + (" " + text if text else "") + "\n\n")
        sys.stdout.flush()

    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        cid = words.pop(0) if words[0].isdigit() else ""
        command = words[0] if words else ""
        print(f"fake engine got: {line.strip()}", file=sys.stderr, flush=True)
        if command == "name":
            reply(cid, "Fake Broken Engine")
        elif command == "quit":
            reply(cid)
            return
        elif command == "play" and args.refuse_play:
            reply(cid, "illegal move", ok=False)
        elif command == "play":
            if words[2].lower() != "pass":
                seen.append(words[2].upper())
            reply(cid)
        elif command == "genmove":
            mode = args.genmove
            if mode == "illegal":
                if not seen:
                    seen.append("A1")
                reply(cid, seen[0])
            elif mode == "garbage":
                reply(cid, "banana")
            elif mode == "refuse":
                reply(cid, "cannot think", ok=False)
            elif mode == "exit":
                return
            elif mode == "hang":
                time.sleep(3600)
            elif mode == "protocol":
                sys.stdout.write("thinking very hard\n\n")
                sys.stdout.flush()
        elif command == "clear_board":
            seen.clear()
            reply(cid)
        else:
            reply(cid)


if __name__ == "__main__":
    main()
