# stack.sh - functions that install, build and start the private stack (MariaDB, reportd, nginx)
# under one folder. Sourced by scripts/run, scripts/test and the benchmark scripts.
# SPDX-License-Identifier: MIT

STACK_PACKAGES="build-essential cmake pkg-config libfcgi-dev libmariadb-dev libxlsxwriter-dev
libjansson-dev libarchive-dev libssl-dev mariadb-server mariadb-client nginx-light curl unzip
tzdata python3 util-linux clang libclang-rt-14-dev"

stack_log() {
    printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
}

# Installs the Debian packages that are missing; does nothing when all are there.
stack_install_packages() {
    local missing=""
    local package
    for package in $STACK_PACKAGES "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
        stack_log "missing packages:$missing (run as root or install them)"
        return 1
    fi
    local sudo=""
    [ "$(id -u)" != 0 ] && sudo=sudo
    stack_log "installing:$missing"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        $missing >/dev/null
}

# Builds into $1 with build type $2.
stack_build() {
    local build_dir=$1 build_type=$2
    cmake -S "$STACK_SOURCE" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
    cmake --build "$build_dir" -j "$(nproc)" >/dev/null
}

# Prints a free TCP port on loopback.
stack_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts a private MariaDB with its data under $STACK_DIR/mariadb, listening on
# $STACK_DIR/run/mariadb.sock and 127.0.0.1:$STACK_DB_PORT. Creates the database and the
# reportd user on first start, and loads the server's time zone tables (CONVERT_TZ needs them).
stack_db_start() {
    local datadir=$STACK_DIR/mariadb
    local sock=$STACK_DIR/run/mariadb.sock
    local fresh=0
    # A private temporary folder: MariaDB's on-disk temporary tables of large GROUP BYs must not
    # share /tmp with cleaners and other servers.
    mkdir -p "$STACK_DIR/run" "$STACK_DIR/log" "$STACK_DIR/mariadb-tmp"
    if [ ! -d "$datadir/mysql" ]; then
        fresh=1
        mkdir -p "$datadir"
        mariadb-install-db --no-defaults --datadir="$datadir" --user="$(id -un)" \
            --auth-root-authentication-method=socket --skip-test-db \
            >"$STACK_DIR/log/mariadb-install.log" 2>&1 || {
            stack_log "mariadb-install-db failed; see $STACK_DIR/log/mariadb-install.log"
            return 1
        }
    fi
    mariadbd --no-defaults --datadir="$datadir" --socket="$sock" --port="$STACK_DB_PORT" \
        --bind-address=127.0.0.1 --pid-file="$STACK_DIR/run/mariadb.pid" \
        --tmpdir="$STACK_DIR/mariadb-tmp" \
        --log-error="$STACK_DIR/log/mariadb.log" --user="$(id -un)" \
        --innodb-buffer-pool-size=1G --innodb-log-file-size=512M \
        --innodb-flush-log-at-trx-commit=2 --skip-log-bin --local-infile=1 \
        --max-allowed-packet=64M --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_bin &
    echo $! >"$STACK_DIR/run/mariadb.launcher.pid"
    # Tests kill and restart this server on purpose; the shell need not report it as a job.
    disown $!
    local i
    for i in $(seq 1 120); do
        mariadb-admin --no-defaults -S "$sock" -u root ping >/dev/null 2>&1 && break
        sleep 0.5
    done
    mariadb-admin --no-defaults -S "$sock" -u root ping >/dev/null 2>&1 || {
        stack_log "MariaDB did not start; see $STACK_DIR/log/mariadb.log"
        return 1
    }
    if [ "$fresh" = 1 ]; then
        mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null |
            mariadb --no-defaults -S "$sock" -u root mysql || return 1
        mariadb --no-defaults -S "$sock" -u root <<SQL || return 1
CREATE DATABASE IF NOT EXISTS reportd CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS 'reportd'@'localhost' IDENTIFIED BY '$STACK_DB_PASSWORD';
CREATE USER IF NOT EXISTS 'reportd'@'127.0.0.1' IDENTIFIED BY '$STACK_DB_PASSWORD';
GRANT ALL ON reportd.* TO 'reportd'@'localhost';
GRANT ALL ON reportd.* TO 'reportd'@'127.0.0.1';
GRANT PROCESS ON *.* TO 'reportd'@'localhost';
SQL
    fi
}

# Stops the private MariaDB and waits until its process is gone.
stack_db_stop() {
    local sock=$STACK_DIR/run/mariadb.sock
    local pid
    pid=$(cat "$STACK_DIR/run/mariadb.pid" 2>/dev/null) || pid=""
    [ -S "$sock" ] && mariadb-admin --no-defaults -S "$sock" -u root shutdown >/dev/null 2>&1
    [ -n "$pid" ] || return 0
    local i
    for i in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# Runs SQL as the reportd user against the private server.
stack_sql() {
    mariadb --no-defaults -S "$STACK_DIR/run/mariadb.sock" -u reportd -p"$STACK_DB_PASSWORD" \
        reportd "$@"
}

# Writes $STACK_DIR/reportd.conf for the private instance.
stack_write_config() {
    mkdir -p "$STACK_DIR/tmp" "$STACK_DIR/exports"
    printf '%s\n' "$STACK_DB_PASSWORD" >"$STACK_DIR/db.password"
    chmod 600 "$STACK_DIR/db.password"
    cat >"$STACK_DIR/reportd.conf" <<CONF
# Private instance written by scripts/lib/stack.sh.
listen = $STACK_DIR/run/reportd.sock
workers = ${STACK_WORKERS:-2}
db_socket = $STACK_DIR/run/mariadb.sock
db_user = reportd
db_password_file = $STACK_DIR/db.password
db_name = reportd
temp_dir = $STACK_DIR/tmp
export_root = $STACK_DIR/exports
CONF
}

# Starts reportd in the background with $STACK_DIR/reportd.conf.
stack_reportd_start() {
    "$STACK_BUILD/reportd" --config "$STACK_DIR/reportd.conf" \
        >>"$STACK_DIR/log/reportd.log" 2>&1 &
    echo $! >"$STACK_DIR/run/reportd.pid"
    local i
    for i in $(seq 1 100); do
        [ -S "$STACK_DIR/run/reportd.sock" ] && return 0
        sleep 0.1
    done
    stack_log "reportd did not open its socket; see $STACK_DIR/log/reportd.log"
    return 1
}

stack_reportd_stop() {
    local pid
    pid=$(cat "$STACK_DIR/run/reportd.pid" 2>/dev/null) || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    local i
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# Starts nginx on 127.0.0.1:$STACK_HTTP_PORT in front of reportd's socket.
stack_nginx_start() {
    local conf=$STACK_DIR/nginx.conf
    local user_line=""
    [ "$(id -u)" = 0 ] && user_line="user root root;"
    mkdir -p "$STACK_DIR/nginx"
    sed -e "s|@PREFIX@|$STACK_DIR/nginx|g" -e "s|@PORT@|$STACK_HTTP_PORT|g" \
        -e "s|@SOCKET@|$STACK_DIR/run/reportd.sock|g" -e "s|@USER@|$user_line|g" \
        -e "s|@LOG@|$STACK_DIR/log|g" \
        "$STACK_SOURCE/nginx/loopback.conf.in" >"$conf"
    nginx -p "$STACK_DIR/nginx" -c "$conf" -e "$STACK_DIR/log/nginx-error.log" || return 1
    local i
    for i in $(seq 1 50); do
        curl -s -o /dev/null "http://127.0.0.1:$STACK_HTTP_PORT/" && return 0
        sleep 0.1
    done
    stack_log "nginx did not answer on port $STACK_HTTP_PORT"
    return 1
}

stack_nginx_stop() {
    [ -f "$STACK_DIR/nginx/nginx.pid" ] || return 0
    nginx -p "$STACK_DIR/nginx" -c "$STACK_DIR/nginx.conf" -e "$STACK_DIR/log/nginx-error.log" \
        -s stop 2>/dev/null || true
}
