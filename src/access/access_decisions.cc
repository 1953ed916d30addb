#include "src/access/access_decisions.h"

#include <nlohmann/json.hpp>



namespace bevara::access {
namespace {

nlohmann::json ToJson(const AccessDecision& d) {
  return {{"package_id", d.package_id}, {"record_id", d.record_id}, {"state", d.state},
          {"reason", d.reason},         {"by", d.by},               {"at", d.at}};
}

}  // namespace

Result<std::unique_ptr<AccessDecisions>> AccessDecisions::Open(Env* env, const std::string& dir) {
  BEVARA_RETURN_IF_ERROR(env->CreateDir(dir, kDefaultDirMode));
  std::unique_ptr<AccessDecisions> d(new AccessDecisions(env, dir + "/access-decisions.jsonl"));
  BEVARA_RETURN_IF_ERROR(d->file_.Replay([&](const nlohmann::json& j) {
    AccessDecision a{j.value("package_id", ""), j.value("record_id", ""), j.value("state", ""),
                     j.value("reason", ""),     j.value("by", ""),        j.value("at", "")};
    d->latest_[{a.package_id, a.record_id}] = a;
  }));
  return d;
}

Status AccessDecisions::Record(const AccessDecision& decision) {
  if (decision.state != "public" && decision.state != "secret" && decision.state != "restricted") {
    return Status::InvalidArgument("state must be public, secret or restricted");
  }
  if (decision.reason.empty()) return Status::InvalidArgument("a decision needs a reason");
  std::lock_guard<std::mutex> lock(mu_);
  BEVARA_RETURN_IF_ERROR(file_.Append(ToJson(decision)));
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
