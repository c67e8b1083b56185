# shellcheck shell=bash
# The docker-less local stack: kinesis-local (Kinesis) and PostgreSQL 15 behind PgBouncer (Redshift).
# Sourced by bin/convoy; every function expects CONVOY_ROOT to be set.

KINESIS_LOCAL_VERSION=0.6.2
PG_MAJOR=15
# Startup parameters redshift-jdbc42 sends that PostgreSQL refuses; PgBouncer drops them.
# The minimal set, found by dropping each in turn (redshift-jdbc42 2.3): extra_float_digits as every
# PostgreSQL-derived driver sends; the rest are the Redshift driver's own. IAM logins add plugin_name.
PGBOUNCER_IGNORE_PARAMS=extra_float_digits,driver_version,os_version,client_protocol_version,driver_discovery_version

stack_init_vars() {
  STACK_DIR=${CONVOY_STACK_DIR:-/tmp/convoy-stack-$(id -u)}
  KINESIS_PORT=${CONVOY_KINESIS_PORT:-4568}
  KINESIS_TLS_PORT=${CONVOY_KINESIS_TLS_PORT:-4567}
  PG_PORT=${CONVOY_PG_PORT:-15432}
  RS_PORT=${CONVOY_REDSHIFT_PORT:-6432}
  REGION=${AWS_REGION:-us-east-1}
  STACK_CONFIG=${CONVOY_STACK_CONFIG:-$CONVOY_ROOT/conf/jobs.local.yaml}
  # PostgreSQL and PgBouncer refuse to run as root: run them as the postgres user then.
  if [[ $(id -u) -eq 0 ]]; then RUN_AS=postgres; else RUN_AS=$(id -un); fi
}

say() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

as_run_user() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$RUN_AS" -- "$@"; else "$@"; fi
}

# ---------------------------------------------------------------- installing what is missing

need() { # need <command-or-path> <debian packages...>
  local what=$1; shift
  if [[ $what == /* ]]; then [[ -x $what ]] && return 0; else command -v "$what" >/dev/null && return 0; fi
  if convoy_apt_install "$@"; then return 0; fi
  die "$what is missing. Install it (Debian/Ubuntu: apt-get install $*) and run 'bin/convoy stack up' again."
}

pg_bin() {
  local dir=/usr/lib/postgresql/$PG_MAJOR/bin
  if [[ ! -x $dir/pg_ctl ]]; then
    if convoy_apt_install "postgresql-$PG_MAJOR"; then :; else
      die "PostgreSQL $PG_MAJOR is missing. Install it (apt-get install postgresql-$PG_MAJOR) and run 'bin/convoy stack up' again."
    fi
  fi
  printf '%s\n' "$dir"
}

ensure_tools() {
  need curl curl
  need node nodejs npm
  need npm npm
  need psql postgresql-client
  need pgbouncer pgbouncer
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres || die "cannot create the postgres user"
  fi
  PG_BIN=$(pg_bin)
}

# ---------------------------------------------------------------- state folder and secrets

ensure_dirs() {
  mkdir -p "$STACK_DIR"/{logs,kinesis,pg,pgbouncer}
  chmod 755 "$STACK_DIR"
  touch "$STACK_DIR"/logs/{kinesis,postgres,pgbouncer}.log
  if [[ $(id -u) -eq 0 ]]; then
    chown -R "$RUN_AS" "$STACK_DIR"/pg "$STACK_DIR"/pgbouncer "$STACK_DIR"/logs/postgres.log "$STACK_DIR"/logs/pgbouncer.log
  fi
  if [[ ! -s $STACK_DIR/secret ]]; then
    (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' > "$STACK_DIR/secret")
  fi
  write_env
}

write_env() {
  local password; password=$(cat "$STACK_DIR/secret")
  (umask 077; cat > "$STACK_DIR/stack.env" <<ENV
export CONVOY_STACK_DIR=$STACK_DIR
export CONVOY_KINESIS_ENDPOINT=http://127.0.0.1:$KINESIS_PORT
export CONVOY_REDSHIFT_URL=jdbc:redshift://127.0.0.1:$RS_PORT/convoy?ssl=false
export CONVOY_REDSHIFT_USER=convoy
export CONVOY_REDSHIFT_PASSWORD=$password
export AWS_REGION=$REGION
export AWS_ACCESS_KEY_ID=\${AWS_ACCESS_KEY_ID:-convoy-local}
export AWS_SECRET_ACCESS_KEY=\${AWS_SECRET_ACCESS_KEY:-convoy-local}
ENV
  )
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_alive() { [[ -s $1 ]] && kill -0 "$(head -1 "$1" 2>/dev/null)" 2>/dev/null; }
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# TERM, wait up to 20 s, then KILL: `stack down` must leave nothing running.
stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  wait_for 20 "pid $pid to exit" pid_gone "$pid" && return 0
  say "pid $pid ignored TERM for 20 s; killing it"
  kill -9 "$pid" 2>/dev/null || true
}

wait_for() { # wait_for <seconds> <description> <command...>
  local seconds=$1 what=$2 i; shift 2
  for ((i = 0; i < seconds * 4; i++)); do
    "$@" && return 0
    sleep 0.25
  done
  return 1
}

# ---------------------------------------------------------------- Kinesis

kinesis_call() { # kinesis_call <Action> <json>
  curl -s --max-time 10 --aws-sigv4 "aws:amz:$REGION:kinesis" --user "convoy-local:convoy-local" \
    -H 'Content-Type: application/x-amz-json-1.1' -H "X-Amz-Target: Kinesis_20131202.$1" \
    -d "$2" "http://127.0.0.1:$KINESIS_PORT/"
}
# grep reads the whole listing: with pipefail, grep -q's early exit could fail a long one with SIGPIPE.
kinesis_healthy() { kinesis_call ListStreams '{}' 2>/dev/null | grep StreamNames >/dev/null; }

kinesis_up() {
  if kinesis_healthy; then say "kinesis-local already up on :$KINESIS_PORT"; return; fi
  port_open "$KINESIS_PORT" && die "port $KINESIS_PORT is taken by something that is not kinesis-local; set CONVOY_KINESIS_PORT to a free port"
  local pkg=$STACK_DIR/kinesis/node_modules/kinesis-local
  if [[ ! -f $pkg/main.js ]] || ! grep -q "\"version\" : \"$KINESIS_LOCAL_VERSION\"" "$pkg/package.json"; then
    say "installing kinesis-local@$KINESIS_LOCAL_VERSION with npm"
    npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix "$STACK_DIR/kinesis" \
      "kinesis-local@$KINESIS_LOCAL_VERSION" >>"$STACK_DIR/logs/kinesis.log" 2>&1 \
      || die "npm could not install kinesis-local@$KINESIS_LOCAL_VERSION (see $STACK_DIR/logs/kinesis.log)"
  fi
  say "starting kinesis-local on :$KINESIS_PORT"
  # kinesis-local reads server.json from its working directory, so start it from its package folder.
  # setsid -f: a new session, so the server outlives this shell and holds none of its pipes.
  # shellcheck disable=SC2016 # $$ is expanded by the new shell: the server's own pid.
  (cd "$pkg" && exec env KINESIS_MOCK_PLAIN_PORT="$KINESIS_PORT" KINESIS_MOCK_TLS_PORT="$KINESIS_TLS_PORT" \
    AWS_REGION="$REGION" LOG_LEVEL="${CONVOY_KINESIS_LOG_LEVEL:-WARN}" SHARD_LIMIT=500 \
    setsid -f bash -c 'echo $$ > "$1"; exec node main.js' _ "$STACK_DIR/kinesis/kinesis.pid") \
    >>"$STACK_DIR/logs/kinesis.log" 2>&1 < /dev/null
  wait_for 60 kinesis kinesis_healthy || die "kinesis-local did not answer within 60 s (see $STACK_DIR/logs/kinesis.log)"
}

# "stream:shards" for each job of the config, read by the driver's own config code.
config_streams() {
  [[ -f $STACK_CONFIG ]] || return 0
  "$CONVOY_ROOT/bin/convoy" config streams --config "$STACK_CONFIG"
}

stream_active() { kinesis_call DescribeStreamSummary "{\"StreamName\":\"$1\"}" 2>/dev/null | grep -Eq '"StreamStatus" *: *"ACTIVE"'; }

# Kinesis (and kinesis-local) creates at most 5 streams at a time and refuses more with
# LimitExceededException: a config with more new streams waits for earlier ones and goes on.
create_streams() {
  local spec name shards out existing created=() i told=""
  existing=$(kinesis_call ListStreams '{"Limit":10000}')
  for spec in $(config_streams); do
    name=${spec%%:*}; shards=${spec##*:}
    if grep -q "\"$name\"" <<<"$existing"; then continue; fi
    say "creating stream $name ($shards shards)"
    for ((i = 0; i < 480; i++)); do
      out=$(kinesis_call CreateStream "{\"StreamName\":\"$name\",\"ShardCount\":$shards}")
      [[ $out == *LimitExceeded* ]] || break
      [[ -n $told ]] || { say "waiting for earlier streams to become active (at most 5 are created at a time)"; told=1; }
      sleep 0.25
    done
    [[ -z $out || $out == *ResourceInUse* ]] || die "could not create stream $name: $out"
    created+=("$name")
  done
  for name in "${created[@]}"; do
    wait_for 120 "stream $name" stream_active "$name" || die "stream $name did not become active within 120 s (see $STACK_DIR/logs/kinesis.log)"
  done
  [[ ${#created[@]} -eq 0 ]] || say "${#created[@]} stream(s) active"
}

kinesis_down() {
  local pidfile=$STACK_DIR/kinesis/kinesis.pid
  if pid_alive "$pidfile"; then
    say "stopping kinesis-local"
    stop_pid "$(cat "$pidfile")"
  elif kinesis_healthy; then
    die "something answers as Kinesis on :$KINESIS_PORT but was not started by this stack ($STACK_DIR); stop it yourself"
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------- PostgreSQL

pg_healthy() { "${PG_BIN:-/usr/lib/postgresql/$PG_MAJOR/bin}/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d postgres 2>/dev/null; }

pg_up() {
  local data=$STACK_DIR/pg/data password
  password=$(cat "$STACK_DIR/secret")
  if [[ ! -f $data/PG_VERSION ]]; then
    say "initialising PostgreSQL $PG_MAJOR in $data"
    local pwfile=$STACK_DIR/pg/.pw
    (umask 077; printf '%s\n' "$password" > "$pwfile")
    [[ $(id -u) -eq 0 ]] && chown "$RUN_AS" "$pwfile"
    as_run_user "$PG_BIN/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=md5 \
      --pwfile="$pwfile" -E UTF8 --locale=C >>"$STACK_DIR/logs/postgres.log" 2>&1 \
      || die "initdb failed (see $STACK_DIR/logs/postgres.log)"
    rm -f "$pwfile"
    # The Redshift driver speaks md5, not SCRAM.
    as_run_user bash -c "cat >> '$data/postgresql.conf'" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$STACK_DIR/pg'
password_encryption = md5
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
  if pg_healthy; then say "PostgreSQL already up on :$PG_PORT"; else
    port_open "$PG_PORT" && die "port $PG_PORT is taken by something else; set CONVOY_PG_PORT to a free port"
    # A pid file left by a server that died with the machine makes pg_ctl warn on start; drop it if its process is gone.
    local stale
    if [[ -f $data/postmaster.pid ]] && stale=$(head -n 1 "$data/postmaster.pid") && [[ $stale =~ ^[0-9]+$ && ! -d /proc/$stale ]]; then
      as_run_user rm -f "$data/postmaster.pid"
    fi
    say "starting PostgreSQL $PG_MAJOR on :$PG_PORT"
    as_run_user "$PG_BIN/pg_ctl" -D "$data" -o "-p $PG_PORT" -l "$STACK_DIR/logs/postgres.log" -w -t 60 start >/dev/null \
      || die "PostgreSQL did not start (see $STACK_DIR/logs/postgres.log)"
  fi
  # The convoy role and database: created once, password kept in step with stack.env.
  local psql=(as_run_user "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -h "$STACK_DIR/pg" -p "$PG_PORT" -U postgres -d postgres)
  "${psql[@]}" -v pw="$password" >/dev/null <<'SQL' || die "could not create the convoy role (see $STACK_DIR/logs/postgres.log)"
SET password_encryption = 'md5';
SELECT 'CREATE ROLE convoy LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'convoy') \gexec
ALTER ROLE convoy WITH LOGIN PASSWORD :'pw';
SELECT 'CREATE DATABASE convoy OWNER convoy' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'convoy') \gexec
SQL
  # Redshift's SERIALIZABLE isolation, enforced: PostgreSQL then aborts what Redshift would (error 1023),
  # so the tests see it. ALTER SYSTEM also reaches a data folder made by an older `stack up`.
  "${psql[@]}" >/dev/null <<'SQL' || die "could not set the stand-in's isolation level (see $STACK_DIR/logs/postgres.log)"
ALTER SYSTEM SET default_transaction_isolation = 'serializable';
SELECT pg_reload_conf();
SQL
}

pg_down() {
  local data=$STACK_DIR/pg/data
  if [[ -f $data/postmaster.pid ]]; then
    say "stopping PostgreSQL"
    as_run_user "${PG_BIN:-/usr/lib/postgresql/$PG_MAJOR/bin}/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
}

# ---------------------------------------------------------------- PgBouncer (the Redshift endpoint)

redshift_healthy() {
  PGPASSWORD=$(cat "$STACK_DIR/secret" 2>/dev/null) PGCONNECT_TIMEOUT=3 \
    psql -qtA -h 127.0.0.1 -p "$RS_PORT" -U convoy -d convoy -c 'select 1' 2>/dev/null | grep '^1$' >/dev/null
}

pgbouncer_up() {
  local dir=$STACK_DIR/pgbouncer password hash
  password=$(cat "$STACK_DIR/secret")
  hash=md5$(printf '%s%s' "$password" convoy | md5sum | cut -d' ' -f1)
  (umask 077; printf '"convoy" "%s"\n' "$hash" > "$dir/userlist.txt")
  sed -e "s|@PG_PORT@|$PG_PORT|g" -e "s|@RS_PORT@|$RS_PORT|g" -e "s|@DIR@|$STACK_DIR|g" \
      -e "s|@IGNORE_PARAMS@|$PGBOUNCER_IGNORE_PARAMS|g" \
      "$CONVOY_ROOT/localstack/pgbouncer.ini.template" > "$dir/pgbouncer.ini.new"
  local changed=no
  cmp -s "$dir/pgbouncer.ini.new" "$dir/pgbouncer.ini" || changed=yes
  mv "$dir/pgbouncer.ini.new" "$dir/pgbouncer.ini"
  [[ $(id -u) -eq 0 ]] && chown "$RUN_AS" "$dir/userlist.txt" "$dir/pgbouncer.ini"
  if [[ $changed == no ]] && redshift_healthy; then say "PgBouncer already up on :$RS_PORT"; return; fi
  [[ $changed == yes ]] && pid_alive "$dir/pgbouncer.pid" && say "PgBouncer configuration changed; restarting it"
  if pid_alive "$dir/pgbouncer.pid"; then stop_pid "$(cat "$dir/pgbouncer.pid")"; fi
  port_open "$RS_PORT" && die "port $RS_PORT is taken by something that is not Convoy's PgBouncer (a system pgbouncer?); stop it or set CONVOY_REDSHIFT_PORT"
  say "starting PgBouncer on :$RS_PORT"
  as_run_user pgbouncer -d -q "$dir/pgbouncer.ini" >>"$STACK_DIR/logs/pgbouncer.log" 2>&1 \
    || die "PgBouncer did not start (see $STACK_DIR/logs/pgbouncer.log)"
  wait_for 30 pgbouncer redshift_healthy || die "PgBouncer does not pass connections to PostgreSQL (see $STACK_DIR/logs/pgbouncer.log)"
}

pgbouncer_down() {
  local pidfile=$STACK_DIR/pgbouncer/pgbouncer.pid
  if pid_alive "$pidfile"; then
    say "stopping PgBouncer"
    stop_pid "$(cat "$pidfile")"
  fi
}

# ---------------------------------------------------------------- commands

stack_up() {
  ensure_tools
  ensure_dirs
  kinesis_up
  create_streams
  pg_up
  pgbouncer_up
  say "up. Endpoints and the generated password: 'bin/convoy stack env' ($STACK_DIR/stack.env); logs: $STACK_DIR/logs"
}

stack_down() {
  pgbouncer_down
  pg_down
  kinesis_down
  say "down"
}

stack_status() {
  local bad=0
  if kinesis_healthy; then echo "kinesis    up    http://127.0.0.1:$KINESIS_PORT  streams: $(kinesis_call ListStreams '{"Limit":10000}' | grep -o '"StreamNames":\[[^]]*\]' | sed 's/.*\[//; s/\]//; s/"//g')"
  else echo "kinesis    DOWN  http://127.0.0.1:$KINESIS_PORT  (log: $STACK_DIR/logs/kinesis.log)"; bad=1; fi
  if pg_healthy; then echo "postgres   up    127.0.0.1:$PG_PORT"
  else echo "postgres   DOWN  127.0.0.1:$PG_PORT  (log: $STACK_DIR/logs/postgres.log)"; bad=1; fi
  if redshift_healthy; then echo "pgbouncer  up    jdbc:redshift://127.0.0.1:$RS_PORT/convoy?ssl=false"
  else echo "pgbouncer  DOWN  127.0.0.1:$RS_PORT  (log: $STACK_DIR/logs/pgbouncer.log)"; bad=1; fi
  if (( bad )); then echo "Run 'bin/convoy stack up' to start what is down." >&2; return 1; fi
}

stack_env() {
  [[ -f $STACK_DIR/stack.env ]] || die "no stack state in $STACK_DIR; run 'bin/convoy stack up' first"
  cat "$STACK_DIR/stack.env"
}
