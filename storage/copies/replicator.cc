#include "storage/copies/replicator.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "storage/blobs/s3_client.h"

namespace bevara::storage {
namespace {

// Blobs are sent in rounds of about this many; each round's confirmations
// are synced once.
constexpr size_t kRoundBlobs = 512;
constexpr uint64_t kRoundBytes = 1ull << 30;

struct Pending {
  HeldBlob blob;
  bool sent = false;  // tried: `result` says how it went
  Status result = Status::Unavailable("not sent: the run was stopped");
};

// Sends one blob from the local store to `target`.
Status SendOne(Archive* archive, BlobStore* target, const HeldBlob& blob) {
  auto source = archive->store()->Open(blob.name);
  if (!source.ok()) return source.status();
  return target->Restore(blob.name, source->get());
}

class Round {
 public:
  Round(Archive* archive, BlobStore* target, CopyLedger* ledger, const ReplicationOptions& options, ReplicationReport* report)
      : archive_(archive), target_(target), ledger_(ledger), options_(options), report_(report) {}

  bool full() const { return pending_.size() >= kRoundBlobs || bytes_ >= kRoundBytes; }
  bool empty() const { return pending_.empty() && versions_.empty(); }

  void Add(const VersionBlobs& v) {
    for (const HeldBlob& b : v.blobs) {
      if (!ledger_->Confirmed(b.name) && queued_.insert(b.name).second) {
        pending_.push_back({b});
        bytes_ += b.size;
      }
    }
    if (v.problem.empty()) {
      versions_.push_back(v);
    } else {
      report_->problems.push_back(v.problem);
    }
  }

  // Sends what is pending on the option's threads, records what arrived.
  Status Run() {
    std::atomic<size_t> next{0};
    // Once the store is down (each sender tried it several times), no
    // sender takes another blob: the rest would only retry the same.
    std::atomic<bool> down{false};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < pending_.size();) {
        if (cancelled() || down.load(std::memory_order_relaxed)) return;
        pending_[i].result = SendOne(archive_, target_, pending_[i].blob);
        pending_[i].sent = true;
        if (IsStoreWideFailure(pending_[i].result)) down.store(true, std::memory_order_relaxed);
      }
    };
    std::vector<std::thread> threads;
    // Memory for large blobs' parts is the target's to bound (S3BlobStore:
    // 32 MiB for all senders together).
    const size_t n = std::min(static_cast<size_t>(std::max(1, options_.threads)), pending_.size());
    for (size_t t = 1; t < n; ++t) threads.emplace_back(work);
    work();
    for (std::thread& t : threads) t.join();
    // The run ends at a store-wide failure; the first one a sender met says
    // more than the blobs that were never tried.
    Status store_failed, not_tried;
    std::vector<CopyEvent> confirmed;
    for (const Pending& p : pending_) {
      if (p.result.ok()) {
        confirmed.push_back(ledger_->NewEvent("replication", p.blob.name, p.blob.size, "confirmed", "copied from the local store"));
        ++report_->blobs_sent;
        report_->bytes_sent += p.blob.size;
      } else if (!p.sent) {
        if (not_tried.ok()) not_tried = p.result;
      } else if (IsStoreWideFailure(p.result)) {
        if (store_failed.ok()) store_failed = p.result;
      } else {
        report_->problems.push_back("blob " + p.blob.name + ": " + p.result.ToString());
      }
    }
    BEVARA_RETURN_IF_ERROR(ledger_->RecordDurably(confirmed));
    std::vector<CopyEvent> copied;
    for (const VersionBlobs& v : versions_) {
      bool all = true;
      for (const HeldBlob& b : v.blobs) all = all && ledger_->Confirmed(b.name);
      if (!all) continue;
      CopyEvent e = ledger_->NewEvent("version copied", "", 0, "confirmed", "");
      e.package = v.package, e.version = v.version;
      copied.push_back(e);
      ++report_->versions_copied;
    }
    BEVARA_RETURN_IF_ERROR(ledger_->RecordDurably(copied));
    if (options_.on_round) options_.on_round();
    pending_.clear();
    versions_.clear();
    queued_.clear();
    bytes_ = 0;
    if (cancelled()) return Status::Unavailable("replication stopped");
    return !store_failed.ok() ? store_failed : not_tried;
  }

 private:
  bool cancelled() const { return options_.cancel && options_.cancel->load(std::memory_order_relaxed); }

  Archive* archive_;
  BlobStore* target_;
  CopyLedger* ledger_;
  const ReplicationOptions& options_;
  ReplicationReport* report_;
  std::vector<Pending> pending_;
  std::set<std::string> queued_;
  std::vector<VersionBlobs> versions_;
  uint64_t bytes_ = 0;
};

}  // namespace

std::string ReplicationReport::ToJson() const {
  return nlohmann::json{{"versions_copied", versions_copied}, {"blobs_sent", blobs_sent}, {"bytes_sent", bytes_sent},
                        {"seconds", seconds}, {"problems", problems}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<ReplicationReport> Replicate(Archive* archive, BlobStore* target, CopyLedger* ledger, const ReplicationOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  ReplicationReport report;
  Round round(archive, target, ledger, options, &report);
  auto skip = [&](const std::string& package, uint32_t version) {
    return ledger->VersionCopied(package, version) || (options.only && !options.only(package, version));
  };
  Status s = ForEachHeldVersion(archive, skip, [&](const VersionBlobs& v) {
    round.Add(v);
    return round.full() ? round.Run() : Status::OK();
  });
  if (s.ok() && !round.empty()) s = round.Run();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!s.ok()) return s;
  return report;
}

Result<CopyLag> MeasureLag(Archive* archive, const CopyLedger& ledger) {
  CopyLag lag;
  std::set<std::string> counted;
  auto skip = [&](const std::string& package, uint32_t version) { return ledger.VersionCopied(package, version); };
  BEVARA_RETURN_IF_ERROR(ForEachHeldVersion(archive, skip, [&](const VersionBlobs& v) {
    for (const HeldBlob& b : v.blobs) {
      if (ledger.Confirmed(b.name) || !counted.insert(b.name).second) continue;
      ++lag.blobs;
      lag.bytes += b.size;
      if (lag.sample.size() < 20) lag.sample.push_back({b.name, b.size, v.package, v.version});
    }
    return Status::OK();
  }));
  return lag;
}

}  // namespace bevara::storage
