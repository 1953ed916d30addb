# Turns the web interface's templates, strings and static files into one C++
# source, so that the server carries its pages and needs no file from the
# source tree at run time. Called with -DOUTPUT=... -DFILES="a;b;..." -DBASE=dir.
set(body "// Generated from src/web/{templates,strings,static}; do not edit.\n#include \"src/web/assets.h\"\n#include <map>\nnamespace bevara::web {\nconst std::map<std::string, std::string>& WebAssets() {\n  static const std::map<std::string, std::string> kAssets = {\n")
foreach(f IN LISTS FILES)
  file(READ "${BASE}/${f}" content)
  string(FIND "${content}" ")BEVARA_ASSET\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${f} holds the raw-string delimiter")
  endif()
  string(APPEND body "      {\"${f}\", R\"BEVARA_ASSET(${content})BEVARA_ASSET\"},\n")
endforeach()
string(APPEND body "  };\n  return kAssets;\n}\n}  // namespace bevara::web\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
