#!/usr/bin/env bash
# A real S3-compatible object store on 127.0.0.1 for the tests, CI and the
# copy benchmarks: Ceph's RADOS Gateway (Debian's radosgw 16.2) over a
# one-node cluster (one monitor, one OSD with bluestore on a sparse file).
# Ceph rather than Swift because it keeps S3 Object Lock (compliance-mode
# retention); Swift ignores the lock headers.
#
#   tools/object-store.sh install        the Debian packages (no service started)
#   tools/object-store.sh start [DIR]    a new cluster in DIR (default
#                                         /var/tmp/bevara-s3); prints the
#                                         settings a test needs as shell lines
#   tools/object-store.sh stop [DIR]     stops it and removes DIR
#   tools/object-store.sh env [DIR]      prints the settings again
#   tools/object-store.sh stop-gateway|start-gateway [DIR]
#                                         the S3 front alone (fault tests)
#
# Ports: BEVARA_S3_PORT (default 17480) for S3, the monitor a little above it.
# The access key and secret are made here for this throw-away cluster.
set -euo pipefail

cmd="${1:-}"
dir="${2:-${BEVARA_S3_DIR:-/var/tmp/bevara-s3}}"
port="${BEVARA_S3_PORT:-17480}"
# The monitor on a port picked anew for each cluster: an OSD of a new cluster
# that met the monitor of the one just stopped (its socket not yet gone)
# was refused as "wrong fsid" now and then.
mon_port=$((port + 1 + RANDOM % 400))
access_key="bevara-test"
secret_key="bevara-test-secret-not-for-production"

die() { echo "object-store: $*" >&2; exit 1; }

install_packages() {
  if dpkg-query -W -f='${Status}' ceph-mon ceph-osd radosgw 2>/dev/null | grep -vq "ok installed" ||
     ! command -v radosgw >/dev/null; then
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    # Post-install scripts would start system-wide services: refuse them.
    $sudo sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      ceph-mon ceph-osd radosgw rclone >/dev/null || { $sudo rm -f /usr/sbin/policy-rc.d; die "apt-get failed"; }
    $sudo rm -f /usr/sbin/policy-rc.d
  fi
}

print_env() {
  echo "BEVARA_S3_ENDPOINT=http://127.0.0.1:${port}"
  echo "BEVARA_S3_REGION=us-east-1"
  echo "BEVARA_S3_ACCESS_KEY_ID=${access_key}"
  echo "BEVARA_S3_SECRET_ACCESS_KEY=${secret_key}"
  echo "BEVARA_S3_DIR=${dir}"
}

write_conf() {
  cat > "$dir/ceph.conf" <<EOF
[global]
fsid = $(cat "$dir/fsid")
mon host = v1:127.0.0.1:${mon_port}
auth cluster required = none
auth service required = none
auth client required = none
; without these radosgw hangs at its first request to the monitor under auth none
ms mon client mode = crc
ms client mode = crc
ms mon cluster mode = crc
ms cluster mode = crc
ms service mode = crc
ms mon service mode = crc
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon warn on pool no redundancy = false
mon allow pool delete = true
osd crush chooseleaf type = 0
; the first start in under a second rather than nine
paxos propose interval = 0.05
run dir = ${dir}/run
admin socket = ${dir}/run/\$name.asok
log file = ${dir}/log/\$name.log
crash dir = ${dir}/crash
mon data = ${dir}/mon/\$name
osd data = ${dir}/osd/\$name
osd objectstore = bluestore
; The OSD does not place itself in the CRUSH map at its start (this script
; does, before it starts): its own request raced its first map of the
; monitors and was refused as "wrong fsid" now and then (always under load).
osd crush update on start = false
osd class update on start = false
bluestore block create = true
bluestore block size = 21474836480
osd memory target = 536870912
bluestore cache autotune = false
bluestore cache size = 134217728
mon osd full ratio = 0.97
mon osd backfillfull ratio = 0.96
mon osd nearfull ratio = 0.95
mon max pg per osd = 1000

[client.rgw.bevara]
rgw frontends = beast endpoint=127.0.0.1:${port}
rgw data = ${dir}/rgw
rgw thread pool size = 64
rgw dns name = localhost
EOF
}

wait_for() {  # seconds, description, command...
  local seconds="$1" what="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if timeout 10 "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "object-store: $what did not come up in ${seconds}s; the end of its log:" >&2
  tail -n 15 "$dir/log/"*.log 2>/dev/null | sed 's/^/  /' >&2
  return 1
}


# Every daemon runs in the foreground (-f) in a session of its own, so that
# the pid written is the daemon's (a daemon that forks would leave the pid of
# a parent that is gone, and a stop that stops nothing).
run_daemon() {  # name, command...
  local name="$1"; shift
  setsid "$@" -f >>"$dir/log/$name.out" 2>&1 < /dev/null &
  echo $! > "$dir/run/$name.pid"
}

stop_daemon() {  # name
  local file="$dir/run/$1.pid"
  [ -f "$file" ] || return 0
  local pid; pid="$(cat "$file")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_gateway() {
  port_free "$port" || die "port $port is in use (another object store? BEVARA_S3_PORT picks another)"
  run_daemon radosgw radosgw -c "$dir/ceph.conf" -n client.rgw.bevara --rgw-data "$dir/rgw"
  wait_for 60 "radosgw" curl -sf -m 5 -o /dev/null "http://127.0.0.1:${port}/"
}

start_gateway_or_die() { start_gateway || die "radosgw did not start (logs in $dir/log)"; }

stop_gateway() { stop_daemon radosgw; }

# One try at a new cluster; 1 when a daemon did not come up.
start_once() {
  mkdir -p "$dir"/{run,log,crash,mon,osd,rgw}
  uuidgen > "$dir/fsid"
  write_conf
  local conf="$dir/ceph.conf"
  monmaptool --create --clobber --fsid "$(cat "$dir/fsid")" --addv a "v1:127.0.0.1:${mon_port}" "$dir/monmap" >/dev/null
  port_free "$mon_port" || die "port $mon_port is in use (another object store? BEVARA_S3_PORT picks another)"
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" >/dev/null
  run_daemon mon ceph-mon -c "$conf" -i a
  wait_for 30 "ceph-mon" ceph -c "$conf" --connect-timeout 2 mon stat || return 1
  local osd_uuid; osd_uuid="$(uuidgen)"
  local id; id="$(timeout 30 ceph -c "$conf" osd new "$osd_uuid")" || return 1
  timeout 30 ceph -c "$conf" osd crush add "osd.$id" 1.0 root=default >/dev/null 2>&1 || return 1
  mkdir -p "$dir/osd/osd.$id"
  ceph-osd -c "$conf" -i "$id" --mkfs --osd-uuid "$osd_uuid" >>"$dir/log/osd-mkfs.out" 2>&1 || return 1
  run_daemon osd ceph-osd -c "$conf" -i "$id"
  # Should a new OSD still be refused by its monitor ("wrong fsid"), it
  # never comes up; a fresh cluster does: give up on it early.
  local deadline=$((SECONDS + 30))
  until timeout 10 ceph -c "$conf" --connect-timeout 5 osd stat 2>/dev/null | grep -q '1 up'; do
    if grep -q "wrong fsid" "$dir/log/osd.$id.log" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "object-store: ceph-osd did not come up: $(grep -m1 -- ' -1 ' "$dir/log/osd.$id.log" 2>/dev/null | cut -c1-200)" >&2
      return 1
    fi
    sleep 0.2
  done
  start_gateway || return 1
  timeout 60 radosgw-admin -c "$conf" user create --uid=bevara --display-name=bevara \
    --access-key="$access_key" --secret="$secret_key" >/dev/null || return 1
}

# A daemon of a new one-node cluster now and then does not come up (seen:
# the OSD, once in a few dozen starts); a fresh cluster is tried, three in all.
start() {
  command -v radosgw >/dev/null || install_packages
  [ -e "$dir/ceph.conf" ] && stop
  for attempt in 1 2 3; do
    if start_once; then
      print_env
      return 0
    fi
    echo "object-store: attempt $attempt failed; starting a fresh cluster" >&2
    stop
  done
  die "the object store did not start (three attempts)"
}

stop() {
  [ -d "$dir" ] || return 0
  for name in radosgw osd mon; do stop_daemon "$name"; done
  case "$dir" in /|"") die "refusing to remove '$dir'";; esac
  rm -rf "$dir"
}

case "$cmd" in
  install) install_packages ;;
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  stop-gateway) stop_gateway ;;
  start-gateway) start_gateway_or_die ;;
  *) die "usage: $0 install|start|stop|env|stop-gateway|start-gateway [DIR]" ;;
esac
