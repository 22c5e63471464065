# cmake -DDOC=guide.md -DSRC=example.c -P check_quote.cmake
# Fails unless the whole of SRC appears verbatim in DOC.
file(READ ${DOC} doc)
file(READ ${SRC} src)
string(FIND "${doc}" "${src}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${DOC} does not quote ${SRC} verbatim: copy the file into the guide again")
endif()
message(STATUS "${DOC} quotes ${SRC} at offset ${at}")
