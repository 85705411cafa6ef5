#!/usr/bin/env bash
# Sets up MariaDB and Redis as run.sh does (project-local under .data/ unless WL_TEST_MYSQL / WL_TEST_REDIS name
# external ones) and runs every test project against them. Tests never touch the demo data: each integration
# test class creates and drops its own wechat_loyalty_test_* database and uses its own Redis key prefix.
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter "FullyQualifiedName~HealthTests".
# Ends with the line "N passed, N failed, N skipped" computed from the test results.
set -euo pipefail
cd "$(dirname "$0")"
# The demo's connection strings must never reach a test.
unset ConnectionStrings__Loyalty ConnectionStrings__Redis
source scripts/services.sh
trap stop_started EXIT

ensure_dotnet
ensure_packages
# The referral poster tests decode the poster's QR code with zbar.
command -v zbarimg >/dev/null || { log "installing zbar-tools from Debian packages"; as_root apt-get update -qq; as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zbar-tools >/dev/null; }
ensure_browser
if [ -z "${WL_TEST_MYSQL:-}" ]; then
  start_mariadb
  export WL_TEST_MYSQL="$(local_mariadb_server)"
  # Throw-away databases left behind by an interrupted run (their names carry their creation time).
  cutoff=$(date -u -d '2 hours ago' +%Y%m%d%H%M%S)
  mariadb_root -N -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'wechat\\_loyalty\\_test\\_%'" |
    while read -r db; do
      stamp=$(echo "$db" | sed -E 's/^wechat_loyalty_test_([0-9]{14})_.*/\1/')
      if [[ "$stamp" =~ ^[0-9]{14}$ ]] && [ "$stamp" -lt "$cutoff" ]; then mariadb_root -e "DROP DATABASE \`$db\`"; fi
    done
fi
if [ -z "${WL_TEST_REDIS:-}" ]; then
  start_redis
  export WL_TEST_REDIS="127.0.0.1:$WL_REDIS_PORT"
fi
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

results="$PWD/TestResults/$(date -u +%Y%m%d%H%M%S)"
mkdir -p "$results"
# Browser tests save their screenshots under "$WL_TEST_RESULTS/screenshots".
export WL_TEST_RESULTS="$results"
log "building (Release)"
dotnet build WechatLoyalty.sln -c Release -v quiet -nologo -clp:ErrorsOnly
log "running tests (results in $results)"
set +e
dotnet test WechatLoyalty.sln -c Release --no-build --nologo --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" "$@"
status=$?
set -e

# Count from the TRX files, not from console text: a project that ran nothing shows up as 0.
read -r passed failed skipped < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' |
  awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]);
           if (kv[1] == "passed") p += kv[2]; if (kv[1] == "failed") f += kv[2];
           if (kv[1] == "notExecuted") s += kv[2]; } }
       END { printf "%d %d %d\n", p, f, s }')
echo
[ "$passed" -gt 0 ] || echo "no test ran"
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
