"""Maze and Sokoban token sequences (DESIGN.md, "Trace format") as drawable things: the
layout of a prompt, the create/close events of a trace and the positions of a plan. A
model's response may be any token soup: parsing takes what is well formed and skips the
rest, since the drawing shows what the model did, right or wrong."""
from dataclasses import dataclass, field


def _int(token):
    try:
        return int(token)
    except (TypeError, ValueError):
        return None


@dataclass
class Layout:
    """A task's fixed parts and start. Maze: y up; Sokoban: y down (as an .xsb file)."""
    domain: str
    walls: list = field(default_factory=list)
    start: tuple = None          # maze start or Sokoban worker
    goal: tuple = None           # maze goal
    boxes: list = field(default_factory=list)
    docks: list = field(default_factory=list)


@dataclass
class Event:
    """One trace step: "create" or "close" and the cell it is about (the worker's, for
    Sokoban)."""
    kind: str
    cell: tuple


def parse_prompt(domain, tokens):
    """The layout of a prompt: `start x y goal x y wall x y ...` or `worker x y box x y ...
    dock x y ... wall x y ...`."""
    layout = Layout(domain)
    targets = {"wall": layout.walls, "box": layout.boxes, "dock": layout.docks}
    for i in range(0, len(tokens) - 2):
        word, x, y = tokens[i], _int(tokens[i + 1]), _int(tokens[i + 2])
        if x is None or y is None:
            continue
        if word in targets:
            targets[word].append((x, y))
        elif word in ("start", "worker"):
            layout.start = (x, y)
        elif word == "goal":
            layout.goal = (x, y)
    return layout


def parse_events(tokens):
    """The create/close steps of a trace: the cell right after the keyword (`create x y`
    for a maze, `create worker x y` for Sokoban)."""
    events = []
    for i, word in enumerate(tokens):
        if word not in ("create", "close"):
            continue
        j = i + 2 if i + 1 < len(tokens) and tokens[i + 1] == "worker" else i + 1
        x = _int(tokens[j]) if j < len(tokens) else None
        y = _int(tokens[j + 1]) if j + 1 < len(tokens) else None
        if x is not None and y is not None:
            events.append(Event(word, (x, y)))
    return events


def parse_plan(tokens):
    """The positions of a plan: each `plan x y`."""
    cells = []
    for i in range(0, len(tokens) - 2):
        if tokens[i] == "plan":
            x, y = _int(tokens[i + 1]), _int(tokens[i + 2])
            if x is not None and y is not None:
                cells.append((x, y))
    return cells


def split_response(tokens):
    """A sampled decoder sequence (`bos trace plan eos`) as (trace tokens, plan tokens):
    the plan starts at the first `plan`."""
    body = list(tokens[1:] if tokens[:1] == ["bos"] else tokens)
    if "eos" in body:
        body = body[:body.index("eos")]
    cut = body.index("plan") if "plan" in body else len(body)
    return body[:cut], body[cut:]
