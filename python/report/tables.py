"""The report's HTML tables. Every number cell carries the exact value it shows in
`data-value` (the JSON number as Python's repr writes it), so a reader or a test can take
the values back without parsing the rounded display."""
import html


def _num(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def cell(value, key, percent=False, digits=1):
    """A <td> for a number (shown in % when `percent`), a null (shown as -) or text."""
    if _num(value):
        shown = f"{100 * value:.{digits}f}" if percent else (f"{value:.{digits}f}" if isinstance(value, float) else str(value))
        return f'<td data-key="{key}" data-value="{value!r}">{shown}</td>'
    if value is None:
        return f'<td data-key="{key}" data-value="null">-</td>'
    return f'<td data-key="{key}">{html.escape(str(value))}</td>'


def interval_cell(value, ci, key, percent=True, digits=1):
    """A rate and its 95% interval in one cell: "49.0 [12.3, 80.1]"."""
    if not _num(value):
        return cell(value, key, percent, digits)
    scale = 100 if percent else 1
    text = f"{scale * value:.{digits}f}"
    attrs = f'data-key="{key}" data-value="{value!r}"'
    if isinstance(ci, list) and len(ci) == 2 and all(_num(c) for c in ci):
        text += f" [{scale * ci[0]:.{digits}f}, {scale * ci[1]:.{digits}f}]"
        attrs += f' data-lo="{ci[0]!r}" data-hi="{ci[1]!r}"'
    return f"<td {attrs}>{text}</td>"


# The summary's columns (DESIGN.md, "Summaries"): rates with their "<rate>_ci95".
SUMMARY_COLUMNS = [
    ("tasks", "tasks", None), ("samples", "samples", None),
    ("solved", "solved %", "rate"), ("optimal", "optimal %", "rate"),
    ("solved_per_sample", "solved / sample %", "rate"), ("optimal_per_sample", "optimal / sample %", "rate"),
    ("swc", "SWC %", "rate"), ("ilr_solved", "ILR solved", "ratio"), ("ilr_optimal", "ILR optimal", "ratio"),
    ("mean_trace_tokens", "trace tokens", "plain"), ("mean_astar_trace_tokens", "A* trace tokens", "plain"),
]


def summary_cells(summary):
    out = []
    for key, _, kind in SUMMARY_COLUMNS:
        value = summary.get(key)
        if kind == "rate":
            out.append(interval_cell(value, summary.get(key + "_ci95"), key))
        elif kind == "ratio":
            out.append(interval_cell(value, summary.get(key + "_ci95"), key, percent=False, digits=3))
        else:
            out.append(cell(value, key))
    return "".join(out)


def metrics_table(rows):
    """rows: [(label, summary)], one per evaluated arm (and Dualformer mode)."""
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title, _ in SUMMARY_COLUMNS)
    body = "".join(f'<tr data-arm="{html.escape(label)}"><th>{html.escape(label)}</th>{summary_cells(s)}</tr>'
                   for label, s in rows)
    return f'<table class="metrics"><tr><th>arm</th>{head}</tr>{body}</table>'


def comparisons_table(comparisons):
    head = "<tr><th>A</th><th>B</th><th>metric</th><th>A - B (points) [95%]</th><th>tasks</th></tr>"
    body = "".join(
        f"<tr><td>{html.escape(str(c.get('a')))}</td><td>{html.escape(str(c.get('b')))}</td>"
        f"<td>{html.escape(str(c.get('metric')))}</td>{interval_cell(c.get('difference'), c.get('ci95'), 'difference')}"
        f"{cell(c.get('tasks'), 'tasks')}</tr>" for c in comparisons if isinstance(c, dict))
    return f'<table class="comparisons">{head}{body}</table>'


def bootstrap_table(steps):
    """One row per bootstrapping step: its evaluation, the paired difference of optimal
    to step 0, and the share of training traces its dataset took from the model."""
    head = ("<tr><th>step</th>" + "".join(f"<th>{html.escape(t)}</th>" for _, t, _ in SUMMARY_COLUMNS)
            + "<th>optimal - step 0 (points) [95%]</th><th>replaced</th><th>replaced share %</th></tr>")
    body = ""
    for entry in steps:
        if not isinstance(entry, dict):
            continue
        vs = next((c for c in entry.get("vs_step0", []) or [] if isinstance(c, dict) and c.get("metric") == "optimal"), {})
        body += (f'<tr data-step="{entry.get("step")}"><th>{html.escape(str(entry.get("step")))}</th>'
                 f'{summary_cells(entry.get("eval") or {})}'
                 f'{interval_cell(vs.get("difference"), vs.get("ci95"), "vs_step0") if vs else cell(None, "vs_step0")}'
                 f'{cell(entry.get("replaced"), "replaced")}{cell(entry.get("replaced_share"), "replaced_share", True)}</tr>')
    return f'<table class="bootstrap">{head}{body}</table>'


def gating_table(elo_lines):
    """The gating matches of a self-play run, as elo.jsonl lists them."""
    head = ("<tr><th>version</th><th>opponent</th><th>kind</th><th>games</th><th>wins-draws-losses</th>"
            "<th>score</th><th>Elo of version [95%]</th><th>promoted</th></tr>")
    body = "".join(
        f"<tr>{cell(l.get('version'), 'version')}{cell(l.get('opponent'), 'opponent')}{cell(l.get('kind'), 'kind')}"
        f"{cell(l.get('games'), 'games')}<td>{l.get('wins')}-{l.get('draws')}-{l.get('losses')}</td>"
        f"{cell(l.get('score'), 'score', digits=3)}{interval_cell(l.get('elo'), l.get('elo_ci95'), 'elo', percent=False, digits=0)}"
        f"{cell('yes' if l.get('promoted') else 'no', 'promoted')}</tr>" for l in elo_lines)
    return f'<table class="gating">{head}{body}</table>'
