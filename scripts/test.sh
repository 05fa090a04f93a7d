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
summary=$(grep -E "^Test Suite 'All tests' (passed|failed)" -A1 .build/test.log | grep -oE 'Executed [0-9]+ tests?, with [0-9]+ failures?' | tail -1)
executed=$(echo "$summary" | grep -oE '[0-9]+' | head -1)
failed=$(echo "$summary" | grep -oE '[0-9]+' | tail -1)
skipped=$(grep -cE "Test Case .* skipped" .build/test.log || true)
if [ -n "$executed" ]; then
  echo "$((executed - failed - skipped)) passed, $failed failed, $skipped skipped"
fi
exit "$status"
