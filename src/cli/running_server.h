// RunningServer: everything `bevara serve` runs, assembled from one
// configuration: the archive, the access files, the services, the routes
// and the HTTP server, in the order they depend on each other. The serve
// command and the HTTP fuzz target (tools/fuzz/fuzz_http.cc) both use it.
//
// At start it also sets aside damaged side files and removes what crashes
// left (startup_recovery.h), and writes the first admin token.
#pragma once

#include <memory>
#include <string>

#include "src/common/result.h"
#include "src/server/server_config.h"

namespace bevara::cli {

class RunningServer {
 public:
  // Opens the archive in config.data_dir (creating it only with `init`) and
  // starts serving. Messages for the operator go to stdout and stderr.
  static Result<std::unique_ptr<RunningServer>> Start(const server::ServerConfig& config, bool init);
  // Stops: no new requests, those in progress end, deposits finish or stay
  // queued, the audit log records the stop.
  ~RunningServer();

  const std::string& url() const { return url_; }
  int port() const;

 private:
  RunningServer() = default;
  struct Parts;
  std::unique_ptr<Parts> parts_;
  std::string url_;
};

}  // namespace bevara::cli
