// SPDX-License-Identifier: Apache-2.0
// The libcrypto (OpenSSL 3) functions fstage calls (SHA-256/512 digests in package and deploy,
// MD5 for dependency etags and OBS, HMAC-SHA256 request signing, HMAC-SHA1 for OBS), opened on
// first use.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "define.hpp"

extern "C" {

FSTAGE_LAZY(crypto, EVP_MD_CTX*, EVP_MD_CTX_new, (void), ())
FSTAGE_LAZY(crypto, void, EVP_MD_CTX_free, (EVP_MD_CTX * ctx), (ctx))
FSTAGE_LAZY(crypto, const EVP_MD*, EVP_sha256, (void), ())
FSTAGE_LAZY(crypto, const EVP_MD*, EVP_sha512, (void), ())
FSTAGE_LAZY(crypto, const EVP_MD*, EVP_md5, (void), ())
FSTAGE_LAZY(crypto, const EVP_MD*, EVP_sha1, (void), ())
FSTAGE_LAZY(crypto, int, EVP_DigestInit_ex, (EVP_MD_CTX * ctx, const EVP_MD* type, ENGINE* impl),
            (ctx, type, impl))
FSTAGE_LAZY(crypto, int, EVP_DigestUpdate, (EVP_MD_CTX * ctx, const void* d, size_t cnt),
            (ctx, d, cnt))
FSTAGE_LAZY(crypto, int, EVP_DigestFinal_ex, (EVP_MD_CTX * ctx, unsigned char* md, unsigned int* s),
            (ctx, md, s))
FSTAGE_LAZY(crypto, int, EVP_Digest,
            (const void* data, size_t count, unsigned char* md, unsigned int* size,
             const EVP_MD* type, ENGINE* impl),
            (data, count, md, size, type, impl))
FSTAGE_LAZY(crypto, unsigned char*, HMAC,
            (const EVP_MD* evp_md, const void* key, int key_len, const unsigned char* data,
             size_t data_len, unsigned char* md, unsigned int* md_len),
            (evp_md, key, key_len, data, data_len, md, md_len))

}  // extern "C"
