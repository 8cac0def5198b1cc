#!/usr/bin/env bash
# Installs the Debian 12 packages Khabar needs to run (X11/Vulkan/GL runtime libraries, D-Bus
# for the folder dialog) and, for the tests, the reference layout tools. Run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  libvulkan1 mesa-vulkan-drivers libegl1 libegl-mesa0 libgl1-mesa-dri \
  libxkbcommon-x11-0 libx11-6 libxcursor1 libxi6 libxrandr2 libdbus-1-3 \
  libfribidi-bin libharfbuzz-bin pango1.0-tools fontconfig desktop-file-utils python3 gcc libc6-dev
