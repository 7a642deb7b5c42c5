#!/usr/bin/env bash
# Make sure a Docker engine answers. As root on Debian with no engine, install docker.io and
# start dockerd in the background (no systemd needed); otherwise say what to do.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
  echo "No Docker engine answers. Install and start Docker (or join the docker group), then rerun." >&2
  exit 1
fi
if [ ! -x /usr/sbin/dockerd ]; then
  echo "Installing docker.io"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
if ! pgrep -x dockerd >/dev/null; then
  echo "Starting dockerd (log: /var/log/mcpfleet-dockerd.log)"
  # The daemon outlives this script: it must not keep any descriptor the caller opened (a
  # `flock` on a shared lock file would stay held as long as dockerd runs).
  (
    for fd in "/proc/$BASHPID/fd"/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid /usr/sbin/dockerd >/var/log/mcpfleet-dockerd.log 2>&1 </dev/null
  ) &
fi
for _ in $(seq 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "dockerd did not answer within 60 s; see /var/log/mcpfleet-dockerd.log" >&2
exit 1
