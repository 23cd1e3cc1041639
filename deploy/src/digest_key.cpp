// SPDX-License-Identifier: Apache-2.0
#include <cerrno>
#include <cstdio>
#include <unistd.h>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/deploy/digest_key.hpp>

#include <sys/random.h>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace fstage::deploy {

namespace {

constexpr std::size_t k_key_bytes = 32;

bool is_key(std::string_view text) {
  return text.size() == 2 * k_key_bytes &&
         text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

Expected<std::string> new_key() {
  unsigned char raw[k_key_bytes];
  std::size_t got = 0;
  while (got < sizeof raw) {
    const ssize_t n = ::getrandom(raw + got, sizeof raw - got, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(Error::from_errno("getrandom", "the digest key", errno));
    }
    got += static_cast<std::size_t>(n);
  }
  std::string hex;
  for (unsigned char b : raw) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  return hex;
}

}  // namespace

Expected<std::string> digest_key(const fs::path& config_dir) {
  const fs::path file = config_dir / "digest-key";
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return fail(Error::from_errno("stat", file.string(), errno));
    }
    const std::string key = FSTAGE_TRY(new_key());
    std::error_code ec;
    fs::create_directories(config_dir, ec);
    if (ec) {
      return fail(Error::from_error_code("create directory", config_dir.string(), ec));
    }
    FSTAGE_TRY(write_file_atomic(file, key + "\n", 0600));
    return key;
  }
  if ((st.st_mode & 077) != 0 || st.st_uid != ::geteuid()) {
    return fail(ErrorCode::auth,
                file.string() + " is accessible by others or belongs to another user",
                "run 'chmod 600 " + file.string() +
                    "' if it is yours; delete it otherwise (the next deploy makes a new one and "
                    "sends the encrypted values once more)");
  }
  const std::string content = FSTAGE_TRY(read_file(file));
  const std::string text(trim(content));
  if (!is_key(text)) {
    return fail(ErrorCode::invalid_input, file.string() + " does not hold a digest key",
                "delete it: the next deploy makes a new one (and sends the encrypted values "
                "once more)");
  }
  return text;
}

}  // namespace fstage::deploy
