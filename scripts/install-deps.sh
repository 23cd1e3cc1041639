#!/usr/bin/env bash
# Installs every Debian 12 package fstage needs to build, test and benchmark.
# Usage: sudo scripts/install-deps.sh   (idempotent; quiet unless something fails)
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config git ca-certificates
  # libraries (see ../shared/docs/STYLE.md: confined per folder)
  libcli11-dev libgit2-dev libarchive-dev nlohmann-json3-dev libcurl4-openssl-dev
  catch2 libyaml-dev libseccomp-dev libssl-dev libexpected-dev libfmt-dev
  zlib1g-dev
  # serve's HTTP server (serve/httpd/, fstage-httpd.so): libevent's loop, http-parser's parser
  libevent-dev libhttp-parser-dev
  # cpp-httplib: bench/proto's thread-per-connection gateway, which bench/serve-arch compares
  libcpp-httplib-dev
  # Graphviz's library: `fstage flow graph` lays out and renders SVG with it (flow/graphviz/)
  libgraphviz-dev
  # SQLite: serve keeps NORMAL flow executions under .fstage/ (store/)
  libsqlite3-dev
  # language toolchains the templates and tests exercise
  python3 python3-pip python3-setuptools python3-wheel nodejs default-jdk-headless golang-go
  # Gson: the Java runtime shim binds events with it, as the platform's Java runtime does
  libgoogle-gson-java
  # test and benchmark tools
  zip unzip bash-completion zsh fish tmux hyperfine wrk util-linux procps
  # flow graph's tests: `dot -Tsvg` checks the DOT, headless Chromium opens the SVG and the
  # web console
  graphviz chromium
  # the runtimes' standard debuggers (invoke --debug-port) and the metrics checker
  python3-debugpy delve prometheus
)

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
