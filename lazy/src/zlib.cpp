// SPDX-License-Identifier: Apache-2.0
// The zlib functions package's size estimate calls (scaffolds/src/zip_probe.cpp), opened on
// first use. libarchive, itself opened lazily, loads its own zlib.
#include <zlib.h>

#include "define.hpp"

extern "C" {

FSTAGE_LAZY(zlib, int, deflateInit2_,
            (z_streamp strm, int level, int method, int windowBits, int memLevel, int strategy,
             const char* version, int stream_size),
            (strm, level, method, windowBits, memLevel, strategy, version, stream_size))
FSTAGE_LAZY(zlib, int, deflate, (z_streamp strm, int flush), (strm, flush))
FSTAGE_LAZY(zlib, int, deflateReset, (z_streamp strm), (strm))
FSTAGE_LAZY(zlib, int, deflateEnd, (z_streamp strm), (strm))

}  // extern "C"
