#!/usr/bin/env bash
# Fetch Swagger UI for the API's docs page (/api/v1/docs) from the npm registry and copy only what the page
# loads, with its licences, into static/vendor/swagger-ui/. Union intranets have no internet, so the docs
# page never loads anything from a CDN: the files are committed, and this script is how they are refreshed.
#
#   scripts/vendor_swagger.sh
#
# To upgrade: change VERSION and INTEGRITY (`npm view swagger-ui-dist@<version> dist.integrity`), run the
# script, open /api/v1/docs in a browser, run `pytest gonghui/api`, and commit static/vendor/swagger-ui/.
set -euo pipefail

VERSION="5.35.0"
INTEGRITY="sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ=="
# The page needs the bundle and its stylesheet; LICENSE and NOTICE (Apache-2.0) and the bundle's list of
# third-party licences travel with them.
FILES="swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE swagger-ui-bundle.js.LICENSE.txt"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$ROOT/static/vendor/swagger-ui"

command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack --silent "swagger-ui-dist@$VERSION" >/dev/null 2>&1)
tarball="$WORK/swagger-ui-dist-$VERSION.tgz"
got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$got" != "$INTEGRITY" ]; then
  echo "integrity mismatch for swagger-ui-dist@$VERSION: $got" >&2
  exit 1
fi
tar xzf "$tarball" -C "$WORK"

rm -rf "$TARGET"
mkdir -p "$TARGET"
for file in $FILES; do
  cp "$WORK/package/$file" "$TARGET/$file"
done
# The source maps are not shipped: drop the comments that point at them, so browsers do not ask for
# missing files and a hashing static storage (ManifestStaticFilesStorage) does not fail on them.
sed -i '/^\/\/# sourceMappingURL=/d; /^\/\*# sourceMappingURL=.*\*\/$/d' "$TARGET/swagger-ui-bundle.js" "$TARGET/swagger-ui.css"
echo "swagger-ui-dist@$VERSION" > "$TARGET/VERSION"
echo "vendored swagger-ui-dist@$VERSION into $TARGET"
