#!/usr/bin/env bash
# Runs Duely: builds the web app and the server, finds or makes a PostgreSQL and a Redis,
# starts the SMS and WeChat Work providers' stand-in (unless DUELY_MESSAGING_API_BASE names real
# ones), migrates, loads the demo data (a company and its team; `duely seed-demo` prints every login:
# email, role and the shared password), runs today's collection jobs, and serves at
# http://localhost:${PORT:-8080}. `--release` builds the server optimized (production speed;
# about 15 minutes on two cores the first time).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

PROFILE=debug
case "${1:-}" in
  --release) PROFILE=release ;;
  "") ;;
  *) die "usage: $0 [--release]" ;;
esac

ensure_cargo
build_frontend
say "building the server ($PROFILE)"
if [ "$PROFILE" = release ]; then
  cargo build --release -p duely-backend --bin duely
else
  cargo build -p duely-backend --bin duely
fi
ensure_postgres duely
ensure_redis
ensure_pdf_font
# Aliyun, Tencent Cloud and WeChat Work as a local stand-in, so the demo company's SMS steps go
# out (signed, as to the real providers) and come back delivered or failed.
if [ -z "${DUELY_MESSAGING_API_BASE:-}" ]; then
  start_messaging_standin
  export DUELY_MESSAGING_API_BASE="$DUELY_TEST_MESSAGING_BASE"
  trap stop_messaging_standin EXIT
fi

DUELY="$CARGO_TARGET_DIR/$PROFILE/duely"
# Unset, DUELY_ENV means production, which needs its keys; this script runs Duely on your machine.
export DUELY_ENV="${DUELY_ENV:-development}"
export DUELY_WEB_DIR="$WEB_DIST"
export PORT="${PORT:-8080}"
# No load balancer in front on your machine: Ctrl-C stops at once, without the 5 s readiness delay.
export DUELY_SHUTDOWN_DELAY_SECS="${DUELY_SHUTDOWN_DELAY_SECS:-0}"
"$DUELY" migrate
"$DUELY" seed-demo
# Today's collection work now, not at the dunning hour: each collector signs in to their tasks.
"$DUELY" run-daily >/dev/null
say "Duely is starting at http://localhost:$PORT (GraphQL and GraphiQL at /graphql); Ctrl-C stops it"
# Not exec'd: the stand-in stops when the server does.
"$DUELY" serve
