// bevara ingest: packages into the archive, one receipt per package.
#include <iostream>

#include "ingest/pipeline/ingester.h"
#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/common/file_util.h"

namespace bevara::cli {
namespace {

constexpr const char* kUsage =
    "usage: bevara ingest [--data DIR] [--message TEXT] [--receipt FILE] PACKAGE...\n"
    "  Validates each package and, when it is valid, archives it durably.\n"
    "  Prints the receipt, one line of JSON per package: AIP id, version,\n"
    "  every file with its digests, the PREMIS events, the validation report.\n"
    "  --data DIR      data directory (default $BEVARA_DATA or ./bevara-data)\n"
    "  --message TEXT  the version message recorded in the AIP\n"
    "  --receipt FILE  also write the (last) receipt to FILE\n"
    "exit status: 0 all archived, 1 some package rejected, 2 could not run\n";

}  // namespace

int IngestCommand(const std::vector<std::string>& argv) {
  Args args = ParseArgs(argv, {"--data", "--message", "--receipt"}, {});
  if (args.help) return std::cout << kUsage, 0;
  if (!args.error.empty() || args.positional.empty()) {
    std::cerr << "bevara ingest: " << (args.error.empty() ? "no package given" : args.error) << "\n" << kUsage;
    return 2;
  }
  auto archive = storage::Archive::Open(Env::Default(), DataDir(args));
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
  if (args.values.count("--message")) options.message = args.Get("--message");
  ingest::Ingester ingester(archive->get(), *schemas, options);
  int exit_code = 0;
  for (const std::string& package : args.positional) {
    auto outcome = ingester.Ingest(package);
    if (!outcome.ok()) {
      std::cerr << "bevara ingest: " << package << ": not archived: " << outcome.status().ToString() << "\n";
      return 2;
    }
    // Written in pieces, then flushed: a receipt printed is a package acknowledged.
    const std::string receipt_file = args.Get("--receipt");
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
