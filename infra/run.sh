#!/usr/bin/env bash
# Runs Duely: builds the web app and the server, finds or makes a PostgreSQL and a Redis,
# migrates, loads the demo data (a company and its team; `duely seed-demo` prints every login:
# email, role and the shared password), runs today's collection jobs, and serves at
# http://localhost:${PORT:-8080}.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_cargo
build_frontend
say "building the server"
cargo build -p duely-backend --bin duely
ensure_postgres duely
ensure_redis

DUELY="$CARGO_TARGET_DIR/debug/duely"
# Unset, DUELY_ENV means production, which needs its keys; this script runs Duely on your machine.
export DUELY_ENV="${DUELY_ENV:-development}"
export DUELY_WEB_DIR="$WEB_DIST"
export PORT="${PORT:-8080}"
"$DUELY" migrate
"$DUELY" seed-demo
# Today's collection work now, not at the dunning hour: each collector signs in to their tasks.
"$DUELY" run-daily >/dev/null
say "Duely is starting at http://localhost:$PORT (GraphQL and GraphiQL at /graphql); Ctrl-C stops it"
exec "$DUELY" serve
