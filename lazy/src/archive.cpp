// SPDX-License-Identifier: Apache-2.0
// The libarchive functions fstage calls (builder/src/zip_writer.cpp, zip_reader.cpp), opened on
// first use.
#include <archive.h>
#include <archive_entry.h>

#include "define.hpp"

extern "C" {

FSTAGE_LAZY(archive, archive*, archive_write_new, (void), ())
FSTAGE_LAZY(archive, int, archive_write_free, (archive * a), (a))
FSTAGE_LAZY(archive, int, archive_write_close, (archive * a), (a))
FSTAGE_LAZY(archive, int, archive_write_set_format_zip, (archive * a), (a))
FSTAGE_LAZY(archive, int, archive_write_set_options, (archive * a, const char* opts), (a, opts))
FSTAGE_LAZY(archive, int, archive_write_set_bytes_per_block, (archive * a, int bytes), (a, bytes))
FSTAGE_LAZY(archive, int, archive_write_set_bytes_in_last_block, (archive * a, int bytes),
            (a, bytes))
FSTAGE_LAZY(archive, int, archive_write_zip_set_compression_deflate, (archive * a), (a))
FSTAGE_LAZY(archive, int, archive_write_zip_set_compression_store, (archive * a), (a))
FSTAGE_LAZY(archive, int, archive_write_open2,
            (archive * a, void* data, archive_open_callback* on_open,
             archive_write_callback* on_write, archive_close_callback* on_close,
             archive_free_callback* on_free),
            (a, data, on_open, on_write, on_close, on_free))
FSTAGE_LAZY(archive, int, archive_write_header, (archive * a, archive_entry* e), (a, e))
FSTAGE_LAZY(archive, la_ssize_t, archive_write_data, (archive * a, const void* buf, size_t size),
            (a, buf, size))
FSTAGE_LAZY(archive, int, archive_write_finish_entry, (archive * a), (a))
FSTAGE_LAZY(archive, const char*, archive_error_string, (archive * a), (a))
FSTAGE_LAZY(archive, archive_entry*, archive_entry_new, (void), ())
FSTAGE_LAZY(archive, void, archive_entry_free, (archive_entry * e), (e))
FSTAGE_LAZY(archive, archive_entry*, archive_entry_clear, (archive_entry * e), (e))
FSTAGE_LAZY(archive, void, archive_entry_set_filetype, (archive_entry * e, unsigned int type),
            (e, type))
FSTAGE_LAZY(archive, void, archive_entry_set_perm, (archive_entry * e, __LA_MODE_T perm), (e, perm))
FSTAGE_LAZY(archive, void, archive_entry_set_uid, (archive_entry * e, la_int64_t id), (e, id))
FSTAGE_LAZY(archive, void, archive_entry_set_gid, (archive_entry * e, la_int64_t id), (e, id))
FSTAGE_LAZY(archive, void, archive_entry_set_size, (archive_entry * e, la_int64_t size), (e, size))
FSTAGE_LAZY(archive, void, archive_entry_set_mtime, (archive_entry * e, time_t t, long ns),
            (e, t, ns))
FSTAGE_LAZY(archive, void, archive_entry_set_pathname_utf8, (archive_entry * e, const char* name),
            (e, name))

FSTAGE_LAZY(archive, archive*, archive_read_new, (void), ())
FSTAGE_LAZY(archive, int, archive_read_free, (archive * a), (a))
FSTAGE_LAZY(archive, int, archive_read_support_format_zip, (archive * a), (a))
FSTAGE_LAZY(archive, int, archive_read_open_filename,
            (archive * a, const char* name, size_t block_size), (a, name, block_size))
FSTAGE_LAZY(archive, int, archive_read_next_header, (archive * a, archive_entry** e), (a, e))
FSTAGE_LAZY(archive, la_ssize_t, archive_read_data, (archive * a, void* buf, size_t size),
            (a, buf, size))
FSTAGE_LAZY(archive, const char*, archive_entry_pathname_utf8, (archive_entry * e), (e))
FSTAGE_LAZY(archive, const char*, archive_entry_pathname, (archive_entry * e), (e))
FSTAGE_LAZY(archive, __LA_MODE_T, archive_entry_filetype, (archive_entry * e), (e))
FSTAGE_LAZY(archive, __LA_MODE_T, archive_entry_perm, (archive_entry * e), (e))
FSTAGE_LAZY(archive, la_int64_t, archive_entry_size, (archive_entry * e), (e))

}  // extern "C"
