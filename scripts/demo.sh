#!/usr/bin/env bash
# Quick start, step one: installs what is missing, starts Kafka, PostgreSQL (when none answers),
# the four services and the edge, seeds the sandbox banks and runs a demo payment, printing the
# balances before and after. The stack keeps running; `npm run stack:down` stops it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
bash scripts/stack.sh up
SANDBOX_ADMIN_TOKEN="$(cat "$KIRIM_HOME/keys/sandbox-admin-token")" node -r ./tools/ts-register.cjs tools/demo/demo.ts
