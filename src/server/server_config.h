// ServerConfig: everything `bevara serve` can be told, with the defaults it
// runs on when told nothing (127.0.0.1:8080, ./bevara-data).
//
// A config file (--config) is JSON (.json) or INI (any other name), read
// with Poco::Util; keys are the same in both, e.g. in INI:
//   [server]            address = 0.0.0.0 ; port = 8443
//   [tls]               certificate = /etc/bevara/cert.pem ; private_key = ...
//   [limits]            max_package_bytes = 4294967296
// and in JSON {"server": {"port": 8443}, "limits": {...}}. Sizes take units
// (64GiB, 512MiB, 10GB), durations too (30s, 10min). A key bevara does not
// know, or a line it cannot read, is an error naming it: a setting silently
// ignored is one the operator believes in and does not have. Command-line
// options (--address, --port, --data) override the file.
#pragma once

#include <cstdint>
#include <string>

#include "src/common/result.h"
#include "storage/copies/copy_policy.h"

namespace bevara::server {

struct ServerConfig {
  // [server]
  std::string address = "127.0.0.1";
  int port = 8080;             // 0: any free port (tests); the chosen one is written to <data>/server/address
  std::string data_dir = "./bevara-data";
  // [http]: Poco's own defaults (64 queued connections dropped beyond that,
  // unlimited keep-alive requests) are not safe, so every one is set.
  int http_threads = 64;           // connections served at once (a keep-alive connection holds one)
  int http_max_queued = 512;       // accepted connections waiting for a thread
  int request_timeout_seconds = 30;   // longest wait for the next bytes of a request
  int head_timeout_seconds = 10;      // the whole request head, from the connection's start (plain HTTP)
  int max_connections_per_client = 64;  // open at once from one address (not trusted proxies)
  uint64_t min_body_bytes_per_second = 1024;  // slower bodies are cut off after a grace of 10 s
  int keep_alive_seconds = 10;
  int max_keep_alive_requests = 1000;
  // Files served often are verified once and kept locked in memory
  // (PinnedBlobs): at most this much; 0 hashes every transfer as it is sent.
  uint64_t pinned_bytes = 256ull << 20;
  // Reverse proxies whose X-Forwarded-For is believed ("10.0.0.5, ::1"):
  // requests through them are limited and logged by the client's address.
  std::string trusted_proxies;
  // [limits]
  uint64_t max_package_bytes = 64ull << 30;  // a deposit's body
  int max_page_size = 1000;                  // list endpoints
  // [ingest]
  int ingest_workers = 2;   // packages validated and stored at once
  int deposit_queue = 16;   // deposits accepted and waiting (or uploading); more get 503
  // [audit]
  uint64_t audit_max_bytes_per_second = 0;  // 0: as fast as the disk allows
  // [public]: the interface without a token, per client address.
  double public_requests_per_second = 10;  // 0: no limit
  double public_burst = 30;
  // [search]
  uint64_t extract_max_file_bytes = 64ull << 20;  // larger files are archived, but their text is not indexed
  uint64_t extract_max_text_bytes = 1ull << 20;   // text kept per file
  // [formats]: PRONOM identification and the format policy.
  std::string format_policy_action = "warn";  // or "reject": what not-accepted formats do to a package
  std::string formats_accepted, formats_accepted_for_now;  // PUID lists; empty: the default lists
  std::string droid_signature_file, container_signature_file;  // both or neither; empty: the compiled-in copies
  // [scan]: ClamAV. A database directory turns scanning on.
  std::string clamav_database;
  bool scan_required = false;  // true: without a loaded database, deposits are refused
  uint64_t scan_max_file_size = 4000ull << 20;
  int scan_max_seconds = 600;
  int scan_max_recursion = 16;
  int scan_max_files = 100000;
  // [tls]: both set turns TLS on (TLS 1.2 minimum).
  std::string tls_certificate, tls_private_key;
  // [copy.NAME] (INI) or {"copies": {"NAME": {...}}} (JSON): the copies of
  // the blobs and how each is audited (storage/copies/copy_policy.h).
  storage::CopyPolicy copies = storage::LocalOnlyPolicy();

  bool tls() const { return !tls_certificate.empty(); }
  // InvalidArgument naming the offending key.
  Status Check() const;
};

// Reads `path` over the defaults. InvalidArgument naming the key (and INI
// line) for an unreadable file, an unknown key or a value out of range.
Result<ServerConfig> LoadServerConfig(const std::string& path, ServerConfig defaults = {});

}  // namespace bevara::server
