#!/usr/bin/env bash
# Lighthouse on a running Duely, as issue 30 measures it: mobile (Lighthouse's default phone,
# slow 4G, 4x CPU slow-down), the sign-in page cold, then a user flow that signs in to the demo
# company and opens the dashboard. Prints the scores and largest paints; the HTML reports go to
# $CARGO_TARGET_DIR/duely-lighthouse. Start the app first (./infra/run.sh, which seeds the demo):
#   ./infra/lighthouse.sh [BASE_URL]     (default http://127.0.0.1:8080)
# A measurement, not a test: scores move a few points from run to run, so run it three times.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BASE_URL="${1:-http://127.0.0.1:8080}"
ensure_chromium
ensure_npm_packages "$REPO_ROOT/infra/lighthouse"
REPORTS="$CARGO_TARGET_DIR/duely-lighthouse"
mkdir -p "$REPORTS"
say "Lighthouse (mobile) on $BASE_URL"
node "$REPO_ROOT/infra/lighthouse/flow.mjs" "$BASE_URL" "$REPORTS"
say "reports: $REPORTS/sign-in.html and $REPORTS/flow.html"
