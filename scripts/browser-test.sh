#!/usr/bin/env bash
# The real-browser test of the sandbox's payment page (tests/browser.rs): headless Chromium
# driven through chromedriver (WebDriver).
#
#   scripts/browser-test.sh                 # run it
#   scripts/browser-test.sh --screenshots   # and write crates/paylinks-sandbox/screenshots/<api>.png
#
# Installs Debian's chromium and chromium-driver with apt-get when /usr/bin/chromium or
# /usr/bin/chromedriver is missing (as root, or through sudo), starts chromedriver on a free
# port of 127.0.0.1 (stopped on exit), and runs the ignored test with PAYLINKS_WEBDRIVER set
# to it.
set -euo pipefail
cd "$(dirname "$0")/.."

screenshots=
for argument in "$@"; do
    case "$argument" in
        --screenshots) screenshots=crates/paylinks-sandbox/screenshots ;;
        -h | --help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "browser-test: unknown argument '$argument' (only --screenshots)" >&2; exit 2 ;;
    esac
done

chromium=/usr/bin/chromium
chromedriver=/usr/bin/chromedriver
if [ ! -x "$chromium" ] || [ ! -x "$chromedriver" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "browser-test: $chromium or $chromedriver is missing and apt-get is unavailable:" \
            "install Chromium and its chromedriver (Debian: apt-get install chromium chromium-driver)" >&2
        exit 1
    fi
    apt=(apt-get)
    if [ "$(id -u)" != 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "browser-test: installing chromium and chromium-driver needs root (or sudo)" >&2
            exit 1
        fi
        apt=(sudo apt-get)
    fi
    # Without the recommended packages (systemd, upower, cups, perl...) that a headless browser
    # does not use; fonts-liberation (recommended) for the page's text in screenshots.
    started=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    "${apt[@]}" update -qq
    "${apt[@]}" install -y -qq --no-install-recommends chromium chromium-driver fonts-liberation >/dev/null
    echo "browser-test: installed chromium and chromium-driver in $((SECONDS - started)) s"
fi
"$chromium" --version
"$chromedriver" --version

# A free port: nothing answers on it now; chromedriver reports a failed bind by exiting,
# after which another port is tried. chromedriver runs in a process group of its own (setsid:
# its group's id is its pid), which the Chromium it starts joins, so that stopping the group
# also ends a browser that a failed test left open.
log=$(mktemp)
driver=
stop_driver() {
    if [ -n "$driver" ]; then
        kill -- "-$driver" 2>/dev/null || kill "$driver" 2>/dev/null || true
        wait "$driver" 2>/dev/null || true
    fi
    driver=
}
trap 'stop_driver; rm -f "$log"' EXIT
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=
for _ in 1 2 3 4 5; do
    candidate=$((20000 + RANDOM % 40000))
    listening "$candidate" && continue
    setsid "$chromedriver" --port="$candidate" >"$log" 2>&1 &
    driver=$!
    for _ in $(seq 100); do
        if listening "$candidate"; then port=$candidate; break 2; fi
        kill -0 "$driver" 2>/dev/null || break
        sleep 0.1
    done
    stop_driver
done
if [ -z "$port" ]; then
    echo "browser-test: chromedriver did not start:" >&2
    cat "$log" >&2
    exit 1
fi
export PAYLINKS_WEBDRIVER="http://127.0.0.1:$port"
echo "browser-test: chromedriver at $PAYLINKS_WEBDRIVER"
if [ -n "$screenshots" ]; then
    mkdir -p "$screenshots"
    export PAYLINKS_SCREENSHOTS="$PWD/$screenshots"
fi

# --workspace (the one test target named browser is paylinks-e2e's): dependencies' features are
# unified as in CI's `cargo test --workspace`, so this reuses its build; `-p paylinks-e2e`
# would resolve them for that package alone and compile the sandbox and the facade again.
started=$SECONDS
status=0
cargo test --workspace --locked --test browser -- --ignored --nocapture || status=$?
echo "browser-test: cargo test took $((SECONDS - started)) s"
if [ "$status" != 0 ]; then
    echo "browser-test: chromedriver's log:" >&2
    tail -n 50 "$log" >&2
fi
exit "$status"
