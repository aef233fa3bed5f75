#!/bin/sh
# tools/deps.sh - install the Debian packages xmcheck needs, if missing.
# Runs apt-get only when something is missing (as root, or through sudo).
set -eu
pkgs="make gcc pkg-config check libyaml-dev jq libseccomp-dev man-db groff-base"
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
