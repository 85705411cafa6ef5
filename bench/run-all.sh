#!/usr/bin/env bash
# Runs every benchmark in bench/ (each directory with a .csproj) and writes the summary table bench/results/README.md.
#   bench/run-all.sh            full scale (tens of minutes, gigabytes; the machine should be otherwise idle)
#   bench/run-all.sh --small    a quick run of each (a minute or two each) to check that everything works
# Needs the project-local MariaDB and Redis (./run.sh or ./test.sh started them: 127.0.0.1:3307 and :6380).
# Not part of ./test.sh or CI.
set -euo pipefail
cd "$(dirname "$0")/.."
small=false
summary_only=false
[ "${1:-}" = "--small" ] && small=true
[ "${1:-}" = "--summary-only" ] && summary_only=true  # rewrite the summary from the result files already there
export WL_TEST_MYSQL="${WL_TEST_MYSQL:-Server=127.0.0.1;Port=3307;User ID=loyalty;Password=loyalty-dev-password}"
export WL_TEST_REDIS="${WL_TEST_REDIS:-127.0.0.1:6380}"

# Arguments per benchmark at small scale; a new benchmark without an entry runs with its defaults.
declare -A SMALL_ARGS=(
  [TiersAndExpiry]="--scale 0.001 --repeats 1"
  [PayNotifications]="--orders 500 --members 100 --warmup 50 --raw-seconds 2"
  [Logins]="--logins 300 --concurrency 8"
  [Campaigns]="--members 3000 --raw 2000"
)

status=0
declare -A OUTCOME
for project in bench/*/*.csproj; do
  $summary_only && break
  name="$(basename "$(dirname "$project")")"
  args=""
  $small && args="${SMALL_ARGS[$name]:-}"
  echo "==> $name $args"
  # shellcheck disable=SC2086
  if dotnet run -c Release --project "$project" -- $args; then OUTCOME[$name]="ran"; else OUTCOME[$name]="FAILED (exit $?)"; status=1; fi
done

# The summary: the newest result file of each benchmark and its verdict lines (goals met or missed).
summary=bench/results/README.md
{
  echo "# Benchmark results"
  echo
  echo "Written by \`bench/run-all.sh\` $(date -u '+%Y-%m-%d %H:%M') UTC ($($small && echo 'small scale: checks that everything runs, not a measurement' || ($summary_only && echo 'summary only') || echo 'full scale')),"
  echo "$(nproc) cores. Each benchmark compares the product with a limit measured in the same run; the details and the"
  echo "profile behind each number are in the linked file."
  echo
  echo "| benchmark | this run | newest result | verdict lines |"
  echo "|---|---|---|---|"
  for project in bench/*/*.csproj; do
    name="$(basename "$(dirname "$project")")"
    prefix="$(echo "$name" | sed -E 's/([a-z])([A-Z])/\1-\2/g' | tr 'A-Z' 'a-z')"
    newest="$(ls -t bench/results/"$prefix"-*.md 2>/dev/null | head -1 || true)"
    if [ -z "$newest" ]; then echo "| $name | ${OUTCOME[$name]:-not run} | — | no result file |"; continue; fi
    verdicts="$({ grep -E 'goal|target|MISSED|≤ 1\.5×|\bmet\b' "$newest" | grep -vE '^#|innodb|^\| comparison|^\|---' || true; } | head -4 | sed -E 's/\|/\\|/g' | tr '\n' ' ' | sed -E 's/ +/ /g')"
    echo "| $name | ${OUTCOME[$name]:-$($summary_only && echo 'earlier run' || echo 'not run')} | [$(basename "$newest")]($(basename "$newest")) | ${verdicts:-see file} |"
  done
  # What the table cannot say (targets not measured at full scale, older results that still stand): kept by hand.
  if [ -f bench/results/notes.md ]; then echo; cat bench/results/notes.md; fi
} > "$summary"
echo "summary: $summary"
exit $status
