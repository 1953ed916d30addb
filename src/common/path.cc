#include "src/common/path.h"

namespace bevara {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      parts.push_back(path.substr(start));
      return parts;
    }
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
}

std::string DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  return slash == 0 ? "/" : std::string(path.substr(0, slash));
}

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path[0] == '/') return false;
  for (std::string_view c : SplitPath(path)) {
    if (c.empty() || c == "." || c == "..") return false;
  }
  return true;
}

}  // namespace bevara
