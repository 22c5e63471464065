# upay_add_check(SOURCE <file.c> LIBS <targets...>)
#
# Builds one Check test program from tests/.../check_<module>.c plus the shared
# tests/unit/check_main.c, and registers every TCase of it as its own CTest
# (run alone through CK_RUN_CASE), so a failure names the exact case. TCase
# names are read from the literal strings passed to tcase_create("...").
# The source must export `Suite *make_<module>_suite(void)`.
function(upay_add_check)
  cmake_parse_arguments(ARG "" "SOURCE" "LIBS" ${ARGN})
  get_filename_component(stem ${ARG_SOURCE} NAME_WE)     # check_form
  string(REGEX REPLACE "^check_" "" module ${stem})      # form
  add_executable(${stem} ${ARG_SOURCE} ${PROJECT_SOURCE_DIR}/tests/unit/check_main.c)
  set_target_properties(${stem} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  target_compile_definitions(${stem} PRIVATE
    UPAY_SUITE_FN=make_${module}_suite
    UPAY_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    UPAY_BIN_DIR="${PROJECT_BINARY_DIR}/bin"
    UPAY_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_include_directories(${stem} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${stem} PRIVATE ${ARG_LIBS} PkgConfig::CHECK upay_build_flags)

  file(STRINGS ${ARG_SOURCE} lines REGEX "tcase_create\\(\"[^\"]+\"\\)")
  set(cases "")
  foreach(line IN LISTS lines)
    string(REGEX MATCHALL "tcase_create\\(\"[^\"]+\"\\)" found "${line}")
    foreach(f IN LISTS found)
      string(REGEX REPLACE "tcase_create\\(\"([^\"]+)\"\\)" "\\1" name "${f}")
      list(APPEND cases ${name})
    endforeach()
  endforeach()
  if(NOT cases)
    add_test(NAME ${module} COMMAND ${stem})
    set_tests_properties(${module} PROPERTIES TIMEOUT 120)
    return()
  endif()
  foreach(case IN LISTS cases)
    add_test(NAME ${module}.${case} COMMAND ${stem})
    set_tests_properties(${module}.${case} PROPERTIES
      ENVIRONMENT "CK_RUN_CASE=${case}" TIMEOUT 120)
  endforeach()
endfunction()
