#!/usr/bin/env bash
# Copy the pinned NHS.UK frontend build into static/nhsuk/, where it is committed, so running the site needs no Node.
#
#   scripts/build-frontend.sh            # install exactly what package-lock.json pins, then copy
#   NHSUK_REMOTE_FONTS=1 scripts/...     # keep the Frutiger @font-face rules (needs font-src https://assets.nhs.uk)
#
# Two changes are made to the precompiled stylesheet:
# - its image URLs are absolute (/assets/...); they become relative so they resolve under STATIC_URL and
#   ManifestStaticFilesStorage fingerprints them;
# - the Frutiger @font-face rules load from assets.nhs.uk, which our Content-Security-Policy (font-src 'self')
#   blocks; they are dropped so pages fall back to Arial, the NHS fallback font, without CSP violations.
# Source maps are not shipped: after these edits they would no longer match.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --ignore-scripts
else
  npm install --no-audit --no-fund --ignore-scripts
fi

src="node_modules/nhsuk-frontend/dist/nhsuk"
dest="static/nhsuk"
version="$(node -p "require('./node_modules/nhsuk-frontend/package.json').version")"

rm -rf "$dest"
mkdir -p "$dest"

css_filter='s#url\(/assets/#url(assets/#g; s#/\*\# sourceMappingURL=[^*]*\*/##g'
if [ -z "${NHSUK_REMOTE_FONTS:-}" ]; then
  css_filter="$css_filter; s#@font-face\\{[^}]*assets\\.nhs\\.uk[^}]*\\}##g"
fi
sed -E "$css_filter" "$src/nhsuk-frontend.min.css" > "$dest/nhsuk-frontend.min.css"
sed -E 's#^//\# sourceMappingURL=.*$##; s#//\# sourceMappingURL=[^ ]*$##' "$src/nhsuk-frontend.min.js" > "$dest/nhsuk-frontend.min.js"

cp -R "$src/assets" "$dest/assets"
cp node_modules/nhsuk-frontend/LICENSE* "$dest/" 2>/dev/null || true
echo "$version" > "$dest/VERSION"

# Fail loudly if the upstream build changes shape (a missing asset would otherwise only show in a browser).
if grep -q 'url(/assets/' "$dest/nhsuk-frontend.min.css"; then
  echo "build-frontend: absolute asset URLs left in the stylesheet" >&2
  exit 1
fi
for image in $(grep -o 'url(assets/[^)]*)' "$dest/nhsuk-frontend.min.css" | sed -E 's/^url\((.*)\)$/\1/' | sort -u); do
  [ -f "$dest/$image" ] || { echo "build-frontend: stylesheet refers to missing $image" >&2; exit 1; }
done
grep -q '^export{' <(tail -c 5000 "$dest/nhsuk-frontend.min.js" | tr ';' '\n') \
  || { echo "build-frontend: nhsuk-frontend.min.js is no longer an ES module; update static/js/app.js" >&2; exit 1; }

echo "NHS.UK frontend $version copied to $dest/"
