// bevara audit, verify, export, gc, rebuild: the archive's maintenance.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/copy_config.h"
#include "storage/archive/audit.h"
#include "storage/archive/export.h"
#include "storage/archive/maintenance.h"
#include "storage/blobs/s3_blob_store.h"
#include "storage/copies/copy_gc.h"
#include "storage/copies/copy_set.h"

namespace bevara::cli {
namespace {

// Reading commands (audit, verify, export) and gc open the archive to read
// only: they work on a full disk and change no catalog or log but the
// damage register.
Result<std::unique_ptr<storage::Archive>> OpenArchive(const std::string& data, const char* command,
                                                      bool read_only = false) {
  storage::ArchiveOptions options;
  options.read_only = read_only;
  auto archive = storage::Archive::Open(Env::Default(), data, options);
  if (!archive.ok()) {
    std::cerr << "bevara " << command << ": cannot open the archive: " << archive.status().ToString() << "\n";
  }
  return archive;
}

// Read-only, nothing is rolled forward: an export or verify of a catalog
// that lags the version log would silently leave out the newest versions.
// True (and printed) when it lags.
bool CatalogLags(storage::Archive* archive, const char* command) {
  const auto& behind = archive->recovery().unreadable;
  if (behind.empty()) return false;
  std::cerr << "bevara " << command << ": the catalog is not level with the version log (" << behind.size()
            << " entries, first: " << behind.front() << "); start `bevara serve` once or run `bevara rebuild`, "
            << "then try again\n";
  return true;
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

int PrintAudit(const Result<storage::AuditReport>& report, const std::string& format, const char* command) {
  if (::isatty(STDERR_FILENO)) std::fputs("\n", stderr);
  if (!report.ok()) {
    std::cerr << "bevara " << command << ": " << report.status().ToString() << "\n";
    return 2;
  }
  std::cout << (format == "json" ? report->ToJson() : report->ToText());
  return report->clean() ? 0 : 1;
}

// --rate and --format, shared by audit and verify.
struct AuditArgs {
  std::string data, format = "text";
  double rate_mb = 0;

  void AddTo(CLI::App& app) {
    AddDataOption(app, &data);
    app.add_option("--rate", rate_mb, "read at most this many megabytes per second (default: as fast as the disk)")
        ->type_name("MB/s")
        ->check(AtLeast(0));
    app.add_option("--format", format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  }
  storage::AuditOptions Options() const {
    storage::AuditOptions options;
    options.progress = TerminalProgress();
    options.max_bytes_per_second = static_cast<uint64_t>(std::min(rate_mb, 1e12) * 1e6);  // beyond any disk
    return options;
  }
};

}  // namespace

int AuditCommand(const std::vector<std::string>& argv) {
  CLI::App app("Re-hashes every stored blob the catalog references, checks the catalog's own checksums and its\n"
               "agreement with the version log, and reports what is missing, corrupt or inconsistent.\n"
               "Exit status: 0 clean, 1 problems found, 2 could not run.",
               "bevara audit");
  AuditArgs args;
  args.AddTo(app);
  std::string config_file, copy;
  bool repair = false;
  app.add_option("--config", config_file, "the server's configuration file naming the copies ([copy.NAME])");
  app.add_option("--copy", copy, "audit this copy now (local, or a copy the configuration names)");
  app.add_flag("--repair", repair, "restore what is damaged in the copy from a copy whose bytes hash right")
      ->needs(app.get_option("--copy"));
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  if (!copy.empty()) {
    return AuditCopyCommand({args.data, config_file, copy, repair, args.format, args.Options().max_bytes_per_second});
  }
  const std::string data = DataDir(args.data);
  if (!RequireArchive(data, "audit")) return 2;
  auto archive = OpenArchive(data, "audit", /*read_only=*/true);
  if (!archive.ok()) return 2;
  return PrintAudit(storage::AuditArchive(archive->get(), args.Options()), args.format, "audit");
}

int VerifyCommand(const std::vector<std::string>& argv) {
  CLI::App app("Re-hashes every file of every version of one package and checks its version records\n"
               "against the catalog. Exit status: 0 intact, 1 problems found, 2 could not run (or no such package).",
               "bevara verify");
  AuditArgs args;
  std::string package;
  args.AddTo(app);
  app.add_option("PACKAGE-ID", package, "the package to verify")->required();
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  const std::string data = DataDir(args.data);
  if (!RequireArchive(data, "verify")) return 2;
  auto archive = OpenArchive(data, "verify", /*read_only=*/true);
  if (!archive.ok() || CatalogLags(archive->get(), "verify")) return 2;
  return PrintAudit(storage::VerifyPackage(archive->get(), package, args.Options()), args.format, "verify");
}

int ExportCommand(const std::vector<std::string>& argv) {
  CLI::App app("Writes one version of a package: DIR/METS.xml (the AIP METS) and DIR/submission/ (the\n"
               "package as submitted, byte for byte); with --ocfl, every package as an OCFL 1.1 storage root.\n"
               "Every file is verified before it takes its name. DIR must not exist or be empty.\n"
               "usage: bevara export [--data DIR] [--version N] PACKAGE-ID DIR\n"
               "       bevara export [--data DIR] --ocfl DIR",
               "bevara export");
  std::string data;
  uint32_t version = 0;
  bool ocfl = false;
  std::vector<std::string> positional;
  AddDataOption(app, &data);
  app.add_option("--version", version, "the version to export (default: the latest)")->check(AtLeast(1));
  app.add_flag("--ocfl", ocfl, "export every package as an OCFL 1.1 storage root into DIR");
  app.add_option("ARGS", positional, "PACKAGE-ID DIR, or DIR with --ocfl")->required();
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  if (positional.size() != (ocfl ? 1u : 2u)) {
    std::cerr << "bevara export: " << (ocfl ? "--ocfl takes one DIR" : "give a PACKAGE-ID and a DIR") << "\n"
              << app.help();
    return 2;
  }
  if (ocfl && version != 0) return Fail("export", "--version and --ocfl do not go together (OCFL holds every version)");
  data = DataDir(data);
  if (!RequireArchive(data, "export")) return 2;
  auto archive = OpenArchive(data, "export", /*read_only=*/true);
  if (!archive.ok() || CatalogLags(archive->get(), "export")) return 2;
  auto stats = ocfl ? storage::ExportOcfl(archive->get(), positional[0])
                    : storage::ExportPackage(archive->get(), positional[0], positional[1], version);
  if (!stats.ok()) return Fail("export", stats.status().ToString());
  std::cout << "exported " << stats->packages << " packages, " << stats->versions << " versions, " << stats->files
            << " files, " << stats->bytes << " bytes to " << positional.back() << "\n";
  return 0;
}

namespace {

// Disposal reaching every object-store copy the configuration names.
int CollectCopies(storage::Archive* archive, const storage::CopyPolicy& policy) {
  auto set = storage::CopySet::Open(archive, policy);
  if (!set.ok()) return Fail("gc", set.status().ToString());
  int rc = 0;
  for (const storage::OpenCopy& copy : (*set)->copies()) {
    auto* store = dynamic_cast<storage::S3BlobStore*>(copy.store);
    if (copy.local || !store) continue;
    auto report = storage::CollectCopyGarbage(archive, store->client(), copy.ledger);
    if (!report.ok()) {
      rc = Fail("gc", "copy " + copy.name + ": " + report.status().ToString());
      continue;
    }
    std::cout << report->ToText(copy.name);
    if (!report->locked.empty()) rc = std::max(rc, 1);
  }
  return rc;
}

}  // namespace

int GcCommand(const std::vector<std::string>& argv) {
  CLI::App app("Removes blobs no archived version references and staging files of interrupted ingests; with\n"
               "--config, also from every object-store copy it names (every version of the object; one under\n"
               "Object Lock is kept until its retention ends, and named). Exit status: 0 done, 1 some copies\n"
               "keep locked blobs, 2 could not run.",
               "bevara gc");
  std::string data, config_file;
  AddDataOption(app, &data);
  app.add_option("--config", config_file, "the server's configuration file naming the copies")->type_name("FILE");
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  server::ServerConfig config;
  if (!config_file.empty()) {
    auto loaded = LoadCopyConfig(config_file, data);
    if (!loaded.ok()) return Fail("gc", loaded.status().message());
    config = *loaded;
    data = config.data_dir;
  } else {
    data = DataDir(data);
  }
  if (!RequireArchive(data, "gc")) return 2;
  // gc writes only to the store: the catalog is opened to read only, so that
  // gc runs on a full disk, which is when it is needed.
  auto archive = OpenArchive(data, "gc", /*read_only=*/true);
  if (!archive.ok()) return 2;
  auto stats = storage::CollectGarbage(archive->get());
  if (!stats.ok()) return Fail("gc", stats.status().ToString());
  std::cout << "kept " << stats->blobs_kept << " blobs; removed " << stats->blobs_removed << " blobs ("
            << stats->bytes_removed << " bytes) and " << stats->staging_files_removed << " staging files\n";
  return config.copies.has_remote() ? CollectCopies(archive->get(), config.copies) : 0;
}

int RebuildCommand(const std::vector<std::string>& argv) {
  CLI::App app("Rebuilds the catalog from the store alone (the version log and the version records). The old\n"
               "catalog is kept as catalog.before-rebuild.TIME. Refused when the old catalog knows versions the\n"
               "log does not. Exit status: 0 rebuilt, 1 refused or some version records unreadable, 2 could not run.",
               "bevara rebuild");
  std::string data;
  AddDataOption(app, &data);
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  data = DataDir(data);
  if (!RequireArchive(data, "rebuild")) return 2;
  auto outcome = storage::RebuildCatalog(Env::Default(), data);
  if (!outcome.ok()) return Fail("rebuild", outcome.status().ToString());
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
