// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <fstage/scaffolds/git_template.hpp>
#include <fstage/scaffolds/init.hpp>
#include <fstage/scaffolds/templates.hpp>

using namespace fstage;
using namespace fstage::scaffolds;

TEST_CASE("scaffolds::render substitutes known variables only", "[scaffolds]") {
  Variables v{{"name", "hello"}, {"runtime", "Python3.10"}};
  CHECK(render("fn {{name}} on {{runtime}}", v) == "fn hello on Python3.10");
  CHECK(render("{{unknown}} and {{name}}", v) == "{{unknown}} and hello");
  CHECK(render("no vars", v) == "no vars");
  CHECK(render("{{name", v) == "{{name");
  CHECK(render("{{name}}{{name}}", v) == "hellohello");
  CHECK(render("a {{}} b", v) == "a {{}} b");
}

TEST_CASE("scaffolds::is_binary spots NUL bytes and invalid UTF-8", "[scaffolds]") {
  CHECK_FALSE(is_binary("plain text\n"));
  CHECK_FALSE(is_binary("caf\xc3\xa9"));
  CHECK(is_binary(std::string("a\0b", 3)));
  CHECK(is_binary("\xff\xfe"));
  CHECK(is_binary(std::string("PK\x03\x04\x14\x00", 6)));
}

TEST_CASE("scaffolds::function_name_from_dir follows the platform's name rules", "[scaffolds]") {
  CHECK(function_name_from_dir("/tmp/hello") == "hello");
  CHECK(function_name_from_dir("/tmp/Hello World") == "hello-world");
  CHECK(function_name_from_dir("/tmp/2fast") == "fast");
  CHECK(function_name_from_dir("/tmp/my_fn-") == "my_fn");
  CHECK(function_name_from_dir("/tmp/demo/.") == "demo");
  CHECK(function_name_from_dir("/tmp/123") == "");
  CHECK(function_name_from_dir("/tmp/" + std::string(80, 'a')).size() == 60);
}

TEST_CASE("scaffolds::parse_git_template_ref splits URL, ref and subdir", "[scaffolds][git]") {
  struct Case {
    const char* in;
    const char* url;
    const char* ref;
    const char* subdir;
  };
  const Case cases[] = {
      {"git+https://example.com/t.git", "https://example.com/t.git", "", ""},
      {"git+https://example.com/t.git#main", "https://example.com/t.git", "main", ""},
      {"git+https://example.com/t.git#v1.2:python", "https://example.com/t.git", "v1.2", "python"},
      {"git+https://example.com:8443/t.git", "https://example.com:8443/t.git", "", ""},
      {"git+https://example.com/t.git:templates/py/", "https://example.com/t.git", "",
       "templates/py"},
      {"git+file:///srv/t.git#dev:a/b", "file:///srv/t.git", "dev", "a/b"},
      {"git+/srv/t.git:sub", "/srv/t.git", "", "sub"},
      {"git+/srv/t.git", "/srv/t.git", "", ""},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    auto r = parse_git_template_ref(c.in);
    REQUIRE(r);
    CHECK(r->url == c.url);
    CHECK(r->ref == c.ref);
    CHECK(r->subdir == c.subdir);
  }
  CHECK(parse_git_template_ref("git+").error().code == ErrorCode::usage);
  CHECK(parse_git_template_ref("git+/srv/t.git#main:../x").error().code == ErrorCode::unsafe);
  CHECK(parse_git_template_ref("https://x").error().code == ErrorCode::usage);
}

TEST_CASE("scaffolds::builtin_templates lists every runtime family", "[scaffolds][templates]") {
  auto all = builtin_templates();
  REQUIRE(all);
  std::vector<std::string> ids;
  for (const auto& t : *all) {
    ids.push_back(t.id);
    CHECK_FALSE(t.runtimes.empty());
    for (const auto& r : t.runtimes) {
      INFO(t.id << " runtime " << r);
      auto info = manifest::resolve_runtime(r);
      REQUIRE(info);
      CHECK(info->name == r);  // templates name runtimes exactly as the API does
    }
  }
  for (const char* want : {"custom", "go", "http", "java", "nodejs", "python"}) {
    INFO(want);
    CHECK(std::find(ids.begin(), ids.end(), want) != ids.end());
  }
  CHECK(find_template("pyton").error().message.find("did you mean 'python'") != std::string::npos);
}

TEST_CASE("scaffolds::sample_event has a payload for every trigger variant",
          "[scaffolds][templates]") {
  auto all = builtin_templates();
  REQUIRE(all);
  for (const auto& t : *all) {
    for (const auto& trig : t.triggers) {
      INFO(t.id << " " << trig);
      CHECK(sample_event(trig));
    }
  }
  CHECK(sample_event("nope").error().code == ErrorCode::not_found);
}
