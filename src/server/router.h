// Router: the API's route table and the one place every request passes
// through: match the route, authenticate the bearer token, check the role,
// then call the handler. Handlers only see callers that may use the route;
// whether they may see a particular object is the handler's (404 if not).
//
// Patterns are paths with parameters: "/api/v1/packages/{id}" matches one
// segment; a last "{path+}" matches the rest of the path (one or more
// segments), as file paths need.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "src/access/audit_log.h"
#include "src/access/token_store.h"
#include "src/server/exchange.h"

namespace bevara::server {

struct Route {
  std::string method;   // GET, POST, DELETE
  std::string pattern;
  std::set<access::Role> roles;  // who may call it; empty: anyone, without a token
  std::function<void(Exchange&)> handler;
};

class Router {
 public:
  // REQUIRES: env, tokens and log outlive the router.
  Router(Env* env, std::vector<Route> routes, access::TokenStore* tokens, access::AuditLog* log);

  // Believes X-Forwarded-For from these peers (see ClientAddress).
  // REQUIRES: called before the first Dispatch.
  void TrustProxies(std::set<std::string> proxies) { trusted_proxies_ = std::move(proxies); }
  // The rate, in bytes per second, below which a request body is cut off.
  void SetMinBodyRate(uint64_t bytes_per_second) { min_body_rate_ = bytes_per_second; }

  // Answers the request. Never throws.
  void Dispatch(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

  const std::vector<Route>& routes() const { return routes_; }

 private:
  bool Authenticate(Exchange& ex, const Route& route);

  Env* env_;
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> patterns_;  // routes_[i].pattern split into segments, once
  access::TokenStore* tokens_;
  access::AuditLog* log_;
  std::set<std::string> trusted_proxies_;
  uint64_t min_body_rate_ = 1024;
};

// Reads "a=1&b=x+y" (a query string or a form body) into `out`, each name
// and value percent-decoded ('+' a space) and required to be UTF-8 text; a
// repeated name keeps its last value, or with `join_repeats` all of them,
// one per line. False when a part is malformed.
bool ParseUrlEncoded(const std::string& raw, bool join_repeats, std::map<std::string, std::string>* out);

// Splits "/a/b%2Fc" into decoded segments {"a", "b/c"}; false when malformed.
bool DecodePathSegments(const std::string& path, std::vector<std::string>* segments);

}  // namespace bevara::server
