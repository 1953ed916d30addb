#include "src/access/access_decisions.h"

#include <nlohmann/json.hpp>

#include "src/common/json_util.h"

namespace bevara::access {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AccessDecision, package_id, record_id, state, reason, by, at, version, files)

Result<std::unique_ptr<AccessDecisions>> AccessDecisions::Open(Env* env, const std::string& dir) {
  BEVARA_RETURN_IF_ERROR(env->CreateDir(dir, kDefaultDirMode));
  std::unique_ptr<AccessDecisions> d(new AccessDecisions());
  AccessDecisions* self = d.get();
  RecordLogOptions options;
  options.legacy_path = dir + "/access-decisions.jsonl";
  options.on_record = [self](uint64_t, std::string_view payload) {
    self->mu_.AssertHeld();  // the log calls back while Open (below) holds it
    return self->Apply(payload);
  };
  MutexLock lock(&d->mu_);
  auto log = RecordLog::Open(env, dir + "/access-decisions.log", options);
  if (!log.ok()) return log.status();
  d->log_ = std::move(*log);
  return d;
}

Status AccessDecisions::Apply(std::string_view payload) {
  auto d = ParseJsonAs<AccessDecision>(payload);
  if (!d.ok()) return Status::Corruption("access decisions: a record that is not a decision (" + d.status().message() + ")");
  latest_[{d->package_id, d->record_id}] = std::move(*d);
  return Status::OK();
}

Status AccessDecisions::Record(const AccessDecision& decision) {
  if (decision.state != "published" && decision.state != "public" && decision.state != "secret" &&
      decision.state != "restricted") {
    return Status::InvalidArgument("state must be published, public, restricted or secret");
  }
  if (decision.reason.empty()) return Status::InvalidArgument("a decision needs a reason");
  if (decision.version == 0) return Status::InvalidArgument("a decision names the version it was made on");
  MutexLock lock(&mu_);
  BEVARA_RETURN_IF_ERROR(log_->Append(ToJsonText(decision), /*sync=*/true).status());
  latest_[{decision.package_id, decision.record_id}] = decision;
  return Status::OK();
}

std::optional<AccessDecision> AccessDecisions::Find(const std::string& package_id, const std::string& record_id) {
  MutexLock lock(&mu_);
  auto it = latest_.find({package_id, record_id});
  if (it == latest_.end()) return std::nullopt;
  return it->second;
}

bool AccessDecisions::Has(const std::string& package_id, const std::string& record_id) {
  MutexLock lock(&mu_);
  return latest_.count({package_id, record_id}) > 0;
}

bool AccessDecisions::Publishes(const std::string& package_id, const std::string& record_id,
                                const std::map<std::string, std::string>& files) {
  MutexLock lock(&mu_);
  auto it = latest_.find({package_id, record_id});
  return it != latest_.end() && it->second.state == "published" && it->second.files == files;
}

}  // namespace bevara::access
