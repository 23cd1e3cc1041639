// SPDX-License-Identifier: Apache-2.0
// Libraries only some commands need, opened on first use instead of at start-up.
//
// libcurl (deploy, remote), libgit2 (git templates), libarchive and libcrypto (package,
// deploy) and their own dependencies are some 45 shared objects (libseccomp and zlib, two
// more, cost 0.2 ms each and are needed only to compile the seccomp program on a cache miss
// and to estimate package sizes; libsqlite3 only serve's execution store); mapping and relocating
// them costs ~25 ms on every start, four times what `fstage invoke` or `fstage __complete` need for
// everything else. So fstage does not link them: lazy/src/*.cpp define the few functions fstage
// calls from each library, and each definition looks the real one up with dlsym() the first time it
// runs. Callers keep using the libraries' own headers and names unchanged.
//
// A library that cannot be opened is an installation problem; commands that need one call
// require() first and get an Error with the package to install. A wrapper reached without
// that check exits with the same message (exit code 70) instead of crashing.
#pragma once

#include <string_view>

#include <fstage/base/error.hpp>

namespace fstage::lazy {

enum class Library { curl, git2, archive, crypto, seccomp, zlib, sqlite };

// "libcurl.so.4", as found at build time.
std::string_view soname(Library lib);

// Opens `lib` now. Errors: not_found, naming the library, dlerror() and the Debian package.
Expected<void> require(Library lib);

// The address of `name` in `lib`, opening the library if needed; never null (exits with a
// message when the library or the symbol is missing).
void* symbol(Library lib, const char* name);

template <class Fn>
Fn* function(Library lib, const char* name) {
  return reinterpret_cast<Fn*>(symbol(lib, name));
}

}  // namespace fstage::lazy
