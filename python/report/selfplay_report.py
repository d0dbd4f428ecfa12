"""The sections of a self-play run's report (`traceplay selfplay`'s directory): overview,
Elo, false resignations, throughput and losses over versions, the gating matches, and Go
positions from the first and the last games with the search's policy and the ownership."""
import html

from . import tables
from .draw_go import go_figure
from .records import read_json, read_jsonl, read_shard
from .selfplay_plots import selfplay_figure


class SelfplayReport:
    def __init__(self, run, page, save):
        self.run, self.page, self.save = run, page, save

    def build(self):
        path = self.run.path
        config = self.run.record
        versions = sorted(p.name for p in (path / "models").glob("v[0-9][0-9][0-9][0-9]") if p.is_dir())
        progress = read_jsonl(path / "progress.jsonl")
        elo = read_jsonl(path / "elo.jsonl")
        self.page.section("Self-play run", "run")
        game = config.get("game", {}) if isinstance(config.get("game"), dict) else {}
        net = config.get("net", {}) if isinstance(config.get("net"), dict) else {}
        facts = [("name", config.get("name")), ("board", game.get("size")), ("komi", game.get("komi")),
                 ("net", f"{net.get('kind')} {net.get('preset', '')}".strip()), ("versions published", len(versions)),
                 ("last version", versions[-1] if versions else None),
                 ("games", progress[-1].get("games") if progress else None),
                 ("positions", progress[-1].get("positions") if progress else None)]
        rows = "".join(f"<tr><th>{k}</th><td>{html.escape(str(v))}</td></tr>" for k, v in facts if v is not None)
        self.page.raw(f'<table class="overview">{rows}</table>')
        fig = selfplay_figure(progress, elo)
        if fig is not None:
            self.page.section("Elo, false resignations, games and losses", "progress")
            self.page.image(self.save(fig, "selfplay.png"), "Elo, false-resign rate, games and losses by version")
        if elo:
            self.page.section("Gating matches", "gating")
            self.page.raw(tables.gating_table(elo))
        self.positions()

    def positions(self):
        index_path = self.run.path / "games" / "games.json"
        if not index_path.is_file():
            return
        shards = read_json(index_path, "game index").get("shards", [])
        picked = []
        for label, shard in (("first", shards[:1]), ("last", shards[-1:] if len(shards) > 1 else [])):
            for s in shard:
                games = [g for g in read_shard(self.run.path / "games" / s["file"]) if _drawable(g)]
                if games:
                    picked.append((label, max(games, key=lambda g: len(g["moves"]))))
        if not picked:
            return
        self.page.section("Go positions: search policy and ownership", "go")
        for label, game in picked:
            full = [i for i, f in enumerate(game["full_search"]) if f and game["policy"][i]]
            middle = len(game["moves"]) // 2
            move = min(full, key=lambda i: abs(i - middle))
            fig = go_figure(game, move)
            self.page.image(self.save(fig, f"go-{label}-{game['id']}.png"),
                            f"{label} games: game {game['id']} of version {game.get('model_version')}")
            self.page.text(f"The longest game of the {label} shard: {game['id']}, played by version "
                           f"v{int(game.get('model_version', 0)):04d}, {len(game['moves'])} moves.", note=True)


def _drawable(game):
    try:
        n = len(game["moves"])
        return (int(game["size"]) >= 2 and len(game["policy"]) == n and len(game["full_search"]) == n
                and any(f and p for f, p in zip(game["full_search"], game["policy"])))
    except (KeyError, TypeError, ValueError):
        return False
