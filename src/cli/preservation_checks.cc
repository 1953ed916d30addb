#include "src/cli/preservation_checks.h"

#include "src/common/file_util.h"

namespace bevara::cli {
namespace {

Result<std::string> ReadSignatureFile(Env* env, const std::string& path, const char* key) {
  auto text = ReadFileToString(env, path, 64ull << 20);
  if (!text.ok()) return Status::InvalidArgument(std::string("configuration: ") + key + " cannot be read");
  return text;
}

}  // namespace

Status ConfigurePreservationChecks(Env* env, const server::ServerConfig& config, ingest::IngestOptions* options) {
  if (!config.droid_signature_file.empty()) {
    auto droid = ReadSignatureFile(env, config.droid_signature_file, "formats.droid_signature_file");
    if (!droid.ok()) return droid.status();
    auto containers = ReadSignatureFile(env, config.container_signature_file, "formats.container_signature_file");
    if (!containers.ok()) return containers.status();
    auto files = ingest::formats::ReadSignatureFiles(*droid, *containers);
    if (!files.ok()) return Status::InvalidArgument("configuration: formats signature files: " + files.status().message());
    auto identifier = ingest::formats::PronomIdentifier::Create(std::move(*files));
    if (!identifier.ok()) return identifier.status();
    options->pronom = std::move(*identifier);
  }
  auto policy = ingest::formats::FormatPolicy::FromLists(config.formats_accepted, config.formats_accepted_for_now,
                                                         config.format_policy_action);
  if (!policy.ok()) return Status::InvalidArgument("configuration: formats: " + policy.status().message());
  options->format_policy = std::move(*policy);
  options->scan_required = config.scan_required;
  if (!config.clamav_database.empty()) {
    ingest::scan::VirusScanOptions scan;
    scan.database_dir = config.clamav_database;
    scan.max_file_size = scan.max_scan_size = config.scan_max_file_size;
    scan.max_scan_seconds = static_cast<uint32_t>(config.scan_max_seconds);
    scan.max_recursion = static_cast<uint32_t>(config.scan_max_recursion);
    scan.max_files = static_cast<uint32_t>(config.scan_max_files);
    auto scanner = ingest::scan::VirusScanner::Open(scan);
    if (!scanner.ok()) return Status::InvalidArgument("configuration: " + scanner.status().message());
    options->scanner = std::move(*scanner);
  }
  return Status::OK();
}

}  // namespace bevara::cli
