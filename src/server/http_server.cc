#include "src/server/http_server.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/TCPServerDispatcher.h>
#include <Poco/ThreadPool.h>

#include "src/server/client_address.h"
#include "src/server/connection_gate.h"

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
  // What Poco's HTTPServer::stopAll tells connections: stop (and with
  // `abort`, end the requests in progress).
  void ServerStopped(bool abort) { serverStopped.notify(this, abort); }

 private:
  Router* router_;
};

// Poco's HTTP connection, telling the gate when it ends.
class CountedConnection : public Poco::Net::TCPServerConnection {
 public:
  CountedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, ConnectionGate* gate)
      : Poco::Net::TCPServerConnection(socket),
        http_(socket, std::move(params), std::move(handlers)),
        gate_(gate),
        client_(PeerAddressOf(socket.impl()->sockfd())) {}
  ~CountedConnection() override { gate_->Released(client_); }
  void run() override { http_.run(); }

 private:
  Poco::Net::HTTPServerConnection http_;
  ConnectionGate* gate_;
  std::string client_;
};

class CountedConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  CountedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
                           ConnectionGate* gate)
      : params_(std::move(params)), handlers_(std::move(handlers)), gate_(gate) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new CountedConnection(socket, params_, handlers_, gate_);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
  ConnectionGate* gate_;
};

Poco::Net::HTTPServerParams::Ptr Params(const ServerConfig& c) {
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(c.http_threads);
  params->setMaxQueued(c.http_max_queued);
  params->setTimeout(Poco::Timespan(c.request_timeout_seconds, 0));
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(c.keep_alive_seconds, 0));
  params->setMaxKeepAliveRequests(c.max_keep_alive_requests);
  params->setServerName("bevara");
  return params;
}

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
    s->pool_ = std::make_unique<Poco::ThreadPool>(2, c.http_threads + 2, 60, 512 * 1024);
    if (!c.tls()) {
      auto started = s->StartGated(c, router);
      if (!started.ok()) return started.status();
      return s;
    }
    Poco::Net::ServerSocket socket = Listen(c);
    s->port_ = socket.address().port();
    s->server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(router), *s->pool_, socket, Params(c));
    s->server_->start();
  } catch (const Poco::Exception& e) {
    return Status::InvalidArgument("cannot serve on " + c.address + ":" + std::to_string(c.port) + ": " +
                                   e.displayText());
  }
  return s;
}

Result<bool> HttpServer::StartGated(const ServerConfig& c, Router* router) {
  listener_ = std::make_unique<Poco::Net::ServerSocket>(Listen(c));
  port_ = listener_->address().port();
  Poco::Net::HTTPServerParams::Ptr params = Params(c);
  auto* factory = new Factory(router);
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers = factory;
  handlers_ = factory;
  GateOptions options;
  options.head_deadline_seconds = c.head_timeout_seconds;
  options.max_connections_per_client = c.max_connections_per_client;
  std::string unparsed;  // Check() has refused a bad list
  ParseAddressList(c.trusted_proxies, &options.uncapped, &unparsed);
  const int max_queued = c.http_max_queued;
  auto gate = ConnectionGate::Create(listener_->impl()->sockfd(), options, [this, max_queued](int fd, const std::string&) {
    // A full queue would drop the connection without a word (and without the
    // gate hearing that it ended): refused here instead, with 503.
    if (dispatcher_->queuedConnections() >= max_queued) return false;
    dispatcher_->enqueue(Poco::Net::StreamSocket(new Poco::Net::StreamSocketImpl(fd)));
    return true;
  });
  if (!gate.ok()) return gate.status();
  gate_ = std::move(*gate);
  dispatcher_ = new Poco::Net::TCPServerDispatcher(new CountedConnectionFactory(params, handlers, gate_.get()), *pool_,
                                                   params);
  gate_->StartAccepting();
  return true;
}

HttpServer::~HttpServer() {
  if (server_) server_->stopAll(true);
  if (gate_) {
    gate_->Stop();  // no new connections
    static_cast<Factory*>(handlers_)->ServerStopped(/*abort=*/true);  // and those in progress end, as stopAll(true) does
    dispatcher_->stop();
  }
  if (pool_) pool_->joinAll();
  if (dispatcher_) dispatcher_->release();
}

}  // namespace bevara::server
