#include "src/services/publication_check.h"

#include <nlohmann/json.hpp>

namespace bevara::services {

std::optional<PublicationProof> ParsePublicationProof(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    PublicationProof p;
    p.package_id = j.at("package_id").get<std::string>();
    p.record_id = j.at("record_id").get<std::string>();
    p.published_by = j.at("published_by").get<std::string>();
    p.version = j.at("version").get<uint32_t>();
    p.digests = j.at("digests").get<std::map<std::string, std::string>>();
    return p;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

bool PublicationCheck::StillPublished(const PublicationProof& proof) {
  if (proof.published_by.empty() || proof.version == 0) return false;
  auto package = archive_->catalog()->GetPackage(proof.package_id);
  if (!package.ok() || !*package || (*package)->head != proof.version) return false;
  if (proof.published_by == "decision") {
    if (!decisions_) return false;
    auto d = decisions_->Find(proof.package_id, proof.record_id);
    return d && d->state == "published" && d->files == proof.digests;
  }
  if (!rules_) return false;
  auto rule = rules_->Find(proof.published_by);
  return rule && rule->active();
}

bool PublicationCheck::StillPublished(std::string_view proof_json) {
  auto proof = ParsePublicationProof(proof_json);
  return proof && StillPublished(*proof);
}

}  // namespace bevara::services
