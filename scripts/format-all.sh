#!/usr/bin/env bash
# Applies the linter's fixes and the formatter to the whole tree: sorted imports and `const` first
# (eslint --fix), then Prettier's layout. Run once after the lint/format tooling lands, and whenever
# `npm run lint` or `npm run format:check` complains about something they can fix by themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
npx eslint --fix .
npx prettier --write --log-level warn .
