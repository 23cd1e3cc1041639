// SPDX-License-Identifier: Apache-2.0
#pragma once

// Hashes and encodings the API needs: SHA-256 and HMAC-SHA256 for signing (HMAC-SHA1 for OBS),
// SHA-512 for the code digest the platform reports, MD5 for a dependency's etag, base64 for
// func_code.file. OpenSSL stays behind this header.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>

namespace fstage::deploy {

// Lower-case hex of SHA-256(data).
std::string sha256_hex(std::string_view data);

// Lower-case hex of SHA-512(data).
std::string sha512_hex(std::string_view data);

// Lower-case hex of SHA-512 of a file's bytes, read in chunks. Errors: not_found, io.
Expected<std::string> sha512_file_hex(const std::filesystem::path& file);

// Lower-case hex of MD5 of a file's bytes: the `etag` the API reports for a dependency version
// (tests/fakecloud/DEPENDENCIES.md). Content identity only, not security. Errors: not_found, io.
Expected<std::string> md5_file_hex(const std::filesystem::path& file);

// Lower-case hex of HMAC-SHA256(key, data).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Base64 of HMAC-SHA1(key, data): the OBS request signature (obs.hpp).
std::string hmac_sha1_base64(std::string_view key, std::string_view data);

// Base64 of the bytes a lower- or upper-case hex string spells (an MD5 hex digest as the
// Content-MD5 header wants it).
std::string hex_to_base64(std::string_view hex);

// Length of the padded base64 encoding of `n` bytes.
std::size_t base64_size(std::size_t n);

// Standard base64 (with padding) of `data`, written to `out`, which must have room for
// base64_size(data.size()) bytes. `data.size()` must be a multiple of 3 except for the last call
// of a stream (so callers can encode a file chunk by chunk).
void base64_encode_to(std::string_view data, char* out);

std::string base64_encode(std::string_view data);

// Decodes standard base64 (padding optional, whitespace not allowed). Errors: invalid_input.
Expected<std::string> base64_decode(std::string_view text);

}  // namespace fstage::deploy
