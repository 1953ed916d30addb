// POST /api/v1/packages (a deposit) and GET /api/v1/jobs/{id}.
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerSession.h>

#include <set>

#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/percent_encoding.h"
#include "src/server/api.h"

namespace bevara::server {
namespace {

using services::Job;
using services::JobState;

constexpr size_t kMaxIdempotencyKey = 255;

std::string JobHref(const std::string& id) { return "/api/v1/jobs/" + id; }

// An Idempotency-Key is printable ASCII (a UUID, typically): anything else
// is refused before a byte of the body is read.
bool UsableIdempotencyKey(const std::string& key) {
  if (key.size() > kMaxIdempotencyKey) return false;
  for (unsigned char c : key) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// The error a finished deposit's client reads, from how it ended.
nlohmann::json DepositError(const std::string& outcome, const Job& job, const nlohmann::json& result) {
  if (outcome == "rejected_producer") {
    return {{"code", "forbidden"}, {"status", 403},
            {"message", "this token may deposit only packages of producer '" + job.producer + "'"}};
  }
  if (outcome == "rejected") return {{"code", "invalid_package"}, {"message", "the package broke the rules the report names"}};
  if (result.value("cause", std::string()) == "copies_unconfirmed") {
    // Archived here, not yet where the policy wants it before saying so.
    return {{"code", "copies_unconfirmed"}, {"message", result.value("message", std::string())}};
  }
  return {{"code", "ingest_failed"},
          {"message", "the archive could not store the package (" + result.value("cause", std::string("Internal")) +
                          "); deposit it again later"}};
}

// What a rejected package's developer has to fix: the failed rules only,
// each with its id, where, what went wrong and what the rule asks.
nlohmann::json Problems(const nlohmann::json& report) {
  nlohmann::json problems = nlohmann::json::array();
  if (!report.is_object() || !report.contains("rules") || !report["rules"].is_array()) return problems;
  for (const nlohmann::json& rule : report["rules"]) {
    if (rule.value("result", std::string()) != "fail") continue;
    if (!rule.contains("findings") || !rule["findings"].is_array()) continue;
    for (const nlohmann::json& f : rule["findings"]) {
      nlohmann::json p = {{"rule", rule.value("id", std::string())},
                          {"message", f.value("message", std::string())},
                          {"hint", rule.value("title", std::string())}};
      if (f.contains("location")) p["location"] = f["location"];
      problems.push_back(std::move(p));
      if (problems.size() >= 100) return problems;  // the report has them all
    }
  }
  return problems;
}

}  // namespace

// A deposit as its client reads it, in one shape through every state: the
// job; once it is done, the report and receipt of what it became (the
// receipt with the version record in full), or the error and what to fix.
Result<nlohmann::json> DepositJobDocument(DepositApi* api, const Job& job) {
  nlohmann::json doc = {{"id", job.id},
                        {"state", services::JobStateName(job.state)},
                        {"created", job.created},
                        {"finished", job.finished.empty() ? nlohmann::json(nullptr) : nlohmann::json(job.finished)},
                        {"token", job.token_id},
                        {"producer", job.producer},
                        {"idempotency_key", job.idempotency_key},
                        {"sha256", job.body_sha256},
                        {"size", job.size},
                        {"href", JobHref(job.id)}};
  if (!job.package_id.empty()) {
    doc["package_id"] = job.package_id;
    doc["version"] = job.version;
    doc["package"] = "/api/v1/packages/" + PercentEncode(job.package_id, false);
  }
  if (!services::IsDone(job.state)) return doc;
  auto result = api->deposits->ResultOf(job.id);
  if (!result.ok()) return result.status();
  const std::string outcome = result->value("outcome", std::string());
  if (result->contains("report")) doc["report"] = (*result)["report"];
  if (result->contains("receipt")) {
    nlohmann::json receipt = (*result)["receipt"];
    if (!receipt.contains("aip") && receipt.contains("record") && receipt["record"].is_string()) {
      // The version record as the archive keeps it (checked against its name).
      auto record = api->archive->ReadBlob(receipt["record"].get<std::string>());
      // The record is the archive's own: not finding it is damage, not a 404.
      if (!record.ok()) return Status::Internal("the version record of job " + job.id + ": " + record.status().ToString());
      receipt["aip"] = nlohmann::json::parse(*record, nullptr, false);
    }
    doc["receipt"] = std::move(receipt);
  }
  if (job.state == JobState::kRejected || job.state == JobState::kFailed) {
    doc["error"] = result->contains("error") ? (*result)["error"] : DepositError(outcome, job, *result);
    if (doc.contains("report")) doc["error"]["problems"] = Problems(doc["report"]);
  }
  return doc;
}

namespace {

void SendJobDocument(DepositApi* api, Exchange& ex, int status, const Job& job) {
  auto doc = DepositJobDocument(api, job);
  if (!doc.ok()) return SendStatus(ex, doc.status());
  SendJson(ex, status, JsonText(*doc));
}

// Reads the body into the deposit. A fixed-length body is read straight from
// the socket in large pieces: Poco's stream buffer reads 4 KiB at a time,
// a quarter million reads per GiB. The first read goes through the stream,
// which empties the session's buffer (less than 4 KiB of body, read with
// the header); after it every remaining byte is still in the socket.
Status ReceiveBody(Exchange& ex, services::PendingDeposit* deposit) {
  std::string buf(1 << 20, '\0');
  std::istream& in = ex.request.stream();
  if (!ex.request.getChunkedTransferEncoding() && ex.request.hasContentLength()) {
    uint64_t left = static_cast<uint64_t>(ex.request.getContentLength64());
    in.peek();
    std::streamsize first = std::min<std::streamsize>(in.rdbuf()->in_avail(), static_cast<std::streamsize>(left));
    if (first <= 0) return Status::InvalidArgument("the client closed the connection before the whole body was sent");
    in.read(buf.data(), first);
    BEVARA_RETURN_IF_ERROR(deposit->Write(buf.data(), static_cast<size_t>(first)));
    left -= static_cast<uint64_t>(first);
    auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(ex.request).socket();
    BodyPace pace(ex.min_body_rate);
    socket.setReceiveTimeout(pace.NextReadTimeout());
    uint64_t received = static_cast<uint64_t>(first);
    while (left > 0) {
      int n = socket.receiveBytes(buf.data(), static_cast<int>(std::min<uint64_t>(left, buf.size())));
      if (n <= 0) return Status::InvalidArgument("the client closed the connection before the whole body was sent");
      BEVARA_RETURN_IF_ERROR(deposit->Write(buf.data(), static_cast<size_t>(n)));
      left -= static_cast<uint64_t>(n);
      received += static_cast<uint64_t>(n);
      BEVARA_RETURN_IF_ERROR(pace.Check(received));
    }
    ex.body_read = true;
    return Status::OK();
  }
  BodyPace pace(ex.min_body_rate);
  static_cast<Poco::Net::HTTPServerRequestImpl&>(ex.request).socket().setReceiveTimeout(pace.NextReadTimeout());
  uint64_t received = 0;
  // peek() waits for what comes next, readsome() takes what has come: the
  // pace is checked as the body arrives, not once per buffer.
  while (in.peek() != std::char_traits<char>::eof()) {
    const std::streamsize n = in.readsome(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (n <= 0) break;
    BEVARA_RETURN_IF_ERROR(deposit->Write(buf.data(), static_cast<size_t>(n)));
    received += static_cast<uint64_t>(n);
    BEVARA_RETURN_IF_ERROR(pace.Check(received));
  }
  ex.body_read = true;
  return Status::OK();
}

}  // namespace

void ReceiveDeposit(DepositApi* api, Exchange& ex) {
  services::DepositService* deposits = api->deposits;
  if (ex.request.hasContentLength() && static_cast<uint64_t>(ex.request.getContentLength64()) > deposits->max_package_bytes()) {
    Audit(api->context, ex, "deposit", "", "refused", "Content-Length over the limit");
    return SendError(ex, 413, "too_large",
                     "the package is larger than this server accepts (" + std::to_string(deposits->max_package_bytes()) + " bytes)");
  }
  if (!ex.HasBody()) return SendError(ex, 400, "bad_request", "the request has no body: send the package (tar or zip)");
  // A browser form's upload wraps the package in MIME parts: refused before
  // a byte is read, with what to do instead.
  if (ex.request.getContentType().rfind("multipart/", 0) == 0) {
    return SendError(ex, 415, "unsupported_media_type",
                     "send the raw package as the request body (Content-Type: application/x-tar or application/zip), "
                     "not as a multipart form");
  }
  const std::string key = ex.request.get("Idempotency-Key", "");
  if (!UsableIdempotencyKey(key)) {
    return SendError(ex, 400, "bad_request", "an Idempotency-Key is at most 255 printable ASCII characters");
  }
  auto pending = deposits->Begin(ex.who);
  if (!pending.ok()) {
    const bool unscanned = deposits->refuses_unscanned();
    if (!unscanned) ex.response.set("Retry-After", "10");
    return SendError(ex, 503, unscanned ? "virus_scan_unavailable" : "queue_full", pending.status().message());
  }
  Status received;
  try {
    // A client that asked first (Expect: 100-continue) sends the body only
    // now that it is known to be wanted; refusals above went out instead.
    if (ex.request.getExpectContinue()) ex.response.sendContinue();
    received = ReceiveBody(ex, pending->get());
  } catch (const std::exception& e) {  // Poco reports a timed-out or reset connection by throwing
    received = Status::InvalidArgument(std::string("the body could not be read: ") + e.what());
  }
  // Client-side failures are InvalidArgument (400); the server's own (a
  // full disk) keep their code and are 5xx.
  if (!received.ok()) {
    if (received.code() == StatusCode::kResourceExhausted) {
      Audit(api->context, ex, "deposit", "", "refused", "body over the limit");
      return SendError(ex, 413, "too_large", received.message());
    }
    return SendStatus(ex, received);
  }
  bool repeat = false;
  auto job = (*pending)->Finish(key, &repeat);
  if (!job.ok()) {
    if (job.status().IsRejected()) return SendError(ex, 422, "idempotency_key_reused", job.status().message());
    return SendStatus(ex, job.status());
  }
  ex.response.set("Location", JobHref(job->id));
  if (!repeat && job->state == JobState::kFailed) {
    // Streamed, and already over before its client was answered: a full
    // disk is the server's condition, not an accepted deposit. The job is
    // recorded (Location) with its reason.
    auto result = deposits->ResultOf(job->id);
    if (result.ok() && result->value("cause", std::string()) == StatusCodeName(StatusCode::kNoSpace)) {
      ex.response.set("Retry-After", "60");
      return SendError(ex, 507, "insufficient_storage",
                       "the archive's disk is full: the package was not stored (job " + job->id +
                           " records it); deposit it again when space has been freed");
    }
  }
  if (repeat) {
    ex.response.set("Idempotent-Replayed", "true");
    if (services::IsDone(job->state)) return SendJobDocument(api, ex, 200, *job);  // the first deposit's result
  }
  SendJobDocument(api, ex, 202, *job);
}

namespace {

void GetJob(DepositApi* api, Exchange& ex) {
  auto job = api->deposits->Find(ex.Param("id"), ex.who);
  if (!job) return SendError(ex, 404, "not_found", "no job '" + ex.Param("id") + "'");
  if (!services::IsDone(job->state)) ex.response.set("Retry-After", "1");
  SendJobDocument(api, ex, 200, *job);
}

// A job in a list: what it is and how it ended, without its report.
nlohmann::json JobListEntry(const Job& job) {
  nlohmann::json j = {{"id", job.id},
                      {"kind", services::JobKindName(job.kind)},
                      {"state", services::JobStateName(job.state)},
                      {"created", job.created},
                      {"finished", job.finished.empty() ? nlohmann::json(nullptr) : nlohmann::json(job.finished)},
                      {"producer", job.producer},
                      {"size", job.size},
                      {"href", job.kind == services::JobKind::kAudit ? "/api/v1/audits/" + job.id : JobHref(job.id)}};
  if (!job.package_id.empty()) {
    j["package_id"] = job.package_id;
    if (job.kind == services::JobKind::kDeposit) j["version"] = job.version;
  }
  return j;
}

void ListJobs(DepositApi* api, Exchange& ex) {
  JobFilter filter;
  const std::string kind = ex.Query("kind").value_or("deposit");
  if (kind != "deposit" && kind != "audit") return SendError(ex, 400, "bad_request", "kind is deposit or audit");
  filter.kind = kind == "audit" ? services::JobKind::kAudit : services::JobKind::kDeposit;
  if (Status s = filter.FromQuery(ex, api->context->config.max_page_size); !s.ok()) return SendStatus(ex, s);
  std::string next;
  nlohmann::json list = nlohmann::json::array();
  for (const Job& job : ListJobsMatching(api->jobs, filter, ex.who, &next)) list.push_back(JobListEntry(job));
  SendJson(ex, 200, JsonText({{"jobs", list}, {"next", next.empty() ? nlohmann::json(nullptr) : nlohmann::json(next)}}));
}

}  // namespace

Status JobFilter::FromQuery(const Exchange& ex, uint64_t max_limit) {
  state = ex.Query("state").value_or("");
  producer = ex.Query("producer").value_or("");
  from = ex.Query("from").value_or("");
  to = ex.Query("to").value_or("");
  after = ex.Query("after").value_or("");
  BEVARA_RETURN_IF_ERROR(QueryNumber(ex, "limit", 1, max_limit, &limit));
  return Check();
}

Status JobFilter::Check() const {
  static const std::set<std::string> kStates = {"queued", "running", "archived", "rejected", "clean",
                                                "problems", "cancelled", "failed", "waiting"};
  if (!state.empty() && !kStates.count(state)) {
    return Status::InvalidArgument("state is one of queued, running, waiting (either), archived, rejected, failed, "
                                   "clean, problems, cancelled");
  }
  for (const std::string* d : {&from, &to}) {
    if (!d->empty() && (d->size() != 10 || !IsIsoDateOrTime(*d))) return Status::InvalidArgument("from and to are dates, YYYY-MM-DD");
  }
  return Status::OK();
}

std::vector<Job> ListJobsMatching(services::JobStore* jobs, const JobFilter& f, const access::Principal& who,
                                  std::string* next) {
  std::vector<Job> out;
  bool passed = f.after.empty();
  next->clear();
  for (const Job& job : jobs->List(f.kind, /*newest_first=*/true)) {
    if (!passed) {
      passed = job.id == f.after;
      continue;
    }
    if (!who.MaySeeWorkOf(job.token_id, job.producer)) continue;
    const std::string state = services::JobStateName(job.state);
    if (!f.state.empty() && state != f.state && !(f.state == "waiting" && !services::IsDone(job.state))) continue;
    if (!f.producer.empty() && job.producer != f.producer) continue;
    const std::string day = job.created.substr(0, 10);
    if (!f.from.empty() && day < f.from) continue;
    if (!f.to.empty() && day > f.to) continue;
    if (out.size() == f.limit) {
      *next = out.back().id;
      break;
    }
    out.push_back(job);
  }
  return out;
}


std::vector<Route> DepositRoutes(DepositApi* api) {
  return {
      {"POST", "/api/v1/packages", roles::kDepositors, Bind(api, ReceiveDeposit)},
      {"GET", "/api/v1/jobs", roles::kReaders, Bind(api, ListJobs)},
      {"GET", "/api/v1/jobs/{id}", roles::kReaders, Bind(api, GetJob)},
  };
}

}  // namespace bevara::server
