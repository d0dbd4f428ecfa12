#!/usr/bin/env bash
# Measures a finished 9x9 self-play run (experiments/go9.toml) the way its table reports
# it, with `traceplay match` between `traceplay gtp` engines (each game refereed by our
# Board; SGFs and games.jsonl under RUN_DIR/eval/):
#   1. the last version against v0000 at equal visits (128), 100 games;
#   2. the last version against the rollout bot at equal visits (128), 100 games;
#   3. the last version (800 visits) against GNU Go 3.8 level 10 with Chinese rules,
#      positional superko and capture-all-dead, GNUGO_GAMES games (default 20), each
#      opening 2 random moves played with both colours (both bots are deterministic).
# 1 and 2 run side by side, then 3 as two halves side by side (2 cores). Each match's
# JSON summary line (wins, Elo and its 95% interval) goes to RUN_DIR/eval/summary.jsonl.
#   usage: experiments/go9-eval.sh RUN_DIR   (TRACEPLAY: the binary, default build/release/apps/traceplay)
set -euo pipefail
run=${1:?usage: go9-eval.sh RUN_DIR}
bin=${TRACEPLAY:-build/release/apps/traceplay}
games_gnugo=${GNUGO_GAMES:-20}
last=$(ls -d "$run"/models/v[0-9][0-9][0-9][0-9] | sort | tail -1)
first="$run/models/v0000"
out="$run/eval"
mkdir -p "$out"
bot="$bin gtp --size 9 --komi 7"
match() {  # name, then match arguments
  local name=$1; shift
  "$bin" match --size 9 --komi 7 --json --sgf-dir "$out/$name" "$@" > "$out/$name.log" 2>&1
  printf '{"match": "%s", "summary": %s}\n' "$name" "$(tail -1 "$out/$name.log")" >> "$out/summary.jsonl"
}
echo "evaluating $last" >&2
match last-vs-first --games 100 --random-opening 4 --seed 1 \
  --engine-a "$bot --visits 128 --model $last" --engine-b "$bot --visits 128 --model $first" &
match last-vs-rollout --games 100 --random-opening 4 --seed 2 \
  --engine-a "$bot --visits 128 --model $last" --engine-b "$bot --visits 128" &
wait
gnugo="/usr/games/gnugo --mode gtp --level 10 --chinese-rules --positional-superko --capture-all-dead"
half=$(( games_gnugo / 2 ))
match last-vs-gnugo-a --games "$half" --random-opening 2 --seed 3 --timeout 120 --engine-a "$bot --visits 800 --model $last" --engine-b "$gnugo" &
match last-vs-gnugo-b --games "$half" --random-opening 2 --seed 4 --timeout 120 --engine-a "$bot --visits 800 --model $last" --engine-b "$gnugo" &
wait
cat "$out/summary.jsonl"
