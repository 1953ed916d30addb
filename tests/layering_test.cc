// The layer order README.md gives ("## Layers"), checked on every source
// file: a file may include its own folder and the folders its row names,
// nothing else. A lower layer that reaches up fails this test.
#include <gtest/gtest.h>

#include <filesystem>
#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace bevara::testing {
namespace {

namespace fs = std::filesystem;

struct LayerRow {
  int layer = -1;  // -1: "—", outside the order (tools, tests)
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
    const std::string number = cells[0].substr(cells[0].find_first_not_of(' '));
    const int layer = std::isdigit(static_cast<unsigned char>(number[0])) ? std::stoi(number) : -1;
    rows.push_back({layer, folder[0], Backticked(cells[3])});
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

struct Include {
  std::string path;
  bool quoted;  // "..." rather than <...>
};

// Every include of `text`.
std::vector<Include> Includes(const std::string& text) {
  std::vector<Include> out;
  static const std::regex include(R"re(^\s*#\s*include\s*(["<])([^">]+)[">])re", std::regex::multiline);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), include); it != std::sregex_iterator(); ++it) {
    out.push_back({(*it)[2], (*it)[1] == "\""});
  }
  return out;
}

// Whether an include path walks the tree (".." or "." segments, a leading
// or doubled slash): such a path could name a folder its text does not.
bool Walks(const std::string& path) {
  if (path.empty() || path[0] == '/' || path.find("//") != std::string::npos) return true;
  std::stringstream in(path);
  for (std::string segment; std::getline(in, segment, '/');) {
    if (segment == ".." || segment == ".") return true;
  }
  return false;
}

// The rows inside `folder`, or the one holding it: what naming `folder`
// in "may include" lets a row use.
std::vector<const LayerRow*> RowsNamedBy(const std::vector<LayerRow>& rows, const std::string& folder) {
  std::vector<const LayerRow*> out;
  for (const LayerRow& r : rows) {
    if (Inside(r.folder, folder)) out.push_back(&r);
  }
  if (out.empty()) {
    if (const LayerRow* holder = RowOf(rows, folder)) out.push_back(holder);
  }
  return out;
}

// What is wrong with the table itself: a numbered row that may include a
// higher layer, or rows that may include each other round in a circle.
std::vector<std::string> CheckTable(const std::vector<LayerRow>& rows) {
  std::vector<std::string> problems;
  std::map<const LayerRow*, std::vector<const LayerRow*>> uses;
  for (const LayerRow& r : rows) {
    for (const std::string& allowed : r.may_include) {
      std::vector<const LayerRow*> named = RowsNamedBy(rows, allowed);
      if (named.empty()) problems.push_back(r.folder + " may include `" + allowed + "`, which is in no row");
      for (const LayerRow* other : named) {
        if (other == &r) continue;
        uses[&r].push_back(other);
        if (r.layer >= 0 && (other->layer < 0 || other->layer > r.layer)) {
          problems.push_back(r.folder + " (layer " + std::to_string(r.layer) + ") may include " + other->folder +
                             ", a higher layer");
        }
      }
    }
  }
  // Rows of one layer may use each other, but not in a circle.
  std::map<const LayerRow*, int> state;  // 1: on the path, 2: done
  std::function<bool(const LayerRow*)> circles = [&](const LayerRow* r) {
    if (r->layer < 0 || state[r] == 2) return false;
    if (state[r] == 1) return true;
    state[r] = 1;
    for (const LayerRow* next : uses[r]) {
      if (next->layer >= 0 && circles(next)) {
        problems.push_back(r->folder + " is part of a circle of folders that may include each other");
        return true;
      }
    }
    state[r] = 2;
    return false;
  };
  for (const LayerRow& r : rows) {
    if (circles(&r)) break;
  }
  return problems;
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

TEST(LayeringTest, TheTableKeepsItsOwnOrder) {
  auto rows = ParseLayerTable(ReadAll(fs::path(BEVARA_SOURCE_DIR) / "README.md"));
  for (const std::string& p : CheckTable(rows)) ADD_FAILURE() << "README's layer table: " << p;
  // And the check of the table can fail.
  std::vector<LayerRow> upward = {{0, "src/common", {"src/server"}}, {4, "src/server", {"src/common"}}};
  EXPECT_FALSE(CheckTable(upward).empty());
  std::vector<LayerRow> circle = {{1, "storage/aip", {"storage/catalog"}}, {1, "storage/catalog", {"storage/aip"}}};
  EXPECT_FALSE(CheckTable(circle).empty());
  std::vector<LayerRow> fine = {{0, "src/common", {}}, {1, "storage/aip", {"src/common"}}};
  EXPECT_TRUE(CheckTable(fine).empty());
}

TEST(LayeringTest, AnIncludeThatWalksTheTreeIsRefused) {
  EXPECT_TRUE(Walks("src/common/../../storage/archive/archive.h"));
  EXPECT_TRUE(Walks("./src/common/status.h"));
  EXPECT_TRUE(Walks("/work/main/src/common/status.h"));
  EXPECT_TRUE(Walks("src//common/status.h"));
  EXPECT_FALSE(Walks("src/common/status.h"));
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
      static const std::set<std::string> kSource = {".cc", ".h", ".cpp", ".hpp", ".hh", ".cxx", ".inc", ".ipp"};
      if (!entry.is_regular_file() || !kSource.count(entry.path().extension().string())) continue;
      ++files;
      const std::string file = fs::relative(entry.path(), root).string();
      for (const Include& include : Includes(ReadAll(entry.path()))) {
        const std::string& included = include.path;
        // No include walks the tree, <...> or "...": no library header
        // needs to, and it could reach past a layer unseen.
        if (Walks(included)) {
          problems.push_back(file + " includes \"" + included + "\", a path that walks the tree");
          continue;
        }
        // <...> is a system or library header, unless it names a file of
        // this repository (which then keeps to the layers like any other).
        if (!include.quoted && (!fs::exists(root / included) || !RowOf(rows, included))) continue;
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
