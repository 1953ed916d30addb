// Exchange: one HTTP request and its response as a handler sees them, and
// the helpers every handler uses to answer: one JSON error shape everywhere,
//   {"error": {"code": "not_found", "message": "...", "details": {...}}}
// and never a stack trace or a path of the server's file system.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Timespan.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstdint>
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "src/access/principal.h"
#include "src/common/env.h"
#include "src/common/status.h"

namespace bevara::server {

struct Exchange {
  Poco::Net::HTTPServerRequest& request;
  Poco::Net::HTTPServerResponse& response;
  Env* env;  // the operator's log, for what the client is not told
  access::Principal who;
  std::map<std::string, std::string> params;  // path parameters, percent-decoded
  std::map<std::string, std::string> query;   // query parameters, percent-decoded
  std::string client;                         // peer address
  bool body_read = false;  // a handler that read the whole body says so; otherwise the connection closes after an error
  uint64_t min_body_rate = 1024;  // bytes per second a body must keep to, after a grace (BodyPace)

  std::string Param(const std::string& name) const;
  std::optional<std::string> Query(const std::string& name) const;
  bool HasBody() const;
  // The whole body of a small request (a JSON object), and marks it read.
  // REQUIRES: it has a Content-Length that the caller has bounded.
  std::string ReadSmallBody();
};

// How fast a body arrives: a client that sends it slower than the minimum
// rate (after a grace of 10 s) holds a worker thread for nothing, and is cut
// off. Call Check() after every read; Deadline() bounds the next one.
class BodyPace {
 public:
  explicit BodyPace(uint64_t min_bytes_per_second);
  // InvalidArgument once the body is too slow.
  Status Check(uint64_t received) const;
  // How long the next read may wait (the socket's receive timeout).
  Poco::Timespan NextReadTimeout() const;

 private:
  std::chrono::steady_clock::time_point start_;
  uint64_t min_rate_;
};

void SendJson(Exchange& ex, int status, const std::string& json);
// JSON text of a value built from what a client sent (a path segment of
// invalid UTF-8, say): such bytes become U+FFFD instead of an exception.
std::string JsonText(const nlohmann::json& value);
void SendError(Exchange& ex, int status, const std::string& code, const std::string& message);
void SendError(Exchange& ex, int status, const std::string& code, const std::string& message,
               const nlohmann::json& details);
// The HTTP answer for a Status from a service: NotFound 404, InvalidArgument
// 400, AlreadyExists 409, ResourceExhausted 413, Rejected 422, Unavailable
// 503 (with Retry-After), everything unexpected 500 (logged, with a generic
// message to the client).
void SendStatus(Exchange& ex, const Status& status);

// A small JSON object as the request body (at most 16 KiB, with
// Content-Length). On anything else answers 400 and returns false.
bool ReadJsonObject(Exchange& ex, nlohmann::json* body);

// A decision's "version" (the package version the archivist reviewed), if
// the body names one: answers 400 and returns false when it is not a
// version number, 409 and false when `head` is given and the package has
// moved on from it.
bool CheckReviewedVersion(Exchange& ex, const nlohmann::json& body, std::optional<uint32_t> head);

// Query parameters: an unsigned integer in [min, max], or InvalidArgument.
Status QueryNumber(const Exchange& ex, const std::string& name, uint64_t min, uint64_t max, uint64_t* out);

// Percent-decoding of one path segment or query value; nullopt when malformed
// or when it decodes to a NUL.
std::optional<std::string> DecodeUrlPart(const std::string& text, bool plus_is_space);

}  // namespace bevara::server
