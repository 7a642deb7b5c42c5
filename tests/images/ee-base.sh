#!/usr/bin/env bash
# The base image of the execution environment (execution-environment.yml), made here with no
# container registry: a minimal Debian 13 root filesystem (Python 3.13, which ansible-core 2.21
# needs on the controller; Debian 12 has 3.11) with pip, imported as mcpfleet/ee-base:13.
# ansible-builder v3 expects a Python with pip and a package manager it calls as
# `$PKGMGR install -y PKG...` and `$PKGMGR clean all` (dnf's grammar): ee-apt below gives apt
# that grammar. Reused while it carries the current recipe (label mcpfleet.recipe).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
image=mcpfleet/ee-base:13
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# CAs this machine trusts (a TLS-inspecting egress proxy): pip and npm in the build need them.
local_cas=(/usr/local/share/ca-certificates/*.crt)
[ -e "${local_cas[0]}" ] || local_cas=()
recipe=$(cat "$here/ee-base.sh" "${local_cas[@]}" | sha256sum | cut -c1-16)

if [ "$(docker image inspect -f '{{ index .Config.Labels "mcpfleet.recipe" }}' "$image" 2>/dev/null)" = "$recipe" ]; then
  echo "reuse $image"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "debootstrap is missing (make images installs it as root on Debian)" >&2; exit 1; }
rootfs=$(mktemp -d /tmp/mcpfleet-ee-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "debootstrap trixie -> $image"
debootstrap --variant=minbase --include=python3,python3-pip,ca-certificates trixie "$rootfs" "$mirror" >/dev/null
if [ ${#local_cas[@]} -gt 0 ]; then
  cp "${local_cas[@]}" "$rootfs/usr/local/share/ca-certificates/"
  chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
fi
cat >"$rootfs/usr/local/sbin/ee-apt" <<'EOF'
#!/bin/sh
# apt-get with the grammar ansible-builder uses for dnf: `install -y [opts] PKG...`, `clean all`.
# Package lists are fetched for each install and dropped again, so no layer keeps them.
set -e
command=$1
shift
case $command in
  install)
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
    rm -rf /var/lib/apt/lists/*
    ;;
  clean)
    apt-get clean
    rm -rf /var/lib/apt/lists/*
    ;;
  *)
    exec apt-get "$command" "$@"
    ;;
esac
EOF
chmod 0755 "$rootfs/usr/local/sbin/ee-apt"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
# Python (requests, pip) and Node read the system store, where the local CAs are.
tar -C "$rootfs" -c . | docker import \
  --change "LABEL mcpfleet.recipe=$recipe" \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt' \
  --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["bash"]' - "$image" >/dev/null
echo "built $image"
