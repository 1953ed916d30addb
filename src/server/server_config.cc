#include "src/server/server_config.h"

#include <set>

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/JSONConfiguration.h>

#include "src/server/client_address.h"

namespace bevara::server {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void ReadInto(const Poco::Util::AbstractConfiguration& c, ServerConfig* out) {
  out->address = c.getString("server.address", out->address);
  out->port = c.getInt("server.port", out->port);
  out->data_dir = c.getString("server.data_dir", out->data_dir);
  out->http_threads = c.getInt("http.threads", out->http_threads);
  out->http_max_queued = c.getInt("http.max_queued", out->http_max_queued);
  out->request_timeout_seconds = c.getInt("http.request_timeout_seconds", out->request_timeout_seconds);
  out->keep_alive_seconds = c.getInt("http.keep_alive_seconds", out->keep_alive_seconds);
  out->max_keep_alive_requests = c.getInt("http.max_keep_alive_requests", out->max_keep_alive_requests);
  out->pinned_bytes = c.getUInt64("http.pinned_bytes", out->pinned_bytes);
  out->trusted_proxies = c.getString("http.trusted_proxies", out->trusted_proxies);
  out->max_package_bytes = c.getUInt64("limits.max_package_bytes", out->max_package_bytes);
  out->max_page_size = c.getInt("limits.max_page_size", out->max_page_size);
  out->ingest_workers = c.getInt("ingest.workers", out->ingest_workers);
  out->deposit_queue = c.getInt("ingest.deposit_queue", out->deposit_queue);
  out->audit_max_bytes_per_second = c.getUInt64("audit.max_bytes_per_second", out->audit_max_bytes_per_second);
  out->public_requests_per_second = c.getDouble("public.requests_per_second", out->public_requests_per_second);
  out->public_burst = c.getDouble("public.burst", out->public_burst);
  out->extract_max_file_bytes = c.getUInt64("search.extract_max_file_bytes", out->extract_max_file_bytes);
  out->extract_max_text_bytes = c.getUInt64("search.extract_max_text_bytes", out->extract_max_text_bytes);
  out->tls_certificate = c.getString("tls.certificate", out->tls_certificate);
  out->tls_private_key = c.getString("tls.private_key", out->tls_private_key);
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
  if (extract_max_text_bytes < 1024) return bad("search.extract_max_text_bytes", "must be at least 1024");
  if (tls_certificate.empty() != tls_private_key.empty()) {
    return bad("tls", "needs both certificate and private_key");
  }
  return Status::OK();
}

Result<ServerConfig> LoadServerConfig(const std::string& path, ServerConfig defaults) {
  try {
    if (EndsWith(path, ".json")) {
      Poco::AutoPtr<Poco::Util::JSONConfiguration> c(new Poco::Util::JSONConfiguration(path));
      ReadInto(*c, &defaults);
    } else {
      Poco::AutoPtr<Poco::Util::IniFileConfiguration> c(new Poco::Util::IniFileConfiguration(path));
      ReadInto(*c, &defaults);
    }
  } catch (const Poco::Exception& e) {
    return Status::InvalidArgument("configuration " + path + ": " + e.displayText());
  } catch (const std::exception& e) {
    return Status::InvalidArgument("configuration " + path + ": " + e.what());
  }
  BEVARA_RETURN_IF_ERROR(defaults.Check());
  return defaults;
}

}  // namespace bevara::server
