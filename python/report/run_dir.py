"""A run directory as the report sees it: an experiment of `traceplay run` (run.json) or a
self-play run of `traceplay selfplay` (selfplay.json beside models/, elo.jsonl,
progress.jsonl; DESIGN.md, "Interfaces")."""
from pathlib import Path

from .errors import ReportError
from .records import read_json


class RunDir:
    def __init__(self, path: Path):
        if not path.exists():
            raise ReportError(f"run directory {path} does not exist")
        if not path.is_dir():
            raise ReportError(f"{path} is not a directory")
        self.path = path
        if (path / "run.json").exists():
            self.kind = "experiment"
            self.record = read_json(path / "run.json", "run record")
            arms = self.record.get("arms", [])
            if not isinstance(arms, list) or not all(isinstance(a, dict) for a in arms):
                raise ReportError(f"run record {path / 'run.json'} is damaged: \"arms\" is not a list of objects")
        elif (path / "selfplay.json").exists():
            self.kind = "selfplay"
            self.record = read_json(path / "selfplay.json", "self-play config")
        else:
            raise ReportError(f"{path} is not a run directory (no run.json or selfplay.json)")
        self.name = str(self.record.get("name", path.name))

    def resolve(self, recorded):
        """A path run.json recorded relative to where `traceplay run` ran (such as
        "runs/learn/solution-only/train"): found inside this directory by dropping leading
        parts, so a run directory that was moved or copied still finds its files."""
        if not recorded or not isinstance(recorded, str):
            return None
        p = Path(recorded)
        if p.is_absolute() and p.exists():
            return p
        parts = p.parts
        for i in range(len(parts)):
            candidate = self.path.joinpath(*parts[i:])
            if candidate.exists():
                return candidate
        return None
