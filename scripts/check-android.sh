#!/usr/bin/env bash
# Type-checks the phone build for Android (aarch64) without an Android
# SDK/NDK: `cargo check` of the library with the mobile feature, so the
# android-only code (src/link/android.rs, btleplug's droidplug backend, tao,
# wry) is compiled as far as type-checking. Nothing is linked and no APK is
# made. Not part of .ci/run or scripts/test.sh (it takes minutes).
#
# Only build scripts run natively; the one that compiles C is
# libsqlite3-sys (bundled SQLite, via the cc crate). Without the NDK there
# are no Android (bionic) C headers, so SQLite is compiled by Debian's clang
# for aarch64-linux-android21 against Debian's aarch64 glibc headers. That
# object is never linked and says nothing about SQLite on a phone; the real
# build must use the NDK's clang and sysroot.
#
# Safe to run again: installs only what is missing. Extra arguments go to
# cargo (e.g. --message-format=short).
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=aarch64-linux-android
GLIBC_AARCH64=/usr/aarch64-linux-gnu/include

# shellcheck source=scripts/apt.sh
. scripts/apt.sh
apt_install_missing check-android clang libc6-dev-arm64-cross
rustup target list --installed | grep -qx "$TARGET" || rustup target add "$TARGET"

export CC_aarch64_linux_android=clang
export CFLAGS_aarch64_linux_android="--target=${TARGET}21 -nostdlibinc -isystem $GLIBC_AARCH64"
set -x
cargo check --target "$TARGET" --no-default-features --features mobile --lib "$@"
