#include "src/server/server_config.h"

#include <cstdlib>
#include <cstring>

#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "src/common/units.h"
#include "src/server/client_address.h"
#include "src/server/config_file.h"

namespace bevara::server {
namespace {

// How one key's text becomes its field; an empty answer means it did.
using Setter = std::function<std::string(const std::string& text, ServerConfig* c)>;

Setter String(std::string ServerConfig::*field) {
  return [field](const std::string& text, ServerConfig* c) { return (c->*field = text, std::string()); };
}

Setter Int(int ServerConfig::*field) {
  return [field](const std::string& text, ServerConfig* c) -> std::string {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return "'" + text + "' is not a whole number";
    c->*field = value;
    return {};
  };
}

Setter Size(uint64_t ServerConfig::*field) {
  return [field](const std::string& text, ServerConfig* c) -> std::string {
    auto bytes = ParseSize(text);
    if (!bytes) return "'" + text + "' is not a size (bytes, or with a unit: 512KiB, 64MiB, 4GiB, 10GB)";
    c->*field = *bytes;
    return {};
  };
}

Setter Seconds(int ServerConfig::*field) {
  return [field](const std::string& text, ServerConfig* c) -> std::string {
    auto seconds = ParseDuration(text);
    if (!seconds || *seconds > 1e6 || *seconds != static_cast<int>(*seconds)) {
      return "'" + text + "' is not a duration in whole seconds (30, 30s, 10min, 1h)";
    }
    c->*field = static_cast<int>(*seconds);
    return {};
  };
}

Setter Bool(bool ServerConfig::*field) {
  return [field](const std::string& value, ServerConfig* c) -> std::string {
    if (value != "true" && value != "false") return "must be true or false";
    c->*field = value == "true";
    return {};
  };
}

Setter Number(double ServerConfig::*field) {
  return [field](const std::string& text, ServerConfig* c) -> std::string {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) {
      return "'" + text + "' is not a number";
    }
    c->*field = value;
    return {};
  };
}

// Every key a configuration file may set.
const std::map<std::string, Setter>& Keys() {
  static const auto* keys = new std::map<std::string, Setter>{
      {"server.address", String(&ServerConfig::address)},
      {"server.port", Int(&ServerConfig::port)},
      {"server.data_dir", String(&ServerConfig::data_dir)},
      {"http.threads", Int(&ServerConfig::http_threads)},
      {"http.max_queued", Int(&ServerConfig::http_max_queued)},
      {"http.request_timeout_seconds", Seconds(&ServerConfig::request_timeout_seconds)},
      {"http.keep_alive_seconds", Seconds(&ServerConfig::keep_alive_seconds)},
      {"http.head_timeout_seconds", Seconds(&ServerConfig::head_timeout_seconds)},
      {"http.max_connections_per_client", Int(&ServerConfig::max_connections_per_client)},
      {"http.min_body_bytes_per_second", Size(&ServerConfig::min_body_bytes_per_second)},
      {"http.max_keep_alive_requests", Int(&ServerConfig::max_keep_alive_requests)},
      {"http.pinned_bytes", Size(&ServerConfig::pinned_bytes)},
      {"http.trusted_proxies", String(&ServerConfig::trusted_proxies)},
      {"limits.max_package_bytes", Size(&ServerConfig::max_package_bytes)},
      {"limits.max_page_size", Int(&ServerConfig::max_page_size)},
      {"ingest.workers", Int(&ServerConfig::ingest_workers)},
      {"ingest.deposit_queue", Int(&ServerConfig::deposit_queue)},
      {"audit.max_bytes_per_second", Size(&ServerConfig::audit_max_bytes_per_second)},
      {"public.requests_per_second", Number(&ServerConfig::public_requests_per_second)},
      {"public.burst", Number(&ServerConfig::public_burst)},
      {"search.extract_max_file_bytes", Size(&ServerConfig::extract_max_file_bytes)},
      {"search.extract_max_text_bytes", Size(&ServerConfig::extract_max_text_bytes)},
      {"formats.policy_action", String(&ServerConfig::format_policy_action)},
      {"formats.accepted", String(&ServerConfig::formats_accepted)},
      {"formats.accepted_for_now", String(&ServerConfig::formats_accepted_for_now)},
      {"formats.droid_signature_file", String(&ServerConfig::droid_signature_file)},
      {"formats.container_signature_file", String(&ServerConfig::container_signature_file)},
      {"scan.clamav_database", String(&ServerConfig::clamav_database)},
      {"scan.required", Bool(&ServerConfig::scan_required)},
      {"scan.max_file_size", Size(&ServerConfig::scan_max_file_size)},
      {"scan.max_scan_seconds", Seconds(&ServerConfig::scan_max_seconds)},
      {"scan.max_recursion", Int(&ServerConfig::scan_max_recursion)},
      {"scan.max_files", Int(&ServerConfig::scan_max_files)},
      {"tls.certificate", String(&ServerConfig::tls_certificate)},
      {"tls.private_key", String(&ServerConfig::tls_private_key)},
  };
  return *keys;
}

// "[http] threads" for INI readers, "http.threads" is what Check() names.
std::string KnownKeysOf(const std::string& section) {
  std::string known;
  for (const auto& [name, setter] : Keys()) {
    if (name.compare(0, section.size() + 1, section + ".") != 0) continue;
    known += (known.empty() ? "" : ", ") + name.substr(section.size() + 1);
  }
  return known;
}

}  // namespace

Status ServerConfig::Check() const {
  auto bad = [](const std::string& key, const std::string& why) {
    return Status::InvalidArgument("configuration: " + key + " " + why);
  };
  if (port < 0 || port > 65535) return bad("server.port", "must be 0..65535");
  if (data_dir.empty()) return bad("server.data_dir", "must not be empty");
  if (http_threads < 2 || http_threads > 4096) return bad("http.threads", "must be 2..4096");
  if (http_max_queued < 1) return bad("http.max_queued", "must be at least 1");
  if (request_timeout_seconds < 1) return bad("http.request_timeout_seconds", "must be at least 1");
  if (keep_alive_seconds < 1) return bad("http.keep_alive_seconds", "must be at least 1");
  if (pinned_bytes > (64ull << 30)) return bad("http.pinned_bytes", "must be at most 64 GiB (it is locked in memory)");
  if (head_timeout_seconds < 1) return bad("http.head_timeout_seconds", "must be at least 1");
  if (max_connections_per_client < 1) return bad("http.max_connections_per_client", "must be at least 1");
  if (max_keep_alive_requests < 1) return bad("http.max_keep_alive_requests", "must be at least 1");
  std::set<std::string> proxies;
  std::string why;
  if (!ParseAddressList(trusted_proxies, &proxies, &why)) return bad("http.trusted_proxies", why);
  if (max_package_bytes < 1024) return bad("limits.max_package_bytes", "must be at least 1024");
  if (max_page_size < 1) return bad("limits.max_page_size", "must be at least 1");
  if (ingest_workers < 1 || ingest_workers > 256) return bad("ingest.workers", "must be 1..256");
  if (deposit_queue < 1) return bad("ingest.deposit_queue", "must be at least 1");
  if (public_requests_per_second < 0) return bad("public.requests_per_second", "must not be negative");
  if (public_burst < 1) return bad("public.burst", "must be at least 1");
  if (format_policy_action != "warn" && format_policy_action != "reject") {
    return bad("formats.policy_action", "must be warn or reject");
  }
  if (droid_signature_file.empty() != container_signature_file.empty()) {
    return bad("formats.droid_signature_file", "and formats.container_signature_file go together");
  }
  if (scan_max_file_size < 1 || scan_max_file_size > (4000ull << 20)) return bad("scan.max_file_size", "must be 1 B..4000 MiB");
  if (scan_max_seconds < 1) return bad("scan.max_scan_seconds", "must be at least 1");
  if (scan_max_recursion < 1 || scan_max_recursion > 64) return bad("scan.max_recursion", "must be 1..64");
  if (scan_max_files < 1) return bad("scan.max_files", "must be at least 1");
  if (extract_max_text_bytes < 1024) return bad("search.extract_max_text_bytes", "must be at least 1024");
  if (tls_certificate.empty() != tls_private_key.empty()) {
    return bad("tls", "needs both certificate and private_key");
  }
  return Status::OK();
}

Result<ServerConfig> LoadServerConfig(const std::string& path, ServerConfig defaults) {
  auto settings = ReadConfigFile(path);
  if (!settings.ok()) return settings.status();
  std::map<std::string, storage::CopySetting> copies;
  for (const auto& [name, value] : *settings) {
    const std::string where = value.where.empty() ? "" : " (" + value.where + ")";
    // [copy.NAME] in INI, {"copies": {"NAME": ...}} in JSON: one section per copy.
    for (const char* prefix : {"copy.", "copies."}) {
      if (name.rfind(prefix, 0) == 0) copies[name.substr(std::strlen(prefix))] = {value.text, value.where};
    }
    if (name.rfind("copy.", 0) == 0 || name.rfind("copies.", 0) == 0) continue;
    auto key = Keys().find(name);
    if (key == Keys().end()) {
      const std::string section = name.substr(0, name.find('.'));
      const std::string known = KnownKeysOf(section);
      return Status::InvalidArgument("configuration " + path + ": unknown key " + name + where +
                                     (known.empty() ? "; there is no section '" + section + "'"
                                                    : "; [" + section + "] knows " + known));
    }
    if (std::string why = key->second(value.text, &defaults); !why.empty()) {
      return Status::InvalidArgument("configuration " + path + ": " + name + where + ": " + why);
    }
  }
  auto policy = storage::ParseCopyPolicy(copies, [](const char* variable) { return std::getenv(variable); });
  if (!policy.ok()) return Status::InvalidArgument("configuration " + path + ": " + policy.status().message());
  defaults.copies = std::move(*policy);
  BEVARA_RETURN_IF_ERROR(defaults.Check());
  return defaults;
}

}  // namespace bevara::server
