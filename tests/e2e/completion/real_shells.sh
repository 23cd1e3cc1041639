#!/usr/bin/env bash
# bash, zsh and fish complete fstage through their own completion machinery: a tmux session
# types the words and TAB, and the screen must show the candidates.
. "$(dirname "$0")/../lib/common.sh"
command -v tmux >/dev/null || skip "tmux not installed"

mkdir -p bin zfunc
ln -s "$FSTAGE" bin/fstage
"$FSTAGE" completion bash > fstage.bash
"$FSTAGE" completion zsh > zfunc/_fstage
"$FSTAGE" completion fish > fstage.fish
# A project whose function names must be completed from its manifest.
"$FSTAGE" init proj -r python3.10 -n alpha-fn -q
n=0
sock=""
trap 'for k in $(seq 1 "$n"); do tmux -L "fstage-e2e-$$-$k" kill-server 2>/dev/null || true; done; rm -rf "$T"' EXIT

# screen SHELL SETUP KEYS...: starts SHELL in tmux inside proj/, runs SETUP, types KEYS, and
# prints the screen once it settles. Call it in this shell (not in $(...)): it counts servers.
screen() {
  local shell=$1 setup=$2; shift 2
  [ -z "$sock" ] || tmux -L "$sock" kill-server 2>/dev/null || true
  n=$((n + 1))
  sock="fstage-e2e-$$-$n"  # a fresh server each time: reusing one races with its shutdown
  tmux -L "$sock" new-session -d -x 200 -y 40 -c "$T/proj" \
    env -i HOME="$T" TERM=xterm PATH="$T/bin:/usr/bin:/bin" $shell
  sleep 0.3
  # compinit's first run can take seconds: wait for the setup to print its marker.
  tmux -L "$sock" send-keys "$setup; clear; echo READY-FOR-KEYS" Enter
  local i
  for i in $(seq 1 100); do
    tmux -L "$sock" capture-pane -p | grep -q '^READY-FOR-KEYS' && break
    sleep 0.1
  done
  local k
  for k in "$@"; do
    tmux -L "$sock" send-keys "$k"
    sleep 0.4
  done
  sleep 1
  tmux -L "$sock" capture-pane -p
}

check() {  # check SHELL-LABEL SCREEN WORD...
  local label=$1 text=$2; shift 2
  for w in "$@"; do
    grep -qF -- "$w" <<<"$text" || { echo "$text"; fail "$label: '$w' not offered"; }
  done
}

declare -A SETUP=(
  [bash]="source /usr/share/bash-completion/bash_completion 2>/dev/null; source $T/fstage.bash"
  [zsh]="fpath=($T/zfunc \$fpath); autoload -Uz compinit; compinit -u"
  [fish]="source $T/fstage.fish"
)
declare -A CMD=([bash]="bash --norc --noprofile" [zsh]="zsh -f" [fish]="fish --no-config")

for sh in bash zsh fish; do
  command -v "$sh" >/dev/null || skip "$sh not installed"
  screen "${CMD[$sh]}" "${SETUP[$sh]}" "fstage " Tab Tab > screen.txt
  s=$(cat screen.txt)
  check "$sh subcommands" "$s" init templates validate completion
  screen "${CMD[$sh]}" "${SETUP[$sh]}" "fstage init --r" Tab Tab > screen.txt
  s=$(cat screen.txt)
  check "$sh flags" "$s" --runtime --region
  screen "${CMD[$sh]}" "${SETUP[$sh]}" "fstage init -r python3." Tab Tab > screen.txt
  s=$(cat screen.txt)
  check "$sh runtimes" "$s" python3.9 python3.10
  screen "${CMD[$sh]}" "${SETUP[$sh]}" "fstage init --trigger ti" Tab > screen.txt
  s=$(cat screen.txt)
  check "$sh triggers" "$s" "--trigger timer"
  screen "${CMD[$sh]}" "${SETUP[$sh]}" "fstage invoke --tr" Tab > screen.txt
  s=$(cat screen.txt)
  check "$sh invoke flags" "$s" "invoke --trigger"
  screen "${CMD[$sh]}" "${SETUP[$sh]}" "fstage invoke al" Tab > screen.txt
  s=$(cat screen.txt)
  check "$sh functions from fstage.yaml" "$s" "invoke alpha-fn"
  screen "${CMD[$sh]}" "${SETUP[$sh]}" "fstage package al" Tab > screen.txt
  s=$(cat screen.txt)
  check "$sh functions for package" "$s" "package alpha-fn"
  echo "ok: $sh"
done
