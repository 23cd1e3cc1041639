// SPDX-License-Identifier: Apache-2.0
#include <array>
#include <fstream>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstage/deploy/crypto.hpp>

namespace fstage::deploy {

namespace {

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = k_digits[bytes[i] >> 4];
    out[2 * i + 1] = k_digits[bytes[i] & 0xf];
  }
  return out;
}

std::string digest_hex(const EVP_MD* md, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
  return to_hex(out.data(), len);
}

// Hex digest of a file's bytes, read in chunks.
Expected<std::string> file_digest_hex(const EVP_MD* md, const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::not_found, file.string() + ": cannot open");
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, md, nullptr);
  std::string buf(1 << 20, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    EVP_DigestUpdate(ctx, buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  const bool ok = in.eof();
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  EVP_MD_CTX_free(ctx);
  if (!ok) {
    return fail(ErrorCode::io, file.string() + ": read failed");
  }
  return to_hex(out.data(), len);
}

constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  return digest_hex(EVP_sha256(), data);
}

std::string sha512_hex(std::string_view data) {
  return digest_hex(EVP_sha512(), data);
}

Expected<std::string> sha512_file_hex(const std::filesystem::path& file) {
  return file_digest_hex(EVP_sha512(), file);
}

Expected<std::string> md5_file_hex(const std::filesystem::path& file) {
  return file_digest_hex(EVP_md5(), file);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return to_hex(out.data(), len);
}

std::string hmac_sha1_base64(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(out.data()), len));
}

std::string hex_to_base64(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    const auto nibble = [](char c) {
      return c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0';
    };
    bytes.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return base64_encode(bytes);
}

std::size_t base64_size(std::size_t n) {
  return (n + 2) / 3 * 4;
}

void base64_encode_to(std::string_view data, char* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t i = 0;
  const std::size_t n = data.size();
  for (; i + 3 <= n; i += 3) {
    const unsigned v = (unsigned{p[i]} << 16) | (unsigned{p[i + 1]} << 8) | p[i + 2];
    *out++ = k_alphabet[(v >> 18) & 63];
    *out++ = k_alphabet[(v >> 12) & 63];
    *out++ = k_alphabet[(v >> 6) & 63];
    *out++ = k_alphabet[v & 63];
  }
  if (i < n) {
    const unsigned v = (unsigned{p[i]} << 16) | (i + 1 < n ? unsigned{p[i + 1]} << 8 : 0u);
    *out++ = k_alphabet[(v >> 18) & 63];
    *out++ = k_alphabet[(v >> 12) & 63];
    *out++ = i + 1 < n ? k_alphabet[(v >> 6) & 63] : '=';
    *out++ = '=';
  }
}

std::string base64_encode(std::string_view data) {
  std::string out(base64_size(data.size()), '\0');
  base64_encode_to(data, out.data());
  return out;
}

Expected<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = decode_char(c);
    if (v < 0) {
      return fail(ErrorCode::invalid_input, "invalid base64");
    }
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace fstage::deploy
