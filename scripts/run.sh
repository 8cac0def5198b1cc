#!/usr/bin/env bash
# Runs Khabar on the bundled sample articles (or on the paths given), installing the Debian
# runtime packages first if any is missing (asks for sudo when not root).
set -euo pipefail
cd "$(dirname "$0")/.."
needed="libvulkan1 mesa-vulkan-drivers libegl1 libgl1-mesa-dri libxkbcommon-x11-0 libxcursor1 libxi6 libxrandr2 libdbus-1-3 gcc libc6-dev"
if ! dpkg -s $needed >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then bash scripts/setup-debian.sh; else sudo bash scripts/setup-debian.sh; fi
fi
exec cargo run --release -- "$@"
