#!/usr/bin/env bash
# Speed benchmarks (not tests): start-up, one project, a large tree.
#
#   bench/run.sh [TREE]    TREE: a folder of many package.json files, e.g. the
#                          4,005-package tree of ../shared/corpus/perf (see its README)
#
# Uses hyperfine when installed (apt-get install hyperfine), else a timing loop.
# Targets (2-core machine, warm cache): --version and a one-project check/config/why
# in a few milliseconds; the 4,005-package tree well under a second
# (peers: npm-package-json-lint 1.6 s, eslint-plugin-package-json 12.8 s,
# node walk+parse+validate floor 0.24 s).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="$PWD/target/release/npmrc-doctor"
example="$PWD/fixtures/example"

cases=(
  "$bin --version"
  "$bin -C $example config --json"
  "$bin check $example"
  "$bin -C $example why --format json"
)
if [ "${1:-}" != "" ]; then
  cases+=("$bin check $1 --format concise")
fi

if command -v hyperfine >/dev/null 2>&1; then
  args=()
  for c in "${cases[@]}"; do args+=("$c"); done
  hyperfine -N --warmup 3 --ignore-failure "${args[@]}"
  exit 0
fi

for c in "${cases[@]}"; do
  runs=20
  start=$(date +%s%N)
  for _ in $(seq $runs); do $c >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  printf '%8.2f ms  %s\n' "$(echo "($end - $start) / $runs / 1000000" | bc -l)" "$c"
done
