#!/usr/bin/env bash
# The whole test suite (what CI runs): formatting, lints, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo test
