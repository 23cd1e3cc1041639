#!/usr/bin/env bash
# completions/ holds exactly what `fstage completion` generates from the command tree.
# Regenerate after changing commands or options:
#   for s in bash zsh fish; do ...; done   (see completions/README.md)
. "$(dirname "$0")/../lib/common.sh"
c="$FSTAGE_SOURCE_DIR/completions"
"$FSTAGE" completion bash | diff -u "$c/fstage.bash" - || fail "completions/fstage.bash is stale"
"$FSTAGE" completion zsh | diff -u "$c/_fstage" - || fail "completions/_fstage is stale"
"$FSTAGE" completion fish | diff -u "$c/fstage.fish" - || fail "completions/fstage.fish is stale"
bash -n "$c/fstage.bash"
! command -v zsh >/dev/null || zsh -n "$c/_fstage"
! command -v fish >/dev/null || fish --no-execute "$c/fstage.fish"
echo ok
