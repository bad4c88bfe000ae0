#!/usr/bin/env bash
# Fetch the front-end packages the pages use from the npm registry and copy only their dist files and
# licences into static/vendor/<pkg>/. Union intranets have no internet, so nothing is loaded from a CDN
# at run time: the files are committed, and this script is how they are refreshed.
#
#   scripts/vendor_assets.sh            fetch the pinned versions below, check their integrity, copy
#
# To upgrade a package: change its version and integrity (`npm view <pkg>@<version> dist.integrity`),
# run the script, look at the pages in a browser (pytest -m browser), and commit static/vendor/.
# static/vendor/swagger-ui is vendored by the API's own script and is left alone here.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"

# name@version  integrity (sha512 of the tarball, as the registry publishes it)
PACKAGES=(
  "htmx.org@2.0.11 sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
  "@picocss/pico@2.1.1 sha512-kIDugA7Ps4U+2BHxiNHmvgPIQDWPDU4IeU6TNRdvXQM1uZX+FibqDQT2xUOnnO2yq/LUHcwnGlu1hvf4KfXnMg=="
  "echarts@6.1.0 sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA=="
  "leaflet@1.9.4 sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
)

# Files to keep from each package, relative to the package root; the target folder is static/vendor/<dir>.
files_for() {
  case "$1" in
    htmx.org) echo "LICENSE dist/htmx.min.js" ;;
    @picocss/pico) echo "LICENSE.md css/pico.red.min.css" ;;
    echarts) echo "LICENSE NOTICE licenses/LICENSE-d3 dist/echarts.min.js" ;;
    leaflet) echo "LICENSE dist/leaflet.js dist/leaflet.css dist/images/layers.png dist/images/layers-2x.png
                   dist/images/marker-icon.png dist/images/marker-icon-2x.png dist/images/marker-shadow.png" ;;
    *) echo "unknown package $1" >&2; return 1 ;;
  esac
}

dir_for() {
  case "$1" in
    htmx.org) echo htmx ;;
    @picocss/pico) echo pico ;;
    *) echo "$1" ;;
  esac
}

command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

for entry in "${PACKAGES[@]}"; do
  spec="${entry%% *}"
  want="${entry##* }"
  name="${spec%@*}"
  version="${spec##*@}"
  echo "== $spec"
  (cd "$WORK" && npm pack --silent "$spec" >/dev/null 2>&1)
  tarball="$(ls "$WORK"/*.tgz)"
  got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$got" != "$want" ]; then
    echo "integrity mismatch for $spec: $got" >&2
    exit 1
  fi
  mkdir -p "$WORK/x"
  tar xzf "$tarball" -C "$WORK/x"
  target="$VENDOR/$(dir_for "$name")"
  rm -rf "$target"
  for file in $(files_for "$name"); do
    mkdir -p "$target/$(dirname "${file#dist/}")"
    cp "$WORK/x/package/$file" "$target/${file#dist/}"
  done
  # The source maps are not vendored; a dangling reference would break a hashed static storage.
  find "$target" -name '*.js' -exec sed -i '/^\/\/# sourceMappingURL=/d' {} +
  echo "$spec" > "$target/VERSION"
  rm -rf "$WORK/x" "$tarball"
done
echo "vendored into $VENDOR"
