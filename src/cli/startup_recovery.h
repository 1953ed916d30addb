// What `bevara serve` does before it answers anyone: a damaged side file
// (the job history, the tokens) is set aside rather than keeping the whole
// archive offline, and what a crash provably left behind is removed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "src/common/env.h"
#include "src/common/result.h"
#include "storage/archive/archive.h"

namespace bevara::cli {

struct SetAside {
  std::string file;     // the log that did not read
  std::string kept_as;  // where its bytes are now
  std::string why;
};

// Runs `open`; when it fails with Corruption, renames the record log at
// `path` (and its .head) to <path>.damaged-<time>, records that in
// `set_aside`, and runs `open` again on a fresh log. Other errors are
// returned as they are. Fail closed: what the set-aside log held (tokens,
// job states) is no longer believed; nothing is deleted.
template <typename T>
Result<T> OpenOrSetAside(Env* env, const std::string& path, const std::function<Result<T>()>& open,
                         std::vector<SetAside>* set_aside);

// Sets the log at `path` aside (as OpenOrSetAside does); returns where it went.
Result<std::string> SetLogAside(Env* env, const std::string& path);

// Removes what crashes provably left: temporary files of durable writes
// ("NAME.tmp-XXXXXX" beside NAME) in the data, server and access folders,
// and staging files of ingests that no longer run. Returns how many.
Result<uint64_t> RemoveLeftovers(Env* env, storage::Archive* archive, const std::string& data_dir);

template <typename T>
Result<T> OpenOrSetAside(Env* env, const std::string& path, const std::function<Result<T>()>& open,
                         std::vector<SetAside>* set_aside) {
  Result<T> first = open();
  // Only damage of this very log: Corruption elsewhere (a file the opener
  // also reads) is not a reason to set a good log aside.
  if (first.ok() || first.status().code() != StatusCode::kCorruption ||
      first.status().message().find(path) == std::string::npos) {
    return first;
  }
  auto kept = SetLogAside(env, path);
  if (!kept.ok()) return kept.status();
  set_aside->push_back({path, *kept, first.status().ToString()});
  return open();
}

}  // namespace bevara::cli
