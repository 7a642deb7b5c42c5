#!/usr/bin/env bash
# The unit gates under load: `make unit` and `make matrix`, ROUNDS times in a row, with BURNERS
# processes spinning on the CPUs beside them (the machine CI shares with other jobs). A gate that
# asserts a wall-clock bound or a race winner fails here; behaviour tests do not.
# GATES picks the gates: make targets, or matrix-unit (the unit tests of `make matrix` on each
# older ansible-core line, without its sanity part, which asserts no timing).
# Writes one line per round and gate to tests/load/results.md (the last run's record).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${ROUNDS:-5}
burners=${BURNERS:-2}
gates=${GATES:-unit matrix}
log=build/load
mkdir -p "$log"

run_gate() {
  if [ "$1" = matrix-unit ]; then
    MATRIX_SANITY=no bash tests/matrix.sh
  else
    make --no-print-directory "$1"
  fi
}

pids=()
stop_burners() { [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true; }
trap stop_burners EXIT
for _ in $(seq "$burners"); do
  python3 -c 'while True: pass' &
  pids+=($!)
done

results=tests/load/results.md
{
  echo "# The unit gates under load"
  echo
  echo "\`make gates-under-load\` on $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with local changes)'),"
  echo "$(nproc) CPUs, $burners CPU burners beside the gates, $(date -u +%Y-%m-%d)."
  echo
  echo "| round | gate | result | seconds |"
  echo "|---|---|---|---|"
} > "$log/results.md"
failed=0
for round in $(seq "$rounds"); do
  for gate in $gates; do
    start=$(date +%s)
    if run_gate "$gate" > "$log/$gate-$round.log" 2>&1; then
      result=passed
    else
      result="FAILED (build/load/$gate-$round.log)"
      failed=$((failed + 1))
    fi
    line="| $round | $gate | $result | $(( $(date +%s) - start )) |"
    echo "$line" >> "$log/results.md"
    echo "gates-under-load: round $round: $gate $result"
  done
done
mv "$log/results.md" "$results"
[ "$failed" -eq 0 ] || { echo "gates-under-load: $failed gate runs failed" >&2; exit 1; }
echo "gates-under-load: $rounds of $rounds rounds passed"
