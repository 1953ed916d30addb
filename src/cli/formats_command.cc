// bevara formats: what the archive holds per PRONOM format, for
// preservation planning.
#include <cstdio>
#include <iostream>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/preservation_checks.h"
#include "src/services/format_report.h"
#include "storage/archive/archive.h"

namespace bevara::cli {

int FormatsCommand(const std::vector<std::string>& argv) {
  CLI::App app("Lists what the archive holds per PRONOM format (the head version of every package): files, bytes\n"
               "and the format policy's state (accepted, accepted_for_now, not_accepted), most files first.\n"
               "Exit status: 0 listed, 2 could not run.",
               "bevara formats");
  std::string data, config_file, output = "text";
  AddDataOption(app, &data);
  app.add_option("--config", config_file, "the server's configuration file, for its [formats] policy")->type_name("FILE");
  app.add_option("--format", output, "text or json")->check(CLI::IsMember({"text", "json"}));
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  data = DataDir(data);
  if (!RequireArchive(data, "formats")) return 2;
  ingest::IngestOptions options;
  if (!config_file.empty()) {
    auto config = server::LoadServerConfig(config_file);
    if (config.ok()) config->clamav_database.clear();  // the policy is all this needs
    Status s = config.ok() ? ConfigurePreservationChecks(Env::Default(), *config, &options) : config.status();
    if (!s.ok()) {
      std::cerr << "bevara formats: " << s.message() << "\n";
      return 2;
    }
  }
  storage::ArchiveOptions archive_options;
  archive_options.read_only = true;
  auto archive = storage::Archive::Open(Env::Default(), data, archive_options);
  if (!archive.ok()) {
    std::cerr << "bevara formats: cannot open the archive: " << archive.status().ToString() << "\n";
    return 2;
  }
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
