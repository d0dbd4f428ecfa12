"""The report page: one self-contained HTML file, its style inline and each figure
embedded as a data: URI (the PNG file of the same bytes is written beside it too, named
by the image's data-file attribute), no script, so the page alone opens from disk, a
mail or a chat in any browser."""
import base64
import html
from pathlib import Path

STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.8em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; white-space: nowrap; }
th { background: #f3f3f3; } tr > th:first-child { text-align: left; }
img { max-width: 100%; display: block; margin: 0.6em 0; border: 1px solid #eee; }
.note { color: #666; font-size: 0.85em; }
"""


class Page:
    def __init__(self, title: str, folder: Path):
        """`folder`: where the figures' PNG files are (image() embeds them from there)."""
        self.title = title
        self.folder = Path(folder)
        self.parts = []
        self.images = []

    def section(self, heading: str, anchor: str):
        self.parts.append(f'<h2 id="{html.escape(anchor)}">{html.escape(heading)}</h2>')

    def subheading(self, text: str):
        self.parts.append(f"<h3>{html.escape(text)}</h3>")

    def text(self, text: str, note=False):
        attribute = ' class="note"' if note else ""
        self.parts.append(f"<p{attribute}>{html.escape(text)}</p>")

    def raw(self, markup: str):
        self.parts.append(markup)

    def image(self, name: str, alt: str):
        """Embeds the PNG file `name` of the folder; data-file names that file."""
        self.images.append(name)
        data = base64.b64encode((self.folder / name).read_bytes()).decode("ascii")
        self.parts.append(f'<img data-file="{html.escape(name)}" alt="{html.escape(alt)}" '
                          f'src="data:image/png;base64,{data}">')

    def render(self) -> str:
        body = "\n".join(self.parts)
        return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                f'<link rel="icon" href="data:,">'
                f"<title>{html.escape(self.title)}</title><style>{STYLE}</style></head>\n"
                f"<body><h1>{html.escape(self.title)}</h1>\n{body}\n</body></html>\n")
