#!/usr/bin/env bash
# The whole test suite (what CI runs): formatting, lints, the layout reference fixtures being
# current (FriBidi/HarfBuzz/Pango via ../shared/tools/ref-layout), then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --check
cargo clippy --all-targets -- -D warnings
if [ -x ../shared/tools/ref-layout ]; then
  bash scripts/regen-layout-fixtures.sh --check
else
  echo "test.sh: ../shared/tools/ref-layout not found; layout fixtures not re-checked" >&2
fi
cargo test
