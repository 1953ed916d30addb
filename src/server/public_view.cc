#include "src/server/public_view.h"

#include <algorithm>
#include <set>

#include "src/common/percent_encoding.h"
#include "src/server/blob_response.h"

namespace bevara::server {

Result<std::optional<PublicRecord>> LookUpPublicRecord(search::SearchIndex* search, services::PublicationCheck* check,
                                                       storage::Archive* archive, const std::string& id) {
  auto found = search->Find(id, search::Audience::kPublic);
  if (!found.ok()) return found.status();
  std::optional<services::PublicationProof> proof;
  if (*found && (*found)->contains("proof") && (**found)["proof"].is_string()) {
    proof = search::DecodeProof((**found)["proof"].get<std::string>());
  }
  if (!proof || !check->StillPublished(*proof)) return std::optional<PublicRecord>();
  PublicRecord r{std::move(**found), std::move(*proof), {}};
  r.summary.erase("proof");
  r.summary.erase("package_id");
  for (const auto& [path, sha256] : r.proof.digests) {
    auto f = archive->catalog()->GetFile(r.proof.package_id, r.proof.version, path);
    if (!f.ok()) return f.status();
    if (!*f || (*f)->sha256 != sha256) continue;  // the bytes the publication names, or nothing
    r.files.push_back({path, (*f)->sha256, BlobContentType(**f), (*f)->size});
  }
  return std::optional<PublicRecord>(std::move(r));
}

nlohmann::json CitizenRequestView(search::SearchIndex* search, const access::RecordRequest& q, const std::string& token) {
  nlohmann::json items = nlohmann::json::array();
  std::set<std::string> listed;
  auto item = [&](const std::string& record) {
    nlohmann::json j = {{"record", record}};
    auto d = q.decisions.find(record);
    if (d == q.decisions.end()) {
      j["decision"] = "pending";
    } else {
      j["decision"] = d->second.decision;
      j["note"] = d->second.note;
      j["decided"] = d->second.at;
      if (d->second.decision != "deny") {
        auto found = search->Find(record, search::Audience::kArchive);
        if (found.ok() && *found) j["title"] = (*found)->value("title", "");
        nlohmann::json files = nlohmann::json::array();
        for (const std::string& path : d->second.files) {
          files.push_back({{"path", path},
                           {"href", "/public/v1/requests/" + token + "/files/" + record + "/" + PercentEncode(path, true)}});
        }
        j["files"] = std::move(files);
      }
    }
    listed.insert(record);
    items.push_back(std::move(j));
  };
  for (const std::string& r : q.records) item(r);
  for (const auto& [record, d] : q.decisions) {
    if (!listed.count(record)) item(record);  // records of the case, once decided
  }
  return {{"reference", q.id},         {"created", q.created},       {"state", q.open() ? "open" : "decided"},
          {"case_number", q.case_number}, {"description", q.description}, {"items", items}};
}

std::vector<nlohmann::json> RequestCandidates(search::SearchIndex* search, const access::RecordRequest& q) {
  std::vector<nlohmann::json> out;
  std::set<std::string> seen;
  for (const std::string& id : q.records) {
    auto found = search->Find(id, search::Audience::kArchive);
    seen.insert(id);
    out.push_back(found.ok() && *found ? **found : nlohmann::json{{"id", id}, {"unknown", true}});
  }
  if (!q.case_number.empty()) {
    search::SearchQuery sq;
    sq.case_number = q.case_number;
    sq.limit = 100;
    auto result = search->Search(sq, search::Audience::kArchive);
    if (result.ok()) {
      for (const search::SearchHit& hit : result->hits) {
        if (!seen.insert(hit.id).second) continue;
        nlohmann::json candidate = hit.Json();
        candidate.erase("snippet");
        out.push_back(std::move(candidate));
      }
    }
  }
  return out;
}

nlohmann::json ArchivistRequestView(const access::RecordRequest& q, std::vector<nlohmann::json> candidates) {
  nlohmann::json decisions = nlohmann::json::array();
  for (const auto& [record, d] : q.decisions) {
    decisions.push_back(
        {{"record", d.record}, {"decision", d.decision}, {"note", d.note}, {"files", d.files}, {"by", d.by}, {"at", d.at}});
  }
  return {{"id", q.id},
          {"created", q.created},
          {"state", q.open() ? "open" : "decided"},
          {"records", q.records},
          {"case_number", q.case_number},
          {"description", q.description},
          {"contact", q.contact},
          {"candidates", std::move(candidates)},
          {"decisions", decisions}};
}

Result<access::RecordRequest> DecideOnRequest(access::RecordRequests* requests, search::SearchIndex* search,
                                              storage::Archive* archive, const std::string& request_id,
                                              access::RecordDecision d, std::optional<uint32_t> reviewed,
                                              std::vector<nlohmann::json>* candidates) {
  auto q = requests->Find(request_id);
  if (!q) return Status::NotFound("no request '" + request_id + "'");
  // The record must be one the request concerns, and known to the archive.
  *candidates = RequestCandidates(search, *q);
  std::optional<nlohmann::json> record;
  for (const nlohmann::json& c : *candidates) {
    if (c.value("id", "") == d.record && !c.contains("unknown")) record = c;
  }
  if (!record && d.decision != "deny") {
    return Status::InvalidArgument("the request does not concern a known record '" + d.record + "'");
  }
  const std::vector<std::string> files = record ? record->value("files", std::vector<std::string>()) : std::vector<std::string>();
  if (d.decision == "release") d.files = files;
  for (const std::string& f : d.files) {
    if (std::find(files.begin(), files.end(), f) == files.end()) {
      return Status::InvalidArgument("'" + f + "' is not a file of the record");
    }
  }
  // Bound to the bytes as they are now, at the package's head.
  if (record && !d.files.empty()) {
    const std::string package = record->value("package_id", "");
    auto p = archive->catalog()->GetPackage(package);
    if (!p.ok()) return p.status();
    if (!*p) return Status::AlreadyExists("the record's package is no longer in the archive");
    if (reviewed && *reviewed != (*p)->head) {
      return Status::AlreadyExists("the package is at version " + std::to_string((*p)->head) +
                                   " now; review that version and decide again");
    }
    for (const std::string& path : d.files) {
      auto f = archive->catalog()->GetFile(package, (*p)->head, path);
      if (!f.ok()) return f.status();
      if (!*f) return Status::AlreadyExists("'" + path + "' is not in the package's current version");
      d.digests[path] = (*f)->sha256;
    }
  }
  return requests->Decide(q->id, d);
}

}  // namespace bevara::server
