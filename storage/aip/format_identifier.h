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
#include <string_view>

#include "src/common/result.h"

namespace bevara::storage {

class FormatIdentifier {
 public:
  // How many leading bytes of a file Identify() needs at most.
  static constexpr size_t kHeadBytes = 64 << 10;
  // How much of a text the pattern tests look at.
  static constexpr size_t kTextProbeBytes = 4 << 10;

  static Result<std::unique_ptr<FormatIdentifier>> Create();
  ~FormatIdentifier();

  // "application/pdf", "text/plain", ...; "application/octet-stream" when
  // libmagic cannot tell, and "application/x-empty" for an empty file.
  std::string Identify(const char* head, size_t n);

 private:
  FormatIdentifier(void* fast, void* full) : fast_(fast), full_(full) {}
  void* fast_;  // magic_t without the pattern tests
  void* full_;  // magic_t with everything
};

// Whether a declared MIME type and libmagic's answer agree. libmagic cannot
// tell some types apart from their bytes, so these count as agreeing: the
// same type ignoring case and parameters; the XML family (application/xml,
// text/xml, anything +xml) among itself; any text/* declared where plain
// text was detected; and a declared application/octet-stream (no claim).
bool MimeTypesAgree(std::string_view declared, std::string_view detected);

}  // namespace bevara::storage
