# For the GIL tests: runs `call` in a thread and counts how often the main thread runs
# Python in the middle of that call (between 25% and 75% of its duration). A call that
# holds the GIL lets the main thread run only around its edges, so the count is 0.
import threading
import time


def main_thread_steps_during(call):
    """Returns (call's result, its seconds, main-thread steps inside the call's middle)."""
    box = {}

    def run():
        box["start"] = time.monotonic()
        box["result"] = call()
        box["end"] = time.monotonic()

    stamps = []
    thread = threading.Thread(target=run)
    thread.start()
    while thread.is_alive():
        stamps.append(time.monotonic())
    thread.join()
    start, end = box["start"], box["end"]
    lo, hi = start + 0.25 * (end - start), start + 0.75 * (end - start)
    return box["result"], end - start, sum(lo <= t <= hi for t in stamps)
