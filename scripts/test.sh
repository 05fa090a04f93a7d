#!/usr/bin/env bash
# Builds and runs the whole test suite (XCTest), then prints a one-line summary.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
mkdir -p .build
set +e
swift test --disable-swift-testing 2>&1 | tee .build/test.log
status=${PIPESTATUS[0]}
set -e
line=$(grep -A1 -E "^Test Suite 'All tests' (passed|failed)" .build/test.log | grep -E 'Executed [0-9]+ tests?' | tail -1)
if [ -n "$line" ]; then
  executed=$(echo "$line" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
  failed=$(echo "$line" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
  skipped=$(echo "$line" | grep -oE '[0-9]+ tests? skipped' | grep -oE '^[0-9]+' || echo 0)
  echo "$((executed - failed - skipped)) passed, $failed failed, $skipped skipped"
fi
exit "$status"
