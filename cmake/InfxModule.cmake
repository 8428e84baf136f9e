# infx_module(NAME DEPS dep...)
#
# Declares library infx_<NAME> from every *.cc in the current directory that
# is not a test (*_test.cc), a fuzzer (*_fuzz.cc) or a command (*_cmd.cc), and
# one GoogleTest binary infx_<NAME>_test from every *_test.cc. Tests get the
# label "unit" unless their file name ends in _itest.cc ("integration").
# The source directory's parent (src/) is the include root: #include
# "model/model_spec.h".
function(infx_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB all_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(lib_sources "")
  set(unit_tests "")
  set(integration_tests "")
  foreach(src ${all_sources})
    if(src MATCHES "_itest\\.cc$")
      list(APPEND integration_tests ${src})
    elseif(src MATCHES "_test\\.cc$")
      list(APPEND unit_tests ${src})
    elseif(src MATCHES "(_fuzz|_cmd|_main)\\.cc$")
      # built elsewhere
    else()
      list(APPEND lib_sources ${src})
    endif()
  endforeach()
  set(target infx_${name})
  set_property(GLOBAL APPEND PROPERTY INFX_MODULES ${target})
  if(lib_sources)
    add_library(${target} STATIC ${lib_sources})
    target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${ARG_DEPS})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(${target} INTERFACE ${ARG_DEPS})
  endif()
  if(INFX_BUILD_TESTS)
    _infx_test_binary(${name}_test "${unit_tests}" unit "${ARG_TEST_DEPS}")
    _infx_test_binary(${name}_itest "${integration_tests}" integration
                      "${ARG_TEST_DEPS}")
  endif()
endfunction()

function(_infx_test_binary name sources label extra_deps)
  if(NOT sources)
    return()
  endif()
  set(target infx_${name})
  add_executable(${target} ${sources})
  string(REGEX REPLACE "_i?test$" "" module ${name})
  target_link_libraries(${target} PRIVATE infx_${module} ${extra_deps}
                        GTest::gtest_main GTest::gmock)
  target_compile_definitions(${target} PRIVATE
    INFX_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    INFX_BINARY_DIR="${CMAKE_BINARY_DIR}")
  gtest_discover_tests(${target}
    PROPERTIES LABELS ${label}
    DISCOVERY_TIMEOUT 60)
endfunction()
