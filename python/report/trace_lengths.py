"""Trace lengths of a model against A*'s on the same test tasks: the model's from its
samples.jsonl ("trace_tokens" of every sample), A*'s from the dataset record of each task
(the record's trace, the one the model was trained to imitate)."""
import numpy as np
from matplotlib.figure import Figure


def trace_length_figure(name, samples, astar_lengths):
    """A histogram of both for one arm (or one bootstrapping step); None when the model
    wrote no trace (a solution-only arm) or no A* length is known."""
    model = [s["trace_tokens"] for s in samples if isinstance(s.get("trace_tokens"), (int, float))]
    astar = [astar_lengths[s["id"]] for s in samples if s.get("id") in astar_lengths and s.get("sample", 0) == 0]
    if not model or not any(model) or not astar:
        return None
    fig = Figure(figsize=(6, 3.6), dpi=100)
    ax = fig.subplots()
    top = max(max(model), max(astar))
    bins = np.linspace(0, top + 1, min(40, int(top) + 2))
    ax.hist(astar, bins=bins, alpha=0.6, label=f"A* (mean {np.mean(astar):.1f}, {len(astar)} tasks)", color="C0")
    ax.hist(model, bins=bins, alpha=0.6, label=f"model (mean {np.mean(model):.1f}, {len(model)} samples)", color="C1")
    ax.set_title(f"trace length: {name}")
    ax.set_xlabel("trace tokens")
    ax.set_ylabel("count")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
