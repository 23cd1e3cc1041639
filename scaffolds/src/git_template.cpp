// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <memory>

#include <git2.h>

#include <fstage/base/fs.hpp>
#include <fstage/base/interrupt.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/lazy/lazy.hpp>
#include <fstage/scaffolds/git_template.hpp>

namespace fstage::scaffolds {

namespace {

// libgit2 handles, freed by their own functions.
template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;
using Repo = Handle<git_repository, git_repository_free>;
using Object = Handle<git_object, git_object_free>;
using Tree = Handle<git_tree, git_tree_free>;
using Blob = Handle<git_blob, git_blob_free>;

// libgit2 needs one global init per process; it is cheap and never torn down.
void ensure_libgit2() {
  static const int k_init = git_libgit2_init();
  (void)k_init;
}

Error libgit_error(std::string what) {
  const git_error* e = git_error_last();
  Error err(ErrorCode::io, what + ": " + (e && e->message ? e->message : "unknown libgit2 error"));
  if (e && e->klass == GIT_ERROR_NET) {
    err.code = ErrorCode::network;
  }
  return err;
}

struct Walker {
  git_repository* repo;
  GitTemplateFiles* out;
};

// Reads one tree level; recursion keeps paths relative to the template root.
Expected<void> walk(const Walker& w, const git_tree* tree, const std::string& prefix) {
  std::size_t n = git_tree_entrycount(tree);
  for (std::size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree, i);
    std::string name = git_tree_entry_name(e);
    std::string path = prefix.empty() ? name : prefix + "/" + name;
    if (name == ".git") {
      continue;
    }
    // A crafted tree can hold "..", "." or names with '/': never let one leave the target.
    if (name.find('/') != std::string::npos || !is_safe_relative(path)) {
      return fail(ErrorCode::unsafe,
                  "git template entry " + quote(path) + " would be written outside the project",
                  "the template repository is malformed or hostile; nothing was written");
    }
    git_filemode_t mode = git_tree_entry_filemode(e);
    if (mode == GIT_FILEMODE_TREE) {
      git_tree* sub = nullptr;
      if (git_tree_lookup(&sub, w.repo, git_tree_entry_id(e)) != 0) {
        return fail(libgit_error("reading tree " + path));
      }
      Tree sub_h(sub);
      FSTAGE_TRY(walk(w, sub, path));
      continue;
    }
    if (mode == GIT_FILEMODE_COMMIT) {
      w.out->warnings.push_back("skipped submodule " + path);
      continue;
    }
    git_blob* blob = nullptr;
    if (git_blob_lookup(&blob, w.repo, git_tree_entry_id(e)) != 0) {
      return fail(libgit_error("reading " + path));
    }
    Blob blob_h(blob);
    RenderedFile f;
    f.path = path;
    f.data.assign(static_cast<const char*>(git_blob_rawcontent(blob)),
                  static_cast<std::size_t>(git_blob_rawsize(blob)));
    f.mode = mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644;
    f.symlink = mode == GIT_FILEMODE_LINK;
    if (f.symlink) {
      std::filesystem::path resolved =
          (std::filesystem::path("/t") / path).parent_path() / std::filesystem::path(f.data);
      if (f.data.empty() || f.data.front() == '/' ||
          !is_within("/t", resolved.lexically_normal())) {
        return fail(ErrorCode::unsafe,
                    "git template symlink " + quote(path) + " -> " + quote(f.data) +
                        " points outside the template",
                    "nothing was written; a template may only link inside itself");
      }
    }
    w.out->files.push_back(std::move(f));
  }
  return {};
}

Expected<Object> resolve_ref(git_repository* repo, const std::string& ref) {
  std::vector<std::string> candidates;
  if (ref.empty()) {
    candidates = {"HEAD", "refs/remotes/origin/HEAD"};
  } else {
    candidates = {"refs/remotes/origin/" + ref, "refs/tags/" + ref, "refs/heads/" + ref, ref};
  }
  for (const auto& c : candidates) {
    git_object* obj = nullptr;
    if (git_revparse_single(&obj, repo, (c + "^{commit}").c_str()) == 0) {
      return Object(obj);
    }
  }
  return fail(ErrorCode::not_found,
              "git template ref " + quote(ref.empty() ? "HEAD" : ref) + " not found",
              "name a branch, tag or commit after '#'");
}

}  // namespace

Expected<GitTemplateRef> parse_git_template_ref(std::string_view value) {
  if (!value.starts_with("git+")) {
    return fail(ErrorCode::usage, "git template must start with 'git+': " + quote(value));
  }
  std::string rest(value.substr(4));
  GitTemplateRef out;
  auto hash = rest.find('#');
  if (hash != std::string::npos) {
    out.url = rest.substr(0, hash);
    std::string tail = rest.substr(hash + 1);
    auto colon = tail.find(':');
    out.ref = tail.substr(0, colon);
    if (colon != std::string::npos) {
      out.subdir = tail.substr(colon + 1);
    }
  } else {
    // The subdir colon is the last one that is neither the scheme's ("://") nor a port's.
    out.url = rest;
    auto colon = rest.rfind(':');
    if (colon != std::string::npos && rest.compare(colon, 3, "://") != 0) {
      std::string after = rest.substr(colon + 1);
      auto slash = after.find('/');
      std::string head = after.substr(0, slash);
      bool port =
          !head.empty() && slash != std::string::npos &&
          std::all_of(head.begin(), head.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!port) {
        out.url = rest.substr(0, colon);
        out.subdir = after;
      }
    }
  }
  while (!out.subdir.empty() && out.subdir.back() == '/') {
    out.subdir.pop_back();
  }
  if (out.url.empty()) {
    return fail(ErrorCode::usage, "git template has no URL: " + quote(value),
                "use git+URL[#ref][:subdir], e.g. git+https://example.com/t.git#main:python");
  }
  if (!out.subdir.empty() && !is_safe_relative(out.subdir)) {
    return fail(ErrorCode::unsafe, "git template subdir " + quote(out.subdir) +
                                       " is not a plain "
                                       "relative path");
  }
  return out;
}

Expected<GitTemplateFiles> fetch_git_template(const GitTemplateRef& ref) {
  FSTAGE_TRY(lazy::require(lazy::Library::git2));
  ensure_libgit2();
  auto tmp = FSTAGE_TRY(TempDir::create({}, "fstage-git-"));
  git_clone_options opts = GIT_CLONE_OPTIONS_INIT;
  opts.bare = 1;
  // SIGINT/SIGTERM abort a download in progress (a negative return stops the clone).
  opts.fetch_opts.callbacks.transfer_progress = [](const git_indexer_progress*, void*) {
    return interrupted() ? -1 : 0;
  };
  git_repository* raw = nullptr;
  if (git_clone(&raw, ref.url.c_str(), (tmp.path() / "repo.git").c_str(), &opts) != 0) {
    if (interrupted()) {
      return fail(interrupted_error());
    }
    Error e = libgit_error("cloning " + ref.url);
    e.code = e.code == ErrorCode::network ? ErrorCode::network : ErrorCode::not_found;
    e.hint = "'git ls-remote " + ref.url +
             "' shows whether it is a repository this machine can reach (URLs: file://, a "
             "local path or https://)";
    return fail(std::move(e));
  }
  Repo repo(raw);
  auto commit = FSTAGE_TRY(resolve_ref(repo.get(), ref.ref));
  git_object* tree_obj = nullptr;
  std::string spec = ref.subdir.empty() ? "^{tree}" : ":" + ref.subdir;
  char oid[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(oid, sizeof oid, git_object_id(commit.get()));
  if (git_revparse_single(&tree_obj, repo.get(), (std::string(oid) + spec).c_str()) != 0 ||
      git_object_type(tree_obj) != GIT_OBJECT_TREE) {
    if (tree_obj) {
      git_object_free(tree_obj);
    }
    return fail(ErrorCode::not_found,
                "git template has no directory " + quote(ref.subdir) + " at " +
                    (ref.ref.empty() ? std::string("its default branch") : quote(ref.ref)),
                "the part after ':' is a directory of the repository, relative to its root; "
                "'git ls-tree -d --name-only " +
                    (ref.ref.empty() ? std::string("HEAD") : ref.ref) + "' in a clone lists them");
  }
  Object tree_h(tree_obj);
  GitTemplateFiles out;
  out.commit = oid;
  FSTAGE_TRY(walk(Walker{repo.get(), &out}, reinterpret_cast<const git_tree*>(tree_obj), ""));
  std::sort(out.files.begin(), out.files.end(),
            [](const RenderedFile& a, const RenderedFile& b) { return a.path < b.path; });
  if (out.files.empty()) {
    return fail(ErrorCode::invalid_input, "git template " + ref.url + " has no files");
  }
  return out;
}

}  // namespace fstage::scaffolds
