// The layer order README.md gives ("## Layers"), checked on every source
// file: a file may include its own folder and the folders its row names,
// nothing else. A lower layer that reaches up fails this test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace bevara::testing {
namespace {

namespace fs = std::filesystem;

struct LayerRow {
  std::string folder;
  std::vector<std::string> may_include;
};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The backticked words of a table cell.
std::vector<std::string> Backticked(const std::string& cell) {
  std::vector<std::string> out;
  static const std::regex word("`([^`]+)`");
  for (auto it = std::sregex_iterator(cell.begin(), cell.end(), word); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

// The rows of the table under "## Layers": | layer | folder | what | may include |.
std::vector<LayerRow> ParseLayerTable(const std::string& readme) {
  std::vector<LayerRow> rows;
  size_t start = readme.find("\n## Layers\n");
  if (start == std::string::npos) return rows;
  std::istringstream in(readme.substr(start + 1));
  std::string line;
  std::getline(in, line);  // the heading
  while (std::getline(in, line) && line.rfind("## ", 0) != 0) {
    if (line.rfind("| ", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream cs(line.substr(1));
    for (std::string cell; std::getline(cs, cell, '|');) cells.push_back(cell);
    if (cells.size() < 4) continue;
    std::vector<std::string> folder = Backticked(cells[1]);
    if (folder.size() != 1) continue;  // the header and separator rows
    rows.push_back({folder[0], Backticked(cells[3])});
  }
  return rows;
}

// True when `path` is `folder` or inside it ("storage" holds "storage/blobs/x.h").
bool Inside(const std::string& path, const std::string& folder) {
  return path == folder || (path.size() > folder.size() && path.compare(0, folder.size(), folder) == 0 &&
                            path[folder.size()] == '/');
}

// The row whose folder holds `path` most closely; nullptr when none does.
const LayerRow* RowOf(const std::vector<LayerRow>& rows, const std::string& path) {
  const LayerRow* best = nullptr;
  for (const LayerRow& r : rows) {
    if (Inside(path, r.folder) && (!best || r.folder.size() > best->folder.size())) best = &r;
  }
  return best;
}

// Every quoted include of `text`.
std::vector<std::string> QuotedIncludes(const std::string& text) {
  std::vector<std::string> out;
  static const std::regex include(R"re(^\s*#\s*include\s+"([^"]+)")re", std::regex::multiline);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), include); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

// What is wrong with `file` (a path from the repository root) including `included`.
std::string Check(const std::vector<LayerRow>& rows, const std::string& file, const std::string& included) {
  const LayerRow* own = RowOf(rows, file);
  if (!own) return file + ": in no row of README's layer table";
  const LayerRow* theirs = RowOf(rows, included);
  if (!theirs) return file + " includes \"" + included + "\", which is in no layer (name it from the repository root)";
  if (theirs == own) return {};
  for (const std::string& allowed : own->may_include) {
    if (Inside(included, allowed)) return {};
  }
  return file + " (" + own->folder + ") includes \"" + included + "\" (" + theirs->folder +
         "), which its layer may not use";
}

TEST(LayeringTest, ReadmeHasTheTable) {
  auto rows = ParseLayerTable(ReadAll(fs::path(BEVARA_SOURCE_DIR) / "README.md"));
  ASSERT_GE(rows.size(), 15u);
  EXPECT_NE(RowOf(rows, "src/common/status.h"), nullptr);
  EXPECT_EQ(RowOf(rows, "storage/blobs/blob_store.h")->folder, "storage/blobs");
}

TEST(LayeringTest, TheCheckCatchesAnIncludeThatReachesUp) {
  auto rows = ParseLayerTable(ReadAll(fs::path(BEVARA_SOURCE_DIR) / "README.md"));
  EXPECT_EQ(Check(rows, "storage/blobs/x.cc", "src/common/status.h"), "");
  EXPECT_EQ(Check(rows, "storage/archive/x.cc", "storage/blobs/blob_store.h"), "");
  EXPECT_NE(Check(rows, "storage/blobs/x.cc", "storage/archive/archive.h"), "");
  EXPECT_NE(Check(rows, "src/common/x.cc", "storage/blobs/blob_store.h"), "");
  EXPECT_NE(Check(rows, "src/access/x.cc", "storage/archive/archive.h"), "");
  EXPECT_NE(Check(rows, "src/services/x.cc", "src/server/api.h"), "");
  EXPECT_NE(Check(rows, "ingest/validate/x.cc", "ingest/pipeline/ingester.h"), "");
  EXPECT_NE(Check(rows, "src/server/x.cc", "common/status.h"), "");  // not named from the root
  EXPECT_NE(Check(rows, "src/server/x.cc", "src/cli/commands.h"), "");
}

TEST(LayeringTest, EveryIncludeKeepsToItsLayer) {
  const fs::path root(BEVARA_SOURCE_DIR);
  auto rows = ParseLayerTable(ReadAll(root / "README.md"));
  ASSERT_FALSE(rows.empty());
  std::vector<std::string> problems;
  size_t files = 0;
  for (const char* top : {"src", "ingest", "storage", "tools", "tests", "schemas"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".cc" && ext != ".h")) continue;
      ++files;
      const std::string file = fs::relative(entry.path(), root).string();
      for (const std::string& included : QuotedIncludes(ReadAll(entry.path()))) {
        if (!fs::exists(root / included)) {
          problems.push_back(file + " includes \"" + included + "\", which is not a path from the repository root");
          continue;
        }
        std::string problem = Check(rows, file, included);
        if (!problem.empty()) problems.push_back(problem);
      }
    }
  }
  EXPECT_GT(files, 200u);
  for (const std::string& p : problems) ADD_FAILURE() << p;
}

}  // namespace
}  // namespace bevara::testing
