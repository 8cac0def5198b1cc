#!/bin/sh
# Regenerates the reference layout dumps in tests/fixtures/layout/ with ../shared/tools/ref-layout
# (FriBidi + HarfBuzz + Pango; needs libfribidi-bin libharfbuzz-bin pango1.0-tools fontconfig python3).
# For every sample article and tricky.txt: 20 px, widths 600 and 900, forced RTL and first-strong.
# Usage: scripts/regen-layout-fixtures.sh [--check]   (--check: fail if a fixture is not current)
set -eu
cd "$(dirname "$0")/.."
REF=../shared/tools/ref-layout
F=fonts/NotoNaskhArabic-Regular.ttf,fonts/NotoSans-Regular.ttf
OUT=tests/fixtures/layout
check=0
[ "${1:-}" = "--check" ] && check=1
status=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for text in assets/samples/*.txt "$OUT/tricky.txt"; do
  name=$(basename "$text" .txt)
  for width in 600 900; do
    for dir in rtl auto; do
      flag=""
      [ "$dir" = rtl ] && flag="--rtl"
      dest="$OUT/$name.$dir.20px.$width.txt"
      # shellcheck disable=SC2086
      "$REF" $flag "$text" "$F" 20 "$width" > "$tmp"
      if [ $check = 1 ]; then
        if ! cmp -s "$tmp" "$dest"; then echo "stale: $dest"; status=1; fi
      else
        cp "$tmp" "$dest"
      fi
    done
  done
done
# tricky.txt again at other sizes (characters no font has are measured as Pango's hex boxes).
# Extra texts written for this project (CC0): mixed scripts, numbers, URLs, hyphenation and
# over-long words (mixed.txt); bidi controls, isolates, tabs, ZWJ/ZWNJ, tatweel, Urdu, brackets
# (ctrl.txt, forced RTL only: with first-strong, Pango gives neutral-only paragraphs the previous
# paragraph's direction while FriBidi/UAX #9 P3 say LTR, so the reference contradicts itself).
for spec in "mixed 18 213 rtl" "mixed 18 213 auto" "mixed 18 555 rtl" "mixed 18 555 auto" \
            "ctrl 19 160 rtl" "ctrl 19 400 rtl" "tricky 10 70 rtl" "tricky 17.5 333 auto"; do
  set -- $spec
  flag=""
  [ "$4" = rtl ] && flag="--rtl"
  dest="$OUT/$1.$4.$2px.$3.txt"
  # shellcheck disable=SC2086
  "$REF" $flag "$OUT/$1.txt" "$F" "$2" "$3" > "$tmp"
  if [ $check = 1 ]; then
    if ! cmp -s "$tmp" "$dest"; then echo "stale: $dest"; status=1; fi
  else
    cp "$tmp" "$dest"
  fi
done
exit $status
