#include "storage/copies/copy_set.h"

#include "storage/blobs/s3_blob_store.h"

namespace bevara::storage {

CopySet::~CopySet() = default;

Result<std::unique_ptr<CopySet>> CopySet::Open(Archive* archive, const CopyPolicy& policy, bool allow_unreachable) {
  std::unique_ptr<CopySet> set(new CopySet());
  set->policy_ = policy;
  const std::string dir = archive->data_dir() + "/store/copies";
  for (const CopySpec& spec : policy.copies) {
    auto ledger = CopyLedger::Open(archive->env(), dir, spec.name);
    if (!ledger.ok()) return ledger.status();
    OpenCopy copy{spec.name, archive->store(), ledger->get(), spec.local};
    set->ledgers_.push_back(std::move(*ledger));
    if (!spec.local) {
      auto store = S3BlobStore::Open(archive->env(), spec.s3, dir + "/spool-" + spec.name);
      if (!store.ok() && allow_unreachable && store.status().code() == StatusCode::kUnavailable) {
        archive->env()->Log(LogLevel::kWarning, "copy " + spec.name + ": " + store.status().message() +
                                                    "; its copying and audits wait until it answers");
        store = S3BlobStore::Open(archive->env(), spec.s3, dir + "/spool-" + spec.name, /*check_bucket=*/false);
      }
      if (!store.ok()) return store.status().WithMessage("copy " + spec.name + ": " + store.status().message());
      copy.store = store->get();
      set->stores_.push_back(std::move(*store));
    }
    set->copies_.push_back(copy);
  }
  return set;
}

const OpenCopy* CopySet::Find(const std::string& name) const {
  for (const OpenCopy& c : copies_) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string CopySet::Where(const std::string& name) const {
  const CopySpec* spec = policy_.Find(name);
  if (!spec) return "";
  if (spec->local) return "the data directory's store";
  return spec->s3.endpoint + " bucket " + spec->s3.bucket;
}

}  // namespace bevara::storage
