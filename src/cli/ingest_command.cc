// bevara ingest: packages into the archive, one receipt per package.
#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "ingest/pipeline/ingester.h"
#include "src/cli/args.h"
#include "src/cli/preservation_checks.h"
#include "src/cli/commands.h"
#include "src/common/file_util.h"
#include "storage/copies/copy_set.h"
#include "storage/copies/replicator.h"

namespace bevara::cli {
namespace {

// Sends the version's blobs to each copy in `names` now; OK once every one
// has confirmed all of them (durably, in its ledger).
Status ConfirmCopies(storage::Archive* archive, const storage::CopySet& copies, const std::vector<std::string>& names,
                     const storage::VersionRecord& version) {
  for (const storage::OpenCopy& copy : copies.copies()) {
    if (std::find(names.begin(), names.end(), copy.name) == names.end()) continue;
    if (copy.ledger->VersionCopied(version.package_id, version.version)) continue;
    storage::ReplicationOptions options;
    options.only = [&](const std::string& package, uint32_t v) { return package == version.package_id && v == version.version; };
    auto report = storage::Replicate(archive, copy.store, copy.ledger, options);
    if (!report.ok()) return report.status().WithMessage("copy " + copy.name + ": " + report.status().message());
    if (!copy.ledger->VersionCopied(version.package_id, version.version)) {
      return Status::Unavailable("copy " + copy.name + " did not confirm every blob" +
                                 (report->problems.empty() ? "" : ": " + report->problems.front()));
    }
  }
  return Status::OK();
}

}  // namespace

int IngestCommand(const std::vector<std::string>& argv) {
  CLI::App app("Validates each package and, when it is valid, archives it durably. Prints the receipt, one\n"
               "line of JSON per package: AIP id, version, every file with its digests, the PREMIS events,\n"
               "the validation report. Exit status: 0 all archived, 1 some package rejected, 2 could not run.",
               "bevara ingest");
  std::string data, message, receipt_file, config_file;
  std::vector<std::string> packages, acknowledged_by;
  AddDataOption(app, &data);
  auto* message_option = app.add_option("--message", message, "the version message recorded in the AIP");
  app.add_option("--receipt", receipt_file, "also write the (last) receipt to FILE")->type_name("FILE");
  app.add_option("--config", config_file,
                 "the server's configuration file: its [formats] (policy, signature files) and [scan] (ClamAV)\n"
                 "sections apply to this ingest too, and its copies: with acknowledge = all a package is\n"
                 "acknowledged (its receipt printed) only once every such copy holds it")
      ->type_name("FILE");
  app.add_option("PACKAGE", packages, "tar, tar.gz or zip files, or unpacked directories")->required();
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  data = DataDir(data);
  if (!RequireArchive(data, "ingest")) return 2;
  auto archive = storage::Archive::Open(Env::Default(), data);
  if (!archive.ok()) {
    std::cerr << "bevara ingest: cannot open the archive: " << archive.status().ToString() << "\n";
    return 2;
  }
  auto schemas = ingest::SchemaSet::Shared();
  if (!schemas.ok()) {
    std::cerr << "bevara ingest: " << schemas.status().ToString() << "\n";
    return 2;
  }
  ingest::IngestOptions options;
  if (message_option->count() > 0) options.message = message;
  // The benchmark's baseline (tools/bench/bench_formats.sh): the same ingest without PRONOM.
  if (const char* skip = std::getenv("BEVARA_BENCH_SKIP_PRONOM"); skip && std::string(skip) == "1") {
    options.identify_formats = false;
  }
  std::unique_ptr<storage::CopySet> copies;  // those an ingest waits for (acknowledge = all)
  if (!config_file.empty()) {
    auto config = server::LoadServerConfig(config_file);
    Status s = config.ok() ? ConfigurePreservationChecks(Env::Default(), *config, &options) : config.status();
    if (s.ok() && !config->copies.AcknowledgedBy().empty()) {
      auto set = storage::CopySet::Open(archive->get(), config->copies, /*allow_unreachable=*/true);
      if (set.ok()) copies = std::move(*set);
      s = set.status();
      acknowledged_by = config->copies.AcknowledgedBy();
    }
    if (!s.ok()) {
      std::cerr << "bevara ingest: " << s.message() << "\n";
      return 2;
    }
  }
  ingest::Ingester ingester(archive->get(), *schemas, options);
  int exit_code = 0;
  for (const std::string& package : packages) {
    auto outcome = ingester.Ingest(package);
    if (!outcome.ok()) {
      // The status says what became of the package: not stored at all, or
      // logged but not yet catalogued (rolled forward at the next open).
      std::cerr << "bevara ingest: " << package << ": " << outcome.status().ToString() << "\n";
      return 2;
    }
    // Acknowledged only once the copies the policy names hold it.
    if (outcome->archived && copies) {
      Status confirmed = ConfirmCopies(archive->get(), *copies, acknowledged_by, outcome->record);
      if (!confirmed.ok()) {
        std::cerr << "bevara ingest: " << package << ": archived here as " << outcome->record.package_id << " version "
                  << outcome->record.version << ", but not acknowledged: " << confirmed.message()
                  << " (bevara copies sync sends it; ingesting it again acknowledges it once copied)\n";
        return 2;
      }
    }
    // Written in pieces, then flushed: a receipt printed is a package acknowledged.
    std::string receipt;
    ingest::WriteReceipt(*outcome, [&](std::string_view piece) {
      std::cout.write(piece.data(), static_cast<std::streamsize>(piece.size()));
      if (!receipt_file.empty()) receipt.append(piece);
      return Status::OK();
    });
    std::cout.flush();
    if (outcome->archived) {
      std::cerr << package << ": archived as " << outcome->record.package_id << " version " << outcome->record.version
                << (outcome->duplicate ? " (already archived; nothing new stored)" : "") << "\n";
    } else {
      std::cerr << package << ": rejected with " << outcome->report.error_count() << " errors\n";
      exit_code = 1;
    }
    if (!receipt_file.empty()) {
      if (Status s = WriteFileDurably(Env::Default(), receipt_file, receipt); !s.ok()) {
        std::cerr << "bevara ingest: cannot write " << receipt_file << ": " << s.ToString() << "\n";
        return 2;
      }
    }
  }
  return exit_code;
}

}  // namespace bevara::cli
