# Shared by run.sh and test.sh: find or install what Duely needs, skipping what is there.
# Sourced, not run. Everything installs from Debian, crates.io or npm by package name.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"
WASM_TARGET=wasm32-unknown-unknown
WEB_DIST="$REPO_ROOT/frontend/dist"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "cannot install $* here: no apt-get; install it by hand"
  if [ "$APT_UPDATED" -eq 0 ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_cargo() {
  if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  command -v cargo >/dev/null || die "Rust is missing: install it with rustup"
}

ensure_wasm_target() {
  if ! rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
    say "adding the $WASM_TARGET target"
    rustup target add "$WASM_TARGET"
  fi
}

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
ensure_wasm_bindgen() {
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$REPO_ROOT/Cargo.lock")"
  [ -n "$want" ] || die "cannot read the wasm-bindgen version from Cargo.lock"
  if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (a few minutes, once)"
    # `--locked` fails on a lockfile dependency the registry lacks; an exact version works.
    cargo install wasm-bindgen-cli --version "=$want"
  fi
}

ensure_node() {
  if ! command -v npm >/dev/null; then
    say "installing Node.js and npm from Debian"
    apt_install nodejs npm
  fi
}

# npm packages from a folder's package.json, installed once per lockfile change.
ensure_npm_packages() {
  local dir="$1"
  ensure_node
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.installed" ]; then
    say "installing npm packages in ${dir#"$REPO_ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$dir/node_modules/.installed"
  fi
}

# wasm-opt from npm's binaryen (132): Debian's (108) emits a wasm that Chromium rejects.
ensure_wasm_opt() {
  ensure_npm_packages "$REPO_ROOT/infra/tools"
  WASM_OPT="$REPO_ROOT/infra/tools/node_modules/.bin/wasm-opt"
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium from Debian"
    apt_install chromium
  fi
  # A Chinese font, so the journeys' screenshots of Chinese screens can be read (without one
  # Chromium draws boxes; the tests check text either way). WenQuanYi Micro Hei is 1.6 MB.
  if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    say "installing a Chinese font (fonts-wqy-microhei) for the journeys' screenshots"
    apt_install fonts-wqy-microhei
  fi
}

# PostgreSQL: DATABASE_URL if set; else the server on 127.0.0.1:5432; else a throwaway cluster
# under the target directory (installing Debian's postgresql when its binaries are missing).
# Exports DATABASE_URL pointing at the server with database $1.
ensure_postgres() {
  local database="$1"
  if [ -n "${DATABASE_URL:-}" ]; then
    say "using PostgreSQL from DATABASE_URL"
    return
  fi
  if port_open 127.0.0.1 5432; then
    say "using PostgreSQL on 127.0.0.1:5432"
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database"
    return
  fi
  start_throwaway_postgres
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$database"
}

port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# Uses REDIS_URL when set, else the Redis answering on 127.0.0.1:6379, else starts one there
# (installing Debian's redis-server when it is missing), keeping nothing on disk. Exports
# REDIS_URL: rate limits are counted there, as replicas in production share them.
ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then
    say "using Redis from REDIS_URL"
    return
  fi
  if ! port_open 127.0.0.1 6379; then
    command -v redis-server >/dev/null || apt_install redis-server
    say "starting Redis on 127.0.0.1:6379"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --logfile "$CARGO_TARGET_DIR/duely-redis.log" >/dev/null
    for _ in $(seq 1 50); do
      port_open 127.0.0.1 6379 && break
      sleep 0.1
    done
    port_open 127.0.0.1 6379 || die "Redis did not start; see $CARGO_TARGET_DIR/duely-redis.log"
  else
    say "using Redis on 127.0.0.1:6379"
  fi
  export REDIS_URL="redis://127.0.0.1:6379"
}

postgres_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

# The font documents print in (Debian's fonts-noto-cjk: Noto Sans CJK, Chinese with Latin),
# unless DUELY_PDF_FONT names another.
ensure_pdf_font() {
  if [ -z "${DUELY_PDF_FONT:-}" ] && [ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then
    say "installing Debian's fonts-noto-cjk (the font PDFs embed)"
    apt_install fonts-noto-cjk
  fi
}

# pdftotext and pdffonts (Debian's poppler-utils): tests read back what PDFs print.
ensure_poppler() {
  command -v pdftotext >/dev/null && command -v pdffonts >/dev/null && return
  say "installing Debian's poppler-utils (tests read PDFs back with pdftotext)"
  apt_install poppler-utils
}

# PostgreSQL's server binaries (initdb, pg_ctl), which the restart test runs a cluster of its
# own with, whether or not the server the tests use is local. Exports DUELY_TEST_PG_BIN.
ensure_postgres_binaries() {
  local bin
  bin="$(postgres_bin_dir || true)"
  if [ -z "$bin" ]; then
    say "installing PostgreSQL from Debian (its binaries, for the restart test)"
    apt_install postgresql
    bin="$(postgres_bin_dir)" || die "PostgreSQL installed but initdb not found"
  fi
  export DUELY_TEST_PG_BIN="$bin"
}

start_throwaway_postgres() {
  PG_PORT="${DUELY_PG_PORT:-55432}"
  local bin data log
  bin="$(postgres_bin_dir || true)"
  if [ -z "$bin" ]; then
    say "installing PostgreSQL from Debian"
    apt_install postgresql
    bin="$(postgres_bin_dir)" || die "PostgreSQL installed but initdb not found"
  fi
  data="$CARGO_TARGET_DIR/duely-postgres/data"
  log="$CARGO_TARGET_DIR/duely-postgres/server.log"
  if port_open 127.0.0.1 "$PG_PORT"; then
    say "using the throwaway PostgreSQL on 127.0.0.1:$PG_PORT"
    return
  fi
  mkdir -p "$(dirname "$data")"
  # initdb refuses to run as root: the cluster belongs to the postgres user.
  local run_as=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres "$(dirname "$data")"
    run_as=(runuser -u postgres --)
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating a throwaway PostgreSQL cluster in $data"
    "${run_as[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  say "starting the throwaway PostgreSQL on 127.0.0.1:$PG_PORT"
  "${run_as[@]}" "$bin/pg_ctl" -D "$data" -l "$log" -w \
    -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
}

# Builds the web app in release mode into frontend/dist with content-hashed asset names.
# wasm-split-cli (crates.io wasm_split_cli_support, the splitter Leptos' lazy routes are made
# for), the version Cargo.lock's wasm_split_helpers needs.
ensure_wasm_split() {
  local want=0.2.3
  if ! command -v wasm-split-cli >/dev/null \
    || ! cargo install --list | grep -qx "wasm_split_cli_support v$want:"; then
    say "installing wasm-split-cli $want (a minute, once)"
    cargo install --locked wasm_split_cli_support --version "=$want" --features build-binary
  fi
}

build_frontend() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_wasm_split
  ensure_wasm_opt
  say "building the web app (release wasm)"
  # The final link keeps its relocations: the splitter needs them to cut the module at each
  # lazy page (only this link changes, not the dependencies' builds).
  cargo rustc --profile wasm-release --target "$WASM_TARGET" -p duely-frontend --bin duely-frontend \
    -- -C link-args=--emit-relocs
  local split="$CARGO_TARGET_DIR/duely-split" out="$CARGO_TARGET_DIR/duely-web"
  rm -rf "$split" "$out" && mkdir -p "$split" "$out"
  # The main module and one module per lazy page (plus what pages share), then the main one
  # through wasm-bindgen; the pages' modules load through the splitter's __wasm_split.js.
  wasm-split-cli --target web --out-name duely \
    "$CARGO_TARGET_DIR/$WASM_TARGET/wasm-release/duely-frontend.wasm" "$split"
  wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle --out-name duely \
    --out-dir "$out" "$split/duely.wasm"
  local file
  for file in "$split"/*; do
    case "$file" in
      "$split/duely.wasm") ;;
      *) cp "$file" "$out/" ;;
    esac
  done
  # wasm-opt on every module but the hundreds of tiny shared pieces (under 8 KiB: little to gain,
  # and a process each).
  for file in "$out"/*.wasm; do
    [ "$(stat -c %s "$file")" -ge 8192 ] || continue
    "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue -o "$file.opt" "$file"
    mv "$file.opt" "$file"
  done

  # The modules name one another by relative paths, so they go in one folder named by the hash
  # of them all, cached forever like every asset.
  local hash_app hash_css app css
  hash_app="$(cat "$out"/* | sha256sum | cut -c1-16)"
  hash_css="$(sha256sum "$REPO_ROOT/frontend/style/app.css" | cut -c1-16)"
  app="duely-$hash_app"; css="app-$hash_css.css"
  rm -rf "$WEB_DIST" && mkdir -p "$WEB_DIST/assets/$app"
  cp "$out"/* "$WEB_DIST/assets/$app/"
  cp "$REPO_ROOT/frontend/style/app.css" "$WEB_DIST/assets/$css"
  # The boot script is a file of its own (the pages' policy forbids inline scripts), named by
  # its hash like the rest, since it names the hashed folder.
  local boot hash_boot
  sed -e "s/{{APP}}/$app/g" "$REPO_ROOT/frontend/boot.js" > "$split/boot.js"
  hash_boot="$(sha256sum "$split/boot.js" | cut -c1-16)"
  boot="boot-$hash_boot.js"
  cp "$split/boot.js" "$WEB_DIST/assets/$boot"
  sed -e "s/{{APP}}/$app/g" -e "s/{{CSS}}/$css/g" -e "s/{{BOOT}}/$boot/g" \
    "$REPO_ROOT/frontend/index.html" > "$WEB_DIST/index.html"
  precompress_assets "$WEB_DIST/assets"
  precompress_assets "$WEB_DIST/assets/$app"
  web_app_sizes "$WEB_DIST/assets" "$app" "$boot" "$css"
}

# Prints what the first screen downloads (the boot script, the main module and its glue, the
# styles) and each page module, raw and with brotli. With FIRST_SCREEN_BUDGET_KIB set, fails
# when the first screen is larger with brotli.
web_app_sizes() {
  local assets="$1" app="$2" boot="$3" css="$4" file raw br first_raw=0 first_br=0
  for file in "$boot" "$css" "$app/duely.js" "$app/__wasm_split.js" "$app/duely_bg.wasm"; do
    [ -f "$assets/$file" ] || continue
    raw="$(stat -c %s "$assets/$file")"; br="$(stat -c %s "$assets/$file.br")"
    first_raw=$((first_raw + raw)); first_br=$((first_br + br))
    say "  first screen: $file $((raw / 1024)) KiB raw, $((br / 1024)) KiB brotli"
  done
  for file in "$assets/$app"/*.wasm; do
    case "$file" in */duely_bg.wasm) continue ;; esac
    raw="$(stat -c %s "$file")"; br="$(stat -c %s "$file.br")"
    say "  on demand: ${file##*/} $((raw / 1024)) KiB raw, $((br / 1024)) KiB brotli"
  done
  say "web app built: first screen $((first_raw / 1024)) KiB raw, $((first_br / 1024)) KiB with brotli"
  if [ -n "${FIRST_SCREEN_BUDGET_KIB:-}" ] && [ $((first_br / 1024)) -gt "$FIRST_SCREEN_BUDGET_KIB" ]; then
    die "the first screen is $((first_br / 1024)) KiB with brotli, over its budget of $FIRST_SCREEN_BUDGET_KIB KiB"
  fi
}

# Each asset compressed once, at its best, beside it (NAME.br at brotli quality 11, NAME.gz at
# gzip level 9), with Node's zlib: the server sends them as they are to clients that accept one.
precompress_assets() {
  ensure_node
  node -e '
    const zlib = require("zlib"), fs = require("fs"), path = require("path");
    const dir = process.argv[1];
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (name.endsWith(".br") || name.endsWith(".gz") || !fs.statSync(file).isFile()) continue;
      const raw = fs.readFileSync(file);
      fs.writeFileSync(path.join(dir, name + ".br"), zlib.brotliCompressSync(raw, { params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      } }));
      fs.writeFileSync(path.join(dir, name + ".gz"), zlib.gzipSync(raw, { level: 9 }));
    }' "$1"
}

# A real SMTP server that keeps what it receives: aiosmtpd's Mailbox handler writes a maildir.
# Exports DUELY_TEST_SMTP_URL and DUELY_TEST_MAILDIR; the caller stops it with stop_smtp_sink.
start_smtp_sink() {
  if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "installing Debian's python3-aiosmtpd (the SMTP sink for tests)"
    apt_install python3-aiosmtpd
  fi
  local port maildir
  port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  maildir="$CARGO_TARGET_DIR/duely-smtp-sink"
  rm -rf "$maildir" && mkdir -p "$maildir/tmp" "$maildir/new" "$maildir/cur"
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$maildir" \
    >"$CARGO_TARGET_DIR/duely-smtp-sink.log" 2>&1 &
  SMTP_SINK_PID=$!
  for _ in $(seq 1 50); do
    port_open 127.0.0.1 "$port" && break
    sleep 0.1
  done
  port_open 127.0.0.1 "$port" || die "the SMTP sink did not start (see $CARGO_TARGET_DIR/duely-smtp-sink.log)"
  export DUELY_TEST_SMTP_URL="smtp://127.0.0.1:$port"
  export DUELY_TEST_MAILDIR="$maildir"
  say "SMTP sink on 127.0.0.1:$port, keeping mail in $maildir"
}

stop_smtp_sink() {
  [ -n "${SMTP_SINK_PID:-}" ] && kill "$SMTP_SINK_PID" 2>/dev/null || true
}

# The S3 stand-in for tests: moto's server, from PyPI, in a virtual environment kept beside the
# build. Exports DUELY_TEST_S3_ENDPOINT; the caller stops it with stop_s3_standin.
MOTO_VERSION=5.1.22
start_s3_standin() {
  local venv="$CARGO_TARGET_DIR/duely-moto-$MOTO_VERSION" port
  if [ ! -x "$venv/bin/moto_server" ]; then
    /usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
    say "installing moto $MOTO_VERSION from PyPI (the S3 stand-in for tests)"
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" \
      || die "could not install moto from PyPI"
  fi
  port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$CARGO_TARGET_DIR/duely-s3-standin.log" 2>&1 &
  S3_STANDIN_PID=$!
  for _ in $(seq 1 100); do
    port_open 127.0.0.1 "$port" && break
    sleep 0.1
  done
  port_open 127.0.0.1 "$port" || die "the S3 stand-in did not start (see $CARGO_TARGET_DIR/duely-s3-standin.log)"
  export DUELY_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
  say "S3 stand-in (moto $MOTO_VERSION) on 127.0.0.1:$port"
}

stop_s3_standin() {
  [ -n "${S3_STANDIN_PID:-}" ] && kill "$S3_STANDIN_PID" 2>/dev/null || true
}

# A standard-library Python stand-in (infra/NAME_standin.py) on a free port, its base URL exported
# as VAR and its pid kept in VAR_PID; stop_standin VAR stops it.
start_standin() {
  local name="$1" var="$2" port
  port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  /usr/bin/python3 "$REPO_ROOT/infra/${name}_standin.py" "$port" \
    >"$CARGO_TARGET_DIR/duely-${name}-standin.log" 2>&1 &
  printf -v "${var}_PID" '%s' "$!"
  for _ in $(seq 1 50); do
    port_open 127.0.0.1 "$port" && break
    sleep 0.1
  done
  port_open 127.0.0.1 "$port" || die "the $name stand-in did not start (see $CARGO_TARGET_DIR/duely-${name}-standin.log)"
  export "$var=http://127.0.0.1:$port"
  say "$name stand-in on 127.0.0.1:$port"
}

stop_standin() {
  local pid_var="${1}_PID"
  [ -n "${!pid_var:-}" ] && kill "${!pid_var}" 2>/dev/null || true
}

# The Stripe stand-in (infra/stripe_standin.py): DUELY_TEST_STRIPE_API_BASE.
start_stripe_standin() { start_standin stripe DUELY_TEST_STRIPE_API_BASE; }
stop_stripe_standin() { stop_standin DUELY_TEST_STRIPE_API_BASE; }

# The message providers' stand-in (infra/messaging_standin.py: Aliyun SMS, Tencent Cloud SMS and
# WeChat Work): DUELY_TEST_MESSAGING_BASE.
start_messaging_standin() { start_standin messaging DUELY_TEST_MESSAGING_BASE; }
stop_messaging_standin() { stop_standin DUELY_TEST_MESSAGING_BASE; }

# kubernetes-validate (PyPI), pinned, in a virtual environment beside the target directory:
# checks infra/k8s/ against the Kubernetes schemas. Exports K8S_VALIDATE (its command).
K8S_VALIDATE_VERSION="1.34.1"
ensure_k8s_validate() {
  local venv="$CARGO_TARGET_DIR/duely-k8s-validate"
  K8S_VALIDATE="$venv/bin/kubernetes-validate"
  if [ -x "$K8S_VALIDATE" ] && "$K8S_VALIDATE" --version 2>/dev/null | grep -q "$K8S_VALIDATE_VERSION"; then
    return
  fi
  /usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
  say "installing kubernetes-validate $K8S_VALIDATE_VERSION"
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==$K8S_VALIDATE_VERSION"
}
