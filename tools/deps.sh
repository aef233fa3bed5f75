#!/bin/sh
# tools/deps.sh - install the Debian packages xmcheck needs, if missing.
# Runs apt-get only when something is missing (as root, or through sudo).
set -eu
pkgs="make gcc pkg-config check libyaml-dev jq libseccomp-dev man-db groff-base"
# conform reports: schema validators, coverage, the headless browser test
pkgs="$pkgs libxml2-utils python3-jsonschema lcov chromium"
# ---- fuzz (issue 9): libFuzzer (clang), AFL++, JSON reading for merge,
# zip for seed corpora ---- begin ----
pkgs="$pkgs clang afl++ libjansson-dev zip"
# ---- fuzz ---- end ----
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
