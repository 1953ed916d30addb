#include "src/server/router.h"

#include "src/common/utf8.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>

#include "src/common/clock.h"
#include "src/common/path.h"
#include "src/server/client_address.h"
#include "storage/archive/archive.h"

namespace bevara::server {
namespace {

// "/a/b" -> {"a", "b"}: the segments after the leading slash, not decoded.
std::vector<std::string> SplitRaw(const std::string& path) {
  std::vector<std::string> out;
  for (std::string_view s : bevara::SplitPath(std::string_view(path).substr(1))) out.emplace_back(s);
  return out;
}

// Matches decoded segments against a pattern; fills params.
bool Match(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
           std::map<std::string, std::string>* params) {
  params->clear();
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    bool is_param = p.size() > 2 && p.front() == '{' && p.back() == '}';
    if (is_param && p[p.size() - 2] == '+') {  // the rest of the path
      if (i >= segments.size()) return false;
      std::string rest;
      for (size_t k = i; k < segments.size(); ++k) {
        if (segments[k].empty()) return false;
        rest += (k > i ? "/" : "") + segments[k];
      }
      (*params)[p.substr(1, p.size() - 3)] = rest;
      return true;
    }
    if (i >= segments.size()) return false;
    if (is_param) {
      if (segments[i].empty()) return false;
      (*params)[p.substr(1, p.size() - 2)] = segments[i];
    } else if (p != segments[i]) {
      return false;
    }
  }
  return pattern.size() == segments.size();
}

std::string Bearer(const Poco::Net::HTTPServerRequest& request) {
  // A copy: get() returns a reference to its default argument, a temporary.
  const std::string h = request.get("Authorization", "");
  if (h.size() > 7 && (h.compare(0, 7, "Bearer ") == 0 || h.compare(0, 7, "bearer ") == 0)) return h.substr(7);
  return {};
}


// A refusal sent before the body was read (401, 413, 503) must still reach
// the client. Closing a socket with unread data makes the kernel send a
// reset, which can destroy the answer in flight; so, as nginx's lingering
// close does, stop sending, then read and drop what the client still sends,
// for a bounded time and amount, and only then close.
void LingerAfterRefusal(Exchange& ex) {
  if (!ex.HasBody() || ex.body_read || !ex.response.sent()) return;
  try {
    auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(ex.request).socket();
    socket.shutdownSend();
    socket.setReceiveTimeout(Poco::Timespan(0, 500000));
    std::string sink(64 * 1024, '\0');
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    uint64_t drained = 0;
    while (std::chrono::steady_clock::now() < deadline && drained < (64u << 20)) {
      int n = socket.receiveBytes(sink.data(), static_cast<int>(sink.size()));
      if (n <= 0) break;
      drained += static_cast<uint64_t>(n);
    }
  } catch (const std::exception&) {
    // The client went away or stopped sending: either way we are done.
  }
}

// RFC 9110 8.6: Content-Length is 1*DIGIT. Poco reads "-5" as a number,
// which would then be a negative size.
bool ValidContentLength(const Poco::Net::HTTPServerRequest& request) {
  if (!request.has("Content-Length")) return true;
  const std::string& value = request.get("Content-Length");
  if (value.empty() || value.size() > 19) return false;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A failure after the headers went out (a send that timed out or was reset
// mid-body): the answer is short of what it promised, so the connection must
// not carry another one, or a pipelining client would read the next answer
// as the rest of this one.
void EndAfterFailure(Exchange& ex) {
  ex.response.setKeepAlive(false);
  try {
    static_cast<Poco::Net::HTTPServerRequestImpl&>(ex.request).socket().shutdown();
  } catch (...) {  // already gone
  }
}

}  // namespace

bool ParseUrlEncoded(const std::string& raw, bool join_repeats, std::map<std::string, std::string>* out) {
  size_t start = 0;
  while (start < raw.size()) {
    size_t amp = raw.find('&', start);
    if (amp == std::string::npos) amp = raw.size();
    std::string pair = raw.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = DecodeUrlPart(pair.substr(0, eq), true);
    auto value = DecodeUrlPart(eq == std::string::npos ? "" : pair.substr(eq + 1), true);
    // Every name and value bevara knows is text: bytes that are not UTF-8
    // are a malformed request, never something for a handler to choke on.
    if (!key || !value || !IsValidUtf8(*key) || !IsValidUtf8(*value)) return false;
    auto [it, inserted] = out->emplace(*key, *value);
    if (!inserted) it->second = join_repeats ? it->second + "\n" + *value : *value;
  }
  return true;
}

bool DecodePathSegments(const std::string& path, std::vector<std::string>* segments) {
  segments->clear();
  if (path.empty() || path[0] != '/') return false;
  for (const std::string& raw : SplitRaw(path)) {
    auto decoded = DecodeUrlPart(raw, false);
    if (!decoded || !IsValidUtf8(*decoded)) return false;
    segments->push_back(std::move(*decoded));
  }
  return true;
}

Router::Router(Env* env, std::vector<Route> routes, access::TokenStore* tokens, access::AuditLog* log)
    : env_(env), routes_(std::move(routes)), tokens_(tokens), log_(log) {
  for (const Route& r : routes_) patterns_.push_back(SplitRaw(r.pattern));
}

bool Router::Authenticate(Exchange& ex, const Route& route) {
  if (route.roles.empty()) return true;
  const std::string secret = Bearer(ex.request);
  access::AuthOutcome outcome = access::AuthOutcome::kUnknown;
  if (!secret.empty()) outcome = tokens_->Authenticate(secret, NowRfc3339(env_), &ex.who);
  auto deny = [&](int status, const std::string& code, const std::string& why) {
    (void)log_->Append({ex.who.anonymous() ? "anonymous" : ex.who.token_id, access::RoleName(ex.who.role),
                        "auth.denied", ex.request.getMethod() + " " + route.pattern, "denied", why, ex.client});
    if (status == 401) ex.response.set("WWW-Authenticate", "Bearer realm=\"bevara\"");
    SendError(ex, status, code, why);
    return false;
  };
  if (outcome != access::AuthOutcome::kOk) {
    ex.who = {};
    return deny(401, "unauthorized",
                secret.empty() ? "this endpoint needs a bearer token" : std::string("the token is not valid: ") +
                                                                           access::AuthOutcomeName(outcome));
  }
  if (!route.roles.count(ex.who.role)) {
    return deny(403, "forbidden", std::string("the role '") + access::RoleName(ex.who.role) + "' may not do this");
  }
  return true;
}

void Router::Dispatch(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  Exchange ex{request, response, env_, {}, {}, {},
              ClientAddress(request.clientAddress().host().toString(), request.get("X-Forwarded-For", ""),
                            trusted_proxies_)};
  ex.min_body_rate = min_body_rate_;
  try {
    // Poco::URI decodes the path whole, which would turn %2F into a
    // separator: split first, then decode each segment.
    const std::string& target = request.getURI();
    const size_t question = target.find('?');
    std::vector<std::string> segments;
    if (!DecodePathSegments(target.substr(0, question), &segments) ||
        (question != std::string::npos && !ParseUrlEncoded(target.substr(question + 1), false, &ex.query))) {
      SendError(ex, 400, "bad_request", "malformed request target (a path or query that is not UTF-8 text)");
      return LingerAfterRefusal(ex);
    }
    if (!ValidContentLength(request)) {
      response.setKeepAlive(false);  // where this body ends cannot be known
      return SendError(ex, 400, "bad_request", "Content-Length must be one decimal number of bytes");
    }
    const Route* found = nullptr;
    std::string allowed;
    std::map<std::string, std::string> params;
    for (size_t i = 0; i < routes_.size(); ++i) {
      const Route& r = routes_[i];
      if (!Match(patterns_[i], segments, &params)) continue;
      allowed += (allowed.empty() ? "" : ", ") + r.method;
      if (r.method == request.getMethod() || (r.method == "GET" && request.getMethod() == "HEAD")) {
        found = &r;
        ex.params = params;
        break;
      }
    }
    if (!found && allowed.empty()) {
      SendError(ex, 404, "not_found", "no such resource");
      return LingerAfterRefusal(ex);
    }
    if (!found) {
      response.set("Allow", allowed);
      SendError(ex, 405, "method_not_allowed", "this resource allows " + allowed);
      return LingerAfterRefusal(ex);
    }
    if (Authenticate(ex, *found)) found->handler(ex);
    LingerAfterRefusal(ex);
  } catch (const std::exception& e) {
    // A handler must not throw; if one does, the client learns nothing of it.
    env_->Log(LogLevel::kError, request.getMethod() + " " + request.getURI() + ": " + e.what());
    if (!response.sent()) return SendError(ex, 500, "internal", "the server could not complete the request");
    EndAfterFailure(ex);
  } catch (...) {
    env_->Log(LogLevel::kError, request.getMethod() + " " + request.getURI() + ": an exception not of std::exception");
    if (!response.sent()) return SendError(ex, 500, "internal", "the server could not complete the request");
    EndAfterFailure(ex);
  }
}

}  // namespace bevara::server
