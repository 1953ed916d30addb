// Publication rules (archivists):
//   GET    /api/v1/publication-rules
//   POST   /api/v1/publication-rules       {"creator", "classification_code"?,
//                                           "record_type"?, "date_from"?, "date_to"?, "reason"}
//   DELETE /api/v1/publication-rules/{id}  revokes it
// A new rule publishes in the background as packages are indexed again; a
// revocation holds for the public at once (the publication check asks
// whether the rule stands on every answer, and its records leave the
// public index before the answer). The records waiting for an
// archivist's review are GET /api/v1/search?review=1.
#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/json_util.h"
#include "src/server/api.h"

namespace bevara::server {
namespace {

nlohmann::json RuleJson(const access::PublicationRule& r) {
  nlohmann::json j = {{"id", r.id},         {"creator", r.creator},     {"classification_code", r.classification_code},
                      {"record_type", r.record_type}, {"date_from", r.date_from}, {"date_to", r.date_to},
                      {"reason", r.reason}, {"by", r.by},               {"at", r.at},
                      {"active", r.active()}, {"href", "/api/v1/publication-rules/" + r.id}};
  if (!r.active()) j["revoked"] = {{"by", r.revoked_by}, {"at", r.revoked_at}};
  return j;
}

// Every package is indexed again in the background: a rule may touch any.
void IndexEverythingAgain(PublicationApi* api) {
  if (!api->index_worker) return;
  Status s = api->archive->catalog()->ListPackages({}, [&](const storage::PackageSummary& p) {
    api->index_worker->Enqueue(p.id);
    return Status::OK();
  });
  if (!s.ok()) api->context->env->Log(LogLevel::kError, "publication rules: packages not queued for indexing: " + s.ToString());
}

void ListRules(PublicationApi* api, Exchange& ex) {
  nlohmann::json list = nlohmann::json::array();
  for (const access::PublicationRule& r : api->rules->List()) list.push_back(RuleJson(r));
  SendJson(ex, 200, JsonText(nlohmann::json({{"rules", list}})));
}

void AddRule(PublicationApi* api, Exchange& ex) {
  nlohmann::json body;
  if (!ReadJsonObject(ex, &body)) return;
  access::PublicationRule rule;
  rule.creator = JsonStringField(body, "creator");
  rule.classification_code = JsonStringField(body, "classification_code");
  rule.record_type = JsonStringField(body, "record_type");
  rule.date_from = JsonStringField(body, "date_from");
  rule.date_to = JsonStringField(body, "date_to");
  rule.reason = JsonStringField(body, "reason");
  rule.by = ex.who.token_id;
  auto added = api->rules->Add(rule, NowRfc3339(api->context->env));
  if (!added.ok()) return SendStatus(ex, added.status());
  Audit(api->context, ex, "publication.rule", added->id, "ok",
        "creator " + added->creator + (added->classification_code.empty() ? "" : ", classification " + added->classification_code) +
            (added->record_type.empty() ? "" : ", type " + added->record_type) + ": " + added->reason,
        true);
  IndexEverythingAgain(api);
  ex.response.set("Location", "/api/v1/publication-rules/" + added->id);
  SendJson(ex, 201, JsonText(RuleJson(*added)));
}

void RevokeRule(PublicationApi* api, Exchange& ex) {
  auto revoked = api->rules->Revoke(ex.Param("id"), ex.who.token_id, NowRfc3339(api->context->env));
  if (!revoked.ok()) return SendStatus(ex, revoked.status());
  Audit(api->context, ex, "publication.revoke", revoked->id, "ok", "", true);
  // Out of public totals and facets now (answers already check the rule).
  Status withdrawn = api->search->Withdraw(revoked->id);
  if (withdrawn.ok()) withdrawn = api->search->Commit();
  if (!withdrawn.ok()) {
    api->context->env->Log(LogLevel::kError, "publication rules: " + revoked->id + " not withdrawn from search: " +
                                                 withdrawn.ToString());
  }
  IndexEverythingAgain(api);
  SendJson(ex, 200, JsonText(RuleJson(*revoked)));
}

}  // namespace

std::vector<Route> PublicationRoutes(PublicationApi* api) {
  return {
      {"GET", "/api/v1/publication-rules", roles::kSearchers, Bind(api, ListRules)},
      {"POST", "/api/v1/publication-rules", roles::kSearchers, Bind(api, AddRule)},
      {"DELETE", "/api/v1/publication-rules/{id}", roles::kSearchers, Bind(api, RevokeRule)},
  };
}

}  // namespace bevara::server
