"""Our SGF against @sabaki/sgf (npm; the parser of the Sabaki Go GUI), both ways.

Games we write (random records through tests/tools/sgf_tool: passes, setup between
moves, comments with brackets and backslashes, multi-line text, UTF-8, unknown
properties) must parse with @sabaki/sgf to the same moves, setup, size, komi and
properties as the record we meant to write. Games @sabaki/sgf writes (with variations,
"tt" passes, escapes) must read with our parser to the same main line, and our rewrite
of them must parse with @sabaki/sgf to the same main line again.

node_modules is installed by scripts/bootstrap-deps (npm ci from package-lock.json);
without it this test fails, it does not skip."""

import json
import os
import shutil
import subprocess

import pytest

SOURCE = os.environ.get("TRACEPLAY_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
TOOL = os.environ.get("TRACEPLAY_SGF_TOOL")
SCRIPT = os.path.join(SOURCE, "tests", "js", "sgf_check.js")
SEEDS = list(range(100))

# Properties the record interprets; everything else is kept raw.
NODE_IDS = {"B", "W", "AB", "AW", "AE", "C"}
ROOT_IDS = {"FF", "GM", "SZ", "KM", "HA", "RU", "PB", "PW", "RE", "DT"}


@pytest.fixture(scope="module", autouse=True)
def prerequisites():
    if not TOOL:
        pytest.fail("TRACEPLAY_SGF_TOOL is not set: run this test through ctest (it names the sgf_tool binary)")
    if shutil.which("node") is None:
        pytest.fail("node is not installed: run scripts/bootstrap-deps")
    if not os.path.isfile(os.path.join(SOURCE, "node_modules", "@sabaki", "sgf", "package.json")):
        pytest.fail(f"{SOURCE}/node_modules/@sabaki/sgf is missing: run scripts/bootstrap-deps (npm ci)")


def run(*args):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"{args}: exit {r.returncode}\n{r.stderr}"
    return json.loads(r.stdout)


def tool(*args):
    return run(TOOL, *args)


def sabaki(*args):
    return run("node", SCRIPT, *args)


def unescape(raw):
    """FF[4]: '\\' + line break vanishes, '\\' + any other character is that character."""
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            if raw[i + 1] == "\n":
                i += 2
                continue
            out.append(raw[i + 1])
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def expected_properties(record, index):
    """The property map a correct SGF reader must see in main-line node `index` of what
    our writer wrote for `record` (our JSON of it), values unescaped."""
    node = record["nodes"][index]
    props = {}
    if index == 0:
        props["FF"], props["GM"], props["SZ"] = ["4"], ["1"], [str(record["size"])]
        if record["handicap"]:
            props["HA"] = [str(record["handicap"])]
        for key, name in [("rules", "RU"), ("black_player", "PB"), ("white_player", "PW"), ("result", "RE"),
                          ("date", "DT")]:
            if record[key]:
                props[name] = [record[key]]
    for name in ("AB", "AW", "AE"):
        if node[name]:
            props[name] = node[name]
    if node["move"]:
        props[node["move"][0]] = [node["move"][1]]
    if node["comment"]:
        props["C"] = [node["comment"]]
    for name, values in node["other"]:
        assert name not in props, name
        props[name] = [unescape(v) for v in values]
    return props


def compare_with_sabaki(record, parsed, what):
    assert parsed["games"] == 1, what
    assert parsed["branches"] == 0, what
    assert len(parsed["nodes"]) == len(record["nodes"]), what
    for i, seen in enumerate(parsed["nodes"]):
        seen = dict(seen)
        want = expected_properties(record, i)
        if i == 0 and record["komi"] is not None:
            assert len(seen.get("KM", [])) == 1, f"{what}: KM {seen.get('KM')}"
            assert float(seen.pop("KM")[0]) == record["komi"], what
        assert seen == want, f"{what}: node {i}"


@pytest.fixture(scope="module")
def ours_written(tmp_path_factory):
    """Per seed: the random record our writer wrote (as sgf_tool printed it), its file,
    and what @sabaki/sgf parsed from that file (one node process for all)."""
    root = tmp_path_factory.mktemp("ours")
    paths = [root / f"ours-{seed}.sgf" for seed in SEEDS]
    records = [tool("random", seed, path) for seed, path in zip(SEEDS, paths)]
    parsed = sabaki("parse", *paths)
    return {seed: (record, path, p) for seed, record, path, p in zip(SEEDS, records, paths, parsed)}


@pytest.mark.parametrize("seed", SEEDS)
def test_sabaki_reads_what_we_write(ours_written, seed):
    record, path, parsed = ours_written[seed]
    compare_with_sabaki(record, parsed, f"seed {seed}")
    # And our reader agrees with what we meant to write.
    assert tool("json", path) == record


def normalized(data, size):
    """A @sabaki/sgf property map as our record keeps it: "tt" passes as "" (boards
    <= 19), KM as a number, and an empty comment or game-information text as none."""
    out = {}
    for name, values in data.items():
        if name in ("C", "RU", "PB", "PW", "RE", "DT") and values == [""]:
            continue
        if name in ("B", "W") and size <= 19 and values == ["tt"]:
            values = [""]
        if name == "KM":
            values = [float(values[0])]
        out[name] = values
    return out


def record_as_properties(record):
    """Our JSON of a record as @sabaki/sgf-style property maps per node."""
    nodes = []
    for i, _ in enumerate(record["nodes"]):
        props = expected_properties(record, i)
        if i == 0 and record["komi"] is not None:
            props["KM"] = [record["komi"]]
        nodes.append(props)
    return nodes


@pytest.fixture(scope="module")
def sabaki_written(tmp_path_factory):
    """Per seed: the main line @sabaki/sgf wrote (with variations) into its file, what
    our reader made of that file, and what @sabaki/sgf parsed from our rewrite of it."""
    root = tmp_path_factory.mktemp("sabaki")
    made = sabaki("make", root, *SEEDS)
    ours, rewrites = [], []
    for seed in SEEDS:
        path = root / f"sabaki-{seed}.sgf"
        ours.append(tool("json", path))
        rewrites.append(root / f"rewritten-{seed}.sgf")
        subprocess.run([TOOL, "rewrite", path, rewrites[-1]], check=True, timeout=60)
    reparsed = sabaki("parse", *rewrites)
    return {seed: values for seed, *values in zip(SEEDS, made, ours, reparsed)}


@pytest.mark.parametrize("seed", SEEDS)
def test_we_read_what_sabaki_writes(sabaki_written, seed):
    made, ours, reparsed = sabaki_written[seed]
    size = int(made["nodes"][0]["SZ"][0])
    want = [normalized(data, size) for data in made["nodes"]]
    assert record_as_properties(ours) == want, f"seed {seed}"
    # Our rewrite of @sabaki/sgf's file keeps the main line only; @sabaki/sgf reads it alike.
    compare_with_sabaki(ours, reparsed, f"rewrite of seed {seed}")


def test_broken_files_fail_with_byte_offsets(tmp_path):
    path = tmp_path / "broken.sgf"
    path.write_text("(;FF[4]SZ[9];B[ee];W[jj])")
    r = subprocess.run([TOOL, "json", path], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert r.stderr.strip() == f"sgf_tool: {path}: byte 20: bad move W[jj] on a 9x9 board"
