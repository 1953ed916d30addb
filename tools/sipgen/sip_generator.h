// SIP generator: writes valid FGS Paketstruktur 2.0 (E-ARK CSIP + SIP) submission packages of
// any shape, deterministically from a seed. Tests and benchmarks use it, and
// tests derive malformed packages from its plans (sip_writer.h writes any
// entry type, including the ones bevara must reject).
//
// A plan holds every entry of the package; file contents are either literal
// bytes (METS, metadata) or generated on the fly from a per-file seed, so a
// 1 GiB file never sits in memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/common/digest.h"
#include "src/common/status.h"

namespace bevara::sipgen {

enum class EntryType { kFile, kDirectory, kSymlink, kHardlink, kFifo, kCharDevice };
enum class ContentKind { kLiteral, kText, kBinary };

struct PlannedEntry {
  std::string path;  // raw bytes: tests put hostile names here
  EntryType type = EntryType::kFile;
  ContentKind content = ContentKind::kLiteral;
  std::string literal;      // kLiteral
  uint64_t size = 0;        // kText / kBinary
  std::string prefix;       // kText: these bytes first, then generated words up to `size`
  uint64_t content_seed = 0;
  std::string link_target;  // kSymlink / kHardlink
};

struct SipSpec {
  uint64_t seed = 1;
  int files = 10;                 // content files in the representation
  uint64_t min_file_size = 1024;  // each file's size is drawn from [min, max]
  uint64_t max_file_size = 16384;
  int nesting = 2;                // directory levels under data/
  int representations = 1;
  DigestAlgorithm checksum = DigestAlgorithm::kSha256;
  bool wrap_in_folder = true;     // everything under "<OBJID>/", as CSIP recommends
  bool mets_last = false;         // METS after the files it declares
  std::string producer = "212000-0001";  // the CREATOR organisation's IDENTIFICATIONCODE
  // The last day of secrecy of the secret records (YYYY-MM-DD); empty: no end.
  std::string secrecy_ends;
  // Whether a secret record's text names a person by personnummer (which
  // keeps it from the public even once its secrecy ends).
  bool secret_personnummer = true;
};

// About one record in five is secret (OSL 26 kap. 1 §). The text file of
// each secret record holds a word that occurs nowhere else and a
// personnummer, for the secrecy leak tests.
struct SecretMark {
  std::string record_id;  // systemIdentifier in the ERMS
  std::string word;       // "hemlig" + 12 hex digits
  std::string personnummer;  // YYMMDD-NNNC, Luhn-valid; empty without secret_personnummer
};

struct SipPlan {
  std::string objid;
  std::string root;  // "" or "<objid>/"
  std::vector<PlannedEntry> entries;
  std::vector<SecretMark> secrets;

  // The entry at package-relative `path` (under root), or nullptr.
  PlannedEntry* Find(const std::string& path);
  // Replaces the first occurrence of `from` in the package's METS.xml.
  // Returns false when `from` does not occur.
  bool EditMets(const std::string& from, const std::string& to);
  std::string& Mets();
};

// Builds the plan: METS.xml, ERMS case metadata, PREMIS, schemas,
// documentation and the representation's files, every checksum computed.
SipPlan PlanSip(const SipSpec& spec);

// Streams the generated content of an entry.
class ContentStream {
 public:
  explicit ContentStream(const PlannedEntry& e);
  // Fills up to n bytes; returns 0 at the end.
  size_t Read(char* buf, size_t n);

 private:
  const PlannedEntry& entry_;
  uint64_t pos_ = 0;
  uint64_t state_;
};

// A package path as the generator writes it into METS and ERMS hrefs
// (percent-encoded, '/' kept).
std::string Href(const std::string& path);

// Digest of an entry's content in the given algorithm (hex).
std::string ContentDigest(const PlannedEntry& e, DigestAlgorithm a);
uint64_t ContentSize(const PlannedEntry& e);

}  // namespace bevara::sipgen
