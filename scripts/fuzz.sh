#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets/) for the given seconds each,
# starting from its seed corpus in fuzz/corpus/<target>/. New inputs go to
# target/fuzz-corpus/<target>/, so the seeds in the repo stay as committed.
#   scripts/fuzz.sh          20 s per target (make test)
#   scripts/fuzz.sh 600      a long run (make fuzz)
# A crash stops the run and leaves its input in fuzz/artifacts/<target>/;
# `cargo +nightly fuzz tmin <target> <file>` shrinks it. Fix the bug and keep
# the input as a unit test next to the code it broke.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
targets=(consent_decode policy_load scan_text identifiers)

cargo +nightly fuzz build --fuzz-dir fuzz
for target in "${targets[@]}"; do
  scratch="target/fuzz-corpus/$target"
  mkdir -p "$scratch"
  printf '\n\033[1mfuzz: %s, %s s\033[0m\n' "$target" "$seconds"
  log="$scratch.log"
  if ! cargo +nightly fuzz run --fuzz-dir fuzz "$target" "$scratch" "fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
    grep -E -A12 'panicked|ERROR' "$log" >&2 || tail -20 "$log" >&2
    echo "fuzz: $target failed; its input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units' "$log" || true
done
