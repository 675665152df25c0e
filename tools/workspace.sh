#!/usr/bin/env bash
# Module chores that the workspace (go.work) alone cannot do, because they
# must see the modules as a user of the published releases does:
#
#   tools/workspace.sh proxy DIR        write a file module proxy holding this
#                                       checkout's library modules at $VERSION
#   tools/workspace.sh tidy [DIR...]    go mod tidy each module (default: every
#                                       module of go.work, and tools/) against
#                                       that proxy
#   tools/workspace.sh check            fail if a go.mod has replace or exclude
#                                       directives or is not tidy (CI)
#   tools/workspace.sh outoftree        build and test testdata/outoftree, an
#                                       application outside the workspace
#   tools/workspace.sh staticcheck      staticcheck every module, at the
#                                       version pinned in tools/go.mod
#
# The library modules require each other at $VERSION (v0.1.0), which is not
# published until it is tagged; go.work ties them together for builds and
# tests, but `go mod tidy` ignores go.work. So `tidy` and `outoftree` resolve
# github.com/restauth/restauth/... from a proxy built from the work tree
# (tools/cmd/modproxy) and everything else from $GOPROXY, with a module cache
# of their own: the shared one would keep the first v0.1.0 it saw forever.
# The shared cache still serves as a local proxy, so nothing already
# downloaded is fetched again.
set -euo pipefail

VERSION="${RESTAUTH_VERSION:-v0.1.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODULE=github.com/restauth/restauth

# Temporary directories, removed however the script ends.
TMPDIRS=()
cleanup() { if [ ${#TMPDIRS[@]} -gt 0 ]; then rm -rf "${TMPDIRS[@]}"; fi; }
trap cleanup EXIT
tempdir() { local d; d="$(mktemp -d)"; TMPDIRS+=("$d"); TMP="$d"; }

# library_dirs prints the directories of the modules users import: every
# module of the workspace except the benchmarks, the cross-module tests and
# the example starters.
library_dirs() {
  (cd "$ROOT" && go list -m -f '{{.Dir}}') | grep -v -e '/bench$' -e '/integration$' -e '/examples/'
}

build_proxy() {
  local dir="$1"
  mkdir -p "$dir"
  # shellcheck disable=SC2046
  GOWORK=off go -C "$ROOT/tools" run ./cmd/modproxy -o "$dir" -version "$VERSION" $(library_dirs)
}

# isolated CMD...: run CMD as a user outside the workspace would, with this
# checkout's modules served by a fresh proxy and a throwaway module cache.
isolated() {
  local tmp cache upstream
  tempdir; tmp="$TMP"
  build_proxy "$tmp/proxy" >/dev/null
  cache="$(go env GOMODCACHE)"
  upstream="$(go env GOPROXY)"
  (
    export GOWORK=off
    export GOPROXY="file://$tmp/proxy,file://$cache/cache/download,$upstream"
    export GONOSUMDB="$MODULE${GONOSUMDB:+,$GONOSUMDB}"
    # -trimpath keeps the throwaway cache's path out of the build cache's
    # keys, so dependencies compiled by an earlier run are reused.
    export GOFLAGS="-mod=mod -modcacherw -trimpath"
    export GOMODCACHE="$tmp/modcache"
    "$@"
  )
}

# tidy_module DIR: go mod tidy, then drop the go.sum lines of this
# repository's modules: they would pin the hash of a work tree, not of a
# release, and workspace builds never read them.
tidy_module() {
  local dir="$1"
  (cd "$dir" && go mod tidy && sed -i "\#^$MODULE[/ ]#d" go.sum)
}

cmd_tidy() {
  local dirs=("$@")
  if [ ${#dirs[@]} -eq 0 ]; then
    mapfile -t dirs < <(cd "$ROOT" && go list -m -f '{{.Dir}}')
    dirs+=("$ROOT/tools")
  fi
  tidy_all() {
    local d
    for d in "${dirs[@]}"; do
      echo "tidy $d"
      tidy_module "$(cd "$d" && pwd)"
    done
  }
  isolated tidy_all
}

# cmd_check: no go.mod may carry replace or exclude (the go command ignores
# both in a dependency, so the workspace would test other code than users
# get), and each module must be tidy. Tidy runs on copies (-modfile), so the
# work tree is never written.
cmd_check() {
  local dirs d found=0
  mapfile -t dirs < <(cd "$ROOT" && go list -m -f '{{.Dir}}')
  dirs+=("$ROOT/tools")
  for d in "${dirs[@]}"; do
    if GOWORK=off go mod edit -json "$d/go.mod" | grep -q -e '"Replace": \[' -e '"Exclude": \['; then
      echo "$d/go.mod: replace or exclude directive" >&2
      found=1
    fi
  done
  [ $found -eq 0 ] || return 1
  check_all() {
    local d tmp untidy=0
    for d in "${dirs[@]}"; do
      tmp="$(mktemp -d)"
      cp "$d/go.mod" "$tmp/go.mod"
      cp "$d/go.sum" "$tmp/go.sum" 2>/dev/null || : >"$tmp/go.sum"
      (cd "$d" && go mod tidy -modfile="$tmp/go.mod") && sed -i "\#^$MODULE[/ ]#d" "$tmp/go.sum"
      if ! diff -u "$d/go.mod" "$tmp/go.mod" || ! diff -u "$d/go.sum" "$tmp/go.sum"; then
        echo "$d: go.mod/go.sum not tidy; run tools/workspace.sh tidy" >&2
        untidy=1
      fi
      rm -rf "$tmp"
    done
    return $untidy
  }
  isolated check_all
}

# build_staticcheck: build the staticcheck pinned in tools/go.mod into a
# temporary directory and set STATICCHECK to its path.
build_staticcheck() {
  tempdir
  GOWORK=off go -C "$ROOT/tools" build -o "$TMP/staticcheck" honnef.co/go/tools/cmd/staticcheck
  STATICCHECK="$TMP/staticcheck"
}

cmd_outoftree() {
  local app
  build_staticcheck
  tempdir; app="$TMP"
  cp -R "$ROOT/testdata/outoftree/." "$app/"
  run_app() {
    cd "$app"
    go mod tidy
    go vet ./...
    "$STATICCHECK" ./...
    go build ./...
    go test -count=1 ./...
  }
  isolated run_app
}

# cmd_staticcheck: every module of the workspace in one run (staticcheck
# loads packages through go list, which understands go.work), then the
# tools module, which is outside the workspace.
cmd_staticcheck() {
  build_staticcheck
  # shellcheck disable=SC2046
  (cd "$ROOT" && "$STATICCHECK" $(go list -m -f '{{.Dir}}/...'))
  (cd "$ROOT/tools" && GOWORK=off "$STATICCHECK" ./...)
}

case "${1:-}" in
  proxy) [ $# -eq 2 ] || { echo "usage: $0 proxy DIR" >&2; exit 2; }; build_proxy "$2" ;;
  tidy) shift; cmd_tidy "$@" ;;
  check) cmd_check ;;
  outoftree) cmd_outoftree ;;
  staticcheck) cmd_staticcheck ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
