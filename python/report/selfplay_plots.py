"""A self-play run over its versions: Elo with its 95% interval (elo.jsonl: each version's
rating after its last gating match, v0000 = 0), the false-resign rate with its interval,
games and positions against time, and the learner's losses (progress.jsonl, one line per
version)."""
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def _num(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def latest_elo(elo_lines):
    """{version: (elo, [lo, hi])}: the last rating of each version (later matches refit
    the whole table, but a version's own last line is the freshest about it)."""
    out = {0: (0.0, [0.0, 0.0])}
    for line in elo_lines:
        if _num(line.get("version")) and _num(line.get("elo")):
            out[int(line["version"])] = (line["elo"], line.get("elo_ci95") or [None, None])
    return out


def selfplay_figure(progress, elo_lines):
    """2x2 panels; None when neither file has a line."""
    if not progress and not elo_lines:
        return None
    fig = Figure(figsize=(11, 7.5), dpi=100)
    (elo_ax, resign_ax), (games_ax, loss_ax) = fig.subplots(2, 2)

    ratings = latest_elo(elo_lines) if elo_lines else {
        int(p["version"]): (p["elo"], [None, None]) for p in progress if _num(p.get("elo")) and _num(p.get("version"))}
    if ratings:
        versions = sorted(ratings)
        elo = [ratings[v][0] for v in versions]
        lo = [ratings[v][0] - ratings[v][1][0] if _num(ratings[v][1][0]) else 0 for v in versions]
        hi = [ratings[v][1][1] - ratings[v][0] if _num(ratings[v][1][1]) else 0 for v in versions]
        elo_ax.errorbar(versions, elo, yerr=[lo, hi], fmt="-o", capsize=3, markersize=4)
    elo_ax.set_title("Elo by version (v0000 = 0, 95% interval)")
    elo_ax.set_xlabel("version")
    elo_ax.set_ylabel("Elo")

    resign = [(p["version"], p["false_resign"]) for p in progress if isinstance(p.get("false_resign"), dict)]
    if resign:
        xs = [v for v, _ in resign]
        rate = [r.get("rate") or 0.0 for _, r in resign]
        ci = [r.get("ci95") or [0.0, 0.0] for _, r in resign]
        resign_ax.errorbar(xs, rate, yerr=[[max(0, r - c[0]) for r, c in zip(rate, ci)],
                                           [max(0, c[1] - r) for r, c in zip(rate, ci)]], fmt="-o", capsize=3, markersize=4)
        resign_ax.set_ylim(-0.02, max(0.1, max(c[1] for c in ci) * 1.1))
    resign_ax.set_title("false-resign rate (95% interval)" if resign else "false-resign rate: resignation off")
    resign_ax.set_xlabel("version")

    timed = [p for p in progress if _num(p.get("elapsed_s"))]
    if timed:
        minutes = [p["elapsed_s"] / 60 for p in timed]
        games_ax.plot(minutes, [p.get("games", 0) for p in timed], "-o", markersize=3, label="games")
        games_ax.plot(minutes, [p.get("positions", 0) for p in timed], "-o", markersize=3, label="positions")
        games_ax.legend(fontsize=8)
    games_ax.set_title("games and positions played")
    games_ax.set_xlabel("minutes")

    losses = [(p["version"], p["loss"]) for p in progress if isinstance(p.get("loss"), dict)]
    for key in ("total", "policy", "value", "score", "ownership"):
        points = [(v, l[key]) for v, l in losses if _num(l.get(key))]
        if points:
            loss_ax.plot(*zip(*points), "-o", markersize=3, label=key)
    if loss_ax.lines:
        loss_ax.legend(fontsize=8)
    loss_ax.set_title("learner loss at each version")
    loss_ax.set_xlabel("version")
    for ax in (elo_ax, resign_ax, games_ax, loss_ax):
        ax.grid(alpha=0.3)
    for ax in (elo_ax, resign_ax, loss_ax):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # versions are whole numbers
    fig.tight_layout()
    return fig
