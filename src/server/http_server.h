// HttpServer: Poco's HTTPServer, configured with every limit set (Poco's
// defaults drop connections past 64 queued and allow unlimited keep-alive
// requests), plain or TLS 1.2+, sending every request to a Router.
//
// Limits on a request's header come from Poco: at most 100 fields, names of
// 256 and values of 8 KiB; more is refused with 400.
#pragma once

#include <memory>

#include "src/common/result.h"
#include "src/server/router.h"
#include "src/server/server_config.h"

namespace Poco::Net {
class HTTPServer;
}
namespace Poco {
class ThreadPool;
}

namespace bevara::server {

class HttpServer {
 public:
  // Binds and starts serving. REQUIRES: router outlives the server.
  static Result<std::unique_ptr<HttpServer>> Start(const ServerConfig& config, Router* router);
  ~HttpServer();  // stops accepting, waits for requests in progress

  int port() const { return port_; }

 private:
  HttpServer() = default;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

}  // namespace bevara::server
