#!/bin/sh
# sinkmatrix-kafka [KAFKA ARGUMENT...]: one Apache Kafka node, broker and controller (KRaft), with the
# embedded backend's JVM options and server properties (/etc/sinkmatrix/kafka). Extra arguments go to
# kafka.Kafka after its config file (e.g. --override num.partitions=3).
#
#   SINKMATRIX_KAFKA_PORT             the client listener, on and advertised as 127.0.0.1:PORT (9092)
#   SINKMATRIX_KAFKA_CONTROLLER_PORT  the controller listener on 127.0.0.1 (default: a free port,
#                                     kept for a restart of the same container)
#   SINKMATRIX_KAFKA_CLUSTER_ID       the cluster id of empty storage (default: a random one)
#
# Both listeners are on 127.0.0.1: clients share the container's network (host network in compose).
# Empty storage (/var/lib/kafka/data) is formatted from the image's template, formatted at build time
# (`sinkmatrix-kafka --prepare`, a static quorum: it names no port), with the cluster id.
set -eu
libs=/opt/kafka/libs
conf=/etc/sinkmatrix/kafka
template=/opt/kafka/storage
archive=/opt/kafka/kafka.jsa
home=/var/lib/kafka
port=${SINKMATRIX_KAFKA_PORT:-9092}

die() { echo "sinkmatrix-kafka: $*" >&2; exit 64; }

properties() {  # properties DATA PORT CONTROLLER
  cat "$conf/broker.properties"
  echo "log.dirs=$1"
  echo "listeners=PLAINTEXT://127.0.0.1:$2,CONTROLLER://127.0.0.1:$3"
  echo "advertised.listeners=PLAINTEXT://127.0.0.1:$2"
  echo "controller.quorum.voters=1@127.0.0.1:$3"
}

if [ "${1:-}" = --prepare ]; then  # at build time: the storage template, then the class archive
  work=$(mktemp -d)
  properties "$template" 9 10 > "$work/format.properties"  # never bound: format only
  java -Xshare:auto -XX:TieredStopAtLevel=1 -cp "$libs/*" kafka.tools.StorageTool format \
    -t AAAAAAAAAAAAAAAAAAAAAA -c "$work/format.properties" > /dev/null
  cp -a "$template" "$work/data"
  properties "$work/data" 19092 19093 > "$work/server.properties"
  # shellcheck disable=SC2046
  java $(cat "$conf/jvm.options") -XX:ArchiveClassesAtExit="$archive" -cp "$libs/*" kafka.Kafka \
    "$work/server.properties" > "$work/kafka.log" 2>&1 &
  pid=$!
  i=0
  until grep -q "Kafka Server started" "$work/kafka.log"; do
    i=$((i + 1))
    [ "$i" -lt 600 ] && kill -0 "$pid" 2>/dev/null || { cat "$work/kafka.log" >&2; die "no start"; }
    sleep 0.2
  done
  i=0
  until SINKMATRIX_KAFKA_PORT=19092 /usr/local/bin/sinkmatrix-kafka-ready 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -lt 100 ] || { cat "$work/kafka.log" >&2; die "started, but serves no requests"; }
    sleep 0.2
  done
  kill -TERM "$pid"
  wait "$pid" || true
  [ -s "$archive" ] || { cat "$work/kafka.log" >&2; die "no class archive written"; }
  rm -rf "$work"
  exit 0
fi

case $port in ''|*[!0-9]*) die "SINKMATRIX_KAFKA_PORT must be a port number, not '$port'" ;; esac
data=$home/data
mkdir -p "$home"
rm -f "$home/ready"  # sinkmatrix-kafka-ready --once: not ready until this start serves
# a container started again (after a kill) keeps its data and its controller's port
controller=${SINKMATRIX_KAFKA_CONTROLLER_PORT:-$(cat "$home/controller.port" 2>/dev/null || python3 -c '
import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
echo "$controller" > "$home/controller.port"
if [ ! -e "$data/meta.properties" ]; then
  id=${SINKMATRIX_KAFKA_CLUSTER_ID:-$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')}
  rm -rf "$data"
  cp -a "$template" "$data"
  sed -i "s/^cluster.id=.*/cluster.id=$id/" "$data/meta.properties"
fi
properties "$data" "$port" "$controller" > "$home/server.properties"
# shellcheck disable=SC2046
exec java $(cat "$conf/jvm.options") -XX:SharedArchiveFile="$archive" -cp "$libs/*" kafka.Kafka \
  "$home/server.properties" "$@"
