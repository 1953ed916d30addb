// PronomIdentifier: which PRONOM format a file is, as DROID decides it.
//
//  1. Internal signatures: every signature whose byte sequences all match
//     in the file's scan window (its first and last kScanBytes).
//  2. Priorities: a matched format loses to a matched format that the
//     signature file says has priority over it.
//  3. Several left: the file's extension keeps those that claim it, when
//     some do (and says so in the note).
//  4. A container format left (ZIP, OLE2): the container signatures decide
//     from the files inside (DOCX, ODT, ...), when the caller can read them.
//  5. No signature matched: formats without any signature that claim the
//     file's extension (plain text, CSV), marked as identified by extension.
// A file with no match, or several at the same priority, says so: it is
// never given a format it was not shown to have.
//
// Compiling the signature files costs a fraction of a second; do it once
// and share the identifier.
//
// Thread-safety: Identify() is const and safe from any number of threads.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/formats/byte_pattern.h"
#include "ingest/formats/scan_window.h"
#include "ingest/formats/sequence_matcher.h"
#include "ingest/formats/signature_file.h"
#include "src/common/result.h"
#include "src/common/status.h"

namespace bevara::ingest::formats {

struct FormatMatch {
  std::string puid, name, version, mime;
};

enum class IdentificationMethod { kNone, kSignature, kContainer, kExtension };
std::string_view MethodName(IdentificationMethod m);  // "none", "signature", "container", "extension"

struct Identification {
  IdentificationMethod method = IdentificationMethod::kNone;
  std::vector<FormatMatch> matches;  // one: identified; several: ambiguous
  std::string note;                  // how a tie was broken, why there is no match
  // Not OK when a container's entries could not be read for a reason other
  // than its own bytes (an I/O error): the caller should fail, not keep
  // the container's generic format.
  Status read_error;
};

// The entries of a container, for container signatures.
class ContainerReader {
 public:
  virtual ~ContainerReader() = default;
  // Calls `entry` with every entry's name; for the names `wants_content`
  // accepts, also with a scan window over the entry's bytes (else nullptr).
  // Non-OK when the container cannot be read (identification then keeps the
  // container's own format).
  virtual Status ForEachEntry(ContainerType type, const std::function<bool(const std::string& name)>& wants_content,
                              const std::function<void(const std::string& name, const ScanWindow* content)>& entry) = 0;
};

class PronomIdentifier {
 public:
  // How many bytes from each end of a file are searched (DROID's default).
  static constexpr size_t kScanBytes = 64 << 10;

  static Result<std::unique_ptr<PronomIdentifier>> Create(std::unique_ptr<SignatureFiles> files);
  // The signature files compiled into bevara.
  static Result<std::unique_ptr<PronomIdentifier>> CreateEmbedded();
  // The same, compiled once per process and shared.
  static Result<std::shared_ptr<const PronomIdentifier>> SharedEmbedded();

  // `file_name` is only for its extension. `container` may be null.
  Identification Identify(const ScanWindow& window, std::string_view file_name, ContainerReader* container) const;

  // "DROID_SignatureFile_V118 (2024-04-29T13:46:04); container signatures 37".
  std::string version() const;
  const SignatureFiles& files() const { return *files_; }

 private:
  explicit PronomIdentifier(std::unique_ptr<SignatureFiles> files);
  bool SignatureMatches(size_t index, const ScanWindow& window) const;
  std::vector<size_t> ApplyPriorities(std::vector<size_t> formats) const;
  Identification FromContainer(ContainerType type, ContainerReader* reader, Identification fallback) const;

  std::unique_ptr<SignatureFiles> files_;
  // Per signature, the anchors that must occur (EOF ones turned around):
  // a signature whose anchor's bytes do not occur is not matched at all.
  struct Required {
    bool at_end;
    std::string anchor;
  };
  std::vector<std::vector<Required>> required_;
  // Signatures whose first byte sits at a fixed offset from the start:
  // offset -> first byte -> signature indexes. Only these few are tried.
  std::map<uint32_t, std::array<std::vector<size_t>, 256>> probes_;
  std::vector<size_t> unprobed_;                 // every other signature
  std::map<int, std::vector<size_t>> formats_of_signature_;  // signature id -> format indexes
  std::map<int, size_t> format_by_id_;
  std::map<std::string, size_t, std::less<>> format_by_puid_;
  std::map<std::string, std::vector<size_t>, std::less<>> unsigned_by_extension_;
};

}  // namespace bevara::ingest::formats
