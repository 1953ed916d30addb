// The project's XML schemas (schemas/*.xsd), compiled into the binary.
#pragma once

#include <cstddef>
#include <span>

namespace bevara::schemas {

struct EmbeddedSchema {
  const char* file_name;  // e.g. "mets.xsd"
  const char* data;       // UTF-8 XML, not NUL-terminated within `size`
  size_t size;
};

std::span<const EmbeddedSchema> All();

}  // namespace bevara::schemas
