#include "src/server/http_server.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

namespace bevara::server {
namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(Router* router) : router_(router) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
    router_->Dispatch(req, res);
  }

 private:
  Router* router_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(Router* router) : router_(router) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(router_);
  }

 private:
  Router* router_;
};

Poco::Net::ServerSocket Listen(const ServerConfig& c) {
  Poco::Net::SocketAddress address(c.address, static_cast<Poco::UInt16>(c.port));
  if (!c.tls()) return Poco::Net::ServerSocket(address, 256);
  Poco::Net::Context::Params params;
  params.privateKeyFile = c.tls_private_key;
  params.certificateFile = c.tls_certificate;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // clients authenticate with tokens
  params.cipherList = "HIGH:!aNULL:!MD5:!RC4:!3DES";
  Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
  context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                            Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
  context->preferServerCiphers();
  return Poco::Net::SecureServerSocket(address, 256, context);
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerConfig& c, Router* router) {
  std::unique_ptr<HttpServer> s(new HttpServer());
  try {
    Poco::Net::ServerSocket socket = Listen(c);
    s->port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams();
    params->setMaxThreads(c.http_threads);
    params->setMaxQueued(c.http_max_queued);
    params->setTimeout(Poco::Timespan(c.request_timeout_seconds, 0));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(c.keep_alive_seconds, 0));
    params->setMaxKeepAliveRequests(c.max_keep_alive_requests);
    params->setServerName("bevara");
    s->pool_ = std::make_unique<Poco::ThreadPool>(2, c.http_threads + 2, 60, 512 * 1024);
    s->server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(router), *s->pool_, socket, params);
    s->server_->start();
  } catch (const Poco::Exception& e) {
    return Status::InvalidArgument("cannot serve on " + c.address + ":" + std::to_string(c.port) + ": " +
                                   e.displayText());
  }
  return s;
}

HttpServer::~HttpServer() {
  if (server_) server_->stopAll(true);
  if (pool_) pool_->joinAll();
}

}  // namespace bevara::server
