"""Reading the run's files: JSON documents, JSON Lines, and the zstd JSON Lines shards of a
dataset (DESIGN.md, "Data"), with the manifest's vocabulary to turn token ids into strings."""
import json
from pathlib import Path

import zstandard

from .errors import ReportError


def read_json(path: Path, what: str):
    """A JSON document that must be there and whole (run.json, selfplay.json)."""
    try:
        text = path.read_text()
    except OSError as e:
        raise ReportError(f"cannot read {what} {path}: {e.strerror or e}") from None
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ReportError(f"{what} {path} is damaged: {e}") from None
    if not isinstance(value, dict):
        raise ReportError(f"{what} {path} is damaged: not a JSON object")
    return value


def read_jsonl(path: Path):
    """The objects of a JSON Lines file written as the run went (metrics.jsonl,
    samples.jsonl, elo.jsonl, progress.jsonl). A missing file is no data; a last line cut
    by a kill is skipped, as the writers themselves do when they resume."""
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            out.append(value)
    return out


def read_shard(path: Path):
    """The records of one zstd JSON Lines shard; a damaged one is bad input."""
    try:
        with path.open("rb") as f:
            text = zstandard.ZstdDecompressor().stream_reader(f).read().decode()
        return [json.loads(line) for line in text.splitlines() if line]
    except (OSError, zstandard.ZstdError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ReportError(f"shard {path} is damaged or unreadable: {e}") from None


class Dataset:
    """A dataset directory: its manifest and, on demand, its records with tokens as strings."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.manifest = read_json(directory / "manifest.json", "dataset manifest")
        self.vocabulary = self.manifest.get("vocabulary", [])
        self.domain = self.manifest.get("domain", "")
        params = self.manifest.get("params", {})
        self.width = int(params.get("width", 0))
        self.height = int(params.get("height", 0))

    def decode(self, ids):
        return [self.vocabulary[i] for i in ids]

    def records(self, split: str):
        """Every record of a split, in shard order, with "prompt", "trace", "plan" decoded."""
        for shard in self.manifest.get("shards", []):
            if shard["file"].startswith(split + "-"):
                for record in read_shard(self.dir / shard["file"]):
                    for part in ("prompt", "trace", "plan"):
                        record[part + "_tokens"] = self.decode(record[part])
                    yield record
