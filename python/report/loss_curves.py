"""Training and validation loss per arm, from each arm's train/metrics.jsonl (one line per
logged step: "loss", and "val_loss" where a validation ran). A bootstrapped arm's
fine-tunes (bootstrap-<j>/train/metrics.jsonl) continue its line, dashed, after the
steps before them."""
from matplotlib.figure import Figure

from .records import read_jsonl


def _curves(run, arm):
    """[(label, [(step, loss)], [(step, val_loss)])] for an arm: its training, then each
    fine-tune shifted to start where the previous part ended."""
    parts = [("", run.resolve(arm.get("train_dir")))]
    for entry in arm.get("bootstrap", []) or []:
        train = entry.get("train") if isinstance(entry, dict) else None
        if isinstance(train, dict) and train.get("out"):
            parts.append((f" fine-tune {entry.get('step')}", run.resolve(train["out"])))
    curves, offset = [], 0
    for label, directory in parts:
        lines = read_jsonl(directory / "metrics.jsonl") if directory else []
        lines = [l for l in lines if isinstance(l.get("step"), (int, float))]
        train = [(offset + l["step"], l["loss"]) for l in lines if isinstance(l.get("loss"), (int, float))]
        val = [(offset + l["step"], l["val_loss"]) for l in lines if isinstance(l.get("val_loss"), (int, float))]
        if train or val:
            curves.append((label, train, val))
            offset = max(s for s, _ in train + val)
    return curves


def loss_figure(run):
    """One figure, training loss left and validation loss right, every arm a colour; None
    when no arm logged a step."""
    arms = [(arm.get("name", f"arm {i}"), _curves(run, arm)) for i, arm in enumerate(run.record.get("arms", []))]
    arms = [(name, curves) for name, curves in arms if curves]
    if not arms:
        return None
    fig = Figure(figsize=(11, 4), dpi=100)
    axes = fig.subplots(1, 2)
    colours = [f"C{i % 10}" for i in range(len(arms))]
    for (name, curves), colour in zip(arms, colours):
        for k, (label, train, val) in enumerate(curves):
            style = "-" if k == 0 else "--"
            if train:
                axes[0].plot(*zip(*train), style, marker="o", markersize=2, color=colour, label=name + label)
            if val:
                axes[1].plot(*zip(*val), style, marker="o", markersize=3, color=colour, label=name + label)
    for ax, title in zip(axes, ("training loss", "validation loss")):
        ax.set_title(title)
        ax.set_xlabel("step")
        ax.set_ylabel("cross-entropy (nats per token)")
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
