#include "src/services/publication_check.h"

namespace bevara::services {

bool PublicationCheck::StillPublished(const PublicationProof& proof, HeadMemo* memo) {
  if (proof.published_by.empty() || proof.version == 0) return false;
  uint32_t head = 0;
  auto known = memo ? memo->find(proof.package_id) : HeadMemo::iterator();
  if (memo && known != memo->end()) {
    head = known->second;
  } else {
    auto package = archive_->catalog()->GetPackage(proof.package_id);
    if (!package.ok()) return false;  // not memoised: an error is not an answer
    head = *package ? (*package)->head : 0;
    if (memo) memo->emplace(proof.package_id, head);
  }
  if (head != proof.version) return false;
  if (proof.published_by == "decision") {
    return decisions_ && decisions_->Publishes(proof.package_id, proof.record_id, proof.digests);
  }
  // A rule publishes only what no archivist decided on: a decision made
  // since the record was indexed (to keep it secret, say) ends it at once.
  if (!decisions_ || decisions_->Has(proof.package_id, proof.record_id)) return false;
  return rules_ && rules_->Active(proof.published_by);
}

bool PublicationCheck::StillPublished(std::string_view encoded, HeadMemo* memo) {
  auto proof = search::DecodeProof(encoded);
  return proof && StillPublished(*proof, memo);
}

}  // namespace bevara::services
