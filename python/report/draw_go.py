"""A Go position of a self-play game (DESIGN.md, "Self-play records": point i = x + size*y,
y = 0 the top row, size*size a pass) with the search's policy at that move as a heatmap,
beside the game's final ownership. The stones come from replaying the moves with captures
(self-play forbids suicide, so removing the opponent's groups without liberties is the
whole rule a replay needs)."""
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure


def replay(size, moves):
    """The board (0 empty, 1 black, 2 white, indexed [y, x]) after `moves`, Black first."""
    board = np.zeros((size, size), dtype=np.int8)
    for turn, move in enumerate(moves):
        if not 0 <= move < size * size:
            continue  # a pass
        colour = 1 if turn % 2 == 0 else 2
        x, y = move % size, move // size
        board[y, x] = colour
        for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
            if 0 <= nx < size and 0 <= ny < size and board[ny, nx] == 3 - colour:
                group, free = _group(board, nx, ny)
                if not free:
                    for gx, gy in group:
                        board[gy, gx] = 0
    return board


def _group(board, x, y):
    size, colour = board.shape[0], board[y, x]
    seen, stack, free = {(x, y)}, [(x, y)], False
    while stack:
        cx, cy = stack.pop()
        for nx, ny in ((cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)):
            if 0 <= nx < size and 0 <= ny < size and (nx, ny) not in seen:
                if board[ny, nx] == 0:
                    free = True
                elif board[ny, nx] == colour:
                    seen.add((nx, ny))
                    stack.append((nx, ny))
    return seen, free


def _stones(ax, board):
    size = board.shape[0]
    for k in range(size):
        ax.plot([0, size - 1], [k, k], color="black", linewidth=0.6, zorder=1)
        ax.plot([k, k], [0, size - 1], color="black", linewidth=0.6, zorder=1)
    ys, xs = np.nonzero(board)
    for x, y in zip(xs, ys):
        ax.scatter([x], [y], s=3000 / size, c="black" if board[y, x] == 1 else "white", edgecolors="black", zorder=3)
    letters = "ABCDEFGHJKLMNOPQRSTUVWXYZ"[:size]
    ax.set_xticks(range(size), list(letters))
    ax.set_yticks(range(size), [str(size - y) for y in range(size)])
    ax.set_xlim(-0.6, size - 0.4)
    ax.set_ylim(size - 0.4, -0.6)
    ax.set_aspect("equal")


def go_figure(game, move_index):
    """Policy at move `move_index` (the root's visit shares before that move) and final
    ownership (+1 Black, -1 White)."""
    size = int(game["size"])
    board = replay(size, game["moves"][:move_index])
    visits = np.zeros(size * size + 1)
    for point, n in game["policy"][move_index]:
        if 0 <= point <= size * size:
            visits[point] = n
    share = visits / max(1.0, visits.sum())
    fig = Figure(figsize=(9, 4.4), dpi=100)
    left, right = fig.subplots(1, 2)
    image = left.imshow(share[:-1].reshape(size, size), cmap="Reds", vmin=0, vmax=max(share.max(), 1e-9),
                        extent=(-0.5, size - 0.5, size - 0.5, -0.5), zorder=0)
    fig.colorbar(image, ax=left, fraction=0.046, label="visit share")
    _stones(left, board)
    to_move = "Black" if move_index % 2 == 0 else "White"
    left.set_title(f"move {move_index + 1}, {to_move} to play: search policy\n"
                   f"({int(visits.sum())} visits, pass {share[-1]:.0%})", fontsize=9)
    ownership = game.get("ownership") or []
    if len(ownership) == size * size:
        # White's area light, the board's own colour for nobody's, Black's area dark.
        owners = LinearSegmentedColormap.from_list("ownership", ["#f4f4f4", "#dcb35c", "#6b6b6b"])
        image = right.imshow(np.array(ownership, dtype=float).reshape(size, size), cmap=owners, vmin=-1, vmax=1,
                             extent=(-0.5, size - 0.5, size - 0.5, -0.5), zorder=0)
        fig.colorbar(image, ax=right, fraction=0.046, label="owner (+1 Black, -1 White)")
        _stones(right, replay(size, game["moves"]))
        right.set_title(f"final position and ownership\nresult {game.get('winner')} ({game.get('end')})", fontsize=9)
    else:
        _stones(right, replay(size, game["moves"]))
        right.set_title(f"final position (no ownership: {game.get('end')})", fontsize=9)
    fig.tight_layout()
    return fig
