"""Writes the three notebooks of this folder from the cells below (outputs cleared), so that
their code reads and diffs as Python: edit a cell here, run
`/usr/bin/python3 experiments/notebooks/make_notebooks.py`, commit both.
tests/integration/test_notebooks.py checks that the .ipynb files are what this writes.

Each notebook's first code cell is its parameters: environment variables with small
defaults, so the same notebook opens by hand and runs headless in the tests."""
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Every notebook starts here: the built module's folder on sys.path (the one line of
# python/README.md), found from TRACEPLAY_PYTHON_DIR or from this folder's checkout.
FIND_MODULE = '''import sys
from pathlib import Path
PYTHON_DIR = os.environ.get("TRACEPLAY_PYTHON_DIR") or str(Path.cwd().parents[1] / "build/release/python")
sys.path.insert(0, PYTHON_DIR)
import numpy as np
import matplotlib.pyplot as plt
import traceplay'''

TRACES = [
    ("md", """# Maze and Sokoban traces

A* on a generated maze and on a Sokoban level, through the `traceplay` module (the same
C++ as `traceplay solve --trace`): the layout, the cells A* closed (shaded by how often)
and created but never closed (the frontier when it stopped), and the plan."""),
    ("code", """# Parameters (environment variables override them)
import os
MAZE_SIZE = int(os.environ.get("NB_MAZE_SIZE", "10"))
SEED = int(os.environ.get("NB_SEED", "1"))
SOKOBAN_LEVEL = os.environ.get("NB_SOKOBAN_LEVEL", "")  # "FILE.xsb" or "FILE.xsb:N"; empty: a generated 7x7 level
NONDETERMINISTIC_RUNS = int(os.environ.get("NB_RUNS", "4"))"""),
    ("code", FIND_MODULE + "\nfrom traceplay import games, search"),
    ("code", '''def draw(ax, walls, width, height, result, title, y_up, marks=()):
    """Walls, closed cells (shaded by count), the frontier, the plan, and marks: (label,
    cells, matplotlib marker)."""
    closed = np.zeros((height, width))
    created = set()
    for e in result.events:
        if e.action == "close":
            closed[e.y, e.x] += 1
        else:
            created.add((e.x, e.y))
    frontier = [c for c in created if closed[c[1], c[0]] == 0]
    ax.imshow(np.where(closed > 0, closed, np.nan), cmap="Blues", vmin=0, vmax=closed.max() * 1.3 + 1,
              origin="lower" if y_up else "upper")
    for x, y in walls:
        ax.add_patch(plt.Rectangle((x - 0.5, y - 0.5), 1, 1, color="black"))
    if frontier:
        ax.scatter(*zip(*frontier), marker="s", s=120, facecolors="none", edgecolors="orange", label="frontier")
    if result.plan:
        ax.plot(*zip(*result.plan), "-o", color="crimson", markersize=3, label=f"plan ({len(result.plan)} positions)")
    for label, cells, style in marks:
        ax.plot(*zip(*cells), style, markersize=12, markeredgecolor="black", linestyle="none", label=label)
    ax.set_xlim(-0.5, width - 0.5)
    ax.set_ylim((-0.5, height - 0.5) if y_up else (height - 0.5, -0.5))
    ax.set_title(f"{title}\\n{result.expansions} closed, {len(result.trace)} trace tokens", fontsize=9)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.05), ncol=2, frameon=False)'''),
    ("md", "## A maze: deterministic A* and non-deterministic runs (other tie-breaks, other traces)"),
    ("code", '''maze = games.generate_mazes(MAZE_SIZE, MAZE_SIZE, seed=SEED)[0]
print(maze.render())
runs = [("deterministic", search.astar_maze(maze))]
runs += [(f"seed {s}", search.astar_maze(maze, deterministic=False, seed=s)) for s in range(1, NONDETERMINISTIC_RUNS + 1)]
fig, axes = plt.subplots(1, len(runs), figsize=(3.6 * len(runs), 4.2))
for ax, (name, result) in zip(np.atleast_1d(axes), runs):
    draw(ax, maze.walls, maze.width, maze.height, result, name, y_up=True,
         marks=[("start", [maze.start], "o"), ("goal", [maze.goal], "*")])
plt.tight_layout()
print("trace tokens:", {name: len(r.trace) for name, r in runs})
print(" ".join(runs[0][1].trace[:20]), "...")'''),
    ("md", "## A Sokoban level: trace-mode A* (each step is where the worker stands, with the boxes)"),
    ("code", '''if SOKOBAN_LEVEL:
    path, _, index = SOKOBAN_LEVEL.partition(":")
    level = games.load_levels(path)[int(index or 1) - 1]
else:  # generated levels are not always solvable: the first from SEED on that A* solves
    level, seed = None, SEED
    while level is None or not search.astar_sokoban(level, max_expansions=20000).solved:
        level, seed = games.generate_sokoban(7, 7, seed=seed), seed + 1
print(level.render())
result = search.astar_sokoban(level)
print(result, "moves:", result.moves)
fig, ax = plt.subplots(figsize=(4.5, 5))
draw(ax, level.walls, level.width, level.height, result, "Sokoban A* (worker cells)", y_up=False,
     marks=[("worker", [level.worker], "o"), ("boxes", level.boxes, "s"), ("docks", level.docks, "x")])
plt.tight_layout()'''),
]

METRICS = [
    ("md", """# The paper's metrics of a run, recomputed from `samples.jsonl`

Every evaluation directory of a `traceplay run` arm (`<arm>/eval-test/`) keeps its samples;
`traceplay_metrics` (python/traceplay_metrics.py) recomputes solved, optimal, SWC and ILR
with their 95% intervals from them, as the command line does, and this notebook checks
that against the `summary.json` it wrote, then plots the arms side by side and per task."""),
    ("code", """# Parameters (environment variables override them)
import os
RUN_DIR = os.environ.get("NB_RUN_DIR", "../../runs/default")  # a `traceplay run` directory"""),
    ("code", FIND_MODULE + "\nimport json\nimport traceplay_metrics as tm"),
    ("code", '''run = json.loads((Path(RUN_DIR) / "run.json").read_text())
evals = {}
for arm in run["arms"]:
    # An arm evaluated in Dualformer modes has one directory per mode.
    dirs = arm.get("eval_dirs") or ({"": arm["eval_dir"]} if arm.get("eval_dir") else {})
    for mode, recorded in dirs.items():
        directory = tm.resolve_recorded(recorded, Path(RUN_DIR))
        if directory and (directory / "samples.jsonl").is_file():
            evals[f"{arm['name']} {mode}".strip()] = tm.load_eval(directory)
summaries = {name: tm.compute_metrics(ev.tasks, ev.with_ilr) for name, ev in evals.items()}
for name, ev in evals.items():
    same = ev.summary is None or all(summaries[name][k] == ev.summary[k] for k in summaries[name])
    print(f"{name}: {len(ev.tasks)} tasks x {summaries[name]['samples']} samples;",
          "the same as summary.json" if same else "DIFFERENT from summary.json")
    assert same, name'''),
    ("code", '''keys = ["solved", "optimal", "swc", "ilr_solved", "ilr_optimal"]
print(f"{'arm':24}" + "".join(f"{k:>22}" for k in keys))
for name, s in summaries.items():
    cells = []
    for k in keys:
        lo_hi = s[k + "_ci95"]
        cells.append("—" if s[k] is None else f"{s[k]:.3f} [{lo_hi[0]:.2f}, {lo_hi[1]:.2f}]")
    print(f"{name:24}" + "".join(f"{c:>22}" for c in cells))'''),
    ("md", "## Rates with their 95% intervals (Wilson for solved/optimal, bootstrap over tasks for SWC and ILR)"),
    ("code", '''fig, axes = plt.subplots(1, len(keys), figsize=(3.2 * len(keys), 3.4), sharey=False)
names = list(summaries)
for ax, k in zip(axes, keys):
    for i, name in enumerate(names):
        s = summaries[name]
        if s[k] is None:
            continue
        lo, hi = s[k + "_ci95"]
        ax.errorbar(i, s[k], yerr=[[s[k] - lo], [hi - s[k]]], fmt="o", capsize=4, color=f"C{i}")
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    ax.set_title(k)
plt.tight_layout()'''),
    ("md", "## Per task: trace length of the samples against A*'s t*"),
    ("code", '''fig, ax = plt.subplots(figsize=(5, 4))
for name, ev in evals.items():
    points = [(t.astar_trace_tokens, s.trace_tokens, s.correct) for t in ev.tasks for s in t.samples
              if t.astar_trace_tokens is not None]
    if points:
        xs, ys, ok = zip(*points)
        ax.scatter(xs, ys, s=12, label=name, alpha=0.7)
ax.set_xlabel("t*: A* trace tokens (mean of non-deterministic runs)")
ax.set_ylabel("sample trace tokens")
ax.legend(fontsize=7)
plt.tight_layout()
for name, ev in evals.items():
    scores = [tm.score_task(t, i) for i, t in enumerate(ev.tasks)]
    print(name, "per-task SWC:", [round(s.swc, 2) for s in scores][:20])'''),
]

GO = [
    ("md", """# Go: analyse a position with MCTS, draw its policy and ownership

A position from an SGF file (or a few moves played here), analysed by the search of the
GTP bot (`traceplay.go.analyze`, the rollout or the uniform evaluator, or a Go network
from a self-play run through `traceplay.models.load_go_net`): the visit distribution as a
heatmap over the stones, and the ownership estimate."""),
    ("code", """# Parameters (environment variables override them)
import os
SGF = os.environ.get("NB_SGF", "")            # an .sgf file; empty: the moves below on a 9x9 board
MOVE = int(os.environ.get("NB_MOVE", "-1"))    # the position after this many moves (-1: all)
VISITS = int(os.environ.get("NB_VISITS", "400"))
EVALUATOR = os.environ.get("NB_EVALUATOR", "rollout")  # rollout | uniform | a Go network checkpoint (runs/sp/models/v0003)
MOVES = ["e5", "c4", "g4", "d6", "f7", "c7", "g6"]"""),
    ("code", FIND_MODULE + """\nfrom traceplay import go
if EVALUATOR not in ("rollout", "uniform"):  # a network: traceplay.models loads LibTorch
    from traceplay import models
    EVALUATOR = models.load_go_net(EVALUATOR)
    print(EVALUATOR.description)"""),
    ("code", '''if SGF:
    game = go.load_sgf(SGF)
    board = game.board(moves=MOVE)
    print(f"{SGF}: {game.size}x{game.size}, {len(game.moves)} moves, position after {MOVE if MOVE >= 0 else 'all'}")
else:
    board = go.Board(size=9, komi=7.5)
    for v in MOVES:
        board.play(v)
print(board.render())
analysis = go.analyze(board, visits=VISITS, evaluator=EVALUATOR, ownership=True, seed=1)
print(f"best move {analysis.best_move}, winrate {analysis.winrate:.3f} for the side to move, {analysis.root_visits} visits")
for m in analysis.moves[:5]:
    print(f"  {m['move']:>5} visits {m['visits']:4d} winrate {m['winrate']:.3f} pv {' '.join(m['pv'][:6])}")'''),
    ("code", '''size = board.size
stones = board.stones()                       # [y, x], y = 0 the top row: 0 empty, 1 black, 2 white
policy = analysis.policy[:-1].reshape(size, size)  # the last entry is the pass
fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4.6))
for ax, values, cmap, title in ((a, policy, "Reds", f"policy (visits), pass {analysis.policy[-1]:.2f}"),
                                (b, analysis.ownership, "RdBu_r", "ownership (+1: the side to move's)")):
    vmin = 0 if cmap == "Reds" else -1
    im = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=max(values.max(), 1e-6) if cmap == "Reds" else 1)
    ys, xs = np.nonzero(stones)
    ax.scatter(xs, ys, s=220, c=["black" if stones[y, x] == 1 else "white" for y, x in zip(ys, xs)],
               edgecolors="black")
    letters = "ABCDEFGHJKLMNOPQRST"[:size]
    ax.set_xticks(range(size), list(letters))
    ax.set_yticks(range(size), [str(size - y) for y in range(size)])
    ax.set_title(title)
    fig.colorbar(im, ax=ax, shrink=0.8)
plt.tight_layout()'''),
]

NOTEBOOKS = {"traces.ipynb": TRACES, "metrics.ipynb": METRICS, "go_analysis.ipynb": GO}


def notebook(cells):
    """nbformat 4 JSON with no outputs and no execution counts."""
    out = []
    for kind, source in cells:
        lines = source.splitlines(keepends=True)
        if kind == "md":
            out.append({"cell_type": "markdown", "metadata": {}, "source": lines})
        else:
            out.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                        "source": lines})
    return {"cells": out,
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 4}


def render(cells):
    return json.dumps(notebook(cells), indent=1, ensure_ascii=False) + "\n"


def main(argv):
    check = "--check" in argv  # exit 1 when a committed notebook differs from its cells
    stale = []
    for name, cells in NOTEBOOKS.items():
        path = HERE / name
        text = render(cells)
        if check:
            if not path.is_file() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        print("stale notebooks (run experiments/notebooks/make_notebooks.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
