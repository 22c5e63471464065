# UpayInstall.cmake - what `cmake --install` adds beyond each component's own
# install() lines: the CMake package (upay::upay), the scenario library, an
# RPATH on the installed programs, and the Debian package (cpack -G DEB).
# Included by the root CMakeLists.txt after every component is added.
# docs/install.md describes the result.
include(CMakePackageConfigHelpers)

# The RPATH of the installed programs ($ORIGIN/../lib) is CMAKE_INSTALL_RPATH,
# set in the root CMakeLists.txt before any target.

# The scenario library, and where upay-suite finds it from its own directory.
set(UPAY_SCENARIOS_DIR ${CMAKE_INSTALL_DATADIR}/upay/scenarios)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${UPAY_SCENARIOS_DIR})
file(RELATIVE_PATH UPAY_SUITE_SCENARIOS_RELATIVE
  /prefix/${CMAKE_INSTALL_BINDIR} /prefix/${UPAY_SCENARIOS_DIR})
if(TARGET upay_suite_core)
  set_property(TARGET upay_suite_core APPEND PROPERTY COMPILE_DEFINITIONS
    UPAY_SUITE_SCENARIOS_RELATIVE="${UPAY_SUITE_SCENARIOS_RELATIVE}")
endif()

# The CMake package. lib/ installs the library files; this rule only adds
# upay to the export set (installing the same files again is a no-op).
set(UPAY_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/upay)
install(TARGETS upay EXPORT upayTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT upayTargets NAMESPACE upay:: DESTINATION ${UPAY_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/upayConfig.cmake.in
  ${PROJECT_BINARY_DIR}/upayConfig.cmake INSTALL_DESTINATION ${UPAY_CMAKE_DIR})
# 0.x: a new minor version may break the API, so only the same minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/upayConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/upayConfig.cmake
  ${PROJECT_BINARY_DIR}/upayConfigVersion.cmake DESTINATION ${UPAY_CMAKE_DIR})

include(${PROJECT_SOURCE_DIR}/cmake/UpayDeb.cmake)
