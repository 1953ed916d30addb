// PRONOM's signature files, read: DROID's signature file (formats, their
// internal byte-sequence signatures, extensions and priorities) and the
// container signature file (formats recognised by the files inside a ZIP or
// OLE2 container).
//
// Both files are untrusted input (an operator may point bevara at any file):
// libxml2 reads them without DTDs, entities or network; a signature that
// cannot be compiled is left out and counted, never guessed at.
//
// Thread-safety: a SignatureFiles is immutable once read.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/formats/byte_pattern.h"
#include "src/common/result.h"

namespace bevara::ingest::formats {

struct FormatInfo {
  int id = 0;           // the signature file's internal id
  std::string puid;     // "fmt/354"
  std::string name;     // "Acrobat PDF/A - Portable Document Format"
  std::string version;  // "1b"
  std::string mime;     // may be empty, or several separated by ", "
  std::vector<std::string> extensions;  // lower case, without the dot
  std::vector<int> signatures;          // internal signature ids
  std::vector<int> priority_over;       // format ids this one wins over
};

// All byte sequences must match.
struct InternalSignature {
  int id = 0;
  std::vector<ByteSequence> sequences;
};

enum class ContainerType { kZip, kOle2 };

struct ContainerFile {
  std::string path;  // the entry's name inside the container
  std::vector<InternalSignature> signatures;  // none: being there is enough; else any one
};

struct ContainerSignature {
  int id = 0;
  ContainerType type = ContainerType::kZip;
  std::string description;
  std::vector<ContainerFile> files;  // all must be there (and match)
  std::vector<std::string> puids;    // what a match identifies
};

struct SignatureFiles {
  std::string droid_version;      // "DROID_SignatureFile_V118 (2024-04-29T13:46:04)"
  std::string container_version;  // "container signatures 37"
  std::vector<FormatInfo> formats;
  std::vector<InternalSignature> signatures;
  std::vector<ContainerSignature> containers;
  std::map<std::string, ContainerType> triggers;  // PUID -> the container it asks for
  size_t skipped_signatures = 0;  // could not be compiled (counted, not used)
};

// Reads both files from memory. `*_name` names them in messages.
Result<std::unique_ptr<SignatureFiles>> ReadSignatureFiles(std::string_view droid_xml, std::string_view container_xml);

// The copies compiled into bevara (ingest/formats/pronom/).
std::string_view EmbeddedDroidSignatureFile();
std::string_view EmbeddedContainerSignatureFile();

}  // namespace bevara::ingest::formats
