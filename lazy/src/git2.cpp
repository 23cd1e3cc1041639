// SPDX-License-Identifier: Apache-2.0
// The libgit2 functions fstage calls (scaffolds/src/git_template.cpp), opened on first use.
#include <git2.h>

#include "define.hpp"

extern "C" {

FSTAGE_LAZY(git2, int, git_libgit2_init, (void), ())
FSTAGE_LAZY(git2, const git_error*, git_error_last, (void), ())
FSTAGE_LAZY(git2, int, git_clone,
            (git_repository * *out, const char* url, const char* path,
             const git_clone_options* options),
            (out, url, path, options))
FSTAGE_LAZY(git2, void, git_repository_free, (git_repository * repo), (repo))
FSTAGE_LAZY(git2, int, git_revparse_single,
            (git_object * *out, git_repository* repo, const char* spec), (out, repo, spec))
FSTAGE_LAZY(git2, void, git_object_free, (git_object * object), (object))
FSTAGE_LAZY(git2, const git_oid*, git_object_id, (const git_object* obj), (obj))
FSTAGE_LAZY(git2, git_object_t, git_object_type, (const git_object* obj), (obj))
FSTAGE_LAZY(git2, char*, git_oid_tostr, (char* out, size_t n, const git_oid* id), (out, n, id))
FSTAGE_LAZY(git2, int, git_tree_lookup, (git_tree * *out, git_repository* repo, const git_oid* id),
            (out, repo, id))
FSTAGE_LAZY(git2, void, git_tree_free, (git_tree * tree), (tree))
FSTAGE_LAZY(git2, size_t, git_tree_entrycount, (const git_tree* tree), (tree))
FSTAGE_LAZY(git2, const git_tree_entry*, git_tree_entry_byindex, (const git_tree* tree, size_t idx),
            (tree, idx))
FSTAGE_LAZY(git2, git_filemode_t, git_tree_entry_filemode, (const git_tree_entry* entry), (entry))
FSTAGE_LAZY(git2, const git_oid*, git_tree_entry_id, (const git_tree_entry* entry), (entry))
FSTAGE_LAZY(git2, const char*, git_tree_entry_name, (const git_tree_entry* entry), (entry))
FSTAGE_LAZY(git2, int, git_blob_lookup, (git_blob * *blob, git_repository* repo, const git_oid* id),
            (blob, repo, id))
FSTAGE_LAZY(git2, void, git_blob_free, (git_blob * blob), (blob))
FSTAGE_LAZY(git2, const void*, git_blob_rawcontent, (const git_blob* blob), (blob))
FSTAGE_LAZY(git2, git_object_size_t, git_blob_rawsize, (const git_blob* blob), (blob))

}  // extern "C"
