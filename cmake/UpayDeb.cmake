# UpayDeb.cmake - `cpack -G DEB` in a build directory makes one Debian package,
# upay, with everything `cmake --install` installs, under /usr. Its Depends
# line is computed by dpkg-shlibdeps from the programs and the library, so it
# names Debian's own packages (libcjson1, libcurl4, libssl3, libsqlite3-0,
# libcivetweb1...). Included by UpayInstall.cmake.
set(CPACK_PACKAGE_NAME upay)
set(CPACK_PACKAGE_VENDOR "upay")
set(CPACK_PACKAGE_CONTACT "upay maintainers <upay@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "UnifiedPay mock gateway (upay-mock), client library (libupay) and conformance runner (upay-suite)")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libupay is in the package itself: dpkg-shlibdeps must look there for it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
  ${PROJECT_BINARY_DIR}/lib ${PROJECT_BINARY_DIR})
include(CPack)
