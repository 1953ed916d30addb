// bevara formats: what the archive holds per PRONOM format, for
// preservation planning.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "ingest/pipeline/reidentifier.h"
#include "src/cli/preservation_checks.h"
#include "src/services/format_report.h"
#include "storage/archive/archive.h"

namespace bevara::cli {

namespace {

// Identifies every archived file again, printing progress to stderr.
int Reidentify(storage::Archive* archive, const ingest::IngestOptions& checks, double rate_mb) {
  ingest::ReidentifyOptions options;
  options.pronom = checks.pronom;
  if (!options.pronom) {
    auto shared = ingest::formats::PronomIdentifier::SharedEmbedded();
    if (!shared.ok()) {
      std::cerr << "bevara formats: " << shared.status().ToString() << "\n";
      return 2;
    }
    options.pronom = *shared;
  }
  options.policy = checks.format_policy;
  options.max_bytes_per_second = static_cast<uint64_t>(std::min(rate_mb, 1e12) * 1e6);
  auto last = std::chrono::steady_clock::now();
  auto print = [](const ingest::ReidentifyProgress& p) {
    std::cerr << "re-identified " << p.packages_done << "/" << p.packages_total << " packages, " << p.files
              << " files (" << p.bytes_read << " bytes read): " << p.files_changed << " files changed, "
              << p.new_versions << " new versions\n";
  };
  options.progress = [&](const ingest::ReidentifyProgress& p) {
    if (std::chrono::steady_clock::now() - last < std::chrono::seconds(1)) return;
    last = std::chrono::steady_clock::now();
    print(p);
  };
  ingest::ReidentifyProgress progress;
  Status s = ingest::Reidentify(archive, options, &progress);
  print(progress);
  if (!s.ok()) {
    std::cerr << "bevara formats: stopped at package '" << progress.current << "': " << s.ToString()
              << " (the packages before it are done; running again is safe)\n";
    return 2;
  }
  return 0;
}

}  // namespace

int FormatsCommand(const std::vector<std::string>& argv) {
  CLI::App app("Lists what the archive holds per PRONOM format (the head version of every package): files, bytes\n"
               "and the format policy's state (accepted, accepted_for_now, not_accepted), most files first.\n"
               "With --identify, first identifies every archived file again (after a signature file update):\n"
               "a package whose formats changed gets a new version recording them, with a PREMIS event.\n"
               "Exit status: 0 listed, 2 could not run.",
               "bevara formats");
  std::string data, config_file, output = "text";
  bool identify = false;
  double rate_mb = 0;
  AddDataOption(app, &data);
  app.add_option("--config", config_file, "the server's configuration file, for its [formats] policy")->type_name("FILE");
  app.add_option("--format", output, "text or json")->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--identify", identify, "identify every archived file's format again first");
  app.add_option("--rate", rate_mb, "with --identify: read at most this many megabytes per second")
      ->type_name("MB/s")
      ->check(AtLeast(0));
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  data = DataDir(data);
  if (!RequireArchive(data, "formats")) return 2;
  ingest::IngestOptions options;
  if (!config_file.empty()) {
    auto config = server::LoadServerConfig(config_file);
    if (config.ok()) config->clamav_database.clear();  // the policy and signatures are all this needs
    Status s = config.ok() ? ConfigurePreservationChecks(Env::Default(), *config, &options) : config.status();
    if (!s.ok()) {
      std::cerr << "bevara formats: " << s.message() << "\n";
      return 2;
    }
  }
  storage::ArchiveOptions archive_options;
  archive_options.read_only = !identify;
  auto archive = storage::Archive::Open(Env::Default(), data, archive_options);
  if (!archive.ok()) {
    std::cerr << "bevara formats: cannot open the archive: " << archive.status().ToString() << "\n";
    return 2;
  }
  if (identify && Reidentify(archive->get(), options, rate_mb) != 0) return 2;
  auto report = services::BuildFormatReport((*archive)->catalog(), options.format_policy);
  if (!report.ok()) {
    std::cerr << "bevara formats: " << report.status().ToString() << "\n";
    return 2;
  }
  if (output == "json") {
    std::cout << services::ToJson(*report).dump() << "\n";
    return 0;
  }
  std::cout << report->packages << " packages, " << report->files << " files, " << report->bytes << " bytes\n";
  std::printf("%-14s %-17s %10s %15s  %s\n", "PUID", "POLICY", "FILES", "BYTES", "FORMAT");
  for (const services::FormatCount& c : report->formats) {
    std::printf("%-14s %-17s %10llu %15llu  %s%s%s\n", c.puid.c_str(), c.policy.c_str(),
                static_cast<unsigned long long>(c.files), static_cast<unsigned long long>(c.bytes), c.name.c_str(),
                c.version.empty() ? "" : " ", c.version.c_str());
  }
  return 0;
}

}  // namespace bevara::cli
