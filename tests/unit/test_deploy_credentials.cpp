// SPDX-License-Identifier: Apache-2.0
// Credentials: environment vs profiles, the 0600 rule, and redaction.
#include <sstream>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/deploy/credentials.hpp>
#include <fstage/deploy/digest_key.hpp>
#include <fstage/deploy/redacted_output.hpp>
#include <fstage/deploy/target.hpp>

#include "test_support.hpp"
#include <sys/stat.h>

using namespace fstage;
using namespace fstage::deploy;

namespace {

const std::string k_ak = "AKUNITTEST0000000001";
const std::string k_sk = "SKUNITTEST00000000000000000000000000000001";

}  // namespace

TEST_CASE("deploy::load_credentials reads the SDK environment variables", "[deploy][credentials]") {
  test::Scratch s;
  Env env = {{"HUAWEICLOUD_SDK_AK", k_ak},
             {"HUAWEICLOUD_SDK_SK", k_sk},
             {"HUAWEICLOUD_SDK_SECURITY_TOKEN", "tok"},
             {"HUAWEICLOUD_SDK_PROJECT_ID", "p1"}};
  auto c = load_credentials(env, s.path(), "").value();
  CHECK(c.access_key == k_ak);
  CHECK(c.secret_key == k_sk);
  CHECK(c.security_token == "tok");
  CHECK(c.project_id == "p1");
  CHECK_FALSE(c.token_auth());
  SECTION("half of a pair is an auth error") {
    env.erase("HUAWEICLOUD_SDK_SK");
    auto e = load_credentials(env, s.path(), "");
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == ErrorCode::auth);
    CHECK(e.error().message.find(k_ak) == std::string::npos);
  }
  SECTION("a token alone selects token auth") {
    auto t = load_credentials({{"FSTAGE_AUTH_TOKEN", "tokentoken"}}, s.path(), "").value();
    CHECK(t.token_auth());
  }
}

TEST_CASE("deploy::load_credentials without anything says how to configure",
          "[deploy][credentials]") {
  test::Scratch s;
  auto e = load_credentials({}, s.path(), "");
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().code == ErrorCode::auth);
  CHECK(e.error().hint.find("fstage configure") != std::string::npos);
}

TEST_CASE("deploy::write_profile writes 0600 and load_credentials reads it back",
          "[deploy][credentials]") {
  test::Scratch s;
  const auto file = s.path() / "fstage" / "credentials";
  Profile p{"ci", {{"access_key", k_ak}, {"secret_key", k_sk}, {"region", "ap-southeast-1"}}};
  REQUIRE(write_profile(file, p).has_value());
  CHECK(test::file_mode(file) == 0600);
  REQUIRE(write_profile(file, Profile{"default", {{"access_key", "a"}, {"secret_key", "b"}}}));
  auto c = load_credentials({{"FSTAGE_PROFILE", "ci"}}, s.path() / "fstage", "").value();
  CHECK(c.secret_key == k_sk);
  CHECK(c.region == "ap-southeast-1");
  CHECK(load_credentials({}, s.path() / "fstage", "").value().access_key == "a");
  SECTION("env project id overrides the profile's") {
    auto c2 = load_credentials({{"HUAWEICLOUD_SDK_PROJECT_ID", "p9"}}, s.path() / "fstage", "ci");
    CHECK(c2.value().project_id == "");  // an explicit --profile is taken as is
  }
  SECTION("a file others can read is refused") {
    ::chmod(file.c_str(), 0644);
    auto e = load_credentials({}, s.path() / "fstage", "ci");
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == ErrorCode::auth);
    CHECK(e.error().message.find("0644") != std::string::npos);
    CHECK(e.error().hint.find("chmod 600") != std::string::npos);
  }
  SECTION("an unknown profile is not_found with a suggestion") {
    auto e = load_credentials({}, s.path() / "fstage", "cj");
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == ErrorCode::not_found);
    CHECK(e.error().message.find("did you mean 'ci'") != std::string::npos);
  }
}

TEST_CASE("deploy::read_profiles reports syntax errors without values", "[deploy][credentials]") {
  test::Scratch s;
  const auto file = s.path() / "credentials";
  REQUIRE(write_file_atomic(file, "[a]\nsecret_kee = " + k_sk + "\n", 0600));
  auto e = read_profiles(file);
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().message.find("did you mean 'secret_key'") != std::string::npos);
  CHECK(e.error().message.find(k_sk) == std::string::npos);
}

TEST_CASE("deploy::Redactor masks secrets and signature material", "[deploy][credentials]") {
  Redactor r;
  Credentials c;
  c.access_key = k_ak;
  c.secret_key = k_sk;
  r.add(c);
  r.add("abc");  // too short to mask safely: ignored
  CHECK(r("key " + k_ak + " and " + k_sk) == "key **** and ****");
  CHECK(r("Authorization: SDK-HMAC-SHA256 Access=X, SignedHeaders=a;b, Signature=0fe1") ==
        "Authorization: ****");
  CHECK(r("SDK-HMAC-SHA256 Access=ZZ, SignedHeaders=host, Signature=0fe1") ==
        "SDK-HMAC-SHA256 Access=****, SignedHeaders=host, Signature=****");
  CHECK(r("X-Auth-Token: t0k3n\nnext") == "X-Auth-Token: ****\nnext");
  CHECK(r("abc stays") == "abc stays");
  Error e(ErrorCode::auth, "bad " + k_sk, "hint " + k_ak);
  e.details.push_back(k_sk);
  r.apply(e);
  CHECK(e.message == "bad ****");
  CHECK(e.hint == "hint ****");
  CHECK(e.details[0] == "****");
  CHECK(mask_secret(k_ak) == "****0001");
  CHECK(mask_secret("short") == "****");
}

TEST_CASE("deploy::load_credentials: keys from the environment, endpoints from the profile",
          "[deploy][credentials]") {
  test::Scratch s;
  const auto dir = s.path() / "fstage";
  REQUIRE(write_profile(dir / "credentials", Profile{"default",
                                                     {{"access_key", "profile-ak-000"},
                                                      {"secret_key", "profile-sk-000"},
                                                      {"endpoint", "https://fgs.example.test"},
                                                      {"iam_endpoint", "https://iam.example.test"},
                                                      {"region", "cn-east-3"}}}));
  Env env = {{"HUAWEICLOUD_SDK_AK", k_ak}, {"HUAWEICLOUD_SDK_SK", k_sk}};
  auto c = load_credentials(env, dir, "").value();
  CHECK(c.access_key == k_ak);  // the keys are the environment's
  CHECK(c.endpoint == "https://fgs.example.test");
  CHECK(c.iam_endpoint == "https://iam.example.test");
  CHECK(c.region == "cn-east-3");
  CHECK(c.defaults_source.find("profile 'default'") == 0);
  SECTION("and the target says where each endpoint came from") {
    TargetRequest req;
    auto t = resolve_target(req, env, c).value();
    CHECK(t.endpoint == "https://fgs.example.test");
    CHECK(endpoint_hint(t, false).find("was taken from profile 'default'") != std::string::npos);
    CHECK(endpoint_hint(t, true).find("key iam_endpoint") != std::string::npos);
    CHECK(endpoint_hint(t, true).find("--iam-endpoint, FSTAGE_IAM_ENDPOINT") != std::string::npos);
    req.endpoint_flag = "https://flag.example.test";
    env["FSTAGE_IAM_ENDPOINT"] = "https://iam2.example.test";
    auto t2 = resolve_target(req, env, c).value();
    CHECK(t2.endpoint_origin == "--endpoint");
    CHECK(t2.iam_endpoint_origin == "FSTAGE_IAM_ENDPOINT (environment)");
  }
  SECTION("FSTAGE_PROFILE names another profile; a missing one adds nothing") {
    env["FSTAGE_PROFILE"] = "nope";
    auto c2 = load_credentials(env, dir, "").value();
    CHECK(c2.endpoint.empty());
    CHECK(c2.access_key == k_ak);
  }
}

TEST_CASE("RedactedOutput masks secrets line by line and gives the stream back",
          "[deploy][redact]") {
  Redactor r;
  r.add("s3cr3t-value");
  std::ostringstream out;
  {
    RedactedOutput masked(out, r);
    // A secret written in pieces is masked whole: the line is held to its newline.
    out << "description: s3cr"
        << "3t-value here\n";
    out << "a flow constant " << 's' << "3cr3t-value"
        << "\n";
    out << "no newline at the end: s3cr3t-value";
  }
  CHECK(out.str() == "description: **** here\na flow constant ****\nno newline at the end: ****");
  out << "s3cr3t-value";  // the stream's own buffer again: nothing masked any more
  CHECK(out.str().ends_with("s3cr3t-value"));
}

TEST_CASE("RedactedOutput holds a line until its newline or a flush", "[deploy][redact]") {
  Redactor r;
  r.add("s3cr3t-value");
  std::ostringstream out;  // str() reads its own buffer, whichever rdbuf() the stream has
  RedactedOutput masked(out, r);
  out << "held";
  CHECK(out.str().empty());
  out << " then flushed, " << std::flush;  // a prompt, a --follow loop's flush
  CHECK(out.str() == "held then flushed, ");
  out << "s3cr3t-value\n";
  CHECK(out.str() == "held then flushed, ****\n");
}

TEST_CASE("deploy::digest_key is made once, private, and refused when unsafe or not a key",
          "[deploy][credentials]") {
  test::Scratch s;
  const auto dir = s.path() / "config" / "fstage";
  auto first = digest_key(dir);
  REQUIRE(first);
  CHECK(first->size() == 64);
  struct stat st {};
  REQUIRE(::stat((dir / "digest-key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(digest_key(dir).value() == *first);  // read back, not made again
  test::Scratch other;
  CHECK(digest_key(other.path()).value() != *first);  // random per user
  SECTION("others may read it") {
    ::chmod((dir / "digest-key").c_str(), 0644);
    auto e = digest_key(dir);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == ErrorCode::auth);
    CHECK(e.error().hint.find("chmod 600") != std::string::npos);
  }
  SECTION("not a key") {
    REQUIRE(write_file_atomic(dir / "digest-key", "hello\n", 0600));
    auto e = digest_key(dir);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == ErrorCode::invalid_input);
  }
}
