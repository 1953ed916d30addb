#include "storage/aip/inventory.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace bevara::storage {

using nlohmann::json;

std::string OcflVersionName(unsigned n) { return "v" + std::to_string(n); }

Result<std::string> NextInventory(std::string previous, const std::string& object_id,
                                  const InventoryVersion& version) {
  std::string text;
  Status s = WriteNextInventory(std::move(previous), object_id, version, [&](std::string_view piece) {
    text.append(piece);
    return Status::OK();
  });
  if (!s.ok()) return s;
  return text;
}

namespace {

std::string Quote(std::string_view s) { return json(std::string(s)).dump(); }

// Writes JSON text through `out` in pieces of about 256 KiB.
class PieceWriter {
 public:
  explicit PieceWriter(const std::function<Status(std::string_view)>& out) : out_(out) {}
  PieceWriter& operator<<(std::string_view s) {
    text_.append(s);
    if (text_.size() >= (256 << 10)) Flush();
    return *this;
  }
  Status Flush() {
    if (status_.ok() && !text_.empty()) status_ = out_(text_);
    text_.clear();
    return status_;
  }

 private:
  const std::function<Status(std::string_view)>& out_;
  std::string text_;
  Status status_;
};

// `"digest":["path",...]` entries of a sorted map, comma-separated.
template <typename Key, typename Paths>
void WritePathLists(const std::map<Key, Paths>& lists, PieceWriter& w) {
  bool first = true;
  for (const auto& [key, paths] : lists) {
    w << (first ? "" : ",") << Quote(key) << ":[";
    first = false;
    bool first_path = true;
    for (std::string_view p : paths) {
      w << (first_path ? "" : ",") << Quote(p);
      first_path = false;
    }
    w << "]";
  }
}

}  // namespace

// The inventory is written by hand, in sorted key order, from sorted maps:
// for a first version nothing is held as a JSON tree (a tree of 100,000
// state and manifest entries costs over 100 MB). A later version parses the
// previous inventory, and only the parts it copies are trees.
namespace {

Status WriteNextInventoryUnguarded(std::string previous, const std::string& object_id, const InventoryVersion& version,
                                   const std::function<Status(std::string_view)>& out) {
  json prev = json::object();
  unsigned number = 1;
  if (!previous.empty()) {
    prev = json::parse(previous, nullptr, /*allow_exceptions=*/false);
    previous = std::string();  // the tree holds it now
    if (!prev.is_object() || !prev["head"].is_string() || !prev["manifest"].is_object() ||
        !prev["versions"].is_object() || prev["id"] != object_id) {
      return Status::Corruption("the previous inventory of '" + object_id + "' is not readable");
    }
    number = static_cast<unsigned>(std::stoul(prev["head"].get<std::string>().substr(1))) + 1;
  }
  const std::string name = OcflVersionName(number);

  // New content: the digests no earlier version stored, under this version's
  // content directory (named after their first logical path), with the
  // digests the package declared for them.
  const json& old_manifest = prev.contains("manifest") ? prev["manifest"] : json::object();
  auto content_path = [&](const std::vector<std::string_view>& paths) {
    return name + "/content/" + std::string(paths.front());
  };
  std::map<std::string, std::map<std::string, std::vector<std::string>>> fixity;
  if (prev.contains("fixity")) {
    for (const auto& [algorithm, entries] : prev["fixity"].items())
      for (const auto& [hex, paths] : entries.items()) fixity[algorithm][hex] = paths.get<std::vector<std::string>>();
  }
  for (const auto& [digest, paths] : version.state) {
    if (paths.empty() || old_manifest.contains(std::string(digest))) continue;
    auto declared = version.declared_digests.find(paths.front());
    if (declared == version.declared_digests.end()) continue;
    for (const auto& [algorithm, hex] : *declared->second) fixity[algorithm][hex].push_back(content_path(paths));
  }

  PieceWriter w(out);
  w << "{\"digestAlgorithm\":\"sha256\",";
  if (!fixity.empty()) {
    w << "\"fixity\":{";
    bool first = true;
    for (const auto& [algorithm, entries] : fixity) {
      w << (first ? "" : ",") << Quote(algorithm) << ":{";
      first = false;
      WritePathLists(entries, w);
      w << "}";
    }
    w << "},";
  }
  w << "\"head\":" << Quote(name) << ",\"id\":" << Quote(object_id) << ",\"manifest\":{";
  // The old manifest and the new content, merged in digest order.
  bool first = true;
  auto emit = [&](std::string_view digest, const std::string& paths_json) {
    w << (first ? "" : ",") << Quote(digest) << ":" << paths_json;
    first = false;
  };
  auto old_entry = old_manifest.begin();
  auto new_entry = version.state.begin();
  while (old_entry != old_manifest.end() || new_entry != version.state.end()) {
    if (new_entry != version.state.end() && new_entry->second.empty()) {
      ++new_entry;
      continue;
    }
    bool take_old = new_entry == version.state.end() ||
                    (old_entry != old_manifest.end() && std::string_view(old_entry.key()) <= new_entry->first);
    if (take_old) {
      if (new_entry != version.state.end() && old_entry.key() == new_entry->first) ++new_entry;
      emit(old_entry.key(), old_entry.value().dump());
      ++old_entry;
    } else {
      emit(new_entry->first, "[" + Quote(content_path(new_entry->second)) + "]");
      ++new_entry;
    }
  }
  w << "},\"type\":\"https://ocfl.io/1.1/spec/#inventory\",\"versions\":{";
  for (const auto& [old_name, old_version] : prev["versions"].items()) w << Quote(old_name) << ":" << old_version.dump() << ",";
  w << Quote(name) << ":{\"created\":" << Quote(version.created) << ",\"message\":" << Quote(version.message)
    << ",\"state\":{";
  WritePathLists(version.state, w);
  w << "}";
  if (!version.user_name.empty()) {
    json user = {{"name", version.user_name}};
    if (!version.user_address.empty()) user["address"] = version.user_address;
    w << ",\"user\":" << user.dump();
  }
  w << "}}}";
  return w.Flush();
}

}  // namespace

// The previous inventory is bevara's own, but read back from the store: a
// value of another shape in it is Corruption, not an exception.
Status WriteNextInventory(std::string previous, const std::string& object_id, const InventoryVersion& version,
                          const std::function<Status(std::string_view)>& out) {
  try {
    return WriteNextInventoryUnguarded(std::move(previous), object_id, version, out);
  } catch (const std::exception& e) {
    return Status::Corruption("the previous inventory of '" + object_id + "' does not read: " + e.what());
  }
}

}  // namespace bevara::storage
