// SPDX-License-Identifier: Apache-2.0
#include <array>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <mutex>
#include <string>

#include <fstage/lazy/lazy.hpp>

namespace fstage::lazy {

namespace {

struct Entry {
  const char* soname;
  const char* package;  // the Debian package that ships it
  const char* purpose;
};

// The sonames come from the libraries fstage was compiled against (lazy/CMakeLists.txt).
constexpr std::array<Entry, 7> k_libraries = {{
    {FSTAGE_SONAME_CURL, "libcurl4", "talking to the FunctionGraph API"},
    {FSTAGE_SONAME_GIT2, "libgit2-1.5", "git templates"},
    {FSTAGE_SONAME_ARCHIVE, "libarchive13", "writing zip artifacts"},
    {FSTAGE_SONAME_CRYPTO, "libssl3", "SHA-256 digests and request signing"},
    {FSTAGE_SONAME_SECCOMP, "libseccomp2", "compiling the sandbox's seccomp filter"},
    {FSTAGE_SONAME_ZLIB, "zlib1g", "estimating compressed sizes"},
    {FSTAGE_SONAME_SQLITE, "libsqlite3-0", "keeping flow executions (.fstage/executions.db)"},
}};

struct Handles {
  std::mutex mutex;
  std::array<void*, k_libraries.size()> handle{};
};

Handles& handles() {
  static Handles h;
  return h;
}

const Entry& entry(Library lib) {
  return k_libraries.at(static_cast<std::size_t>(lib));
}

Expected<void*> open(Library lib) {
  auto& h = handles();
  std::lock_guard<std::mutex> lock(h.mutex);
  void*& slot = h.handle.at(static_cast<std::size_t>(lib));
  if (slot == nullptr) {
    // RTLD_LOCAL keeps the library's symbols out of the global scope, so our wrappers of
    // the same names are never looked up in place of the library's own internal calls.
    slot = ::dlopen(entry(lib).soname, RTLD_NOW | RTLD_LOCAL);
    if (slot == nullptr) {
      const char* why = ::dlerror();
      Error e{ErrorCode::not_found, std::string("cannot load ") + entry(lib).soname +
                                        ", needed for " + entry(lib).purpose};
      if (why != nullptr) {
        e.details.emplace_back(why);
      }
      e.hint = std::string("install it: apt-get install ") + entry(lib).package;
      return tl::unexpected(std::move(e));
    }
  }
  return slot;
}

[[noreturn]] void die(const Error& e) {
  std::fprintf(stderr, "fstage: error: %s\n", e.message.c_str());
  for (const auto& d : e.details) {
    std::fprintf(stderr, "  %s\n", d.c_str());
  }
  if (!e.hint.empty()) {
    std::fprintf(stderr, "hint: %s\n", e.hint.c_str());
  }
  std::_Exit(70);
}

}  // namespace

std::string_view soname(Library lib) {
  return entry(lib).soname;
}

Expected<void> require(Library lib) {
  auto h = open(lib);
  if (!h) {
    return tl::unexpected(h.error());
  }
  return {};
}

void* symbol(Library lib, const char* name) {
  auto h = open(lib);
  if (!h) {
    die(h.error());
  }
  void* sym = ::dlsym(*h, name);
  if (sym == nullptr) {
    Error e{ErrorCode::internal, std::string(entry(lib).soname) + " has no symbol " + name};
    e.hint = "the installed library is older than the one fstage was built with; upgrade " +
             std::string(entry(lib).package);
    die(e);
  }
  return sym;
}

}  // namespace fstage::lazy
