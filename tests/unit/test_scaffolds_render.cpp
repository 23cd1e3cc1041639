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

TEST_CASE("scaffolds::function_name_for keeps a valid name and refuses others with a suggestion",
          "[scaffolds]") {
  CHECK(*function_name_for("/tmp/hello", "") == "hello");
  CHECK(*function_name_for("/tmp/MyApi", "") == "MyApi");  // as it is: the platform takes it
  CHECK(*function_name_for("/tmp/demo/.", "") == "demo");
  CHECK(*function_name_for("/tmp/demo/", "") == "demo");
  CHECK(*function_name_for("/tmp/9lives", "cat") == "cat");

  auto digit = function_name_for("/tmp/9lives", "");
  REQUIRE_FALSE(digit);
  CHECK(digit.error().code == ErrorCode::usage);
  CHECK(digit.error().message ==
        "the directory name '9lives' cannot be the function's name: it starts with a digit; it "
        "must start with a letter");
  CHECK(digit.error().hint.find("-n fn-9lives") != std::string::npos);

  auto flag = function_name_for("/tmp/x", "bad name!");
  REQUIRE_FALSE(flag);
  CHECK(flag.error().message.find("invalid function name 'bad name!': it contains a space, '!'") ==
        0);
  CHECK(flag.error().hint.find("pass -n bad-name") == 0);
}

TEST_CASE("scaffolds::function_name_problem names the rule a name breaks", "[scaffolds]") {
  CHECK(function_name_problem("ok-name_2") == "");
  CHECK(function_name_problem(std::string(60, 'a')) == "");
  CHECK(function_name_problem("") == "it is empty");
  CHECK(function_name_problem("fn_") == "it ends with '_'; it must end with a letter or digit");
  CHECK(function_name_problem("-x") == "it starts with '-'; it must start with a letter");
  CHECK(function_name_problem("a.b") ==
        "it contains '.'; only letters, digits, '-' and '_' are allowed");
  CHECK(function_name_problem("caf\xc3\xa9").find("non-ASCII") != std::string::npos);
  CHECK(function_name_problem(std::string(61, 'a')) ==
        "it has 61 characters; at most 60 are allowed");
}

TEST_CASE("scaffolds::suggest_function_name always gives a valid name", "[scaffolds]") {
  CHECK(suggest_function_name("9lives") == "fn-9lives");
  CHECK(suggest_function_name("bad name!") == "bad-name");
  CHECK(suggest_function_name("python3.10") == "python3-10");
  CHECK(suggest_function_name("my_fn-") == "my_fn");
  CHECK(suggest_function_name("__x__") == "x");
  CHECK(suggest_function_name("!!!") == "my-function");
  CHECK(suggest_function_name("") == "my-function");
  for (const char* text : {"9lives", "a b c", "-", "1", "\xff\xfe", "x--y", "_1_"}) {
    INFO(text);
    CHECK(function_name_problem(suggest_function_name(text)) == "");
  }
  std::string long_name = suggest_function_name(std::string(59, 'a') + "-b");
  CHECK(long_name.size() <= 60);
  CHECK(function_name_problem(long_name) == "");
  CHECK(function_name_problem(suggest_function_name("1" + std::string(70, 'z'))) == "");
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
