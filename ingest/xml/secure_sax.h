// SecureSaxParser: streaming, validating SAX2 parsing of untrusted XML.
//
// What it guarantees, whatever the document says:
//   * no DOCTYPE is accepted (so no internal or external entities at all);
//   * no schema named by the document (xsi:schemaLocation) is loaded; only
//     the grammars of the SchemaSet are used;
//   * nothing is fetched from the network or the filesystem;
//   * at most SaxOptions::max_bytes are read, and parsing stops after
//     SaxOptions::max_issues problems;
//   * no exception leaves Parse().
//
// Validation: elements in a namespace the SchemaSet holds are validated
// against it. A document whose root namespace bevara holds no schema for is
// only checked for well-formedness, and the outcome says so.
//
// Thread-safety: one parser per thread; the SchemaSet may be shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ingest/xml/schema_set.h"
#include "src/common/result.h"

namespace xercesc_3_2 { class ContentHandler; }

namespace bevara::ingest {

struct XmlIssue {
  enum class Kind { kFatal, kError, kWarning };
  Kind kind = Kind::kError;
  std::string message;
  uint64_t line = 0;
  uint64_t column = 0;
};

struct SaxOptions {
  uint64_t max_bytes = 512ull << 20;
  size_t max_issues = 50;
  bool validate = true;
};

struct SaxOutcome {
  std::vector<XmlIssue> issues;       // fatal errors, validity errors, warnings
  bool well_formed = true;            // no fatal error
  bool doctype_refused = false;       // the document has a DOCTYPE
  bool too_large = false;             // more than max_bytes
  bool schema_validated = false;      // the root namespace had a grammar
  bool truncated_issues = false;      // more issues than max_issues
  // xsi:schemaLocation / noNamespaceSchemaLocation values that name a
  // remote URL. Never fetched; reported so producers can fix them.
  std::vector<std::string> remote_schema_locations;
  std::string root_namespace;
  std::string root_name;
  uint64_t bytes = 0;
  Status source_error;                // the byte source failed
  bool HasErrors() const;
};

// Supplies the document's bytes; returns 0 at the end.
using ByteSource = std::function<Result<size_t>(char* buf, size_t n)>;

class SecureSaxParser {
 public:
  explicit SecureSaxParser(std::shared_ptr<const SchemaSet> schemas);
  ~SecureSaxParser();
  SecureSaxParser(const SecureSaxParser&) = delete;
  SecureSaxParser& operator=(const SecureSaxParser&) = delete;

  // Parses one document. `content` receives SAX2 events (may be null); it
  // must not throw. `system_id` names the document in messages.
  SaxOutcome Parse(const ByteSource& source, const std::string& system_id,
                   xercesc_3_2::ContentHandler* content, const SaxOptions& options);

  // Asks a running Parse() to stop after the current event (for a content
  // handler that has seen enough, e.g. a limit of its own).
  void RequestStop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bevara::ingest
