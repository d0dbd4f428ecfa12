"""A dataset made by `traceplay gen`, read with nothing but python3 `zstandard`, `json`
and the XXH64 below (Debian has no python3-xxhash), checked against the pinned format
of DESIGN.md ("Data"): manifest keys, shard checksums and counts, record ids and layout
hashes, the split rule, the vocabulary, and every maze plan (valid, long enough, and as
short as BFS says it can be)."""

import collections
import io
import json
import os
import subprocess

import pytest
import zstandard

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")

# --- XXH64, from the specification (https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md)

P1, P2, P3, P4, P5 = (0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                      0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5)
M = (1 << 64) - 1


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M


def _round(acc, lane):
    return (_rotl((acc + lane * P2) & M, 31) * P1) & M


def _merge(acc, val):
    return (((acc ^ _round(0, val)) * P1) + P4) & M


def xxh64(data: bytes, seed: int = 0) -> int:
    n, i = len(data), 0
    if n >= 32:
        v = [(seed + P1 + P2) & M, (seed + P2) & M, seed, (seed - P1) & M]
        while i + 32 <= n:
            for j in range(4):
                v[j] = _round(v[j], int.from_bytes(data[i + 8 * j:i + 8 * j + 8], "little"))
            i += 32
        h = (_rotl(v[0], 1) + _rotl(v[1], 7) + _rotl(v[2], 12) + _rotl(v[3], 18)) & M
        for lane in v:
            h = _merge(h, lane)
    else:
        h = (seed + P5) & M
    h = (h + n) & M
    while i + 8 <= n:
        h = ((_rotl(h ^ _round(0, int.from_bytes(data[i:i + 8], "little")), 27) * P1) + P4) & M
        i += 8
    if i + 4 <= n:
        h = ((_rotl(h ^ (int.from_bytes(data[i:i + 4], "little") * P1 & M), 23) * P2) + P3) & M
        i += 4
    while i < n:
        h = (_rotl(h ^ (data[i] * P5 & M), 11) * P1) & M
        i += 1
    h ^= h >> 33
    h = (h * P2) & M
    h ^= h >> 29
    h = (h * P3) & M
    return h ^ (h >> 32)


def hex16(x):
    return "%016x" % x


def test_xxh64_matches_published_values():
    assert xxh64(b"") == 0xEF46DB3751D8E999
    assert xxh64(b"a") == 0xD24EC4F1A98C6E5B
    assert xxh64(b"abc") == 0x44BC2CF5AD770999
    assert xxh64(b"Nobody inspects the spammish repetition") == 0xFBCEA83C8A378BF1
    # Longer than one 32-byte stripe, and seeded: the values xxhsum prints.
    assert xxh64(b"The quick brown fox jumps over the lazy dog") == 0x0B242D361FDA71BC
    assert xxh64(b"", 1) == 0xD5AFBA1336A3BE4B


# --- Reading a dataset

MANIFEST_KEYS = ["format", "version", "domain", "params", "seed", "deterministic", "test_fraction",
                 "counts", "vocabulary", "lengths", "shards", "created_by"]
RECORD_KEYS = ["id", "layout", "prompt", "trace", "plan", "meta"]


def read_dataset(directory):
    """manifest, {shard file: [records]} with every shard checked against the manifest."""
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    shards = {}
    for shard in manifest["shards"]:
        with open(os.path.join(directory, shard["file"]), "rb") as f:
            data = f.read()
        assert hex16(xxh64(data)) == shard["xxh64"], shard["file"]
        text = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read().decode("utf-8")
        assert text.endswith("\n")
        lines = text[:-1].split("\n")
        assert len(lines) == shard["records"], shard["file"]
        shards[shard["file"]] = [json.loads(line, object_pairs_hook=collections.OrderedDict) for line in lines]
    return manifest, shards


def gen(directory, *args):
    subprocess.run([BIN, "gen", "--out", str(directory), *args], check=True, capture_output=True, timeout=120)
    return read_dataset(directory)


MAZES = {
    # Not square, so that x/y mix-ups show; deterministic A*; small chunks: many shards.
    "maze-12x9": ["--domain", "maze", "--width", "12", "--height", "9", "--count", "1500", "--seed", "5",
                  "--shard-records", "400", "--threads", "2"],
    # Two-digit coordinates and costs, non-deterministic A*, another test fraction.
    "maze-30x30": ["--domain", "maze", "--size", "30", "--count", "150", "--seed", "2", "--nondeterministic",
                   "--test-fraction", "0.3", "--threads", "2"],
}


@pytest.fixture(scope="module", params=sorted(MAZES))
def maze_dataset(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp(request.param)
    manifest, shards = gen(directory, *MAZES[request.param])
    return manifest, shards


def all_records(shards):
    for name, records in shards.items():
        for record in records:
            yield name, record


def test_manifest_is_the_pinned_shape(maze_dataset):
    manifest, shards = maze_dataset
    assert list(manifest) == MANIFEST_KEYS
    assert manifest["format"] == "traceplay-dataset" and manifest["version"] == 1
    assert manifest["domain"] == "maze"
    assert set(manifest["created_by"]) == {"traceplay", "git"}
    counts = collections.Counter(name.split("-")[0] for name, _ in all_records(shards))
    assert manifest["counts"] == {"train": counts["train"], "test": counts["test"]}
    assert counts["train"] + counts["test"] == manifest["params"]["count"]
    for key in ("prompt", "trace", "plan"):
        lengths = [len(r[key]) for _, r in all_records(shards)]
        stats = manifest["lengths"][key]
        assert list(stats) == ["min", "mean", "max"]
        assert stats["min"] == min(lengths) and stats["max"] == max(lengths)
        assert stats["mean"] == pytest.approx(sum(lengths) / len(lengths), rel=1e-12)


def test_vocabulary_is_bos_eos_then_sorted(maze_dataset):
    manifest, _ = maze_dataset
    w, h = manifest["params"]["width"], manifest["params"]["height"]
    vocabulary = manifest["vocabulary"]
    assert vocabulary[:2] == ["bos", "eos"]
    assert vocabulary[2:] == sorted(vocabulary[2:])
    expected = ([str(i) for i in range(max(w, h))] + ["c%d" % i for i in range(w * h)]
                + ["start", "goal", "wall", "create", "close", "plan"])
    assert sorted(vocabulary[2:]) == sorted(expected)


def test_shards_are_chunks_of_the_record_sequence(maze_dataset):
    manifest, _ = maze_dataset
    size = manifest["params"]["shard_records"]
    per_chunk = collections.Counter()
    for shard in manifest["shards"]:
        split, chunk = shard["file"][:-len(".jsonl.zst")].split("-")
        assert split in ("train", "test") and len(chunk) == 5
        per_chunk[int(chunk)] += shard["records"]
    chunks = sorted(per_chunk)
    assert chunks == list(range(len(chunks)))
    assert all(per_chunk[c] == size for c in chunks[:-1])
    assert 0 < per_chunk[chunks[-1]] <= size


def test_ids_layouts_and_split(maze_dataset):
    manifest, shards = maze_dataset
    vocabulary, seed, fraction = manifest["vocabulary"], manifest["seed"], manifest["test_fraction"]
    ids, split_of_layout = set(), {}
    for name, record in all_records(shards):
        assert list(record) == RECORD_KEYS
        prompt = [vocabulary[i] for i in record["prompt"]]
        assert record["id"] == hex16(xxh64(" ".join(prompt).encode("utf-8")))
        layout_tokens = prompt[6:]  # everything after `start x y goal x y`: the wall triples
        assert all(t == "wall" for t in layout_tokens[::3])
        assert record["layout"] == hex16(xxh64(" ".join(layout_tokens).encode("utf-8")))
        assert record["id"] not in ids, "duplicate id"
        ids.add(record["id"])
        split = name.split("-")[0]
        assert split_of_layout.setdefault(record["layout"], split) == split, "layout in both splits"
        in_test = xxh64(record["layout"].encode("ascii"), seed) % 10**6 < fraction * 10**6
        assert split == ("test" if in_test else "train")
    assert "test" in split_of_layout.values() and "train" in split_of_layout.values()


def bfs_distance(w, h, walls, start, goal):
    frontier, seen, steps = [start], {start}, 0
    while frontier:
        if goal in frontier:
            return steps
        nxt = []
        for x, y in frontier:
            for p in ((x, y + 1), (x, y - 1), (x - 1, y), (x + 1, y)):
                if 0 <= p[0] < w and 0 <= p[1] < h and p not in walls and p not in seen:
                    seen.add(p)
                    nxt.append(p)
        frontier, steps = nxt, steps + 1
    return None


def triples(tokens, keyword):
    assert len(tokens) % 3 == 0
    assert all(t == keyword for t in tokens[::3]), keyword
    return [(int(tokens[i + 1]), int(tokens[i + 2])) for i in range(0, len(tokens), 3)]


def test_every_plan_is_valid_long_enough_and_optimal(maze_dataset):
    manifest, shards = maze_dataset
    vocabulary = manifest["vocabulary"]
    w, h = manifest["params"]["width"], manifest["params"]["height"]
    for _, record in all_records(shards):
        prompt = [vocabulary[i] for i in record["prompt"]]
        assert prompt[0] == "start" and prompt[3] == "goal"
        start, goal = (int(prompt[1]), int(prompt[2])), (int(prompt[4]), int(prompt[5]))
        wall_list = triples(prompt[6:], "wall")
        assert wall_list == sorted(wall_list, key=lambda p: p[0] + w * p[1]), "walls in ascending x + W*y"
        walls = set(wall_list)
        plan = triples([vocabulary[i] for i in record["plan"]], "plan")
        assert plan[0] == start and plan[-1] == goal
        for (x0, y0), (x1, y1) in zip(plan, plan[1:]):
            assert abs(x1 - x0) + abs(y1 - y0) == 1
        assert all(0 <= x < w and 0 <= y < h and (x, y) not in walls for x, y in plan)
        assert len(plan) >= max(w, h)
        assert len(plan) - 1 == bfs_distance(w, h, walls, start, goal), "plan is not optimal"
        assert record["meta"] == {"width": w, "height": h}


def test_traces_are_create_close_steps_from_start_to_goal(maze_dataset):
    manifest, shards = maze_dataset
    vocabulary = manifest["vocabulary"]
    for _, record in all_records(shards):
        prompt = [vocabulary[i] for i in record["prompt"]]
        start, goal = prompt[1:3], prompt[4:6]
        trace = [vocabulary[i] for i in record["trace"]]
        assert len(trace) % 5 == 0
        steps = [trace[i:i + 5] for i in range(0, len(trace), 5)]
        assert all(s[0] in ("create", "close") and s[3][0] == "c" and s[4][0] == "c" for s in steps)
        manhattan = abs(int(start[0]) - int(goal[0])) + abs(int(start[1]) - int(goal[1]))
        assert steps[0] == ["create", *start, "c0", "c%d" % manhattan]
        assert steps[-1][:3] == ["close", *goal]
        assert steps[-1][3] == "c%d" % (len(record["plan"]) // 3 - 1)


# --- Sokoban: the same container; layout = the `dock x y` and `wall x y` triples

@pytest.fixture(scope="module")
def sokoban_dataset(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sokoban")
    return gen(directory, "--domain", "sokoban", "--count", "120", "--seed", "3", "--threads", "2",
               "--test-fraction", "0.4", "--shard-records", "50")


def test_sokoban_records_ids_layouts_split_and_vocabulary(sokoban_dataset):
    manifest, shards = sokoban_dataset
    assert list(manifest) == MANIFEST_KEYS
    assert manifest["domain"] == "sokoban" and manifest["deterministic"] is False
    vocabulary, seed, fraction = manifest["vocabulary"], manifest["seed"], manifest["test_fraction"]
    assert vocabulary[:2] == ["bos", "eos"] and vocabulary[2:] == sorted(vocabulary[2:])
    costs = sorted(int(t[1:]) for t in vocabulary if t[0] == "c" and t[1:].isdigit())
    assert costs == list(range(manifest["params"]["cost_tokens"]))
    for word in ("worker", "box", "dock", "wall", "create", "close", "plan"):
        assert word in vocabulary
    ids, split_of_layout, total = set(), {}, 0
    for name, record in all_records(shards):
        total += 1
        assert list(record) == RECORD_KEYS
        prompt = [vocabulary[i] for i in record["prompt"]]
        assert record["id"] == hex16(xxh64(" ".join(prompt).encode()))
        groups = [prompt[i:i + 3] for i in range(0, len(prompt), 3)]
        assert groups[0][0] == "worker"
        layout = [t for g in groups if g[0] in ("dock", "wall") for t in g]
        assert record["layout"] == hex16(xxh64(" ".join(layout).encode()))
        assert record["id"] not in ids
        ids.add(record["id"])
        split = name.split("-")[0]
        assert split_of_layout.setdefault(record["layout"], split) == split
        assert split == ("test" if xxh64(record["layout"].encode(), seed) % 10**6 < fraction * 10**6 else "train")
        plan = triples([vocabulary[i] for i in record["plan"]], "plan")
        assert list(plan[0]) == [int(groups[0][1]), int(groups[0][2])], "the plan starts at the worker"
        for (x0, y0), (x1, y1) in zip(plan, plan[1:]):
            assert abs(x1 - x0) + abs(y1 - y0) == 1
    assert total == 120 == manifest["counts"]["train"] + manifest["counts"]["test"]
