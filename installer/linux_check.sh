#!/usr/bin/env bash
# Packaging check that runs on Linux (called by .ci/run):
#   1. freeze the app with installer/berdaya.spec (the spec the Windows build uses),
#   2. run the frozen app's --self-test offscreen,
#   3. compile installer/berdaya.nsi with makensis around the frozen folder,
#   4. with Wine: install silently, check files, shortcuts and the HKCU uninstall key, upgrade in
#      place, refuse a downgrade and a running Berdaya, uninstall keeping the data, uninstall with
#      /DELETEDATA removing it.
# The Linux frozen folder holds ELF files, so step 4 proves the installer's logic, not that the
# Windows app starts; .github/workflows/windows.yml does that on a Windows runner.
#
# Usage:  PYTHON=/path/to/venv/bin/python installer/linux_check.sh
# Env:    PYTHON                   a Python 3.11 to make the build venv with (default python3); the
#                                  venv gets requirements/linux-py311.txt, nothing goes into PYTHON
#         BERDAYA_CHECK_WINE=0     skip the Wine install/uninstall (saves ~1 min; default 1)
#         BERDAYA_CHECK_COMPRESS=1 build the installer with release LZMA compression (+~2 min)
#         BERDAYA_CHECK_DIR        work folder (default build/packaging-check)
# Installs missing Debian packages itself (nsis; wine64 xvfb xauth when Wine is on).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
CHECK_WINE="${BERDAYA_CHECK_WINE:-1}"
COMPRESS="${BERDAYA_CHECK_COMPRESS:-0}"
WORK="${BERDAYA_CHECK_DIR:-$ROOT/build/packaging-check}"
WINE=/usr/lib/wine/wine64
KEY='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Berdaya'

log() { printf '[packaging] %s\n' "$*"; }
fail() { printf '[packaging] FAIL: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    log "installing Debian packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    if ! $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
        $sudo apt-get update -qq >/dev/null
        $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    fi
}

# ---------------------------------------------------------------- wine phase (under xvfb-run)
wine_phase() {
    local setup="$1" out="$2"
    export WINEPREFIX="$out/wineprefix" WINEDEBUG=-all
    # No Mono/Gecko download prompts, and no menu entries written into the host's $HOME.
    export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
    local t0 t
    t0=$(now)
    rm -rf "$WINEPREFIX"
    # Whatever happens, stop this prefix's Wine processes when the phase ends.
    trap '/usr/lib/wine/wineserver64 -k 2>/dev/null || true' EXIT
    timeout 180 "$WINE" wineboot -i >/dev/null 2>&1 || fail "wineboot failed"
    # wineboot returns before the prefix is fully written; wait for its processes to end, then
    # keep one server up so each wine call below does not start the services again.
    timeout 120 /usr/lib/wine/wineserver64 -w || fail "wineboot did not settle"
    /usr/lib/wine/wineserver64 -p
    log "wine prefix ready in $(since "$t0") s"

    local local_appdata
    local_appdata="$(find "$WINEPREFIX/drive_c/users" -mindepth 3 -maxdepth 3 -path '*/AppData/Local' ! -path '*/Public/*' | head -1)"
    [ -n "$local_appdata" ] || fail "no AppData\\Local in the Wine prefix"
    local user_dir="${local_appdata%/AppData/Local}"
    local instdir="$local_appdata/Programs/Berdaya"
    local datadir="$local_appdata/Berdaya/Berdaya"
    local startmenu="$user_dir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Berdaya.lnk"
    local desktop="$user_dir/Desktop/Berdaya.lnk"

    run_setup() {  # run_setup EXPECTED_RC ARGS... ; runs the installer silently
        local expected="$1" rc=0
        shift
        timeout 180 "$WINE" "$setup" /S "$@" >/dev/null 2>&1 || rc=$?
        [ "$rc" -eq "$expected" ] || fail "installer $* exited $rc, expected $expected"
    }
    reg_value() {
        "$WINE" reg query "$KEY" /v "$1" 2>/dev/null | tr -d '\r' | awk -v n="$1" '$1 == n {print $3}'
    }
    uninstall() {  # the uninstaller copies itself to %TEMP% and returns at once: wait for it
        timeout 60 "$WINE" "$instdir/uninstall.exe" /S "$@" >/dev/null 2>&1 || fail "uninstall $*"
        local _
        for _ in $(seq 1 300); do
            [ -e "$instdir/uninstall.exe" ] || [ -n "$(reg_value DisplayName)" ] || return 0
            sleep 0.2
        done
        fail "uninstaller did not finish within 60 s"
    }

    # 1. fresh install
    t=$(now)
    run_setup 0
    local install_seconds
    install_seconds=$(since "$t")
    [ -f "$instdir/Berdaya.exe" ] || fail "Berdaya.exe not installed"
    [ -d "$instdir/_internal/resources" ] || fail "resources not installed"
    [ -f "$instdir/uninstall.exe" ] || fail "uninstaller not written"
    [ -f "$startmenu" ] || fail "Start-menu shortcut missing"
    [ -f "$desktop" ] || fail "desktop shortcut missing"
    [ "$(reg_value DisplayVersion)" = "$VERSION" ] || fail "DisplayVersion is not $VERSION"
    reg_value InstallLocation | grep -q 'Programs\\Berdaya$' || fail "InstallLocation wrong"
    reg_value UninstallString | grep -q 'uninstall.exe' || fail "UninstallString missing"
    log "install ok in $install_seconds s"

    # 2. upgrade in place keeps the data and replaces the program folder wholesale
    mkdir -p "$datadir"
    echo "synthetic" >"$datadir/berdaya.sqlite"
    "$WINE" reg add 'HKCU\Software\Berdaya\Berdaya' /v language /t REG_SZ /d en /f >/dev/null 2>&1
    touch "$instdir/_internal/stale-module.pyc"
    run_setup 0
    [ ! -e "$instdir/_internal/stale-module.pyc" ] || fail "upgrade left stale files behind"
    [ -f "$datadir/berdaya.sqlite" ] || fail "upgrade removed user data"
    log "upgrade in place ok"

    # 3. an older installer over a newer install: refused in silent mode unless /DOWNGRADE
    "$WINE" reg add "$KEY" /v VersionWin /t REG_SZ /d 99.0.0.1000 /f >/dev/null 2>&1
    run_setup 3
    [ "$(reg_value VersionWin)" = "99.0.0.1000" ] || fail "refused downgrade still wrote the key"
    run_setup 0 /DOWNGRADE
    [ "$(reg_value VersionWin)" = "$VERSION_WIN" ] || fail "/DOWNGRADE did not install"
    log "downgrade warning ok"

    # 4. refuses to run while Berdaya runs (a stand-in holds the app's mutex)
    local holder_dir="$out/holder"
    rm -f "$holder_dir/ready" "$holder_dir/stop"
    "$WINE" "$holder_dir/holder.exe" >/dev/null 2>&1 &
    local holder_pid=$!
    local _
    for _ in $(seq 1 150); do [ -e "$holder_dir/ready" ] && break; sleep 0.2; done
    [ -e "$holder_dir/ready" ] || fail "mutex holder did not start"
    run_setup 2
    local rc=0
    timeout 60 "$WINE" "$instdir/uninstall.exe" /S _?="$(winepath_w "$instdir")" >/dev/null 2>&1 || rc=$?
    [ "$rc" -eq 2 ] || fail "uninstaller ran while Berdaya was running (exit $rc)"
    touch "$holder_dir/stop"
    wait "$holder_pid" || true
    [ -f "$instdir/Berdaya.exe" ] || fail "refused uninstall removed files"
    log "running-app refusal ok"

    # 5. uninstall keeps the data by default
    t=$(now)
    uninstall
    local uninstall_seconds
    uninstall_seconds=$(since "$t")
    [ ! -e "$instdir" ] || fail "install folder left behind: $(ls -A "$instdir")"
    if [ -e "$startmenu" ] || [ -e "$desktop" ]; then fail "shortcuts left behind"; fi
    [ -z "$(reg_value DisplayName)" ] || fail "uninstall key left behind"
    [ -f "$datadir/berdaya.sqlite" ] || fail "uninstall removed data without being asked"
    "$WINE" reg query 'HKCU\Software\Berdaya\Berdaya' >/dev/null 2>&1 ||
        fail "uninstall removed the settings without being asked"
    log "uninstall (data kept) ok in $uninstall_seconds s"

    # 6. uninstall with "hapus data"
    run_setup 0
    uninstall /DELETEDATA
    [ ! -e "$local_appdata/Berdaya" ] || fail "/DELETEDATA left the data folder"
    if "$WINE" reg query 'HKCU\Software\Berdaya' >/dev/null 2>&1; then
        fail "/DELETEDATA left the settings"
    fi
    log "uninstall with /DELETEDATA ok"

    printf 'wine_install_seconds=%s\nwine_uninstall_seconds=%s\n' \
        "$install_seconds" "$uninstall_seconds" >>"$out/measurements.txt"
}

winepath_w() { "$WINE" winepath -w "$1" 2>/dev/null | tr -d '\r'; }

if [ "${1:-}" = "--wine-phase" ]; then
    VERSION="$3" VERSION_WIN="$4"
    wine_phase "$2" "$5"
    exit 0
fi

# ---------------------------------------------------------------- main
cd "$ROOT"
T_ALL=$(now)
mkdir -p "$WORK"
: >"$WORK/measurements.txt"

command -v makensis >/dev/null || apt_install nsis
if [ "$CHECK_WINE" = "1" ] && { [ ! -x "$WINE" ] || ! command -v xvfb-run >/dev/null; }; then
    apt_install wine64 xvfb xauth
fi

# The app is frozen in a venv of its own installed from the hash-pinned lock, as the Windows
# workflow does with its lock: the bundle holds exactly the locked releases, whatever $PYTHON's
# environment has, and nothing is installed into that environment. Kept while the lock stays.
LOCK=requirements/linux-py311.txt
BUILD_VENV="$WORK/venv"
BUILD_PY="$BUILD_VENV/bin/python"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' ||
    fail "$LOCK is for Python 3.11; PYTHON=$PYTHON is $("$PYTHON" -V 2>&1)"
stamp="$(cat "$LOCK" pyproject.toml | sha256sum | cut -c1-16)"
if [ "$(cat "$BUILD_VENV/.lock-stamp" 2>/dev/null)" != "$stamp" ]; then
    t=$(now)
    rm -rf "$BUILD_VENV"
    "$PYTHON" -m venv "$BUILD_VENV"
    pip_quiet=(-q --disable-pip-version-check)
    "$BUILD_PY" -m pip install "${pip_quiet[@]}" --require-hashes --no-deps -r "$LOCK"
    "$BUILD_PY" -m pip install "${pip_quiet[@]}" --no-deps --no-build-isolation -e .
    "$BUILD_PY" -m pip check >/dev/null || fail "$LOCK is incomplete: $("$BUILD_PY" -m pip check)"
    echo "$stamp" >"$BUILD_VENV/.lock-stamp"
    log "build venv installed from $LOCK in $(since "$t") s"
fi

# 0. the Windows workflow must at least be a valid GitHub Actions workflow (schema check; the
# workflow itself can only run on GitHub; scripts/lint-workflows.sh lints it further).
TOOLS_PY="$WORK/tools-venv/bin/python"
if ! "$TOOLS_PY" -c "import check_jsonschema" 2>/dev/null; then
    "$PYTHON" -m venv "$WORK/tools-venv"
    "$TOOLS_PY" -m pip install -q --disable-pip-version-check check-jsonschema
fi
"$TOOLS_PY" -m check_jsonschema --builtin-schema vendor.github-workflows \
    .github/workflows/windows.yml >/dev/null || fail ".github/workflows/windows.yml is not valid"
log "windows.yml is a valid workflow"

VERSION="$("$BUILD_PY" installer/build.py version)"
VERSION_WIN="$("$BUILD_PY" -c "import sys; sys.path.insert(0, 'installer'); import buildinfo; print(buildinfo.windows_version_string('$VERSION'))")"
DIST="$WORK/dist"
FROZEN="$DIST/Berdaya"

# 1. freeze
t=$(now)
"$BUILD_PY" installer/build.py freeze --dist "$DIST" >"$WORK/freeze.log" 2>&1 ||
    { tail -40 "$WORK/freeze.log"; fail "PyInstaller failed (log: $WORK/freeze.log)"; }
FREEZE_S=$(since "$t")
FROZEN_MB=$(du -sm "$FROZEN" | cut -f1)
log "froze $FROZEN in $FREEZE_S s, $FROZEN_MB MB"

# 2. frozen self-test, offscreen, with logs kept out of the developer's home
t=$(now)
rc=0
env QT_QPA_PLATFORM=offscreen XDG_STATE_HOME="$WORK/state" XDG_DATA_HOME="$WORK/data" \
    XDG_CONFIG_HOME="$WORK/config" XDG_CACHE_HOME="$WORK/cache" \
    timeout 300 "$FROZEN/Berdaya" --self-test "$WORK/selftest.json" || rc=$?
SELFTEST_S=$(since "$t")
SELFTEST_ARGS=("$WORK/selftest.json" "$rc" "$WORK/measurements.txt")
"$PYTHON" - "${SELFTEST_ARGS[@]}" <<'EOF' || fail "frozen self-test failed"
import json, sys
path, rc = sys.argv[1], int(sys.argv[2])
try:
    result = json.load(open(path, encoding="utf-8"))
except (OSError, ValueError) as exc:
    sys.exit(f"no readable self-test result ({exc}); exit code {rc}")
for check in result.get("checks", []):
    mark = "ok  " if check["ok"] else "FAIL"
    print(f"  {mark} {check['name']:<32} {check['seconds']:6.2f} s  {check.get('detail', '')[:90]}")
if rc != 0 or not result.get("ok"):
    sys.exit(f"self-test exit code {rc}, ok={result.get('ok')}")
# Cold start: process start to the main window shown, without the demo data made in between.
shown = next(c for c in result["checks"] if c["name"] == "gui.window_shown")
if result.get("startup_seconds") is not None:
    cold = result["startup_seconds"] + shown["seconds"]
    with open(sys.argv[3], "a", encoding="utf-8") as out:
        out.write(f"frozen_startup_seconds={result['startup_seconds']:.2f}\n")
        out.write(f"frozen_cold_start_to_window_seconds={cold:.2f}\n")
EOF
log "frozen self-test passed in $SELFTEST_S s (wall clock, cold start included)"

# 3. makensis. The frozen Linux executable is renamed Berdaya.exe in a hard-linked copy so the
# script compiles exactly as on Windows.
STAGE="$WORK/stage/Berdaya"
rm -rf "$WORK/stage"
mkdir -p "$WORK/stage"
cp -al "$FROZEN" "$STAGE" 2>/dev/null || cp -a "$FROZEN" "$STAGE"
mv "$STAGE/Berdaya" "$STAGE/Berdaya.exe"
compress_flag="--no-compress"
[ "$COMPRESS" = "1" ] && compress_flag=""
# What ships (x86-unicode stub, as the Windows workflow builds it), then a 64-bit twin for Wine:
# Debian's wine64 cannot run 32-bit programs.
t=$(now)
# shellcheck disable=SC2086 # $compress_flag is empty or one flag
"$BUILD_PY" installer/build.py installer --dist "$DIST" --frozen "$STAGE" $compress_flag
MAKENSIS_S=$(since "$t")
SETUP="$DIST/Berdaya-$VERSION-setup.exe"
SETUP_MB=$(du -m "$SETUP" | cut -f1)
log "makensis built $SETUP in $MAKENSIS_S s, $SETUP_MB MB (compressed: $COMPRESS)"
SETUP64="$DIST/Berdaya-$VERSION-setup-amd64.exe"
if [ "$CHECK_WINE" = "1" ]; then
    "$BUILD_PY" installer/build.py installer --dist "$DIST" --frozen "$STAGE" --no-compress \
        --nsis-target amd64-unicode --out "$SETUP64"
fi
{
    echo "version=$VERSION"
    echo "freeze_seconds=$FREEZE_S"
    echo "frozen_mb=$FROZEN_MB"
    echo "frozen_selftest_seconds=$SELFTEST_S"
    echo "makensis_seconds=$MAKENSIS_S"
    echo "installer_mb=$SETUP_MB"
    echo "installer_compressed=$COMPRESS"
} >>"$WORK/measurements.txt"

# 4. Wine
if [ "$CHECK_WINE" = "1" ]; then
    mkdir -p "$WORK/holder"
    makensis -V2 -DOUT_FILE="$WORK/holder/holder.exe" -DNSIS_TARGET=amd64-unicode \
        -DREADY_FILE="Z:${WORK//\//\\}\\holder\\ready" -DSTOP_FILE="Z:${WORK//\//\\}\\holder\\stop" \
        installer/check/mutex_holder.nsi
    t=$(now)
    xvfb-run -a "$0" --wine-phase "$SETUP64" "$VERSION" "$VERSION_WIN" "$WORK"
    log "wine checks passed in $(since "$t") s"
else
    log "Wine checks skipped (BERDAYA_CHECK_WINE=0)"
fi

log "all packaging checks passed in $(since "$T_ALL") s"
sed 's/^/[packaging]   /' "$WORK/measurements.txt"
