#!/usr/bin/env bash
# Runs everything CI runs, in the order that fails fastest: formatting, clippy (native and
# wasm32), the Kubernetes manifests against their schemas, unit, property and integration tests against a real PostgreSQL, the release wasm
# build, and the browser journeys in headless Chromium. Ends with the runners' summary lines.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
# Unset, DUELY_ENV means production; every server and command the tests start is development.
export DUELY_ENV=development

ensure_cargo
ensure_wasm_target

say "cargo fmt --check"
cargo fmt --all --check

say "clippy (native)"
cargo clippy --workspace --exclude duely-frontend --all-targets --locked -- -D warnings
say "clippy (wasm32)"
cargo clippy -p duely-frontend -p duely-domain --target "$WASM_TARGET" --locked -- -D warnings

say "Kubernetes manifests (kubernetes-validate --strict)"
ensure_k8s_validate
"$K8S_VALIDATE" --strict --quiet infra/k8s/*.yaml

ensure_postgres postgres
ensure_postgres_binaries
ensure_pdf_font
ensure_poppler
ensure_redis
export DUELY_TEST_REDIS_URL="$REDIS_URL"
start_smtp_sink
start_stripe_standin
start_s3_standin
start_messaging_standin
trap 'stop_smtp_sink; stop_stripe_standin; stop_s3_standin; stop_messaging_standin' EXIT
say "unit, property and integration tests"
CARGO_LOG="$CARGO_TARGET_DIR/duely-cargo-test.log"
cargo test --workspace --exclude duely-frontend --locked 2>&1 | tee "$CARGO_LOG"

# The release web app, then the browser journeys against a fresh database. The server binary is
# the one `cargo test` just built: same profile and features, so nothing builds twice.
# The first screen (sign-in and the app's frame: the main module, its glue and the styles) may
# download at most 400 KiB with brotli (issue 30): the build fails past it.
FIRST_SCREEN_BUDGET_KIB=400 build_frontend
ensure_chromium
ensure_npm_packages "$REPO_ROOT/e2e"

E2E_DATABASE="duely_test_e2e_$(date +%s)"
SERVER_URL="${DATABASE_URL%%\?*}"
export DATABASE_URL="${SERVER_URL%/*}/$E2E_DATABASE"
DUELY="$CARGO_TARGET_DIR/debug/duely"
[ -x "$DUELY" ] || die "the duely binary was not built by cargo test"
"$DUELY" migrate >/dev/null

E2E_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18080)"
SERVER_LOG="$CARGO_TARGET_DIR/duely-e2e-server.log"
# Billing against the Stripe stand-in, with test keys, prices and secrets of our own.
export E2E_STRIPE_WEBHOOK_SECRET="whsec_e2e_platform"
HOST=127.0.0.1 PORT="$E2E_PORT" DUELY_PUBLIC_URL="http://127.0.0.1:$E2E_PORT" DUELY_SMTP_URL="$DUELY_TEST_SMTP_URL" \
  DUELY_STRIPE_API_BASE="$DUELY_TEST_STRIPE_API_BASE" DUELY_STRIPE_SECRET_KEY="sk_test_duely_e2e" \
  DUELY_MESSAGING_API_BASE="$DUELY_TEST_MESSAGING_BASE" \
  DUELY_STRIPE_WEBHOOK_SECRET="$E2E_STRIPE_WEBHOOK_SECRET" DUELY_STRIPE_PRICE_GROWTH="price_growth_e2e" \
  DUELY_STRIPE_PRICE_SCALE="price_scale_e2e" DUELY_ENCRYPTION_KEY="$(printf '%064d' 2026)" \
  DUELY_SIGNUP_RATE_PER_HOUR=1000 DUELY_LIMITS_NAMESPACE="$E2E_DATABASE" \
  DUELY_DATA_DIR="$CARGO_TARGET_DIR/duely-e2e-data" DUELY_WEB_DIR="$WEB_DIST" DUELY_LOG_FORMAT=json DUELY_METRICS_ADDR= "$DUELY" serve >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; stop_smtp_sink; stop_stripe_standin; stop_s3_standin; stop_messaging_standin' EXIT
for _ in $(seq 1 100); do
  port_open 127.0.0.1 "$E2E_PORT" && break
  sleep 0.1
done
port_open 127.0.0.1 "$E2E_PORT" || { cat "$SERVER_LOG" >&2; die "the e2e server did not start"; }

say "browser journeys (Playwright, Debian Chromium)"
set +e
(cd e2e && DUELY_BASE_URL="http://127.0.0.1:$E2E_PORT" DUELY_MAILDIR="$DUELY_TEST_MAILDIR" DUELY_BIN="$DUELY" \
  DUELY_PUBLIC_URL="http://127.0.0.1:$E2E_PORT" DUELY_STRIPE_API_BASE="$DUELY_TEST_STRIPE_API_BASE" \
  E2E_STRIPE_WEBHOOK_SECRET="$E2E_STRIPE_WEBHOOK_SECRET" npx playwright test)
E2E_STATUS=$?
set -e
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
[ "$E2E_STATUS" -eq 0 ] || { tail -n 50 "$SERVER_LOG" >&2; die "browser journeys failed"; }

# The runners' own closing lines, gathered at the end.
say "summary"
grep -E '^test result:' "$CARGO_LOG"
node -e '
  const r = require(process.argv[1]);
  const s = r.stats;
  console.log(`e2e: ${s.expected} passed, ${s.unexpected + s.flaky} failed, ${s.skipped} skipped`);
' "$REPO_ROOT/e2e/test-results/results.json"
