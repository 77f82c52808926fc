#!/usr/bin/env bash
# Refresh the web app's third-party JavaScript from the npm registry into
# src/threadgraph/web/vendor/. The app never loads anything from a CDN at run time: these
# files ship inside the Python package. Bump a version below, run this, look at the diff,
# run the browser tests, commit.
#   marked                  Markdown to HTML (its output is always passed through DOMPurify)
#   dompurify               HTML sanitiser
#   @highlightjs/cdn-assets the prebuilt "common languages" highlight.js bundle (ES module)
#   cytoscape               graph drawing
set -euo pipefail
cd "$(dirname "$0")/.."

MARKED=18.2.1
DOMPURIFY=3.4.18
HIGHLIGHT=11.12.0
CYTOSCAPE=3.35.0

out=src/threadgraph/web/vendor
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts \
    "marked@$MARKED" "dompurify@$DOMPURIFY" "@highlightjs/cdn-assets@$HIGHLIGHT" \
    "cytoscape@$CYTOSCAPE" >/dev/null)
m="$work/node_modules"

rm -rf "$out" && mkdir -p "$out"
# Source-map comments are dropped: the maps are not shipped, so they would only 404.
# ES modules are saved as .js, a type every server knows (.mjs is not in every mimetypes).
copy() { sed '/^\/\/# sourceMappingURL=/d' "$1" > "$out/$2"; }
copy "$m/marked/lib/marked.esm.js" marked.esm.js
copy "$m/dompurify/dist/purify.es.mjs" purify.es.js
copy "$m/@highlightjs/cdn-assets/es/highlight.min.js" highlight.min.js
copy "$m/@highlightjs/cdn-assets/styles/github.min.css" highlight-github.min.css
copy "$m/cytoscape/dist/cytoscape.esm.min.mjs" cytoscape.esm.min.js
cp "$m/marked/LICENSE" "$out/LICENSE.marked"
cp "$m/dompurify/LICENSE" "$out/LICENSE.dompurify"
cp "$m/@highlightjs/cdn-assets/LICENSE" "$out/LICENSE.highlight.js"
cp "$m/cytoscape/LICENSE" "$out/LICENSE.cytoscape"
cat > "$out/VERSIONS" <<VERSIONS
marked $MARKED
dompurify $DOMPURIFY
@highlightjs/cdn-assets $HIGHLIGHT
cytoscape $CYTOSCAPE
VERSIONS
echo "vendored into $out:"; cat "$out/VERSIONS"
