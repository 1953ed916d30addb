// FormatIdentifier: the MIME type of a file from its first bytes (libmagic).
//
// The METS declares a MIMETYPE; the AIP records what libmagic detects beside
// it, so that an archivist can find files that are not what they claim.
//
// Thread-safety: one FormatIdentifier per thread (libmagic's handle is not
// thread-safe); creating one costs a few milliseconds (the database is mapped).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "common/result.h"

namespace bevara::storage {

class FormatIdentifier {
 public:
  // How many leading bytes of a file Identify() needs at most.
  static constexpr size_t kHeadBytes = 64 << 10;

  static Result<std::unique_ptr<FormatIdentifier>> Create();
  ~FormatIdentifier();

  // "application/pdf", "text/plain", ...; "application/octet-stream" when
  // libmagic cannot tell, and "inode/x-empty" for an empty file.
  std::string Identify(const char* head, size_t n);

 private:
  explicit FormatIdentifier(void* cookie) : cookie_(cookie) {}
  void* cookie_;  // magic_t
};

}  // namespace bevara::storage
