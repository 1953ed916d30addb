#include "src/server/exchange.h"

#include <Poco/Net/HTTPServerRequestImpl.h>

#include <cerrno>
#include <cstring>
#include <Poco/Net/StreamSocket.h>

#include "src/common/percent_encoding.h"

#include <cctype>
#include <charconv>
#include <ostream>
#include <nlohmann/json.hpp>

namespace bevara::server {

std::string Exchange::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

std::optional<std::string> Exchange::Query(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

bool Exchange::HasBody() const {
  return request.getChunkedTransferEncoding() ||
         (request.hasContentLength() && request.getContentLength64() > 0);
}

namespace {
constexpr std::chrono::seconds kBodyGrace{10};
}

BodyPace::BodyPace(uint64_t min_bytes_per_second)
    : start_(std::chrono::steady_clock::now()), min_rate_(min_bytes_per_second) {}

Status BodyPace::Check(uint64_t received) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (min_rate_ == 0 || elapsed <= kBodyGrace.count()) return Status::OK();
  if (static_cast<double>(received) >= static_cast<double>(min_rate_) * (elapsed - kBodyGrace.count())) return Status::OK();
  return Status::InvalidArgument("the body arrived slower than " + std::to_string(min_rate_) +
                                 " bytes per second; the connection was closed");
}

Poco::Timespan BodyPace::NextReadTimeout() const { return Poco::Timespan(kBodyGrace.count(), 0); }

std::string Exchange::ReadSmallBody() {
  std::string body(static_cast<size_t>(request.getContentLength64()), '\0');
  // Read in pieces under the pace: a small body sent a byte at a time must
  // not hold a worker for minutes.
  BodyPace pace(min_body_rate);
  auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
  socket.setReceiveTimeout(pace.NextReadTimeout());
  size_t got = 0;
  std::istream& in = request.stream();
  try {
    // peek() waits for what comes next; readsome() takes what has come.
    while (got < body.size() && pace.Check(got).ok() && in.peek() != std::char_traits<char>::eof()) {
      const std::streamsize n = in.readsome(body.data() + got, static_cast<std::streamsize>(body.size() - got));
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
  } catch (const std::exception&) {  // timed out or reset: what came is what there is
  }
  body.resize(got);  // a client that hung up (or was too slow) sent less: the caller sees a short body
  body_read = got == static_cast<size_t>(request.getContentLength64());
  if (!body_read) response.setKeepAlive(false);
  return body;
}

bool ReadJsonObject(Exchange& ex, nlohmann::json* body) {
  if (!ex.request.hasContentLength() || ex.request.getContentLength64() > 16 * 1024) {
    SendError(ex, 400, "bad_request", "send a JSON object of at most 16 KiB with Content-Length");
    return false;
  }
  const std::string text = ex.ReadSmallBody();
  if (!ex.body_read) {
    SendError(ex, 400, "bad_request", "the body did not arrive whole (cut off, or slower than the server waits for)");
    return false;
  }
  *body = nlohmann::json::parse(text, nullptr, false);
  if (!body->is_object()) {
    SendError(ex, 400, "bad_request", "the body must be a JSON object");
    return false;
  }
  return true;
}

bool CheckReviewedVersion(Exchange& ex, const nlohmann::json& body, std::optional<uint32_t> head) {
  auto it = body.find("version");
  if (it == body.end()) return true;
  if (!it->is_number_unsigned()) {
    SendError(ex, 400, "bad_request", "version is the package version the decision was made on");
    return false;
  }
  if (head && it->get<uint64_t>() != *head) {
    SendError(ex, 409, "conflict",
              "the package is at version " + std::to_string(*head) + " now; review that version and decide again");
    return false;
  }
  return true;
}

std::string JsonText(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void SendJson(Exchange& ex, int status, const std::string& json) {
  auto& res = ex.response;
  res.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  res.setContentType("application/json");
  res.set("Cache-Control", "no-store");
  // A body the handler did not read would be taken for the next request.
  if (ex.HasBody() && !ex.body_read) res.setKeepAlive(false);
  res.setContentLength64(json.size());
  // Written and flushed now, not when Poco destroys the response: a refusal
  // is followed by a lingering close that stops sending.
  std::ostream& out = res.send();
  if (ex.request.getMethod() != "HEAD") out.write(json.data(), static_cast<std::streamsize>(json.size()));
  out.flush();
}

void SendError(Exchange& ex, int status, const std::string& code, const std::string& message,
               const nlohmann::json& details) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  if (!details.is_null()) body["error"]["details"] = details;
  SendJson(ex, status, JsonText(body));
}

void SendError(Exchange& ex, int status, const std::string& code, const std::string& message) {
  SendError(ex, status, code, message, nlohmann::json());
}

void SendStatus(Exchange& ex, const Status& s) {
  switch (s.code()) {
    case StatusCode::kNotFound: {
      // A file the server itself could not find says where it looked (an
      // errno message): the client hears only that there is nothing.
      const std::string enoent = std::string(": ") + std::strerror(ENOENT);
      const std::string& m = s.message();
      const bool from_files = m.size() >= enoent.size() && m.compare(m.size() - enoent.size(), enoent.size(), enoent) == 0;
      if (from_files) ex.env->Log(LogLevel::kError, ex.request.getMethod() + " " + ex.request.getURI() + ": " + m);
      return SendError(ex, 404, "not_found", from_files ? "no such resource" : m);
    }
    case StatusCode::kInvalidArgument: return SendError(ex, 400, "bad_request", s.message());
    case StatusCode::kAlreadyExists: return SendError(ex, 409, "conflict", s.message());
    case StatusCode::kRejected: return SendError(ex, 422, "rejected", s.message());
    case StatusCode::kResourceExhausted: return SendError(ex, 413, "too_large", s.message());
    case StatusCode::kUnavailable:
      ex.response.set("Retry-After", "5");
      return SendError(ex, 503, "unavailable", s.message());
    case StatusCode::kNoSpace:  // RFC 4918: the server cannot store what it needs to
      ex.env->Log(LogLevel::kError, ex.request.getMethod() + " " + ex.request.getURI() + ": " + s.ToString());
      ex.response.set("Retry-After", "60");
      return SendError(ex, 507, "insufficient_storage", "the archive's disk is full; this request could not be completed (try again when space has been freed)");
    default:
      ex.env->Log(LogLevel::kError, ex.request.getMethod() + " " + ex.request.getURI() + ": " + s.ToString());
      return SendError(ex, 500, "internal", "the server could not complete the request");
  }
}

Status QueryNumber(const Exchange& ex, const std::string& name, uint64_t min, uint64_t max, uint64_t* out) {
  auto text = ex.Query(name);
  if (!text) return Status::OK();
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < min || v > max) {
    return Status::InvalidArgument("query parameter '" + name + "' must be a number from " + std::to_string(min) +
                                   " to " + std::to_string(max));
  }
  *out = v;
  return Status::OK();
}

std::optional<std::string> DecodeUrlPart(const std::string& text, bool plus_is_space) {
  std::string out;
  if (!PercentDecode(text, &out, plus_is_space) || out.find('\0') != std::string::npos) return std::nullopt;
  return out;
}

}  // namespace bevara::server
