# tests/fuzz/standalone.cmake - for run.sh only, while the root
# CMakeLists.txt does not add tests/fuzz itself: passed as
# CMAKE_PROJECT_INCLUDE, it reads tests/fuzz/CMakeLists.txt once the root
# is done (CMakeLists.txt there uses CMAKE_CURRENT_LIST_DIR, so it works
# both included and added).
cmake_language(DEFER CALL include ${CMAKE_SOURCE_DIR}/tests/fuzz/CMakeLists.txt)
