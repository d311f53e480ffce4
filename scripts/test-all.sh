#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, typecheck and unit tests of every project; the
# integration tier against the real broker and PostgreSQL; the e2e tier against the running stack;
# a short benchmark smoke run on two replicas of each service that checks money is conserved; last,
# an audit of what every topic holds (no account number, holder name or mobile in clear). Starts
# what it needs and stops what it started. Ends with one line: "N passed, N failed".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

RESULTS="$KIRIM_HOME/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
started_kafka=0
started_stack=0

cleanup() {
  local rc=$?
  if [[ $started_stack == 1 ]]; then bash scripts/stack.sh down || true; fi
  if [[ $started_kafka == 1 ]]; then bash deploy/local/kafka/kafka.sh stop || true; fi
  exit $rc
}
trap cleanup EXIT

# Sums the jest JSON reports into the closing line.
summarise() {
  node -e '
    const fs = require("fs"), path = require("path");
    let passed = 0, failed = 0, skipped = 0;
    for (const file of fs.readdirSync(process.argv[1])) {
      if (!file.endsWith(".json")) continue;
      const report = JSON.parse(fs.readFileSync(path.join(process.argv[1], file), "utf8"));
      passed += report.numPassedTests; failed += report.numFailedTests + (report.numRuntimeErrorTestSuites || 0);
      skipped += report.numPendingTests + report.numTodoTests;
      console.log(`  ${file.replace(/\.json$/, "").padEnd(24)} ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
      // Name what failed, with the first lines of why, so a CI log that keeps only its tail
      // still says which test to look at.
      for (const suite of report.testResults) {
        const where = path.relative(process.cwd(), suite.name);
        const failedTests = suite.assertionResults.filter((test) => test.status === "failed");
        if (suite.status === "failed" && failedTests.length === 0) {
          console.log(`      FAILED ${where}: ${(suite.message || "").split("\n").slice(0, 6).join(" | ").slice(0, 600)}`);
        }
        for (const test of failedTests) {
          const why = (test.failureMessages || []).join("\n").split("\n").slice(0, 4).join(" | ").slice(0, 600);
          console.log(`      FAILED ${where} › ${test.fullName}: ${why}`);
        }
      }
    }
    console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
    process.exit(failed > 0 ? 1 : 0);
  ' "$RESULTS"
}

failures=0
run_jest() { # report-name, jest args... (a failing tier is counted, and the next tiers still run)
  local name="$1"; shift
  npx jest "$@" --json --outputFile="$RESULTS/$name.json" || failures=1
}

ensure_node_modules

say "1/5 lint and typecheck"
npx nx run-many -t lint typecheck --output-style=static

say "2/5 unit tests"
for config in $(ls apps/*/jest.config.ts libs/*/jest.config.ts tools/*/jest.config.ts deploy/jest.config.ts 2>/dev/null | grep -v apps/e2e); do
  name="unit-$(basename "$(dirname "$config")")"
  run_jest "$name" -c "$config"
done

say "3/5 integration tests (real Kafka, real PostgreSQL)"
if ! bash deploy/local/kafka/kafka.sh status >/dev/null 2>&1; then started_kafka=1; fi
bash deploy/local/kafka/kafka.sh start
bash deploy/local/postgres.sh ensure
node -r ./tools/ts-register.cjs deploy/local/provision-kafka.ts
run_jest integration -c jest.integration.config.ts

say "4/5 end-to-end tests against the running stack"
started_stack=1
# One replica each: some e2e tests read a service's own log, metrics or pid file.
KIRIM_REPLICAS=1 bash scripts/stack.sh restart
run_jest e2e -c apps/e2e/jest.config.ts

say "5/5 benchmark smoke run on two replicas of each service (correctness only, no timing asserted), then the audit of every topic"
# Two replicas, as a Deployment scaled to two would run them: the smoke run's concurrent payments for the
# same payers reach both payments replicas through the edge, so the payer's limit lock, the idempotency
# keys, the split of each topic's partitions and the one outbox publisher per database are all crossed,
# and the run fails unless every payment ends with the money conserved.
# Twice the processes to start on the same cores: a longer wait for readiness.
if KIRIM_REPLICAS=2 SKIP_BUILD=1 STACK_READY_TIMEOUT=240 bash scripts/stack.sh restart; then
  npm run --silent bench -- --smoke || { say "benchmark smoke run failed"; failures=1; }
else
  say "the stack with two replicas of each service did not start"; failures=1
fi
# Last, so it reads every record the e2e tests and the benchmark caused.
run_jest e2e-audit -c apps/e2e/jest.audit.config.ts

summarise || failures=1
exit $failures
