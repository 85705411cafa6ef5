#!/usr/bin/env bash
# Shared by run.sh and test.sh: installs and starts a project-local MariaDB and Redis under a data folder,
# unless the environment already names external servers. Sourced, not executed.
#
#   WL_DATA_DIR            data folder (default: <repo>/.data)
#   WL_MARIADB_PORT        port of the project-local MariaDB (default 3307)
#   WL_REDIS_PORT          port of the project-local Redis (default 6380)
#   ConnectionStrings__Loyalty / ConnectionStrings__Redis   external servers: nothing is installed or started

WL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WL_DATA_DIR="${WL_DATA_DIR:-$WL_ROOT/.data}"
WL_MARIADB_PORT="${WL_MARIADB_PORT:-3307}"
WL_REDIS_PORT="${WL_REDIS_PORT:-6380}"
WL_DB_USER="${WL_DB_USER:-loyalty}"
WL_DB_PASSWORD="${WL_DB_PASSWORD:-loyalty-dev-password}"
WL_STARTED_PIDS=()

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root or sudo to run: $*"; fi
}

ensure_dotnet() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is required (dotnet not on PATH)"
}

# Installs mariadb-server and redis-server from Debian's packages when they are missing. Debian's postinst may
# try to start the system services; policy-rc.d or the absence of systemd keeps them down, and ours use other ports.
ensure_packages() {
  local missing=()
  if [ -z "${ConnectionStrings__Loyalty:-}" ]; then
    command -v mariadbd >/dev/null || missing+=(mariadb-server)
    command -v mariadb >/dev/null || missing+=(mariadb-client)
  fi
  [ -n "${ConnectionStrings__Redis:-}" ] || command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} from Debian packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The console's browser tests drive Debian's chromium through chromium-driver (Selenium); nothing is downloaded
# at test time. Only the test command needs them.
ensure_browser() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} from Debian packages (console browser tests)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

mariadb_socket() { echo "$WL_DATA_DIR/mariadb/mysqld.sock"; }
mariadb_root() { mariadb --no-defaults --socket="$(mariadb_socket)" -uroot "$@"; }

start_mariadb() {
  if [ -n "${ConnectionStrings__Loyalty:-}" ]; then log "MariaDB: using the external server from ConnectionStrings__Loyalty"; return 0; fi
  local dir="$WL_DATA_DIR/mariadb"
  mkdir -p "$dir"
  if mariadb-admin --no-defaults --socket="$(mariadb_socket)" -uroot ping >/dev/null 2>&1; then
    log "MariaDB: already running on port $WL_MARIADB_PORT"; return 0
  fi
  if [ ! -d "$dir/data/mysql" ]; then
    log "MariaDB: initialising $dir/data"
    mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
      || { cat "$dir/install.log" >&2; die "mariadb-install-db failed"; }
  fi
  log "MariaDB: starting on 127.0.0.1:$WL_MARIADB_PORT"
  # Its temporary tables live beside its data, not in the shared /tmp: a big sort or GROUP BY spills to disk there,
  # and a /tmp cleaner (or another tool's cleanup) deleting the file fails the statement ("Error on delete of
  # '/tmp/#sql…' (Errcode: 2)"), which is how two 1M-row benchmark runs died.
  mkdir -p "$dir/tmp"
  mariadbd --no-defaults --datadir="$dir/data" --tmpdir="$dir/tmp" --port="$WL_MARIADB_PORT" --bind-address=127.0.0.1 \
    --socket="$(mariadb_socket)" --pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" \
    --user="$(id -un)" --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --default-time-zone=+00:00 --innodb-buffer-pool-size=256M --max-connections=500 \
    --innodb-flush-log-at-trx-commit=2 --skip-name-resolve >/dev/null 2>&1 &
  WL_STARTED_PIDS+=($!)
  for _ in $(seq 1 60); do
    mariadb-admin --no-defaults --socket="$(mariadb_socket)" -uroot ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb-admin --no-defaults --socket="$(mariadb_socket)" -uroot ping >/dev/null 2>&1 \
    || { tail -20 "$dir/error.log" >&2; die "MariaDB did not start (log: $dir/error.log)"; }
  # The application account may create and drop the databases whose names start with wechat_loyalty
  # (the demo database and the tests' throw-away ones), and nothing else.
  mariadb_root -e "CREATE USER IF NOT EXISTS '$WL_DB_USER'@'127.0.0.1' IDENTIFIED BY '$WL_DB_PASSWORD';
    CREATE USER IF NOT EXISTS '$WL_DB_USER'@'localhost' IDENTIFIED BY '$WL_DB_PASSWORD';
    GRANT ALL PRIVILEGES ON \`wechat\\_loyalty%\`.* TO '$WL_DB_USER'@'127.0.0.1';
    GRANT ALL PRIVILEGES ON \`wechat\\_loyalty%\`.* TO '$WL_DB_USER'@'localhost';"
}

start_redis() {
  if [ -n "${ConnectionStrings__Redis:-}" ]; then log "Redis: using the external server from ConnectionStrings__Redis"; return 0; fi
  local dir="$WL_DATA_DIR/redis"
  mkdir -p "$dir"
  if redis-cli -p "$WL_REDIS_PORT" ping >/dev/null 2>&1; then log "Redis: already running on port $WL_REDIS_PORT"; return 0; fi
  log "Redis: starting on 127.0.0.1:$WL_REDIS_PORT"
  # Append-only file: Hangfire's queues live here, and a restart must not lose an enqueued job.
  redis-server --port "$WL_REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --appendonly yes --save "" \
    --daemonize no --logfile "$dir/redis.log" --protected-mode yes >/dev/null 2>&1 &
  WL_STARTED_PIDS+=($!)
  for _ in $(seq 1 40); do redis-cli -p "$WL_REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.25; done
  redis-cli -p "$WL_REDIS_PORT" ping >/dev/null 2>&1 || die "Redis did not start (log: $dir/redis.log)"
}

# Server-level connection string (no database) for the project-local MariaDB.
local_mariadb_server() {
  echo "Server=127.0.0.1;Port=$WL_MARIADB_PORT;User ID=$WL_DB_USER;Password=$WL_DB_PASSWORD"
}

stop_started() {
  local pid
  for pid in "${WL_STARTED_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${WL_STARTED_PIDS[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  WL_STARTED_PIDS=()
}
