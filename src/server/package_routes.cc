// GET /api/v1/packages[/{id}[/files/{path+}|/mets|/events|/dip]]
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/percent_encoding.h"
#include "src/server/api.h"
#include "src/server/blob_response.h"
#include "src/server/package_view.h"
#include "storage/catalog/catalog.h"

namespace bevara::server {
namespace {

using storage::PackageSummary;

// The package if the caller may see it; otherwise answers 404 (or 500) and
// returns nullopt. A package of another producer is as absent as a missing one.
std::optional<PackageSummary> VisiblePackage(PackageApi* api, Exchange& ex) {
  auto p = api->archive->catalog()->GetPackage(ex.Param("id"));
  if (!p.ok()) {
    SendStatus(ex, p.status());
    return std::nullopt;
  }
  if (!*p || !ex.who.MaySeeProducer((*p)->producer_id)) {
    // Another producer's package is refused exactly like a missing one, but
    // the attempt is recorded.
    if (*p) Audit(api->context, ex, "read.denied", (*p)->id, "denied", "package of another producer");
    SendError(ex, 404, "not_found", "no package '" + ex.Param("id") + "'");
    return std::nullopt;
  }
  return **p;
}

// ?version=N (default: the head); answers 400/404 itself on failure.
std::optional<uint32_t> RequestedVersion(Exchange& ex, const PackageSummary& p) {
  uint64_t v = p.head;
  Status s = QueryNumber(ex, "version", 1, UINT32_MAX, &v);
  if (!s.ok()) {
    SendStatus(ex, s);
    return std::nullopt;
  }
  if (v > p.head) {
    SendError(ex, 404, "not_found", "package '" + p.id + "' has no version " + std::to_string(v));
    return std::nullopt;
  }
  return static_cast<uint32_t>(v);
}

void ListPackages(PackageApi* api, Exchange& ex) {
  uint64_t limit = 100;
  Status s = QueryNumber(ex, "limit", 1, static_cast<uint64_t>(api->context->config.max_page_size), &limit);
  if (!s.ok()) return SendStatus(ex, s);
  std::string state = ex.Query("state").value_or("archived");
  if (state != "archived") return SendError(ex, 400, "bad_request", "state must be 'archived' (the only state a package has)");
  storage::PackageFilter filter;
  filter.producer = ex.Query("producer").value_or("");
  filter.created_from = ex.Query("from").value_or("");
  filter.created_to = ex.Query("to").value_or("");
  if (ex.who.role == access::Role::kEService) {
    if (!filter.producer.empty() && filter.producer != ex.who.producer) return SendJson(ex, 200, R"({"packages":[],"next":null})");
    filter.producer = ex.who.producer;
  }
  const std::string after = ex.Query("after").value_or("");
  bool passed = after.empty();
  nlohmann::json list = nlohmann::json::array();
  std::string next;
  s = api->archive->catalog()->ListPackages(filter, [&](const PackageSummary& p) {
    if (!passed) {
      passed = p.id == after;
      return Status::OK();
    }
    if (list.size() == limit) {
      next = list.back()["id"];
      return Status::StopIteration();
    }
    list.push_back(PackageSummaryJson(p));
    return Status::OK();
  });
  if (!s.ok()) return SendStatus(ex, s);
  nlohmann::json body = {{"packages", list}, {"next", next.empty() ? nlohmann::json() : nlohmann::json(next)}};
  SendJson(ex, 200, JsonText(body));
}

void GetPackage(PackageApi* api, Exchange& ex) {
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  auto version = RequestedVersion(ex, *p);
  if (!version) return;
  auto body = PackageVersionJson(api->archive, *p, *version);
  if (!body.ok()) return SendStatus(ex, body.status());
  SendJson(ex, 200, JsonText(*body));
}

void GetFile(PackageApi* api, Exchange& ex) {
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  auto version = RequestedVersion(ex, *p);
  if (!version) return;
  const std::string path = ex.Param("path");
  auto f = api->archive->catalog()->GetFile(p->id, *version, path);
  if (!f.ok()) return SendStatus(ex, f.status());
  if (!*f) return SendError(ex, 404, "not_found", "package '" + p->id + "' has no file '" + path + "'");
  if (!Audit(api->context, ex, "file.read", p->id + "/" + path, "ok", "version " + std::to_string(*version)).ok()) {
    return RefuseUnrecorded(ex);
  }
  SendBlob({api->archive, api->context->pins, api->context->copies}, ex, (*f)->sha256, (*f)->size, BlobContentType(**f), path);
}

void GetMets(PackageApi* api, Exchange& ex) {
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  auto version = RequestedVersion(ex, *p);
  if (!version) return;
  auto f = api->archive->catalog()->GetFile(p->id, *version, "METS.xml");
  if (!f.ok()) return SendStatus(ex, f.status());
  if (!*f) return SendError(ex, 404, "not_found", "version has no AIP METS");
  if (!Audit(api->context, ex, "file.read", p->id + "/METS.xml", "ok", "version " + std::to_string(*version)).ok()) {
    return RefuseUnrecorded(ex);
  }
  SendBlob({api->archive, api->context->pins, api->context->copies}, ex, (*f)->sha256, (*f)->size, "application/xml", "METS.xml");
}

void GetEvents(PackageApi* api, Exchange& ex) {
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  auto events = PackageEventsJson(api->archive, *p);
  if (!events.ok()) return SendStatus(ex, events.status());
  SendJson(ex, 200, JsonText(nlohmann::json({{"package_id", p->id}, {"events", *events}})));
}

void GetCase(PackageApi* api, Exchange& ex) {
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  auto version = RequestedVersion(ex, *p);
  if (!version) return;
  auto body = PackageCaseJson(api, *p, *version, TodayUtc(api->context->env));
  if (!body.ok()) return SendStatus(ex, body.status());
  if (!*body) return SendError(ex, 404, "not_found", "package '" + p->id + "' holds no case metadata (ERMS)");
  // Titles of secret records are in it: the read is recorded like a file's.
  if (!Audit(api->context, ex, "case.read", p->id, "ok", "version " + std::to_string(*version)).ok()) return RefuseUnrecorded(ex);
  SendJson(ex, 200, JsonText(**body));
}

// PUT .../records/{record}/access {"state": "published|public|restricted|secret", "reason": "...",
//                                 "version": N (required to publish)}
// The decision is bound to the head version and the digests of the
// record's files as they are now: what the archivist decided on.
void DecideAccess(PackageApi* api, Exchange& ex) {
  nlohmann::json body;
  if (!ReadJsonObject(ex, &body)) return;
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  if (!body.contains("state") || !body["state"].is_string() || !body.contains("reason") || !body["reason"].is_string()) {
    return SendError(ex, 400, "bad_request", "the body must be {\"state\": ..., \"reason\": ...}");
  }
  // What the archivist reviewed: a publication must name the version, and
  // any decision that names one is refused if the package moved on since.
  if (!CheckReviewedVersion(ex, body, p->head)) return;
  AccessChange change{ex.Param("record"), body["state"], body["reason"], std::nullopt, ex.who.token_id};
  if (body.contains("version")) change.reviewed_version = p->head;  // checked equal above
  auto record = DecideRecordAccess(api, *p, change);
  if (record.ok()) {
    Audit(api->context, ex, "access.change", p->id + "/" + change.record_id, "ok",
          "state " + change.state + " on version " + std::to_string(p->head) + ": " + change.reason, true);
    return SendJson(ex, 200, JsonText(*record));
  }
  const Status& s = record.status();
  if (s.code() == StatusCode::kAlreadyExists) return SendError(ex, 409, "conflict", s.message());
  if (s.code() == StatusCode::kUnavailable) {
    Audit(api->context, ex, "access.change", p->id + "/" + change.record_id, "ok",
          "state " + change.state + " on version " + std::to_string(p->head) + ": " + change.reason, true);
    ex.response.set("Retry-After", "60");
    return SendError(ex, 503, "search_not_updated", s.message());
  }
  SendStatus(ex, s);
}

void GetDip(PackageApi* api, Exchange& ex) {
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  auto version = RequestedVersion(ex, *p);
  if (!version) return;
  if (!Audit(api->context, ex, "dip.read", p->id, "ok", "version " + std::to_string(*version)).ok()) return RefuseUnrecorded(ex);
  SendDip({api->archive, api->context->pins, api->context->copies}, ex, *p, *version);
}

// What the archive holds per format. Counted on the request: one catalog
// pass over every head version's file rows (no blob is read).
void ListFormats(PackageApi* api, Exchange& ex) {
  auto report = services::BuildFormatReport(api->archive->catalog(), *api->format_policy);
  if (!report.ok()) return SendStatus(ex, report.status());
  SendJson(ex, 200, JsonText(services::ToJson(*report)));
}

}  // namespace

std::vector<Route> PackageRoutes(PackageApi* api) {
  return {
      {"GET", "/api/v1/packages", roles::kReaders, Bind(api, ListPackages)},
      {"GET", "/api/v1/formats", {access::Role::kArchivist, access::Role::kAuditor}, Bind(api, ListFormats)},
      {"GET", "/api/v1/packages/{id}", roles::kReaders, Bind(api, GetPackage)},
      {"GET", "/api/v1/packages/{id}/files/{path+}", roles::kReaders, Bind(api, GetFile)},
      {"GET", "/api/v1/packages/{id}/mets", roles::kReaders, Bind(api, GetMets)},
      {"GET", "/api/v1/packages/{id}/events", roles::kReaders, Bind(api, GetEvents)},
      {"GET", "/api/v1/packages/{id}/dip", roles::kReaders, Bind(api, GetDip)},
      {"GET", "/api/v1/packages/{id}/case", roles::kReaders, Bind(api, GetCase)},
      {"PUT", "/api/v1/packages/{id}/records/{record}/access", {access::Role::kArchivist}, Bind(api, DecideAccess)},
  };
}

}  // namespace bevara::server
