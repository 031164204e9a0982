#!/usr/bin/env bash
# Installs the Debian packages Archflow's tests and `npm start` need, when they are missing:
# code-server's native modules (libkrb5-dev, g++, make, python3), ripgrep, and, unless --no-browser,
# Debian's Chromium for the browser and end-to-end tests. Uses sudo when not root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
if [ "${1:-}" != "--no-browser" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
command -v python3 >/dev/null 2>&1 || need+=(python3)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "archflow: please install: ${need[*]} (Debian package names)" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "archflow: run as root or install: ${need[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "archflow: installing ${need[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
