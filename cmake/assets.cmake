# Embeds the data fstage ships (templates/, sdk sources and the built Java API jar, sandbox
# runtime shims) into the fstage_assets library, so a copied binary works alone.
# Asset paths are relative to the source root ("templates/python/template.json"); built files
# are named by FSTAGE_BUILT_ASSETS entries of the form "<asset path>=<file>".

file(GLOB_RECURSE _asset_files CONFIGURE_DEPENDS
  RELATIVE ${CMAKE_SOURCE_DIR}
  ${CMAKE_SOURCE_DIR}/templates/*
  ${CMAKE_SOURCE_DIR}/sdk/go-runtime/*
  ${CMAKE_SOURCE_DIR}/sandbox/runtimes/*)
list(FILTER _asset_files EXCLUDE REGEX "(^|/)(README\\.dev\\.md|\\.DS_Store)$")
list(SORT _asset_files)

set(_manifest "")
set(_deps "")
foreach(f IN LISTS _asset_files)
  string(APPEND _manifest "${f}=${CMAKE_SOURCE_DIR}/${f}\n")
  list(APPEND _deps ${CMAKE_SOURCE_DIR}/${f})
endforeach()
get_property(_built GLOBAL PROPERTY FSTAGE_BUILT_ASSETS)
get_property(_built_targets GLOBAL PROPERTY FSTAGE_BUILT_ASSET_TARGETS)
foreach(entry IN LISTS _built)
  string(APPEND _manifest "${entry}\n")
  string(REGEX REPLACE "^[^=]*=" "" _file "${entry}")
  list(APPEND _deps ${_file})
endforeach()
file(WRITE ${CMAKE_BINARY_DIR}/assets.list.in "${_manifest}")
# Only touch the real list when it changed, so unrelated reconfigures do not rebuild.
configure_file(${CMAKE_BINARY_DIR}/assets.list.in ${CMAKE_BINARY_DIR}/assets.list COPYONLY)

add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/assets_data.cpp
  COMMAND ${CMAKE_COMMAND} -DLIST=${CMAKE_BINARY_DIR}/assets.list
          -DOUT=${CMAKE_BINARY_DIR}/assets_data.cpp -P ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
  DEPENDS ${_deps} ${CMAKE_BINARY_DIR}/assets.list ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
          ${_built_targets}
  COMMENT "Embedding templates and runtime assets"
  VERBATIM)

add_library(fstage_assets STATIC ${CMAKE_BINARY_DIR}/assets_data.cpp
            ${CMAKE_SOURCE_DIR}/base/src/assets.cpp)
target_link_libraries(fstage_assets PUBLIC fstage_base)
if(_built_targets)
  add_dependencies(fstage_assets ${_built_targets})
endif()
