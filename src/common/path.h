// '/'-separated paths: file system paths, package entry names, AIP logical
// paths and URL paths are all cut the same way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bevara {

// The components of `path` between its slashes, empty ones included:
// "a//b" -> {"a", "", "b"}, "/a" -> {"", "a"}, "" -> {""}.
std::vector<std::string_view> SplitPath(std::string_view path);

// The folder part: "a/b/c" -> "a/b", "c" -> ".", "/c" -> "/".
std::string DirName(std::string_view path);

// The last component: "a/b/c" -> "c", "c" -> "c".
std::string BaseName(std::string_view path);

// True for a relative path of non-empty components, none "." or "..": safe
// to append to a directory of ours.
bool IsSafeRelativePath(std::string_view path);

}  // namespace bevara
