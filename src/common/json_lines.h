// JsonLinesFile: an append-only file of JSON lines, each fsynced before
// Append returns (the small registers the server keeps: archivists' access
// decisions, requests for records).
//
// A crash can tear the last line; Replay skips it and the next Append
// starts on a fresh line, so a torn line (never acknowledged) is ignored
// for ever after.
//
// Thread-safety: not thread-safe; owners lock around it. One writing process.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "src/common/env.h"
#include "src/common/result.h"

namespace bevara {

class JsonLinesFile {
 public:
  JsonLinesFile(Env* env, std::string path) : env_(env), path_(std::move(path)) {}

  // Calls fn for each complete line that is a JSON object (others are
  // skipped). A missing file is empty. Call once, before Append.
  Status Replay(const std::function<void(const nlohmann::json&)>& fn);
  // Appends `j` as one line, fsyncs the file (and the directory). Durable on OK.
  Status Append(const nlohmann::json& j);

 private:
  Env* env_;
  std::string path_;
  bool needs_newline_ = false;  // the file ends in a torn line
};

}  // namespace bevara
