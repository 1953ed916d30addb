#include "storage/aip/inventory.h"

#include <nlohmann/json.hpp>

namespace bevara::storage {

using nlohmann::json;

std::string OcflVersionName(unsigned n) { return "v" + std::to_string(n); }

Result<std::string> NextInventory(const std::string& previous, const std::string& object_id,
                                  const InventoryVersion& version) {
  json inv;
  unsigned number = 1;
  if (previous.empty()) {
    inv = {{"id", object_id},
           {"type", "https://ocfl.io/1.1/spec/#inventory"},
           {"digestAlgorithm", "sha256"},
           {"manifest", json::object()},
           {"versions", json::object()}};
  } else {
    inv = json::parse(previous, nullptr, /*allow_exceptions=*/false);
    if (!inv.is_object() || !inv["head"].is_string() || !inv["manifest"].is_object() ||
        !inv["versions"].is_object() || inv["id"] != object_id) {
      return Status::Corruption("the previous inventory of '" + object_id + "' is not readable");
    }
    std::string head = inv["head"];
    number = static_cast<unsigned>(std::stoul(head.substr(1))) + 1;
  }
  const std::string name = OcflVersionName(number);
  inv["head"] = name;

  json state = json::object();
  json& manifest = inv["manifest"];
  for (const auto& [digest, paths] : version.state) {
    state[digest] = json(std::vector<std::string>(paths.begin(), paths.end()));
    if (manifest.contains(digest) || paths.empty()) continue;
    const std::string& logical = *paths.begin();
    std::string content_path = name + "/content/" + logical;
    manifest[digest] = json::array({content_path});
    // Fixity: the digests the package declared for this content, in other algorithms.
    auto declared = version.declared_digests.find(logical);
    if (declared == version.declared_digests.end()) continue;
    for (const auto& [algorithm, hex] : declared->second) {
      inv["fixity"][algorithm][hex].push_back(content_path);
    }
  }
  json v = {{"created", version.created}, {"message", version.message}, {"state", state}};
  if (!version.user_name.empty()) {
    v["user"] = {{"name", version.user_name}};
    if (!version.user_address.empty()) v["user"]["address"] = version.user_address;
  }
  inv["versions"][name] = v;
  return inv.dump(1, '\t');
}

}  // namespace bevara::storage
