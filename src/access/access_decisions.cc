#include "access/access_decisions.h"

#include <nlohmann/json.hpp>

#include "common/file_util.h"

namespace bevara::access {
namespace {

nlohmann::json ToJson(const AccessDecision& d) {
  return {{"package_id", d.package_id}, {"record_id", d.record_id}, {"state", d.state},
          {"reason", d.reason},         {"by", d.by},               {"at", d.at}};
}

}  // namespace

Result<std::unique_ptr<AccessDecisions>> AccessDecisions::Open(Env* env, const std::string& dir) {
  BEVARA_RETURN_IF_ERROR(env->CreateDir(dir));
  std::unique_ptr<AccessDecisions> d(new AccessDecisions(env, dir + "/access-decisions.jsonl"));
  auto complete = ForEachLine(env, d->path_, [&](std::string_view line, uint64_t) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) return Status::OK();
    AccessDecision a{j.value("package_id", ""), j.value("record_id", ""), j.value("state", ""),
                     j.value("reason", ""),     j.value("by", ""),        j.value("at", "")};
    d->latest_[{a.package_id, a.record_id}] = a;
    return Status::OK();
  });
  if (!complete.ok()) return complete.status().IsNotFound() ? Result<std::unique_ptr<AccessDecisions>>(std::move(d))
                                                            : Result<std::unique_ptr<AccessDecisions>>(complete.status());
  // A line torn by a crash was never acknowledged; the next one starts fresh.
  auto size = env->Stat(d->path_);
  if (!size.ok()) return size.status();
  d->needs_newline_ = size->size > *complete;
  return d;
}

Status AccessDecisions::Record(const AccessDecision& decision) {
  if (decision.state != "public" && decision.state != "secret" && decision.state != "restricted") {
    return Status::InvalidArgument("state must be public, secret or restricted");
  }
  if (decision.reason.empty()) return Status::InvalidArgument("a decision needs a reason");
  std::lock_guard<std::mutex> lock(mu_);
  auto file = env_->OpenForAppend(path_);
  if (!file.ok()) return file.status();
  // A line torn by a crash ends without '\n': start on a fresh line.
  std::string line = (needs_newline_ ? "\n" : "") + ToJson(decision).dump() + "\n";
  Status s = (*file)->Append(line.data(), line.size());
  if (s.ok()) s = (*file)->Sync();
  Status closed = (*file)->Close();
  if (!s.ok()) return s;
  if (!closed.ok()) return closed;
  BEVARA_RETURN_IF_ERROR(env_->SyncDir(DirName(path_)));
  needs_newline_ = false;
  latest_[{decision.package_id, decision.record_id}] = decision;
  return Status::OK();
}

std::optional<AccessDecision> AccessDecisions::Find(const std::string& package_id, const std::string& record_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = latest_.find({package_id, record_id});
  if (it == latest_.end()) return std::nullopt;
  return it->second;
}

}  // namespace bevara::access
