#!/usr/bin/env bash
# A distributed `traceplay gen` over SSH: the learner here, one `traceplay actor` on each
# host of HOSTS (one name a line, `#` comments), all with the same traceplay build path.
#
#   experiments/cluster/launch-ssh.sh HOSTS CONFIG OUT [PORT]
#
# The learner binds tcp://0.0.0.0:PORT (default 5555) and builds OUT from CONFIG (a gen
# TOML); the actors connect back to this host ($(hostname -f), or TRACEPLAY_LEARNER_HOST).
# Each actor keeps its outbox in ~/.traceplay-actor-OUTNAME-HOST (the host in the name:
# home folders are often shared), so a rerun after a crash resends what was not
# acknowledged. With CURVE keys (traceplay keygen), set
# TRACEPLAY_CURVE_DIR to a folder readable on every host holding learner.key, learner.pub,
# actor.key and authorized (the actor's public key): traffic is then encrypted and only
# that key is let in. Environment:
#   TRACEPLAY_BIN   the traceplay executable on every host (default: this checkout's build)
#   TRACEPLAY_SSH   the command that runs a command line on a host (default: "ssh -o BatchMode=yes")
#   ACTOR_THREADS   threads per actor (default: the host's cores)
# Exit status: the learner's. Actors exit by themselves when the learner says done.
set -euo pipefail

[ $# -ge 3 ] || { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
hosts_file=$1 config=$2 out=$3 port=${4:-5555}
top="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${TRACEPLAY_BIN:-$top/build/release/apps/traceplay}"
ssh_command="${TRACEPLAY_SSH:-ssh -o BatchMode=yes}"
learner_host="${TRACEPLAY_LEARNER_HOST:-$(hostname -f)}"
[ -r "$hosts_file" ] || { echo "launch-ssh: cannot read $hosts_file" >&2; exit 2; }
[ -r "$config" ] || { echo "launch-ssh: cannot read $config" >&2; exit 2; }
mapfile -t hosts < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$hosts_file" | sed '/^$/d')
[ ${#hosts[@]} -gt 0 ] || { echo "launch-ssh: no host in $hosts_file" >&2; exit 2; }

learner_keys=() actor_keys=()
if [ -n "${TRACEPLAY_CURVE_DIR:-}" ]; then
  learner_keys=(--curve "$TRACEPLAY_CURVE_DIR/learner.key" --authorized "$TRACEPLAY_CURVE_DIR/authorized")
  actor_keys=(--curve "$TRACEPLAY_CURVE_DIR/actor.key" --server-key "$TRACEPLAY_CURVE_DIR/learner.pub")
fi

"$bin" learner --bind "tcp://0.0.0.0:$port" --config "$config" --out "$out" --json "${learner_keys[@]}" &
learner=$!
trap 'kill "$learner" 2>/dev/null || true' INT TERM

threads=()
[ -n "${ACTOR_THREADS:-}" ] && threads=(--threads "$ACTOR_THREADS")
for host in "${hosts[@]}"; do
  outbox="\$HOME/.traceplay-actor-$(basename "$out")-$host"
  # The actor's command line, quoted once for the remote shell.
  $ssh_command "$host" "$(printf '%q ' "$bin" actor --connect "tcp://$learner_host:$port" --name "$host" \
    "${threads[@]}" "${actor_keys[@]}") --outbox $outbox" >"$out.actor-$host.log" 2>&1 &
done
wait "$learner"
status=$?
wait || true  # the actors, told done
exit $status
