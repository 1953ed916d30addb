#include "src/common/status.h"

#include <cerrno>
#include <cstring>

namespace bevara {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kIOError: return "IOError";
    case StatusCode::kNoSpace: return "NoSpace";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kRejected: return "Rejected";
    case StatusCode::kResourceExhausted: return "ResourceExhausted";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kStopIteration: return "StopIteration";
    case StatusCode::kNotSupported: return "NotSupported";
    case StatusCode::kPermissionDenied: return "PermissionDenied";
    case StatusCode::kInternal: return "Internal";
  }
  return "Unknown";
}

Status Status::FromErrno(int err, const std::string& context) {
  std::string msg = context + ": " + std::strerror(err);
  switch (err) {
    case ENOENT: return NotFound(std::move(msg));
    case EEXIST: return AlreadyExists(std::move(msg));
    case ENOSPC:
    case EDQUOT: return NoSpace(std::move(msg));
    default: return IOError(std::move(msg));
  }
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = StatusCodeName(code_);
  if (!rule_.empty()) out += " [" + rule_ + "]";
  out += ": " + message_;
  if (!location_.empty()) out += " (" + location_ + ")";
  return out;
}

}  // namespace bevara
