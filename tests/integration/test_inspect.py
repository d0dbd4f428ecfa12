"""`traceplay inspect`: the summary and the first records decoded back to tokens, and a
clear exit-2 error naming the file for a corrupt, truncated or missing shard, a missing
manifest or a malformed one."""

import io
import json
import os
import shutil
import subprocess

import pytest
import zstandard

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")


def inspect(*args):
    return subprocess.run([BIN, "inspect", *map(str, args)], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("inspect") / "maze"
    subprocess.run([BIN, "gen", "--out", str(out), "--domain", "maze", "--width", "9", "--height", "7",
                    "--count", "700", "--seed", "4", "--shard-records", "300", "--threads", "2"],
                   check=True, capture_output=True, timeout=120)
    return out


@pytest.fixture
def copy(dataset, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(dataset, target)
    return target


def test_text_summary_and_records(dataset):
    result = inspect(dataset, "--records", "3")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((dataset / "manifest.json").read_text())
    out = result.stdout
    assert "train %d, test %d" % (manifest["counts"]["train"], manifest["counts"]["test"]) in out
    assert "%d tokens" % len(manifest["vocabulary"]) in out
    assert "all verified" in out
    for shard in manifest["shards"]:
        assert shard["file"] in out and shard["xxh64"] in out
    assert out.count("\ntrain record ") == 3
    assert "  prompt (" in out and "  plan (" in out and "start " in out and "plan " in out


def test_json_records_decode_to_the_shard_contents(dataset):
    result = inspect(dataset, "--records", "4", "--json", "--split", "test")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    manifest = json.loads((dataset / "manifest.json").read_text())
    assert summary["counts"] == manifest["counts"]
    assert summary["lengths"] == manifest["lengths"]
    assert summary["shards"] == manifest["shards"]
    assert summary["vocabulary_size"] == len(manifest["vocabulary"])
    assert summary["split"] == "test" and summary["verified"] is True
    assert len(summary["records"]) == 4

    # The same records, decoded independently from the first test shard.
    first_test = next(s["file"] for s in manifest["shards"] if s["file"].startswith("test-"))
    data = (dataset / first_test).read_bytes()
    lines = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read().decode().splitlines()
    vocabulary = manifest["vocabulary"]
    for shown, line in zip(summary["records"], lines):
        record = json.loads(line)
        assert shown["id"] == record["id"] and shown["layout"] == record["layout"]
        for key in ("prompt", "trace", "plan"):
            assert shown[key] == [vocabulary[i] for i in record[key]]
        assert shown["meta"] == record["meta"]


def test_records_zero_and_more_than_there_are(dataset):
    result = inspect(dataset, "--records", "0", "--json")
    assert json.loads(result.stdout.splitlines()[-1])["records"] == []
    manifest = json.loads((dataset / "manifest.json").read_text())
    result = inspect(dataset, "--records", "100000", "--json", "--split", "test")
    assert len(json.loads(result.stdout.splitlines()[-1])["records"]) == manifest["counts"]["test"]


def assert_fails_naming(result, name):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("traceplay: "), result.stderr
    assert name in lines[0], lines[0]
    assert "internal error" not in lines[0]


def test_corrupt_shard_is_named(copy):
    victim = copy / "train-00001.jsonl.zst"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x10
    victim.write_bytes(bytes(data))
    assert_fails_naming(inspect(copy), str(victim))


def test_truncated_shard_is_named(copy):
    manifest = json.loads((copy / "manifest.json").read_text())
    victim = copy / next(s["file"] for s in manifest["shards"] if s["file"].startswith("test-"))
    victim.write_bytes(victim.read_bytes()[:-7])
    result = inspect(copy, "--records", "0")
    assert_fails_naming(result, str(victim))
    assert "truncated" in result.stderr


def test_missing_shard_is_named(copy):
    (copy / "train-00002.jsonl.zst").unlink()
    assert_fails_naming(inspect(copy), "train-00002.jsonl.zst")


def test_wrong_count_is_named(copy):
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["shards"][0]["records"] += 1
    manifest["counts"]["train"] += 1
    (copy / "manifest.json").write_text(json.dumps(manifest))
    result = inspect(copy)
    assert_fails_naming(result, manifest["shards"][0]["file"])


def test_missing_and_malformed_manifest(copy, tmp_path):
    assert_fails_naming(inspect(tmp_path / "nowhere"), "manifest.json")
    (copy / "manifest.json").write_text('{"format": "traceplay-dataset", ')
    assert_fails_naming(inspect(copy), str(copy / "manifest.json"))
    (copy / "manifest.json").write_text('{"format": "traceplay-dataset", "version": 1}')
    result = inspect(copy)
    assert_fails_naming(result, str(copy / "manifest.json"))
    assert '"domain" is missing' in result.stderr


def test_bad_split_is_refused(dataset):
    assert_fails_naming(inspect(dataset, "--split", "valid"), "--split")
