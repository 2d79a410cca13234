#!/usr/bin/env bash
# Provisions Oracle MySQL (the current LTS line, 9.7 when written) from Debian's unstable suite into a private folder,
# without installing anything into the system: Debian 12 ships MariaDB only, and sid's mysqld needs a newer libc,
# libstdc++ and ICU than the system has, so it runs through the loader unpacked beside it.
#
#   tools/oracle-mysql/provision.sh            # prints the folder of the mysqld wrapper, e.g. ~/.cache/sessionstore/oracle-mysql/bin
#
# The result is cached in $SESSIONSTORE_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/sessionstore)/oracle-mysql; a second
# run that finds a working mysqld there does nothing. The test fixtures (MySqlDevServer) look for the wrapper there.
# Needs: apt-get, dpkg-deb (Debian or Ubuntu), network access to the machine's Debian mirror. Root is not needed.
set -euo pipefail

cache="${SESSIONSTORE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sessionstore}/oracle-mysql"
wrapper="$cache/bin/mysqld"

fail() { echo "oracle-mysql: $1" >&2; exit 1; }

if [ -x "$wrapper" ] && "$wrapper" --no-defaults --version >/dev/null 2>&1; then
  echo "$cache/bin"
  exit 0
fi

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
  || fail "step 0 (tools): needs apt-get and dpkg-deb (Debian or Ubuntu); elsewhere set SESSIONSTORE_MYSQL to an Oracle MySQL server"

# The machine's own Debian mirror, so that no other host is asked.
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/\?$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(\[[^]]*\] \)\?\(http[^ ]*debian\)\/\? .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
[ -n "$mirror" ] || fail "step 1 (apt source): no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || fail "step 1 (apt source): $keyring is missing (apt-get install debian-archive-keyring)"

work="$cache/apt"
rm -rf "$work" "$cache/root.new"
mkdir -p "$work/state/lists/partial" "$work/cache/archives/partial" "$work/etc/sources.list.d" "$work/etc/preferences.d" "$work/debs" "$cache/bin"
echo "deb [signed-by=$keyring] $mirror sid main" > "$work/etc/sources.list"
cat > "$work/apt.conf" <<CONF
Dir::State "$work/state";
Dir::State::status "/var/lib/dpkg/status";
Dir::Cache "$work/cache";
Dir::Etc::SourceList "$work/etc/sources.list";
Dir::Etc::SourceParts "$work/etc/sources.list.d";
Dir::Etc::Preferences "$work/etc/preferences";
Dir::Etc::PreferencesParts "$work/etc/preferences.d";
APT::Get::AllowUnauthenticated "false";
Debug::NoLocking "true";
CONF
export APT_CONFIG="$work/apt.conf"

echo "oracle-mysql: reading the sid package lists from $mirror" >&2
apt-get update -qq -o APT::Update::Error-Mode=any >/dev/null 2>"$work/update.err" \
  || fail "step 2 (apt-get update of sid): $(tail -n 3 "$work/update.err")"

# mysqld's run-time libraries, taken from sid as a set (libc and its loader included), so they match one another.
# Packages that are data or tools, not libraries mysqld loads, are left out.
packages=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
             mysql-server-core 2>/dev/null \
           | sed -n 's/^ *\(Pre\)\?Depends: *<\?\([^ >]*\)>\?$/\2/p; s/^\([a-z0-9][^ ]*\)$/\1/p' | sort -u \
           | grep -E '^(mysql-server-core|lib[a-z0-9.+-]+)$' \
           | grep -Ev '^(libc-bin|libc-l10n|libgcc-s1-dbg|libdebconfclient0|libcrypt-dev|libselinux1|libaudit.*|libpam.*|libsemanage.*|libsepol.*|libcap-ng0|libsystemd.*|libudev.*|libmecab.*|mecab.*|libncurses.*|libtinfo.*|libedit.*|libbsd.*|libmd0)$' || true)
echo "$packages" | grep -qx mysql-server-core \
  || fail "step 3 (resolve): sid has no mysql-server-core package today (apt-cache policy mysql-server-core with APT_CONFIG=$APT_CONFIG)"
echo "oracle-mysql: downloading $(echo "$packages" | wc -w) packages" >&2
(cd "$work/debs" && apt-get download -qq $packages >/dev/null 2>"$work/download.err") \
  || fail "step 4 (download): $(tail -n 3 "$work/download.err")"

root="$cache/root.new"
mkdir -p "$root"
for deb in "$work/debs"/*.deb; do dpkg-deb -x "$deb" "$root" || fail "step 5 (unpack): dpkg-deb -x $deb failed"; done
rm -rf "$cache/root"
mv "$root" "$cache/root"
root="$cache/root"
lib="$root/usr/lib/$(uname -m)-linux-gnu"
loader=$(ls "$lib"/ld-linux*.so.* 2>/dev/null | head -n 1)
[ -n "$loader" ] || loader=$(ls "$root"/lib64/ld-linux*.so.* "$root"/usr/lib64/ld-linux*.so.* 2>/dev/null | head -n 1)
[ -n "$loader" ] && [ -x "$root/usr/sbin/mysqld" ] || fail "step 5 (unpack): no loader or usr/sbin/mysqld under $root"

# The wrapper runs mysqld through sid's loader and libraries, with the folders that a package install would have
# compiled in. --no-defaults must stay the first argument mysqld sees, so the extra options go after the caller's.
cat > "$wrapper" <<WRAP
#!/bin/sh
exec "$loader" --library-path "$lib" "$root/usr/sbin/mysqld" "\$@" \\
  --lc-messages-dir="$root/usr/share/mysql" --character-sets-dir="$root/usr/share/mysql/charsets" \\
  --plugin-dir="$root/usr/lib/mysql/plugin"
WRAP
chmod +x "$wrapper"
version=$("$wrapper" --no-defaults --version 2>&1) || fail "step 6 (run): $wrapper --version failed: $version"
rm -rf "$work"
echo "oracle-mysql: $version" >&2
echo "$cache/bin"
