// Small file helpers over Env: whole files for the few that bevara keeps
// small and rewrites as a whole (a deposit job's state, a server's address),
// and exact reads from an open file. Blobs and logs have their own writers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "src/common/env.h"
#include "src/common/result.h"

namespace bevara {

// The whole file. ResourceExhausted when it is larger than `max_bytes`.
Result<std::string> ReadFileToString(Env* env, const std::string& path, uint64_t max_bytes = 16u << 20);

// Reads up to n bytes, as many as the file gives before its end (a short
// count only at the end).
Result<size_t> ReadFull(ReadableFile* file, char* buf, size_t n);

// Exactly `n` bytes of a seekable file from `offset` into *out. A file that
// ends sooner is Corruption with `short_message`.
Status ReadExactlyAt(ReadableFile* file, uint64_t offset, size_t n, std::string* out, const char* short_message);

// Sleeps while `bytes` read since `start` are ahead of `bytes_per_second`
// (0: never): what keeps a background reader (an audit, a re-identification)
// to its budget.
void PaceReading(std::chrono::steady_clock::time_point start, uint64_t bytes, uint64_t bytes_per_second);

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
