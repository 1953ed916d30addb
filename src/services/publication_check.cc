#include "src/services/publication_check.h"

namespace bevara::services {

bool PublicationCheck::Head(const std::string& package_id, uint32_t* head) {
  // The generation is taken before the catalog read: a commit during the
  // read changes it, and what was read is then not kept.
  const uint64_t generation = archive_->head_generation();
  {
    MutexLock lock(&cache_mu_);
    if (cache_generation_ != generation) {
      heads_.clear();
      cache_generation_ = generation;
    }
    auto it = heads_.find(package_id);
    if (it != heads_.end()) {
      *head = it->second;
      return true;
    }
  }
  auto package = archive_->catalog()->GetPackage(package_id);
  if (!package.ok()) return false;  // an error is not an answer, and not kept
  *head = *package ? (*package)->head : 0;
  MutexLock lock(&cache_mu_);
  if (cache_generation_ == generation && archive_->head_generation() == generation) {
    if (heads_.size() >= kMaxCachedHeads) heads_.clear();
    heads_.emplace(package_id, *head);
  }
  return true;
}

bool PublicationCheck::StillPublished(const PublicationProof& proof) {
  if (proof.published_by.empty() || proof.version == 0) return false;
  uint32_t head = 0;
  if (!Head(proof.package_id, &head) || head != proof.version) return false;
  if (proof.published_by == "decision") {
    return decisions_ && decisions_->Publishes(proof.package_id, proof.record_id, proof.digests);
  }
  // A rule publishes only what no archivist decided on: a decision made
  // since the record was indexed (to keep it secret, say) ends it at once.
  if (!decisions_ || decisions_->Has(proof.package_id, proof.record_id)) return false;
  return rules_ && rules_->Active(proof.published_by);
}

bool PublicationCheck::StillPublished(std::string_view encoded) {
  auto proof = search::DecodeProof(encoded);
  return proof && StillPublished(*proof);
}

}  // namespace bevara::services
