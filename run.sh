#!/usr/bin/env bash
# Sets up and runs the whole product on this machine: MariaDB and Redis (installed from Debian packages and
# started under .data/ unless ConnectionStrings__Loyalty / ConnectionStrings__Redis name external ones), the
# database and its migrations, a demo programme, the WeChat simulator and the API. Ctrl-C stops all of it.
# A second run reuses the data; `./run.sh --reset` starts from an empty demo database.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/services.sh

WL_API_PORT="${WL_API_PORT:-5080}"
WL_SIM_PORT="${WL_SIM_PORT:-5180}"
RESET=0
[ "${1:-}" = "--reset" ] && RESET=1

children=()
cleanup() {
  trap - INT TERM EXIT
  log "stopping"
  local pid
  for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${children[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_started
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_free "$WL_API_PORT" || die "port $WL_API_PORT is in use (another ./run.sh?); set WL_API_PORT to use another"
port_free "$WL_SIM_PORT" || die "port $WL_SIM_PORT is in use (another ./run.sh?); set WL_SIM_PORT to use another"

ensure_dotnet
ensure_packages
start_mariadb
start_redis

if [ -z "${ConnectionStrings__Loyalty:-}" ]; then
  if [ "$RESET" = 1 ]; then
    log "dropping the demo database"
    mariadb_root -e "DROP DATABASE IF EXISTS wechat_loyalty"
    redis-cli -p "$WL_REDIS_PORT" --scan --pattern 'loyalty:*' | xargs -r redis-cli -p "$WL_REDIS_PORT" del >/dev/null
  fi
  mariadb_root -e "CREATE DATABASE IF NOT EXISTS wechat_loyalty CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  export ConnectionStrings__Loyalty="$(local_mariadb_server);Database=wechat_loyalty"
fi
export ConnectionStrings__Redis="${ConnectionStrings__Redis:-127.0.0.1:$WL_REDIS_PORT}"

# Development secrets: made once per data folder, never committed. Production sets these in its environment.
secrets="$WL_DATA_DIR/secrets.env"
if [ ! -f "$secrets" ]; then
  log "generating development secrets in $secrets"
  umask 077
  { echo "Auth__MemberTokenKey=$(head -c 32 /dev/urandom | base64)"
    echo "Security__DataKey=$(head -c 32 /dev/urandom | base64)"
    echo "Security__HashKey=$(head -c 32 /dev/urandom | base64)"; } > "$secrets"
  umask 022
fi
set -a; source "$secrets"; set +a
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
# The demo runs each recurring job once at start, so the jobs dashboard shows real runs on real data.
export Jobs__TriggerOnStart="${Jobs__TriggerOnStart:-true}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

log "building (Release)"
dotnet build WechatLoyalty.sln -c Release -v quiet -nologo -clp:ErrorsOnly

api_dir="$PWD/src/Api/bin/Release/net10.0"
sim_dir="$PWD/src/Simulator/bin/Release/net10.0"
api() { (cd "$api_dir" && exec dotnet WechatLoyalty.Api.dll "$@"); }

log "migrating and seeding the demo programme"
api seed-demo

log "starting the WeChat simulator on http://127.0.0.1:$WL_SIM_PORT"
set -a; source scripts/simulator.env; set +a
(cd "$sim_dir" && exec dotnet WechatLoyalty.Simulator.dll --urls "http://127.0.0.1:$WL_SIM_PORT") &
children+=($!)
# The API reads the merchant and platform keys the simulator writes on its first start.
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$WL_SIM_PORT/sim/keys" >/dev/null 2>&1 && break
  kill -0 "${children[-1]}" 2>/dev/null || die "the simulator exited during start-up (see its log above)"
  sleep 0.5
done

log "starting the API on http://127.0.0.1:$WL_API_PORT"
# Started directly (not through the api function) so that $! is the dotnet process itself and Ctrl-C reaches it.
(cd "$api_dir" && exec dotnet WechatLoyalty.Api.dll --urls "http://127.0.0.1:$WL_API_PORT") &
children+=($!)

ready=0
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$WL_API_PORT/health/ready" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "${children[-1]}" 2>/dev/null || die "the API exited during start-up (see its log above)"
  sleep 0.5
done
[ "$ready" = 1 ] || die "the API did not become ready within 60 s"

cat <<MSG

  WechatLoyalty is running. Open:
    Member journey (phone)   http://127.0.0.1:$WL_API_PORT/demo/   (the mini-program, played in a browser)
    Admin console            http://127.0.0.1:$WL_API_PORT/console   (zh-CN; English in the header)
    API reference (Scalar)   http://127.0.0.1:$WL_API_PORT/scalar
    OpenAPI document         http://127.0.0.1:$WL_API_PORT/openapi/v1.json
    Readiness                http://127.0.0.1:$WL_API_PORT/health/ready
    Programme                http://127.0.0.1:$WL_API_PORT/api/programme
    Jobs dashboard (admin)   http://127.0.0.1:$WL_API_PORT/hangfire   (sign in at /console first)
    WeChat simulator         http://127.0.0.1:$WL_SIM_PORT/
  Demo console accounts (password: ${Demo__AdminPassword:-demo-admin-2026}): admin, marketing, manager, clerk
  Data: $WL_DATA_DIR (MariaDB 127.0.0.1:$WL_MARIADB_PORT, Redis 127.0.0.1:$WL_REDIS_PORT)
  Press Ctrl-C to stop everything.

MSG
wait -n "${children[@]}" || true
