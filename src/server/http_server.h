// HttpServer: Poco's HTTPServer, configured with every limit set (Poco's
// defaults drop connections past 64 queued and allow unlimited keep-alive
// requests), plain or TLS 1.2+, sending every request to a Router.
//
// Limits on a request's header come from Poco: at most 100 fields, names of
// 256 and values of 8 KiB; more is refused with 400.
//
// Plain HTTP goes through a ConnectionGate first: a connection reaches a
// worker thread only once its request head is whole (slow clients hold no
// thread), and one client address holds a bounded number of connections.
#pragma once

#include <memory>

#include "src/common/result.h"
#include "src/server/router.h"
#include "src/server/server_config.h"

namespace Poco::Net {
class HTTPServer;
class HTTPRequestHandlerFactory;
class ServerSocket;
class TCPServerDispatcher;
}
namespace Poco {
class ThreadPool;
}

namespace bevara::server {

class ConnectionGate;

class HttpServer {
 public:
  // Binds and starts serving. REQUIRES: router outlives the server.
  static Result<std::unique_ptr<HttpServer>> Start(const ServerConfig& config, Router* router);
  ~HttpServer();  // stops accepting, waits for requests in progress

  int port() const { return port_; }

 private:
  HttpServer() = default;
  Result<bool> StartGated(const ServerConfig& config, Router* router);

  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;  // TLS: Poco's server as it is
  // Plain HTTP: the gate in front of Poco's dispatcher.
  std::unique_ptr<Poco::Net::ServerSocket> listener_;
  std::unique_ptr<ConnectionGate> gate_;
  Poco::Net::TCPServerDispatcher* dispatcher_ = nullptr;  // reference-counted by Poco
  Poco::Net::HTTPRequestHandlerFactory* handlers_ = nullptr;  // owned by the dispatcher's factory
  int port_ = 0;
};

}  // namespace bevara::server
