#include "storage/aip/format_identifier.h"

#include <magic.h>

namespace bevara::storage {

Result<std::unique_ptr<FormatIdentifier>> FormatIdentifier::Create() {
  // No decompression: a package file is identified as what it is, and a
  // compressed file is never expanded to look inside it.
  magic_t cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
  if (cookie == nullptr) return Status::Internal("libmagic: magic_open failed");
  if (magic_load(cookie, nullptr) != 0) {
    std::string error = magic_error(cookie) ? magic_error(cookie) : "unknown error";
    magic_close(cookie);
    return Status::Internal("libmagic: cannot load its database: " + error);
  }
  return std::unique_ptr<FormatIdentifier>(new FormatIdentifier(cookie));
}

FormatIdentifier::~FormatIdentifier() { magic_close(static_cast<magic_t>(cookie_)); }

std::string FormatIdentifier::Identify(const char* head, size_t n) {
  const char* type = magic_buffer(static_cast<magic_t>(cookie_), head, n);
  return type ? type : "application/octet-stream";
}

}  // namespace bevara::storage
