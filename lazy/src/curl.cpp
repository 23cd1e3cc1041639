// SPDX-License-Identifier: Apache-2.0
// The libcurl functions fstage calls (deploy/src/http_client.cpp), opened on first use.
// curl's GCC type-checking macros would replace our definitions of the variadic functions.
#define CURL_DISABLE_TYPECHECK 1
#include <cstdarg>

#include <curl/curl.h>

#include "define.hpp"

extern "C" {

FSTAGE_LAZY(curl, CURLcode, curl_global_init, (long flags), (flags))
FSTAGE_LAZY(curl, CURL*, curl_easy_init, (void), ())
FSTAGE_LAZY(curl, CURLcode, curl_easy_perform, (CURL * curl), (curl))
FSTAGE_LAZY(curl, void, curl_easy_cleanup, (CURL * curl), (curl))
FSTAGE_LAZY(curl, void, curl_easy_reset, (CURL * curl), (curl))
FSTAGE_LAZY(curl, const char*, curl_easy_strerror, (CURLcode code), (code))
FSTAGE_LAZY(curl, curl_slist*, curl_slist_append, (curl_slist * list, const char* s), (list, s))
FSTAGE_LAZY(curl, void, curl_slist_free_all, (curl_slist * list), (list))

// The option number tells the type of the one variadic argument, as in curl's own
// vsetopt(): below CURLOPTTYPE_OBJECTPOINT a long, below CURLOPTTYPE_OFF_T a pointer (object or
// function), below CURLOPTTYPE_BLOB a curl_off_t, then a struct curl_blob pointer.
CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  static auto* const real = ::fstage::lazy::function<decltype(curl_easy_setopt)>(
      ::fstage::lazy::Library::curl, "curl_easy_setopt");
  std::va_list ap;
  va_start(ap, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    rc = real(curl, option, va_arg(ap, long));
  } else if (option < CURLOPTTYPE_OFF_T) {
    rc = real(curl, option, va_arg(ap, void*));
  } else if (option < CURLOPTTYPE_BLOB) {
    rc = real(curl, option, va_arg(ap, curl_off_t));
  } else {
    rc = real(curl, option, va_arg(ap, void*));
  }
  va_end(ap);
  return rc;
}

// Every CURLINFO type takes a pointer to where the answer goes.
CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  static auto* const real = ::fstage::lazy::function<decltype(curl_easy_getinfo)>(
      ::fstage::lazy::Library::curl, "curl_easy_getinfo");
  std::va_list ap;
  va_start(ap, info);
  CURLcode rc = real(curl, info, va_arg(ap, void*));
  va_end(ap);
  return rc;
}

}  // extern "C"
