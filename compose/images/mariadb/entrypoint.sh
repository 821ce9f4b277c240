#!/bin/bash
# Start MariaDB with a `sinkmatrix`@'%' user (all privileges, with grant option) on 0.0.0.0:3306.
#   SINKMATRIX_DB_PASSWORD  the user's password (required)
#   SINKMATRIX_SERVER_ID    server id (default 1)
#   SINKMATRIX_BINLOG       1: ROW binlog, full row image and metadata (default); 0: no binlog
# Arguments are passed on to mariadbd. Root logs in through the unix socket only.
set -euo pipefail

die() {
  echo "sinkmatrix-mariadb: $*" >&2
  exit 64
}

password=${SINKMATRIX_DB_PASSWORD-}
unset SINKMATRIX_DB_PASSWORD
[ -n "$password" ] || die "SINKMATRIX_DB_PASSWORD is not set: give the password of the sinkmatrix user" \
  "(docker run -e SINKMATRIX_DB_PASSWORD=..., or environment: in the compose file)"
[[ $password != *[[:cntrl:]]* ]] || die "SINKMATRIX_DB_PASSWORD must not contain control characters"
server_id=${SINKMATRIX_SERVER_ID:-1}
[[ $server_id =~ ^[1-9][0-9]{0,9}$ ]] && ((server_id <= 4294967295)) \
  || die "SINKMATRIX_SERVER_ID must be a number from 1 to 4294967295, not '$server_id'"
case ${SINKMATRIX_BINLOG:-1} in
  1) mapfile -t binlog < /etc/sinkmatrix/mariadb/binlog.options
     binlog=(--log-bin=/var/lib/mysql/binlog "${binlog[@]}") ;;
  0) binlog=(--skip-log-bin) ;;
  *) die "SINKMATRIX_BINLOG must be 1 (binlog on) or 0 (off), not '$SINKMATRIX_BINLOG'" ;;
esac
mapfile -t storage < /etc/sinkmatrix/mariadb/storage.options
mapfile -t server < /etc/sinkmatrix/mariadb/server.options

quoted=${password//\\/\\\\}
quoted=${quoted//\'/\\\'}
mkdir -p /run/mysqld
# The init file is a here-document on fd 3: the password never lands in a file that outlives startup.
exec mariadbd --no-defaults --user=root --datadir=/var/lib/mysql --bind-address=0.0.0.0 --port=3306 \
  --socket=/run/mysqld/mysqld.sock --pid-file=/run/mysqld/mysqld.pid --server-id="$server_id" \
  "${storage[@]}" "${server[@]}" "${binlog[@]}" --init-file=/dev/fd/3 "$@" 3<<SQL
SET sql_log_bin = 0;
CREATE OR REPLACE USER 'sinkmatrix'@'%' IDENTIFIED BY '$quoted';
GRANT ALL PRIVILEGES ON *.* TO 'sinkmatrix'@'%' WITH GRANT OPTION;
SQL
