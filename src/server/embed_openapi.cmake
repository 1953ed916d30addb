# Turns openapi.json into a C++ source, so that the server carries its own
# description and needs no file from the source tree at run time.
file(READ "${INPUT}" CONTENT)
file(WRITE "${OUTPUT}" "// Generated from src/server/openapi.json; do not edit.\n#include \"src/server/api.h\"\nnamespace bevara::server {\nconst std::string& OpenApiDocument() {\n  static const std::string kDocument = R\"BEVARA_OPENAPI(${CONTENT})BEVARA_OPENAPI\";\n  return kDocument;\n}\n}  // namespace bevara::server\n")
