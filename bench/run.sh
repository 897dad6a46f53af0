#!/usr/bin/env bash
# Runs every benchmark of the bench module COUNT times (default 5) and
# prints a table of ratios against the floors; keeps the raw output, a
# benchstat summary and the machine description in OUT (default results/).
#
#   ./run.sh                        # everything, -count 5
#   COUNT=10 ./run.sh               # more runs
#   BENCH='TierA' COUNT=3 ./run.sh  # a subset (a -bench regexp)
#   BENCHTIME=2s ./run.sh           # longer runs (default 1s)
#
# Needs Go and, on the first run only, the module proxy for benchstat.
set -euo pipefail
cd "$(dirname "$0")"

COUNT="${COUNT:-5}"
BENCH="${BENCH:-.}"
BENCHTIME="${BENCHTIME:-1s}"
OUT="${OUT:-results}"
BENCHSTAT="golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"

mkdir -p "$OUT"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "go: $(go version)"
  echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
  echo "cpus: $(nproc) (GOMAXPROCS defaults to this)"
  echo "sha-ni: $(grep -q -m1 sha_ni /proc/cpuinfo 2>/dev/null && echo yes || echo no)"
  echo "command: go test -run '^\$' -bench '$BENCH' -benchmem -count $COUNT -benchtime $BENCHTIME ."
} | tee "$OUT/machine.txt"

go test -run '^$' -bench "$BENCH" -benchmem -count "$COUNT" -benchtime "$BENCHTIME" -timeout 90m . | tee "$OUT/raw.txt"

if go run "$BENCHSTAT" "$OUT/raw.txt" >"$OUT/benchstat.txt" 2>"$OUT/benchstat.err"; then
  rm -f "$OUT/benchstat.err"
  echo "benchstat summary (medians ± 95% CI): $OUT/benchstat.txt"
else
  echo "benchstat unavailable (see $OUT/benchstat.err); the ratio table below does not need it" >&2
fi

echo
go run ./cmd/benchratio "$OUT/raw.txt" | tee "$OUT/ratios.md"
