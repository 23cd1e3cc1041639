#!/usr/bin/env bash
# Java: the java17 template plus a jar dependency in lib/ that the handler calls. The zip holds
# the function's jar and lib/greeter.jar (never the local runtime API jar, which the platform
# provides); invoke, package and invoke --artifact agree.
. "$(dirname "$0")/../invoke/lib/invoke.sh"
command -v javac >/dev/null || skip "javac not installed"
command -v jar >/dev/null || skip "jar not installed"
command -v unzip >/dev/null || skip "no unzip"

# The dependency: a one-class jar compiled here.
mkdir -p "$T/greeter/src/com/acme/greet" "$T/greeter/classes"
cat >"$T/greeter/src/com/acme/greet/Greeter.java" <<'JAVA'
package com.acme.greet;

public final class Greeter {
    public static String hello(String who) { return "greeter jar says hi to " + who; }
}
JAVA
javac --release 17 -d "$T/greeter/classes" "$T/greeter/src/com/acme/greet/Greeter.java" || fail "javac of the dependency"

expect_exit 0 "$FSTAGE" init j -r java17
cd j
jar cf lib/greeter.jar -C "$T/greeter/classes" . || fail "jar of the dependency"
src=src/main/java/com/example/j/Handler.java
[ -f "$src" ] || { find src; fail "the template's handler is not at $src"; }
sed -i -e 's|^import java.util.Map;|import java.util.Map;\n\nimport com.acme.greet.Greeter;|' \
  -e 's|result.put("message", greeting + ", " + name + "!");|&\n        result.put("greet", Greeter.hello(name));|' "$src"
grep -q 'Greeter.hello(name)' "$src" || fail "could not edit $src"

result_of() {  # result_of ARGS...: invoke --json; the result without the per-request fields
  expect_exit 0 "$FSTAGE" invoke -e event.json --json "$@"
  json_get "$T/out" "json.dumps({k: v for k, v in json.loads(j['result']).items() if k not in ('requestId', 'remainingMs')}, sort_keys=True)"
}
want='{"function": "j", "greet": "greeter jar says hi to FunctionGraph", "message": "Hello, FunctionGraph!"}'
got=$(result_of)
[ "$got" = "$want" ] || { cat "$T/err"; fail "invoke: got $got, want $want"; }

expect_exit 0 "$FSTAGE" package
zip=.fstage/dist/j.zip
unzip -tq "$zip" >"$T/ut" || { cat "$T/ut"; fail "unzip -t"; }
unzip -Z1 "$zip" | sort >"$T/entries"
grep -qx 'j.jar' "$T/entries" || { cat "$T/entries"; fail "no j.jar at the zip's root"; }
grep -qx 'lib/greeter.jar' "$T/entries" || { cat "$T/entries"; fail "no lib/greeter.jar in the zip"; }
assert_not_contains "$T/entries" "fstage-runtime-api.jar"
assert_not_contains "$T/entries" ".java"
# The function's jar holds the handler class, not the dependency's.
unzip -p "$zip" j.jar >"$T/j.jar"
unzip -Z1 "$T/j.jar" >"$T/jar-entries"
assert_contains "$T/jar-entries" "com/example/j/Handler.class"
assert_not_contains "$T/jar-entries" "com/acme/greet/Greeter.class"
got=$(result_of --artifact "$zip")
[ "$got" = "$want" ] || fail "invoke --artifact: got $got, want $want"
[ ! -e target ] && [ -z "$(find . -name '*.class' -not -path './.fstage/*')" ] || fail "javac wrote into the source tree"
echo ok
