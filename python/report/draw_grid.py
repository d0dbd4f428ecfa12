"""A maze or Sokoban task drawn over its grid: walls, start/goal (or worker, boxes and
docks), the search frontier of a trace (cells closed, shaded by how often, and cells
created but never closed: the open list when the search stopped) and a plan's path.
Maze y points up, Sokoban y down (DESIGN.md, "Trace format"), so the axes follow."""
from collections import Counter

import numpy as np
from matplotlib.figure import Figure


def _draw_panel(ax, layout, width, height, events, plan, title):
    closed = Counter(e.cell for e in events if e.kind == "close")
    created = {e.cell for e in events if e.kind == "create"}
    heat = np.zeros((height, width))
    for (x, y), n in closed.items():
        if 0 <= x < width and 0 <= y < height:
            heat[y, x] = n
    ax.imshow(np.where(heat > 0, heat, np.nan), cmap="Blues", vmin=0, vmax=max(2, heat.max()) * 1.3,
              origin="lower" if layout.domain == "maze" else "upper", extent=(-0.5, width - 0.5, -0.5, height - 0.5)
              if layout.domain == "maze" else (-0.5, width - 0.5, height - 0.5, -0.5))
    for (x, y) in layout.walls:
        ax.add_patch(_square(x, y, "black"))
    frontier = [c for c in created if c not in closed]
    if frontier:
        ax.scatter(*zip(*frontier), marker="s", s=120, facecolors="none", edgecolors="orange", linewidths=2,
                   label="frontier (created, not closed)")
    for (x, y) in layout.docks:
        ax.add_patch(_square(x, y, "none", edge="green", inset=0.25))
    for (x, y) in layout.boxes:
        ax.add_patch(_square(x, y, "saddlebrown", inset=0.15))
    if plan:
        xs, ys = zip(*plan)
        ax.plot(xs, ys, "-o", color="crimson", markersize=3, linewidth=2, label=f"plan ({len(plan)} positions)")
    if layout.start:
        ax.plot(*layout.start, "o", color="limegreen", markersize=12, markeredgecolor="black",
                label="worker" if layout.domain == "sokoban" else "start")
    if layout.goal:
        ax.plot(*layout.goal, "*", color="gold", markersize=16, markeredgecolor="black", label="goal")
    ax.set_xlim(-0.5, width - 0.5)
    ax.set_ylim((-0.5, height - 0.5) if layout.domain == "maze" else (height - 0.5, -0.5))
    ax.set_xticks(range(width))
    ax.set_yticks(range(height))
    ax.set_aspect("equal")
    creates = sum(1 for e in events if e.kind == "create")
    ax.set_title(f"{title}\n{creates} create and {sum(closed.values())} close steps on {len(created | set(closed))} cells",
                 fontsize=9)
    # Below the grid, so that it hides no cell.
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False)


def _square(x, y, colour, edge=None, inset=0.0):
    from matplotlib.patches import Rectangle
    size = 1 - 2 * inset
    return Rectangle((x - 0.5 + inset, y - 0.5 + inset), size, size, facecolor=colour,
                     edgecolor=edge or colour, linewidth=2)


def task_figure(layout, width, height, panels, title):
    """One figure, a panel per (label, events, plan): A*'s trace and plan, then the model's."""
    fig = Figure(figsize=(4.2 * len(panels), 5.0), dpi=100)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (label, events, plan) in zip(axes, panels):
        _draw_panel(ax, layout, width, height, events, plan, label)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
