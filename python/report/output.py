"""Writing the report without ever leaving half of one: every file is made in a temporary
folder beside the output, then moved in, the images first and report.html last, each by
one rename. A new output folder is the temporary folder renamed whole. A failure removes
the temporary folder and leaves the output as it was."""
import os
import shutil
import tempfile
from pathlib import Path

from .errors import ReportError


def _existing_ancestor(path: Path) -> Path:
    for candidate in [path, *path.parents]:
        if candidate.exists():
            return candidate
    return Path("/")


def check_out(out: Path):
    """Refuses an output that is a file, or under one, before anything is made."""
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} is a file, not a folder")
    base = _existing_ancestor(out)
    if not base.is_dir():
        raise ReportError(f"--out {out}: {base} is a file, not a folder")
    if not os.access(base, os.W_OK | os.X_OK):
        raise ReportError(f"--out {out}: cannot write in {base}")


class Staging:
    """The temporary folder the figures and the page are written into."""

    def __init__(self, out: Path):
        self.out = out
        self.dir = Path(tempfile.mkdtemp(prefix=".report-tmp-", dir=_existing_ancestor(out.parent if not out.exists() else out)))

    def path(self, name: str) -> Path:
        return self.dir / name

    def commit(self, page_name: str):
        if not self.out.exists():
            self.out.parent.mkdir(parents=True, exist_ok=True)
            os.rename(self.dir, self.out)
            return
        names = sorted(p.name for p in self.dir.iterdir() if p.name != page_name) + [page_name]
        for name in names:
            os.replace(self.dir / name, self.out / name)
        self.dir.rmdir()

    def discard(self):
        shutil.rmtree(self.dir, ignore_errors=True)
