// Small whole-file helpers over Env, for the few files bevara keeps that are
// small and rewritten as a whole (a deposit job's state, a server's address).
// Blobs and logs have their own writers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "src/common/env.h"
#include "src/common/result.h"

namespace bevara {

// The whole file. ResourceExhausted when it is larger than `max_bytes`.
Result<std::string> ReadFileToString(Env* env, const std::string& path, uint64_t max_bytes = 16u << 20);

// Puts `content` at `path` durably: a temporary file beside it, fsync,
// rename to `path`, fsync of the directory. A crash leaves either the old
// file (or none) or the new one, never a mix. With `replace_existing` false,
// a `path` that exists is AlreadyExists and stays as it was.
// REQUIRES: the directory exists.
Status WriteFileDurably(Env* env, const std::string& path, std::string_view content, bool replace_existing = true);

// Creates `dir` and every missing folder above it (mkdir -p).
Status CreateDirs(Env* env, const std::string& dir, uint32_t mode = kDefaultDirMode);

// Removes `path` and, if it is a directory, everything in it (rm -rf; never
// follows a symbolic link). OK when nothing is there.
Status RemoveTree(Env* env, const std::string& path);

// Calls fn(line, line_number) for each '\n'-terminated line of a file,
// reading it in pieces (a log can be large). Returns the offset just past the
// last complete line: less than the file's size when a crash tore the last
// line, which is not passed to fn. The first non-OK status of fn stops it.
Result<uint64_t> ForEachLine(Env* env, const std::string& path,
                             const std::function<Status(std::string_view line, uint64_t line_number)>& fn);

}  // namespace bevara
