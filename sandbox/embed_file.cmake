# Writes OUT, a C++ source defining fstage::sandbox::detail::SYMBOL (the bytes of IN) and
# SYMBOL_size. Used for the Java runtime shim jar, which is built inside this directory and so
# cannot go through cmake/assets.cmake (that list is fixed before sandbox/ is configured).
file(READ "${IN}" _hex HEX)
string(LENGTH "${_hex}" _len)
math(EXPR _size "${_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
string(REGEX REPLACE "((0x..,){32})" "\\1\n" _bytes "${_bytes}")
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN} by sandbox/embed_file.cmake. Do not edit.\n"
  "#include <cstddef>\n\n"
  "namespace fstage::sandbox::detail {\n"
  "extern const unsigned char ${SYMBOL}[];\n"
  "extern const std::size_t ${SYMBOL}_size;\n"
  "const unsigned char ${SYMBOL}[] = {\n${_bytes}\n};\n"
  "const std::size_t ${SYMBOL}_size = ${_size};\n"
  "}  // namespace fstage::sandbox::detail\n")
file(RENAME "${OUT}.tmp" "${OUT}")
