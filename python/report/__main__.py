"""`traceplay report RUN_DIR [--out DIR]` (apps/cmd_report.cpp execs Debian's
/usr/bin/python3 on this folder): one self-contained HTML page (its figures embedded,
their PNG files also written beside it) for an experiment run (run.json) or a self-play
run (selfplay.json). Prints the page's path.
Exit 2 with one line for bad input (no run directory, a damaged record, an --out that is
a file), 1 for an internal error, 130/143 on SIGINT/SIGTERM; whichever, nothing is left
half-written."""
import argparse
import signal
import sys
from pathlib import Path

# Run as `python3 python/report`: the folder above makes `report` a package to import.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # files only, never a display

from report.errors import ReportError  # noqa: E402
from report.experiment_report import ExperimentReport  # noqa: E402
from report.output import Staging, check_out  # noqa: E402
from report.page import Page  # noqa: E402
from report.run_dir import RunDir  # noqa: E402
from report.selfplay_report import SelfplayReport  # noqa: E402

PAGE = "report.html"


class QuietParser(argparse.ArgumentParser):
    def error(self, message):
        raise ReportError(message)


def write_report(run_dir: Path, out: Path) -> Path:
    run = RunDir(run_dir)
    check_out(out)
    staging = Staging(out)
    try:
        page = Page(f"traceplay report: {run.name}", staging.dir)

        def save(fig, name):
            fig.savefig(staging.path(name))
            return name

        (ExperimentReport if run.kind == "experiment" else SelfplayReport)(run, page, save).build()
        staging.path(PAGE).write_text(page.render())
        staging.commit(PAGE)
    except BaseException:
        staging.discard()
        raise
    return out / PAGE


def main(argv):
    # SIGTERM unwinds as Ctrl-C does (the temporary folder removed), exit 143.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = QuietParser(prog="traceplay report", add_help=False)
    parser.add_argument("run_dir")
    parser.add_argument("--out")
    try:
        args = parser.parse_args(argv)
        run_dir = Path(args.run_dir)
        out = Path(args.out) if args.out else run_dir / "report"
        print(write_report(run_dir, out))
        return 0
    except ReportError as e:
        print(f"traceplay: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug here must still be one line, not a traceback
        print(f"traceplay: internal error in the report: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
