// bevara copies [status] | sync: the copies of the archive's blobs that the
// configuration names, how far each is behind, and bringing them level.
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/copy_config.h"
#include "src/server/server_config.h"
#include "storage/copies/copy_set.h"
#include "storage/copies/copy_status.h"
#include "storage/copies/replicator.h"

namespace bevara::cli {

Result<server::ServerConfig> LoadCopyConfig(const std::string& config_file, const std::string& data) {
  server::ServerConfig config;
  if (!config_file.empty()) {
    auto loaded = server::LoadServerConfig(config_file);
    if (!loaded.ok()) return loaded.status();
    config = *loaded;
  }
  const char* env_data = std::getenv("BEVARA_DATA");
  if (!data.empty() || (env_data && *env_data) || config_file.empty()) config.data_dir = DataDir(data);
  return config;
}

namespace {

int Sync(storage::Archive* archive, const storage::CopySet& copies, const std::string& only, const std::string& format) {
  nlohmann::json out = nlohmann::json::object();
  int rc = 0;
  for (const storage::OpenCopy& copy : copies.copies()) {
    if (copy.local || (!only.empty() && copy.name != only)) continue;
    auto report = storage::Replicate(archive, copy.store, copy.ledger);
    if (!report.ok()) {
      std::cerr << "bevara copies sync: copy " << copy.name << ": " << report.status().ToString() << "\n";
      out[copy.name] = {{"error", report.status().ToString()}};
      rc = 2;
      continue;
    }
    if (!report->problems.empty()) rc = std::max(rc, 1);
    if (format == "json") {
      out[copy.name] = nlohmann::json::parse(report->ToJson());
      continue;
    }
    std::cout << "copy " << copy.name << ": " << report->blobs_sent << " blobs (" << report->bytes_sent << " bytes) sent, "
              << report->versions_copied << " versions now complete, in " << report->seconds << " s\n";
    for (const std::string& p : report->problems) std::cout << "  NOT COPIED: " << p << "\n";
  }
  if (format == "json") std::cout << out.dump(2) << "\n";
  return rc;
}

std::string StatusText(const nlohmann::json& status) {
  std::string out;
  for (const nlohmann::json& c : status["copies"]) {
    out += "copy " + c["name"].get<std::string>() + " (" + c["type"].get<std::string>() + ", " +
           c["where"].get<std::string>() + "): audited every " + std::to_string(c["audit_period_days"].get<int>()) + " days";
    if (c.contains("confirmed")) {
      out += "\n  holds " + std::to_string(c["confirmed"]["blobs"].get<uint64_t>()) + " blobs (" +
             std::to_string(c["confirmed"]["bytes"].get<uint64_t>()) + " bytes); behind by " +
             std::to_string(c["lag"]["blobs"].get<uint64_t>()) + " blobs (" + std::to_string(c["lag"]["bytes"].get<uint64_t>()) +
             " bytes)";
      size_t shown = 0;
      for (const nlohmann::json& m : c["lag"]["sample"]) {
        if (++shown > 5) break;
        out += "\n    missing " + m["blob"].get<std::string>() + " of " + m["package"].get<std::string>() + " v" +
               std::to_string(m["version"].get<uint32_t>());
      }
      const uint64_t behind = c["lag"]["blobs"].get<uint64_t>();
      if (behind > 5) out += "\n    ... and " + std::to_string(behind - 5) + " more (bevara copies sync sends them)";
    }
    for (const nlohmann::json& d : c["damaged"]) {
      out += "\n  DAMAGED " + d["blob"].get<std::string>() + ": " + d["finding"].get<std::string>();
    }
    out += "\n";
  }
  out += status["level"].get<bool>() ? "every copy is level and whole\n" : "NOT LEVEL: see above\n";
  return out;
}

}  // namespace

int CopiesCommand(const std::vector<std::string>& argv) {
  CLI::App app("The copies of the archive's blobs named in the configuration ([copy.NAME] sections):\n"
               "  bevara copies [status]   each copy, what it holds, how far it is behind, what is damaged where\n"
               "  bevara copies sync       send every blob a copy lacks; returns when all are level\n"
               "Exit status: 0 level (status: and nothing damaged), 1 behind or problems, 2 could not run.",
               "bevara copies");
  std::string data, config_file, format = "text", only;
  AddDataOption(app, &data);
  app.add_option("--config", config_file, "the server's configuration file (JSON or INI) naming the copies");
  app.add_option("--format", format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  CLI::App* status = app.add_subcommand("status", "what each copy holds and lacks (the default)");
  CLI::App* sync = app.add_subcommand("sync", "copy what is missing, then return");
  sync->add_option("--copy", only, "only this copy");
  status->fallthrough();  // --config, --data and --format after the subcommand too
  sync->fallthrough();
  app.require_subcommand(0, 1);
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  auto config = LoadCopyConfig(config_file, data);
  if (!config.ok()) return Fail("copies", config.status().message());
  if (!only.empty() && !config->copies.Find(only)) return Fail("copies", "the configuration names no copy " + only);
  if (!RequireArchive(config->data_dir, "copies")) return 2;
  auto archive = storage::Archive::Open(Env::Default(), config->data_dir, {});
  if (!archive.ok()) return Fail("copies", "cannot open the archive: " + archive.status().ToString());
  auto copies = storage::CopySet::Open(archive->get(), config->copies, /*allow_unreachable=*/!sync->parsed());
  if (!copies.ok()) return Fail("copies", copies.status().ToString());
  if (sync->parsed()) return Sync(archive->get(), **copies, only, format);
  (void)status;
  auto report = storage::CopiesStatus(archive->get(), **copies);
  if (!report.ok()) return Fail("copies", report.status().ToString());
  std::cout << (format == "json" ? report->dump(2) + "\n" : StatusText(*report));
  return (*report)["level"].get<bool>() ? 0 : 1;
}

int AuditCopyCommand(const CopyAuditRequest& request) {
  auto config = LoadCopyConfig(request.config_file, request.data);
  if (!config.ok()) return Fail("audit", config.status().message());
  const storage::CopySpec* spec = config->copies.Find(request.copy);
  if (!spec) return Fail("audit", "the configuration names no copy " + request.copy + " (--config FILE names the copies)");
  if (!RequireArchive(config->data_dir, "audit")) return 2;
  auto archive = storage::Archive::Open(Env::Default(), config->data_dir, {});
  if (!archive.ok()) return Fail("audit", "cannot open the archive: " + archive.status().ToString());
  auto copies = storage::CopySet::Open(archive->get(), config->copies);
  if (!copies.ok()) return Fail("audit", copies.status().ToString());
  storage::CopyAuditOptions options;
  options.repair = request.repair;
  options.max_bytes_per_second =
      request.max_bytes_per_second ? request.max_bytes_per_second : spec->audit_max_bytes_per_second;
  auto report = storage::AuditCopy(archive->get(), (*copies)->copies(), request.copy, options);
  if (!report.ok()) return Fail("audit", report.status().ToString());
  std::cout << (request.format == "json" ? report->ToJson() + "\n" : report->ToText());
  return report->unrepaired() == 0 ? 0 : 1;
}

}  // namespace bevara::cli
