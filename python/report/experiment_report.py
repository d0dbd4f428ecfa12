"""The sections of an experiment's report (`traceplay run`'s run.json), each only when its
data exists: overview, loss curves, metrics with 95% intervals and paired differences,
bootstrapping steps, trace lengths against A*, and a few tasks drawn with their search."""
import html
import re
from pathlib import Path

from . import tables
from .draw_grid import task_figure
from .loss_curves import loss_figure
from .records import Dataset, read_jsonl
from .tokens import parse_events, parse_plan, parse_prompt, split_response
from .trace_lengths import trace_length_figure

TASKS_PER_ARM = 2
MAX_TASK_FIGURES = 8


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:40] or "x"


class ExperimentReport:
    def __init__(self, run, page, save):
        self.run, self.page, self.save = run, page, save
        self.arms = self.run.record.get("arms", [])
        self._datasets = {}

    def dataset(self, arm):
        directory = self.run.resolve(arm.get("dataset"))
        if directory is None or not (directory / "manifest.json").is_file():
            return None
        key = str(directory)
        if key not in self._datasets:
            dataset = Dataset(directory)
            test = {r["id"]: r for r in dataset.records("test")}
            self._datasets[key] = (dataset, test)
        return self._datasets[key]

    def build(self):
        self.overview()
        self.losses()
        self.metrics()
        self.bootstrap()
        self.trace_lengths()
        self.tasks()

    def overview(self):
        record = self.run.record
        self.page.section("Run", "run")
        build = record.get("build", {}) if isinstance(record.get("build"), dict) else {}
        facts = [("name", record.get("name")), ("status", record.get("status")), ("config", record.get("config_file")),
                 ("seed", (record.get("config") or {}).get("seed") if isinstance(record.get("config"), dict) else None),
                 ("start", record.get("start")), ("end", record.get("end")),
                 ("traceplay", build.get("traceplay")), ("git", build.get("git"))]
        rows = "".join(f"<tr><th>{k}</th><td>{html.escape(str(v))}</td></tr>" for k, v in facts if v is not None)
        self.page.raw(f'<table class="overview">{rows}</table>')
        arm_rows = "".join(
            f"<tr><th>{html.escape(str(a.get('name')))}</th><td>{html.escape(str(a.get('status')))}</td>"
            f"<td>{html.escape(str((a.get('dataset_summary') or {}).get('domain', '')))}</td>"
            f"{tables.cell((a.get('train') or {}).get('step'), 'train_step')}"
            f"{tables.cell((a.get('train') or {}).get('parameters'), 'parameters')}</tr>" for a in self.arms)
        if arm_rows:
            self.page.raw("<table class=\"arms\"><tr><th>arm</th><th>status</th><th>domain</th><th>steps trained</th>"
                          f"<th>parameters</th></tr>{arm_rows}</table>")

    def losses(self):
        fig = loss_figure(self.run)
        if fig is not None:
            self.page.section("Training and validation loss", "loss")
            self.page.image(self.save(fig, "loss.png"), "training and validation loss per arm")

    def metrics(self):
        rows = []
        for arm in self.arms:
            name = str(arm.get("name"))
            if isinstance(arm.get("eval"), dict):
                rows.append((name, arm["eval"]))
            for mode, summary in (arm.get("eval_modes") or {}).items():
                if isinstance(summary, dict):
                    rows.append((f"{name} {mode}", summary))
        if not rows:
            return
        self.page.section("Metrics", "metrics")
        self.page.raw(tables.metrics_table(rows))
        self.page.text("Rates in % over the evaluated tasks with Wilson 95% intervals; SWC and ILR with bootstrap "
                       "intervals over tasks; ILR as a ratio; trace tokens: mean per response.", note=True)
        comparisons = self.run.record.get("comparisons")
        if isinstance(comparisons, list) and comparisons:
            self.page.subheading("Paired differences between arms on the same tasks")
            self.page.raw(tables.comparisons_table(comparisons))

    def bootstrap(self):
        arms = [a for a in self.arms if isinstance(a.get("bootstrap"), list) and a["bootstrap"]]
        if not arms:
            return
        self.page.section("Bootstrapping steps", "bootstrap")
        for arm in arms:
            self.page.subheading(str(arm.get("name")))
            self.page.raw(tables.bootstrap_table(arm["bootstrap"]))

    def eval_dirs(self, arm):
        """(label, samples.jsonl's folder) for the arm's evaluation (one per Dualformer
        mode, "eval_dirs", slow first as it writes the longest traces) and, when
        bootstrapped, its last step's (evaluated beside that step's training)."""
        out = [(str(arm.get("name")), self.run.resolve(arm.get("eval_dir")))]
        modes = arm.get("eval_dirs") if isinstance(arm.get("eval_dirs"), dict) else {}
        for mode in sorted(modes, key=lambda m: (m != "slow", m)):
            out.append((f"{arm.get('name')} {mode}", self.run.resolve(modes[mode])))
        steps = [s for s in arm.get("bootstrap") or [] if isinstance(s, dict) and s.get("step")]
        if steps and isinstance(steps[-1].get("train"), dict) and steps[-1]["train"].get("out"):
            train = self.run.resolve(steps[-1]["train"]["out"])
            if train is not None:
                out.append((f"{arm.get('name')} bootstrap step {steps[-1]['step']}", train.parent / "eval-test"))
        return [(label, d) for label, d in out if d is not None and (d / "samples.jsonl").is_file()]

    def trace_lengths(self):
        figures = []
        for i, arm in enumerate(self.arms):
            data = self.dataset(arm)
            if data is None:
                continue
            mode = ((arm.get("config") or {}).get("model") or {}).get("mode")
            if mode == "solution-only":
                continue  # no trace to compare: whatever it writes before `plan` is noise
            astar = {rid: len(r["trace"]) for rid, r in data[1].items()}
            for k, (label, directory) in enumerate(self.eval_dirs(arm)):
                fig = trace_length_figure(label, read_jsonl(directory / "samples.jsonl"), astar)
                if fig is not None:
                    figures.append((self.save(fig, f"trace-lengths-{i}-{k}-{slug(label)}.png"), label))
        if figures:
            self.page.section("Trace lengths: model against A*", "trace-lengths")
            for name, label in figures:
                self.page.image(name, f"trace length histogram of {label} against A*")

    def tasks(self):
        drawn = []
        shown_datasets = set()
        for i, arm in enumerate(self.arms):
            data = self.dataset(arm)
            if data is None or data[0].domain not in ("maze", "sokoban"):
                continue
            dataset, test = data
            evals = self.eval_dirs(arm)
            samples = read_jsonl(evals[0][1] / "samples.jsonl") if evals else []
            first = {}
            for s in samples:
                if s.get("id") in test and s["id"] not in first and isinstance(s.get("tokens"), list):
                    first[s["id"]] = s
            if samples:
                chosen = list(first.items())[:TASKS_PER_ARM]
            elif str(dataset.dir) not in shown_datasets:
                chosen = [(rid, None) for rid in list(test)[:TASKS_PER_ARM]]  # a dataset-only arm: A* alone
            else:
                chosen = []
            shown_datasets.add(str(dataset.dir))
            for rid, sample in chosen:
                if len(drawn) >= MAX_TASK_FIGURES:
                    break
                record = test[rid]
                layout = parse_prompt(dataset.domain, record["prompt_tokens"])
                panels = [("A* (dataset trace and plan)", parse_events(record["trace_tokens"]), parse_plan(record["plan_tokens"]))]
                if sample is not None:
                    trace, plan = split_response(sample["tokens"])
                    verdict = "optimal" if sample.get("optimal") else "correct" if sample.get("correct") else "wrong"
                    panels.append((f"model {evals[0][0]}, sample {sample.get('sample', 0)} ({verdict})",
                                   parse_events(trace), parse_plan(plan)))
                title = f"{arm.get('name')}: {dataset.domain} task {rid}"
                fig = task_figure(layout, dataset.width, dataset.height, panels, title)
                drawn.append((self.save(fig, f"task-{i}-{rid}.png"), title))
        if drawn:
            self.page.section("Tasks drawn with their search", "tasks")
            self.page.text("Blue: cells the search closed (darker: closed more often); orange squares: the frontier "
                           "(created, never closed); red: the plan. Sokoban cells are the worker's.", note=True)
            for name, title in drawn:
                self.page.image(name, title)
