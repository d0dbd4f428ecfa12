# traceplay.data: vocabularies, dataset generation (the same bytes as `traceplay gen`),
# readers (records, batches, arrays) and the torch Dataset adapter.
import json
import os
import subprocess

import numpy as np
import pytest

from traceplay import data, games, search

TRACEPLAY = os.environ.get("TRACEPLAY_BIN")


def test_vocabulary():
    v = data.Vocabulary.from_tokens(["b", "a", "c10", "c2"])
    assert v.tokens == ["bos", "eos", "a", "b", "c10", "c2"] and len(v) == 6
    ids = v.encode(["a", "c2"])
    assert ids.dtype == np.int32 and list(ids) == [2, 5]
    assert v.decode(ids) == ["a", "c2"] and v.find("zz") == -1 and v.token(1) == "eos"
    with pytest.raises(ValueError, match='"zz" is not in the vocabulary'):
        v.encode(["zz"])
    with pytest.raises(ValueError, match="outside the vocabulary"):
        v.decode([99])
    with pytest.raises(IndexError):
        v.token(-1)
    with pytest.raises(ValueError):
        data.Vocabulary.from_list(["a", "bos", "eos"])
    mv = data.maze_vocabulary(10, 10)
    r = search.astar_maze(games.generate_mazes(10, 10, seed=1)[0])
    assert mv.decode(mv.encode(r.trace)) == r.trace


@pytest.fixture(scope="module")
def maze_dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("d") / "maze8"
    summary = data.generate(str(out), "maze", size=8, count=120, seed=5, shard_records=50, threads=2)
    assert summary["status"] == "built"
    return out


def test_generate_and_read(maze_dataset):
    ds = data.Dataset(str(maze_dataset))
    assert ds.domain == "maze" and ds.count("train") + ds.count("test") == 120
    assert ds.manifest["counts"] == {"train": ds.count("train"), "test": ds.count("test")}
    ds.verify(records=True)
    records = list(ds.records("train", batch_size=7))
    assert len(records) == ds.count("train")
    r = records[0]
    assert len(r.id) == 16 and len(r.layout) == 16 and isinstance(r.meta, dict)
    for part in (r.prompt, r.trace, r.plan):
        assert part.dtype == np.int32 and part.ndim == 1 and not part.flags.owndata  # a view, no copy
    tokens = ds.decode(r)
    assert tokens["prompt"][0] == "start" and tokens["plan"][0] == "plan"
    assert data.hash_tokens(tokens["prompt"]) == r.id
    batches = list(ds.batches("train", batch_size=50))
    assert [len(b) for b in batches][:-1] == [50] * (len(batches) - 1)
    assert [b.id for batch in batches for b in batch] == [x.id for x in records]
    assert [x.id for x in ds.read_all("test")] == [x.id for x in ds.records("test")]
    a = ds.arrays("train")
    for part in ("prompt", "trace", "plan"):
        offsets = a[part + "_offsets"]
        assert a[part].dtype == np.int32 and offsets.dtype == np.int64 and offsets.shape == (len(records) + 1,)
        assert a[part].shape == (offsets[-1],)
        k = len(records) // 2
        assert list(a[part][offsets[k]:offsets[k + 1]]) == list(getattr(records[k], part))
    line = json.loads(records[3].json_line())
    assert line["id"] == records[3].id and line["trace"] == list(records[3].trace)


def test_records_keep_the_trace_of_astar(maze_dataset):
    ds = data.Dataset(str(maze_dataset))
    r = next(iter(ds.records("train")))
    tokens = ds.decode(r)
    # Rebuild the task from the prompt and trace it again in Python.
    p = tokens["prompt"]
    walls = [(int(p[i + 1]), int(p[i + 2])) for i in range(6, len(p), 3)]
    task = games.MazeTask(8, 8, start=(int(p[1]), int(p[2])), goal=(int(p[4]), int(p[5])), walls=walls)
    again = search.astar_maze(task)
    assert again.trace == tokens["trace"] and again.plan_tokens == tokens["plan"]


def test_data_errors(tmp_path):
    with pytest.raises(ValueError, match="manifest.json"):
        data.Dataset(str(tmp_path / "none"))
    with pytest.raises(ValueError, match="domain"):
        data.generate(str(tmp_path / "x"), "chess", size=5, count=3)
    with pytest.raises(ValueError):
        data.generate(str(tmp_path / "x"), "maze", size=-4, count=3)
    with pytest.raises(ValueError):
        data.generate(str(tmp_path / "x"), "maze", size=5, count=0)
    with pytest.raises(ValueError, match="seed"):
        data.generate(str(tmp_path / "x"), "maze", size=5, count=3, seed=-1)
    assert not (tmp_path / "x" / "manifest.json").exists()


def test_split_names_are_checked(maze_dataset):
    ds = data.Dataset(str(maze_dataset))
    with pytest.raises(ValueError, match="validation"):
        ds.records("validation")
    with pytest.raises(ValueError, match="batch_size"):
        ds.batches("train", batch_size=0)


def without_created_by(manifest_path):
    m = json.loads(manifest_path.read_text())
    m.pop("created_by", None)
    return m


@pytest.mark.skipif(not TRACEPLAY, reason="TRACEPLAY_BIN not set")
@pytest.mark.parametrize("domain,args", [("maze", {"size": 7}), ("sokoban", {})])
def test_same_bytes_as_gen(tmp_path, domain, args):
    py_dir, cli_dir = tmp_path / "py", tmp_path / "cli"
    data.generate(str(py_dir), domain, count=40, seed=11, shard_records=15, threads=2, **args)
    flags = [f"--{k}={v}" for k, v in args.items()]
    subprocess.run([TRACEPLAY, "gen", "--domain", domain, *flags, "--count", "40", "--seed", "11",
                    "--shard-records", "15", "--threads", "1", "--out", str(cli_dir)],
                   check=True, capture_output=True)
    py_files = sorted(p.name for p in py_dir.iterdir())
    assert py_files == sorted(p.name for p in cli_dir.iterdir())
    shards = [f for f in py_files if f.endswith(".jsonl.zst")]
    assert len(shards) >= 3
    for f in shards:
        assert (py_dir / f).read_bytes() == (cli_dir / f).read_bytes(), f
    assert without_created_by(py_dir / "manifest.json") == without_created_by(cli_dir / "manifest.json")


def test_torch_dataset_adapter(maze_dataset):
    torch = pytest.importorskip("torch")
    import traceplay_torch

    ds = traceplay_torch.TraceDataset(str(maze_dataset), split="train")
    reader = data.Dataset(str(maze_dataset))
    assert len(ds) == reader.count("train")
    item = ds[3]
    record = reader.read_all("train")[3]
    assert item["trace"].dtype == torch.int64 and item["trace"].tolist() == list(record.trace)
    assert ds[-1]["plan"].tolist() == list(reader.read_all("train")[-1].plan)
    with pytest.raises(IndexError):
        ds[len(ds)]
    loader = torch.utils.data.DataLoader(ds, batch_size=4, collate_fn=lambda items: items)
    assert sum(len(b) for b in loader) == len(ds)


def test_ctrl_c_keeps_finished_shards_and_pythons_handler(tmp_path):
    # gen's own SIGINT handler runs during generate(); afterwards Python's is back, and
    # the interruption is a KeyboardInterrupt with finished shards kept (no manifest).
    import signal
    import sys
    import time

    out = tmp_path / "big"
    script = (
        "import signal, sys, traceplay\n"
        "try:\n"
        f"    traceplay.data.generate({str(out)!r}, 'maze', size=20, count=10**7, seed=1, shard_records=500)\n"
        "    print('finished')\n"
        "except KeyboardInterrupt as e:\n"
        "    print('interrupted:', e)\n"
        "print('handler restored:', signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)
    deadline = time.monotonic() + 60
    while not list(out.glob("train-*.jsonl.zst")) and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == 0, stderr
    assert "interrupted: dataset generation interrupted" in stdout
    assert "handler restored: True" in stdout
    assert not (out / "manifest.json").exists() and list(out.glob("train-*.jsonl.zst"))
