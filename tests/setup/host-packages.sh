#!/usr/bin/env bash
# Install the machine-level tools the tests use (debootstrap for the offline images,
# the shellcheck program for the sanity test of our shell scripts) when missing and we are
# root on Debian.
set -euo pipefail
missing=()
for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
  echo "Missing tools: ${missing[*]}. Install them with your package manager, then rerun." >&2
  exit 1
fi
echo "Installing ${missing[*]}"
# Another installer may hold the dpkg lock (parallel make jobs): wait for it, do not fail.
lock=(-o DPkg::Lock::Timeout=600)
[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ] || apt-get "${lock[@]}" update -qq
DEBIAN_FRONTEND=noninteractive apt-get "${lock[@]}" install -y -qq "${missing[@]}" >/dev/null
