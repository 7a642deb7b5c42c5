#!/usr/bin/env bash
# Build the container images the Molecule fleet runs on, with no container registry:
# debootstrap a minimal Debian root filesystem, `docker import` it, then layer the
# SSH variant on top with a Dockerfile. Images that already carry the current recipe
# (label mcpfleet.recipe = hash of this directory) are reused.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# CAs this machine adds to its trust store (a TLS-inspecting egress proxy, a corporate CA):
# the hosts need them too to reach the npm registry, as real fleets behind such a proxy do.
local_cas=(/usr/local/share/ca-certificates/*.crt)
[ -e "${local_cas[0]}" ] || local_cas=()
recipe=$(cat "$here"/build.sh "$here"/Dockerfile.* "${local_cas[@]}" | sha256sum | cut -c1-16)

have_current() {  # image name -> 0 when it exists and was built from this recipe
  [ "$(docker image inspect -f '{{ index .Config.Labels "mcpfleet.recipe" }}' "$1" 2>/dev/null)" = "$recipe" ]
}

build_base() {  # debian major, suite
  local image="mcpfleet/debian:$1" rootfs
  if have_current "$image"; then echo "reuse $image"; return; fi
  command -v debootstrap >/dev/null || { echo "debootstrap is missing (make images installs it as root on Debian)" >&2; exit 1; }
  rootfs=$(mktemp -d /tmp/mcpfleet-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' RETURN
  echo "debootstrap $2 -> $image"
  debootstrap --variant=minbase --include=python3,ca-certificates,procps "$2" "$rootfs" "$mirror" >/dev/null
  if [ ${#local_cas[@]} -gt 0 ]; then
    cp "${local_cas[@]}" "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import \
    --change "LABEL mcpfleet.recipe=$recipe" \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["sleep", "infinity"]' - "$image" >/dev/null
}

build_layer() {  # dockerfile suffix, debian major
  local image="mcpfleet/debian-$1:$2"
  if have_current "$image"; then echo "reuse $image"; return; fi
  echo "docker build Dockerfile.$1 -> $image"
  if ! out=$(docker build -q --label "mcpfleet.recipe=$recipe" --build-arg "BASE=mcpfleet/debian:$2" \
      -f "$here/Dockerfile.$1" -t "$image" "$here" 2>&1); then
    echo "$out" >&2
    exit 1
  fi
}

build_base 12 bookworm
build_base 13 trixie
build_layer ssh 12
build_layer ssh 13
