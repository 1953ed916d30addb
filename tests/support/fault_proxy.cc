#include "tests/support/fault_proxy.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace bevara::testing {
namespace {

bool HopByHop(const std::string& name) {
  return Poco::icompare(name, "Connection") == 0 || Poco::icompare(name, "Expect") == 0 ||
         Poco::icompare(name, "Transfer-Encoding") == 0 || Poco::icompare(name, "Keep-Alive") == 0;
}

struct Shared {
  int upstream_port = 0;
  std::mutex mu;
  FaultPlan plan;
  std::atomic<int> requests{0}, failed{0}, slowed{0}, slow_candidates{0};

  std::set<std::string> faulted;  // "METHOD URI" of requests given a fault

  FaultPlan Plan() {
    std::lock_guard<std::mutex> lock(mu);
    return plan;
  }
  // True when `request` may be given a fault, and then remembers it.
  bool MayFault(const FaultPlan& p, const std::string& request) {
    std::lock_guard<std::mutex> lock(mu);
    return !p.first_try_only || faulted.count(request) == 0;
  }
  void Faulted(const std::string& request) {
    std::lock_guard<std::mutex> lock(mu);
    faulted.insert(request);
  }
};

class Forwarder : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Forwarder(Shared* shared) : shared_(shared) {}

  void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
    try {
      Handle(in, out);
    } catch (...) {
      // The client gave up (a slow answer) or the store hung up: nothing
      // more to say on this connection.
    }
  }

 private:
  void Handle(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) {
    const FaultPlan plan = shared_->Plan();
    const std::string what = in.getMethod() + " " + in.getURI();
    const bool may_fault = shared_->MayFault(plan, what);
    const int n = ++shared_->requests;
    if (may_fault && plan.fail_every > 0 && n % plan.fail_every == 0) {
      ++shared_->failed;
      shared_->Faulted(what);
      Poco::NullOutputStream sink;
      Poco::StreamCopier::copyStream(in.stream(), sink);
      const std::string body =
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>ServiceUnavailable</Code>"
          "<Message>made by the fault proxy</Message></Error>";
      out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(plan.fail_status));
      out.setContentType("application/xml");
      out.setContentLength(static_cast<std::streamsize>(body.size()));
      out.setKeepAlive(false);
      out.send() << body;
      return;
    }
    Poco::Net::HTTPClientSession upstream("127.0.0.1", static_cast<Poco::UInt16>(shared_->upstream_port));
    upstream.setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest request(in.getMethod(), in.getURI(), Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : in) {
      if (!HopByHop(name)) request.set(name, value);
    }
    if (in.getChunkedTransferEncoding()) request.setChunkedTransferEncoding(true);
    std::ostream& body = upstream.sendRequest(request);
    if (in.hasContentLength() || in.getChunkedTransferEncoding()) Poco::StreamCopier::copyStream(in.stream(), body);
    Poco::Net::HTTPResponse response;
    std::istream& answer = upstream.receiveResponse(response);
    // Held back after the store did the work: the client may give up on an
    // answer to a request that succeeded, and try it again.
    const bool candidate = may_fault && plan.slow_every > 0 && (plan.slow_method.empty() || in.getMethod() == plan.slow_method) &&
                           in.getURI().find(plan.slow_matching) != std::string::npos;
    if (candidate && ++shared_->slow_candidates % plan.slow_every == 0 &&
        (plan.slow_limit == 0 || shared_->slowed < plan.slow_limit)) {
      ++shared_->slowed;
      shared_->Faulted(what);
      if (plan.drop_answer) {
        static_cast<Poco::Net::HTTPServerRequestImpl&>(in).socket().shutdown();
        throw std::runtime_error("answer dropped");  // ends this connection
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(plan.slow_ms));
    }
    out.setStatusAndReason(response.getStatus(), response.getReason());
    for (const auto& [name, value] : response) {
      if (!HopByHop(name)) out.set(name, value);
    }
    if (!response.hasContentLength()) out.setChunkedTransferEncoding(true);
    std::ostream& to_client = out.send();
    if (in.getMethod() != Poco::Net::HTTPRequest::HTTP_HEAD) Poco::StreamCopier::copyStream(answer, to_client);
  }

  Shared* shared_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(Shared* shared) : shared_(shared) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Forwarder(shared_);
  }

 private:
  Shared* shared_;
};

class FaultProxyImpl : public FaultProxy {
 public:
  FaultProxyImpl(int upstream_port, const FaultPlan& plan) : pool_(2, 32) {
    shared_.upstream_port = upstream_port;
    shared_.plan = plan;
  }
  ~FaultProxyImpl() override {
    if (server_) server_->stopAll(true);
    pool_.joinAll();
  }

  bool Listen() {
    try {
      Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
      port_ = socket.address().port();
      auto* params = new Poco::Net::HTTPServerParams;
      params->setMaxThreads(32);
      params->setKeepAlive(true);
      server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(&shared_), pool_, socket, params);
      server_->start();
      return true;
    } catch (...) {
      return false;
    }
  }

  std::string endpoint() const override { return "http://127.0.0.1:" + std::to_string(port_); }
  void set_plan(const FaultPlan& plan) override {
    std::lock_guard<std::mutex> lock(shared_.mu);
    shared_.plan = plan;
  }
  int requests() const override { return shared_.requests; }
  int failed() const override { return shared_.failed; }
  int slowed() const override { return shared_.slowed; }

 private:
  Shared shared_;
  Poco::ThreadPool pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

}  // namespace

std::unique_ptr<FaultProxy> FaultProxy::Start(int upstream_port, const FaultPlan& plan) {
  auto proxy = std::make_unique<FaultProxyImpl>(upstream_port, plan);
  if (!proxy->Listen()) return nullptr;
  return proxy;
}

}  // namespace bevara::testing
