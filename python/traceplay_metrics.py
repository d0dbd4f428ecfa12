"""The paper's metrics recomputed in Python from an evaluation directory (`traceplay eval`
or a `traceplay run` arm's eval-<split>/): samples.jsonl, eval.json and the dataset's test
records. The same definitions as the command line (DESIGN.md, "Metrics" and "Summaries";
models/eval_metrics.h, core/intervals.h), so the same samples give the same summary.json,
intervals included: the bootstrap draws from a Python port of core/rng.h's generator.

    import traceplay_metrics as tm
    ev = tm.load_eval("runs/default/search-augmented/eval-test")
    summary = tm.compute_metrics(ev.tasks, ev.with_ilr)      # summary.json's keys
    per_task = [tm.score_task(t) for t in ev.tasks]          # solved, optimal, swc, ilr_*

Computing t* (the mean trace length of non-deterministic A* on a task, for ILR) needs the
`traceplay` module (traceplay.search); everything else is plain Python."""
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

Z95 = 1.959964   # core/intervals.h kZ95
RESAMPLES = 2000  # the bootstrap's B and seed (DESIGN.md, "Summaries")
SEED = 1
_MASK = (1 << 64) - 1


# --- core/rng.h: xoshiro256** seeded through splitmix64, Lemire's bounded integers ---

def _splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & _MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return state, z ^ (z >> 31)


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & _MASK


class Rng:
    """traceplay::Rng: the same stream as the C++ generator for the same seed."""

    def __init__(self, seed=0):
        x = seed & _MASK
        self.s = []
        for _ in range(4):
            x, word = _splitmix64(x)
            self.s.append(word)

    @classmethod
    def stream(cls, seed, k):
        """Rng::stream(seed, k): independent stream k of a seed."""
        _, a = _splitmix64(seed & _MASK)
        _, c = _splitmix64((k ^ 0x6A09E667F3BCC909) & _MASK)
        return cls(a ^ ((c * 0x9E3779B97F4A7C15) & _MASK) ^ (((k << 1) | 1) & _MASK))

    def next(self):
        s = self.s
        result = (_rotl((s[1] * 5) & _MASK, 7) * 9) & _MASK
        t = (s[1] << 17) & _MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def below(self, bound):
        """Uniform in [0, bound), bound > 0."""
        m = self.next() * bound
        low = m & _MASK
        if low < bound:
            threshold = ((1 << 64) - bound) % bound
            while low < threshold:
                m = self.next() * bound
                low = m & _MASK
        return m >> 64


# --- core/intervals.h ---

def wilson_interval(successes, trials, z=Z95):
    """Wilson score interval of k successes in n trials, [0, 1] for n = 0."""
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError(f"wilson_interval: need 0 <= successes <= trials, got {successes} of {trials}")
    if trials == 0:
        return [0.0, 1.0]
    n = float(trials)
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denominator
    half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)) ** 0.5
    lo = 0.0 if successes == 0 else max(0.0, center - half)
    hi = 1.0 if successes == trials else min(1.0, center + half)
    return [lo, hi]


def _quantile(sorted_values, q):
    h = (len(sorted_values) - 1) * q
    below = int(h // 1)
    if below + 1 >= len(sorted_values):
        return sorted_values[-1]
    return sorted_values[below] + (h - below) * (sorted_values[below + 1] - sorted_values[below])


def bootstrap_mean_interval(values, resamples=RESAMPLES, seed=SEED):
    """Percentile bootstrap 95% interval of the mean of per-task values."""
    if not values:
        raise ValueError("bootstrap_mean_interval: no values")
    if resamples < 1:
        raise ValueError(f"bootstrap_mean_interval: resamples must be at least 1, got {resamples}")
    n = len(values)
    rng = Rng(seed)
    means = []
    for _ in range(resamples):
        total = 0.0
        for _ in range(n):  # summed in draw order, as the C++ loop does (same rounding)
            total += values[rng.below(n)]
        means.append(total / n)
    means.sort()
    return [_quantile(means, 0.025), _quantile(means, 0.975)]


# --- models/eval_metrics.h ---

@dataclass
class SampleOutcome:
    correct: bool
    optimal: bool
    trace_tokens: int
    plan_positions: int


@dataclass
class TaskOutcome:
    id: str                                   # the record id, 16 hex
    reference_plan_positions: int             # l*: the dataset's plan
    astar_trace_tokens: Optional[float] = None  # t*: mean over the A* runs (None: not measured)
    samples: List[SampleOutcome] = field(default_factory=list)


@dataclass
class TaskScores:
    solved: bool
    optimal: bool
    swc: float
    ilr_solved: Optional[float]
    ilr_optimal: Optional[float]


def _length_ratio(task, qualifies):
    lengths = [s.trace_tokens for s in task.samples if qualifies(s)]
    if not lengths:
        return 0.0
    total = 0.0
    for t in lengths:
        total += t
    return task.astar_trace_tokens / max(total / len(lengths), 1.0)  # an empty trace counts as 1 token


def score_task(task, index=0):
    """One task's share of each metric (the summary's values are their means)."""
    if not task.samples:
        raise ValueError(f"task {index} has no samples")
    if task.reference_plan_positions <= 0:
        raise ValueError(f"task {index} has no reference plan")
    correct = [s.plan_positions for s in task.samples if s.correct]
    if any(s.optimal and not s.correct for s in task.samples):
        raise ValueError(f"task {index}: optimal but not correct")
    swc = 0.0
    if correct:
        reference = float(task.reference_plan_positions)
        swc = reference / max(float(min(correct)), reference)
    ilr_solved = ilr_optimal = None
    if task.astar_trace_tokens is not None:
        ilr_solved = _length_ratio(task, lambda s: s.correct)
        ilr_optimal = _length_ratio(task, lambda s: s.optimal)
    return TaskScores(bool(correct), any(s.optimal for s in task.samples), swc, ilr_solved, ilr_optimal)


def _mean(values):
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


def compute_metrics(tasks, with_ilr):
    """The pinned summary object (summary.json's keys, in order) of the tasks' outcomes.
    `with_ilr`: False for solution-only models and Dualformer's fast mode."""
    out = {"tasks": len(tasks), "samples": 0}
    if not tasks:
        out.update({"solved": 0.0, "solved_ci95": [0.0, 1.0], "optimal": 0.0, "optimal_ci95": [0.0, 1.0],
                    "solved_per_sample": 0.0, "solved_per_sample_ci95": [0.0, 1.0], "optimal_per_sample": 0.0,
                    "optimal_per_sample_ci95": [0.0, 1.0], "swc": 0.0, "swc_ci95": None, "ilr_solved": None,
                    "ilr_solved_ci95": None, "ilr_optimal": None, "ilr_optimal_ci95": None,
                    "mean_trace_tokens": 0.0, "mean_astar_trace_tokens": None})
        return out
    scores = [score_task(t, i) for i, t in enumerate(tasks)]
    samples = [s for t in tasks for s in t.samples]
    n, total = len(tasks), len(samples)
    solved = sum(s.solved for s in scores)
    optimal = sum(s.optimal for s in scores)
    correct_samples = sum(s.correct for s in samples)
    optimal_samples = sum(s.optimal for s in samples)
    trace_sum = 0.0
    for s in samples:
        trace_sum += s.trace_tokens
    have_astar = all(t.astar_trace_tokens is not None for t in tasks)
    swc = [s.swc for s in scores]
    ilr_on = have_astar and with_ilr
    astar_sum = 0.0
    if have_astar:
        for t in tasks:
            astar_sum += t.astar_trace_tokens
    out.update({
        "samples": max(len(t.samples) for t in tasks),
        "solved": solved / n,
        "solved_ci95": wilson_interval(solved, n),
        "optimal": optimal / n,
        "optimal_ci95": wilson_interval(optimal, n),
        "solved_per_sample": correct_samples / total,
        "solved_per_sample_ci95": wilson_interval(correct_samples, total),
        "optimal_per_sample": optimal_samples / total,
        "optimal_per_sample_ci95": wilson_interval(optimal_samples, total),
        "swc": _mean(swc),
        "swc_ci95": bootstrap_mean_interval(swc),
        "ilr_solved": _mean([s.ilr_solved for s in scores]) if ilr_on else None,
        "ilr_solved_ci95": bootstrap_mean_interval([s.ilr_solved for s in scores]) if ilr_on else None,
        "ilr_optimal": _mean([s.ilr_optimal for s in scores]) if ilr_on else None,
        "ilr_optimal_ci95": bootstrap_mean_interval([s.ilr_optimal for s in scores]) if ilr_on else None,
        "mean_trace_tokens": trace_sum / total,
        "mean_astar_trace_tokens": astar_sum / n if have_astar else None,
    })
    return out


# --- reading an evaluation directory ---

def read_samples(path):
    """samples.jsonl's lines as dicts (only newline-terminated lines count, as the writer's
    resume does). A line that is not a sample line is a ValueError naming it."""
    text = Path(path).read_text()
    lines = text.split("\n")[:-1]  # the part after the last newline is a torn line
    out = []
    keys = ("id", "sample", "trace_tokens", "plan_positions", "correct", "optimal")
    for number, line in enumerate(lines, 1):
        try:
            value = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}:{number}: not JSON: {e}") from None
        if not isinstance(value, dict) or any(k not in value for k in keys):
            raise ValueError(f"{path}:{number}: not a sample line (needs {', '.join(keys)})")
        out.append(value)
    return out


@dataclass
class Evaluation:
    dir: Path
    params: dict             # eval.json's "parameters"
    summary: Optional[dict]  # summary.json as the command line wrote it (None before it finished)
    data_dir: Path
    domain: str
    with_ilr: bool
    tasks: List[TaskOutcome]


def task_of_prompt(domain, prompt, width, height):
    """A dataset prompt (token strings) as the `traceplay` module's task: a MazeTask
    (`start x y goal x y wall x y ...`) or a SokobanLevel (`worker x y box x y dock x y
    wall x y ...`), as models/response_check.cpp builds them. ValueError when malformed."""
    from traceplay import games
    cells = {"wall": [], "box": [], "dock": [], "start": [], "goal": [], "worker": []}
    if len(prompt) % 3:
        raise ValueError(f"a {domain} prompt is triples of tokens; got {len(prompt)} tokens")
    for i in range(0, len(prompt), 3):
        if prompt[i] not in cells or not (prompt[i + 1].isdigit() and prompt[i + 2].isdigit()):
            raise ValueError(f"{domain} prompt token {i}: expected a keyword and two numbers, got "
                             f"{' '.join(prompt[i:i + 3])!r}")
        cells[prompt[i]].append((int(prompt[i + 1]), int(prompt[i + 2])))
    if domain not in ("maze", "sokoban"):
        raise ValueError(f"domain {domain!r} has no plan checker")
    if domain == "maze" and (len(cells["start"]) != 1 or len(cells["goal"]) != 1):
        raise ValueError("a maze prompt needs one start and one goal")
    if domain == "sokoban" and len(cells["worker"]) != 1:
        raise ValueError(f"a Sokoban prompt needs one worker, got {len(cells['worker'])}")
    if domain == "maze":
        return games.MazeTask(width, height, cells["start"][0], cells["goal"][0], cells["wall"])
    rows = [[" "] * width for _ in range(height)]
    for x, y in cells["wall"]:
        rows[y][x] = "#"
    for x, y in cells["dock"]:
        rows[y][x] = "."
    for x, y in cells["box"]:
        rows[y][x] = "*" if rows[y][x] == "." else "$"
    (wx, wy), = cells["worker"]
    rows[wy][wx] = "+" if rows[wy][wx] == "." else "@"
    return games.SokobanLevel(["".join(r) for r in rows])


def astar_trace_tokens(domain, task, task_id, runs):
    """t*: the mean trace length of `runs` non-deterministic A* runs; run r is seeded by
    Rng.stream(task id, r).next() (models/astar_reference.h)."""
    from traceplay import search
    run = search.astar_maze if domain == "maze" else search.astar_sokoban
    total = 0.0
    for r in range(runs):
        result = run(task, deterministic=False, seed=Rng.stream(int(task_id, 16), r).next())
        if not result.solved:
            raise ValueError(f"non-deterministic A* run {r} did not solve task {task_id}")
        total += len(result.trace)
    return total / runs


def resolve_recorded(recorded, near):
    """A path a run recorded relative to where the command ran (eval.json's "data",
    run.json's "eval_dir", such as "runs/nb/data-maze-46c2e66c"): as it is, else found
    below `near` or one of its ancestors by dropping leading parts, so a moved or copied
    run still finds its files. None when nothing matches."""
    if not recorded:
        return None
    p = Path(recorded)
    if p.exists():
        return p
    near = Path(near).resolve()
    for i in range(len(p.parts)):
        for base in (near, *near.parents):
            candidate = base.joinpath(*p.parts[i:])
            if candidate.exists():
                return candidate
    return None


def load_eval(eval_dir, data_dir=None, astar_runs=None):
    """An evaluation directory's tasks with their outcomes, l* from the dataset and t* from
    A* (eval.json's astar_runs unless given; 0: no t*, as the command line). The dataset is
    the one eval.json names (pass data_dir= when it has moved elsewhere)."""
    from traceplay import data
    eval_dir = Path(eval_dir)
    for name in ("eval.json", "samples.jsonl"):
        if not (eval_dir / name).is_file():
            raise ValueError(f"{eval_dir} is not a finished evaluation directory: it has no {name}")
    summary_path = eval_dir / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.is_file() else None
    stored = json.loads((eval_dir / "eval.json").read_text())
    params = stored["parameters"]
    if data_dir is None:
        data_dir = resolve_recorded(stored.get("data"), eval_dir)
        if data_dir is None:
            raise ValueError(f"cannot find the dataset {stored.get('data')!r} of {eval_dir}: pass data_dir=")
    data_dir = Path(data_dir)
    dataset = data.Dataset(str(data_dir))
    domain = dataset.domain
    manifest_params = dataset.manifest.get("params", {})
    runs = params["astar_runs"] if astar_runs is None else astar_runs
    # eval.json's "mode" is the model's; its parameters' "mode" Dualformer's (fast writes no trace).
    with_ilr = stored.get("mode") == "search-augmented" and params.get("mode", "") != "fast"

    lines = read_samples(eval_dir / "samples.jsonl")
    by_id = {}
    for line in lines:
        by_id.setdefault(line["id"], []).append(
            SampleOutcome(bool(line["correct"]), bool(line["optimal"]), int(line["trace_tokens"]),
                          int(line["plan_positions"])))
    records = itertools.islice(dataset.records(params["split"]), params["tasks"])  # the first N, as eval
    tasks = []
    for record in records:
        if record.id not in by_id:
            raise ValueError(f"{eval_dir}/samples.jsonl has no samples of task {record.id}")
        tokens = dataset.decode(record)
        meta = record.meta if isinstance(record.meta, dict) else {}
        width = int(meta.get("width", manifest_params.get("width", 0)))
        height = int(meta.get("height", manifest_params.get("height", 0)))
        l_star = sum(1 for t in tokens["plan"] if t == "plan")
        t_star = None
        if runs > 0:
            task = task_of_prompt(domain, tokens["prompt"], width, height)
            t_star = astar_trace_tokens(domain, task, record.id, runs)
        tasks.append(TaskOutcome(record.id, l_star, t_star, by_id[record.id]))
    return Evaluation(eval_dir, params, summary, data_dir, domain, with_ilr, tasks)


def recompute_summary(eval_dir, **kwargs):
    """compute_metrics of load_eval: what summary.json should hold (without Dualformer's
    fast/slow shares)."""
    ev = load_eval(eval_dir, **kwargs)
    return compute_metrics(ev.tasks, ev.with_ilr)
