// Ingester: `bevara ingest` — a submission package in, a durable AIP version
// out, in one pass over the package.
//
//   read + validate + hash + identify + stage every file (PackageValidator with a sink)
//   -> format policy, then virus scan of every staged file
//   -> invalid: staged files dropped, the report returned, nothing stored
//   -> same content as the package's head version: nothing stored, the head's
//      receipt returned (duplicate)
//   -> otherwise: AIP METS, OCFL inventory and version record are staged too;
//      the batch is published (durable), the version logged and catalogued;
//      only then is the receipt returned.
//
// Files are stored under AIP logical paths: "submission/<path in the package>"
// (the package folder of the archive, if any, dropped) and "METS.xml" for the
// AIP METS — E-ARK's AIP layout, where the SIP is kept whole under submission/.
//
// Thread-safety: an Ingester handles one package at a time; several Ingesters
// may share one Archive and one SchemaSet.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "ingest/formats/format_policy.h"
#include "ingest/formats/pronom_identifier.h"
#include "ingest/scan/virus_scanner.h"
#include "ingest/validate/package_validator.h"
#include "ingest/validate/report.h"
#include "ingest/xml/schema_set.h"
#include "src/common/result.h"
#include "storage/archive/archive.h"
#include "storage/blobs/blob_store.h"
#include "storage/catalog/version_record.h"

namespace bevara::ingest {

struct IngestOptions {
  ValidatorOptions validator;
  std::string message = "Ingested by bevara";
  // Non-empty: the package must name this producer (the METS CREATOR
  // organisation's IDENTIFICATIONCODE), or it is rejected (DEPOSIT-PRODUCER)
  // before anything is stored. An e-service's token is bound to one.
  std::string required_producer;
  // Non-null: the package is read through this Env instead of the archive's
  // (the server reads a deposit while it is still arriving). Storage writes
  // always go through the archive's.
  Env* package_env = nullptr;
  // Called once the package is valid and staged, before anything is
  // published; a non-OK status stops the ingest there (nothing is stored).
  // The server waits here for a deposit's client to be answered.
  std::function<Status()> before_commit;
  // PRONOM identification; null: the signature files compiled in.
  std::shared_ptr<const formats::PronomIdentifier> pronom;
  // False only for the benchmark's baseline (the same ingest without PRONOM):
  // files then get no format, and the policy judges none.
  bool identify_formats = true;
  // What files in formats it does not accept do to a package.
  formats::FormatPolicy format_policy = formats::FormatPolicy::Default();
  // Non-null: every file is scanned before anything is published; an
  // infected file or a scan limit reached rejects the package.
  std::shared_ptr<scan::VirusScanner> scanner;
  // With no scanner, refuse to archive (Unavailable) rather than archive
  // unchecked.
  bool scan_required = false;
};

struct IngestOutcome {
  ValidationReport report;
  bool archived = false;   // valid, and durable in the archive
  bool duplicate = false;  // identical to the head version; nothing new stored
  // When archived:
  storage::VersionRecord record;
  std::string record_blob;
  storage::PublishStats stored;  // what this ingest added to the store
};

class Ingester {
 public:
  Ingester(storage::Archive* archive, std::shared_ptr<const SchemaSet> schemas, IngestOptions options = {});

  // A package that breaks a rule is not an error: the outcome says
  // archived == false and the report names the rule. A non-OK Status means
  // the ingest could not run or could not be made durable (I/O, disk full);
  // nothing it wrote is referenced, and a retry is safe.
  Result<IngestOutcome> Ingest(const std::string& package_path);

 private:
  storage::Archive* archive_;
  std::shared_ptr<const SchemaSet> schemas_;
  IngestOptions options_;
};

// The receipt of an ingest, as `bevara ingest` prints it: one line of JSON,
// written in pieces (the record of a large package is tens of MB).
Status WriteReceipt(const IngestOutcome& outcome, const std::function<Status(std::string_view)>& out);
std::string ReceiptJson(const IngestOutcome& outcome);  // the same, as one string

}  // namespace bevara::ingest
