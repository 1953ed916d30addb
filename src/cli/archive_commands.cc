// bevara audit, verify, export, gc, rebuild: the archive's maintenance.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "storage/archive/audit.h"
#include "storage/archive/export.h"
#include "storage/archive/maintenance.h"

namespace bevara::cli {
namespace {

constexpr const char* kDataHelp = "  --data DIR  data directory (default $BEVARA_DATA or ./bevara-data)\n";

Result<std::unique_ptr<storage::Archive>> OpenArchive(const Args& args, const char* command) {
  auto archive = storage::Archive::Open(Env::Default(), DataDir(args));
  if (!archive.ok()) {
    std::cerr << "bevara " << command << ": cannot open the archive: " << archive.status().ToString() << "\n";
  }
  return archive;
}

// Returns 2 after printing why, when arguments are unusable; -1 to go on.
int CheckArgs(const Args& args, const char* command, const char* usage, size_t positional) {
  if (args.help) return std::cout << usage, 0;
  if (!args.error.empty() || args.positional.size() != positional) {
    std::cerr << "bevara " << command << ": " << (args.error.empty() ? "wrong arguments" : args.error) << "\n" << usage;
    return 2;
  }
  return -1;
}

// A progress line on the terminal, rewritten in place; nothing when stderr is a file.
std::function<void(const storage::AuditProgress&)> TerminalProgress() {
  if (!::isatty(STDERR_FILENO)) return nullptr;
  return [](const storage::AuditProgress& p) {
    double mib = static_cast<double>(p.bytes_done) / (1 << 20);
    std::fprintf(stderr, "\r%llu/%llu blobs, %.1f MiB, %.1f MiB/s   ", static_cast<unsigned long long>(p.blobs_done),
                 static_cast<unsigned long long>(p.blobs_total), mib, p.seconds > 0 ? mib / p.seconds : 0.0);
  };
}

int PrintAudit(const Result<storage::AuditReport>& report, const Args& args, const char* command) {
  if (::isatty(STDERR_FILENO)) std::fputs("\n", stderr);
  if (!report.ok()) {
    std::cerr << "bevara " << command << ": " << report.status().ToString() << "\n";
    return 2;
  }
  std::cout << (args.Get("--format", "text") == "json" ? report->ToJson() : report->ToText());
  return report->clean() ? 0 : 1;
}

storage::AuditOptions AuditOptionsFrom(const Args& args) {
  storage::AuditOptions options;
  options.progress = TerminalProgress();
  if (!args.Get("--rate").empty()) {
    options.max_bytes_per_second = static_cast<uint64_t>(std::stod(args.Get("--rate")) * 1e6);
  }
  return options;
}

}  // namespace

int AuditCommand(const std::vector<std::string>& argv) {
  static const std::string usage = std::string(
      "usage: bevara audit [--data DIR] [--rate MB/s] [--format text|json]\n"
      "  Re-hashes every stored blob the catalog references and reports missing\n"
      "  and corrupt ones with the packages and paths they affect.\n") + kDataHelp +
      "  --rate MB/s  read at most this many megabytes per second\n"
      "exit status: 0 clean, 1 problems found, 2 could not run\n";
  Args args = ParseArgs(argv, {"--data", "--rate", "--format"}, {});
  if (int rc = CheckArgs(args, "audit", usage.c_str(), 0); rc >= 0) return rc;
  auto archive = OpenArchive(args, "audit");
  if (!archive.ok()) return 2;
  return PrintAudit(storage::AuditArchive(archive->get(), AuditOptionsFrom(args)), args, "audit");
}

int VerifyCommand(const std::vector<std::string>& argv) {
  static const std::string usage = std::string(
      "usage: bevara verify [--data DIR] [--format text|json] PACKAGE-ID\n"
      "  Re-hashes every file of every version of one package and checks its\n"
      "  version records against the catalog.\n") + kDataHelp +
      "exit status: 0 intact, 1 problems found, 2 could not run (or no such package)\n";
  Args args = ParseArgs(argv, {"--data", "--rate", "--format"}, {});
  if (int rc = CheckArgs(args, "verify", usage.c_str(), 1); rc >= 0) return rc;
  auto archive = OpenArchive(args, "verify");
  if (!archive.ok()) return 2;
  return PrintAudit(storage::VerifyPackage(archive->get(), args.positional[0], AuditOptionsFrom(args)), args,
                    "verify");
}

int ExportCommand(const std::vector<std::string>& argv) {
  static const std::string usage = std::string(
      "usage: bevara export [--data DIR] [--version N] PACKAGE-ID DIR\n"
      "       bevara export [--data DIR] --ocfl DIR\n"
      "  The first writes one version of a package: DIR/METS.xml (the AIP METS)\n"
      "  and DIR/submission/ (the package as submitted, byte for byte).\n"
      "  --ocfl writes every package as an OCFL 1.1 storage root.\n"
      "  DIR must not exist or be empty.\n") + kDataHelp;
  Args args = ParseArgs(argv, {"--data", "--version"}, {"--ocfl"});
  bool ocfl = args.Has("--ocfl");
  if (int rc = CheckArgs(args, "export", usage.c_str(), ocfl ? 1 : 2); rc >= 0) return rc;
  auto archive = OpenArchive(args, "export");
  if (!archive.ok()) return 2;
  auto stats = ocfl ? storage::ExportOcfl(archive->get(), args.positional[0])
                    : storage::ExportPackage(archive->get(), args.positional[0], args.positional[1],
                                             static_cast<uint32_t>(std::stoul(args.Get("--version", "0"))));
  if (!stats.ok()) {
    std::cerr << "bevara export: " << stats.status().ToString() << "\n";
    return 2;
  }
  std::cout << "exported " << stats->packages << " packages, " << stats->versions << " versions, " << stats->files
            << " files, " << stats->bytes << " bytes to " << args.positional.back() << "\n";
  return 0;
}

int GcCommand(const std::vector<std::string>& argv) {
  static const std::string usage = std::string(
      "usage: bevara gc [--data DIR]\n"
      "  Removes blobs no archived version references and staging files of\n"
      "  interrupted ingests.\n") + kDataHelp;
  Args args = ParseArgs(argv, {"--data"}, {});
  if (int rc = CheckArgs(args, "gc", usage.c_str(), 0); rc >= 0) return rc;
  auto archive = OpenArchive(args, "gc");
  if (!archive.ok()) return 2;
  auto stats = storage::CollectGarbage(archive->get());
  if (!stats.ok()) {
    std::cerr << "bevara gc: " << stats.status().ToString() << "\n";
    return 2;
  }
  std::cout << "kept " << stats->blobs_kept << " blobs; removed " << stats->blobs_removed << " blobs ("
            << stats->bytes_removed << " bytes) and " << stats->staging_files_removed << " staging files\n";
  return 0;
}

int RebuildCommand(const std::vector<std::string>& argv) {
  static const std::string usage = std::string(
      "usage: bevara rebuild [--data DIR]\n"
      "  Rebuilds the catalog from the store alone (the version log and the\n"
      "  version records). The old catalog is kept as catalog.before-rebuild.TIME.\n"
      "  Refused when the old catalog knows versions the log does not.\n") + kDataHelp +
      "exit status: 0 rebuilt, 1 refused or some version records unreadable, 2 could not run\n";
  Args args = ParseArgs(argv, {"--data"}, {});
  if (int rc = CheckArgs(args, "rebuild", usage.c_str(), 0); rc >= 0) return rc;
  auto outcome = storage::RebuildCatalog(Env::Default(), DataDir(args));
  if (!outcome.ok()) {
    std::cerr << "bevara rebuild: " << outcome.status().ToString() << "\n";
    return 2;
  }
  if (!outcome->missing_from_log.empty()) {
    std::cerr << "bevara rebuild: refused: the catalog knows " << outcome->missing_from_log.size()
              << " versions or removals that the version log does not (the log lost them, or is not this archive's); "
                 "the catalog is unchanged. Run bevara audit. Missing from the log:\n";
    for (const std::string& v : outcome->missing_from_log) std::cerr << "  " << v << "\n";
    return 1;
  }
  const storage::ReplayStats& stats = outcome->replay;
  std::cout << "catalog rebuilt: " << stats.committed << " versions and " << stats.removed << " removals from "
            << stats.entries << " log entries"
            << (outcome->kept_as.empty() ? "" : "; the old catalog is kept as " + outcome->kept_as) << "\n";
  for (const std::string& u : stats.unreadable) std::cout << "  unreadable: " << u << "\n";
  return stats.unreadable.empty() ? 0 : 1;
}

}  // namespace bevara::cli
