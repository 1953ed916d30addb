// Status: the outcome of an operation that crosses a module boundary.
//
// bevara never lets exceptions cross module boundaries. A function that can
// fail returns a Status (or a Result<T>, see result.h). A Status carries a
// coarse code, a human-readable message, and optionally a stable rule id
// (for example "PKG-DOTDOT") and the location it concerns (a package path),
// so that a rejection can be reported exactly as the rule it broke.
//
// Thread-safety: a Status is a value; distinct objects may be used from
// distinct threads without synchronisation.
#pragma once

#include <string>
#include <utility>

namespace bevara {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // caller passed something unusable
  kNotFound,          // a file or object does not exist
  kAlreadyExists,     // publish target exists (content-addressed: not an error for callers that expect it)
  kIOError,           // the operating system failed an operation
  kNoSpace,           // ENOSPC
  kCorruption,        // stored or received bytes are not what they claim to be
  kRejected,          // untrusted input broke a rule; rule() names it
  kResourceExhausted, // a configured size or count limit was hit (too large, too many): retrying will not help
  kUnavailable,       // busy or locked right now (a full queue, another process): retrying later may help
  kNotSupported,      // the operation is not available on this object
  kPermissionDenied,  // another party (an object store) refused our credentials or rights: retrying will not help
  kInternal,          // a bug or an unexpected library failure
  kStopIteration,     // not a failure: a ForEach callback has what it needs; the ForEach returns OK
};

class Status {
 public:
  Status() = default;  // OK

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(StatusCode::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
  static Status AlreadyExists(std::string msg) { return Status(StatusCode::kAlreadyExists, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(StatusCode::kIOError, std::move(msg)); }
  static Status NoSpace(std::string msg) { return Status(StatusCode::kNoSpace, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(StatusCode::kCorruption, std::move(msg)); }
  static Status NotSupported(std::string msg) { return Status(StatusCode::kNotSupported, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }
  static Status ResourceExhausted(std::string msg) {
    return Status(StatusCode::kResourceExhausted, std::move(msg));
  }
  static Status Unavailable(std::string msg) { return Status(StatusCode::kUnavailable, std::move(msg)); }
  static Status PermissionDenied(std::string msg) { return Status(StatusCode::kPermissionDenied, std::move(msg)); }
  // Returned by a ForEach callback to end the iteration early. Every ForEach
  // in bevara then returns OK.
  static Status StopIteration() { return Status(StatusCode::kStopIteration, "stop"); }
  // A rejection of untrusted input: `rule` is a stable rule id, `location`
  // the offending entry or path (may be empty).
  static Status Rejected(std::string rule, std::string msg, std::string location = {}) {
    Status s(StatusCode::kRejected, std::move(msg));
    s.rule_ = std::move(rule);
    s.location_ = std::move(location);
    return s;
  }
  // An I/O failure that carries the errno it came from.
  static Status FromErrno(int err, const std::string& context);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& rule() const { return rule_; }
  const std::string& location() const { return location_; }
  bool IsRejected() const { return code_ == StatusCode::kRejected; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code_ == StatusCode::kAlreadyExists; }
  bool IsStopIteration() const { return code_ == StatusCode::kStopIteration; }

  // The same status (code, rule, location) with another message: context
  // added on the way up ("the earlier catalog X cannot be read: ...").
  Status WithMessage(std::string msg) const {
    Status s = *this;
    s.message_ = std::move(msg);
    return s;
  }

  // "IOError: open foo: No such file or directory" — for logs and CLI output.
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string rule_;
  std::string location_;
};

const char* StatusCodeName(StatusCode code);

}  // namespace bevara

// Propagates a non-OK Status to the caller.
#define BEVARA_RETURN_IF_ERROR(expr)        \
  do {                                      \
    ::bevara::Status _st = (expr);          \
    if (!_st.ok()) return _st;              \
  } while (0)
