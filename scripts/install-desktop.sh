#!/usr/bin/env bash
# Installs Khabar for the current user under ~/.local: the binary, the desktop launcher
# (double-click opens the last folder or the samples; "Open with Khabar" on a folder opens it)
# and the icons. `--uninstall` removes them again.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${PREFIX:-$HOME/.local}"
apps="$prefix/share/applications"
icons="$prefix/share/icons/hicolor"

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$prefix/bin/khabar" "$apps/khabar.desktop"
  for dir in packaging/icons/*/; do
    size=$(basename "$dir")
    rm -f "$icons/$size/apps/khabar.png" "$icons/$size/apps/khabar.svg"
  done
  command -v update-desktop-database >/dev/null && update-desktop-database "$apps" || true
  echo "Khabar removed from $prefix"
  exit 0
fi

cargo build --release
install -Dm755 target/release/khabar "$prefix/bin/khabar"
install -Dm644 packaging/khabar.desktop "$apps/khabar.desktop"
for dir in packaging/icons/*/; do
  size=$(basename "$dir")
  for f in "$dir"khabar.*; do
    install -Dm644 "$f" "$icons/$size/apps/$(basename "$f")"
  done
done
command -v update-desktop-database >/dev/null && update-desktop-database "$apps" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$icons" || true
echo "Khabar installed in $prefix (make sure $prefix/bin is on PATH)"
