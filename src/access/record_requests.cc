#include "src/access/record_requests.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "src/common/digest.h"
#include "src/common/random.h"

namespace bevara::access {
namespace {

bool HasDigitRun(const std::string& s, size_t length) {
  size_t run = 0;
  for (char c : s) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= length) return true;
  }
  return false;
}

constexpr size_t kMaxRecords = 100;
constexpr size_t kMaxDescription = 4000, kMaxContact = 500, kMaxNote = 4000, kMaxCaseNumber = 100;

nlohmann::json DecisionJson(const std::string& request_id, const RecordDecision& d) {
  return {{"type", "decision"}, {"request", request_id}, {"record", d.record}, {"decision", d.decision},
          {"note", d.note},     {"files", d.files},      {"by", d.by},         {"at", d.at},
          {"digests", d.digests}};
}

}  // namespace

bool IsRecordId(const std::string& id) {
  if (id.size() != 25 || id[0] != 'r') return false;
  for (size_t i = 1; i < id.size(); ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(id[i])) || std::isupper(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

bool RecordRequest::open() const {
  if (records.empty()) return decisions.empty();
  for (const std::string& r : records) {
    if (!decisions.count(r)) return true;
  }
  return false;
}

Result<std::unique_ptr<RecordRequests>> RecordRequests::Open(Env* env, const std::string& dir) {
  BEVARA_RETURN_IF_ERROR(env->CreateDir(dir, kDefaultDirMode));
  std::unique_ptr<RecordRequests> r(new RecordRequests());
  RecordRequests* self = r.get();
  RecordLogOptions options;
  options.legacy_path = dir + "/requests.jsonl";
  options.on_record = [self](uint64_t, std::string_view payload) {
    self->mu_.AssertHeld();  // the log calls back while Open (below) holds it
    return self->Apply(payload);
  };
  MutexLock lock(&r->mu_);
  auto log = RecordLog::Open(env, dir + "/requests.log", options);
  if (!log.ok()) return log.status();
  r->log_ = std::move(*log);
  return r;
}

Status RecordRequests::Apply(std::string_view payload) {
  auto j = nlohmann::json::parse(payload, nullptr, false);
  try {
    const std::string type = j.at("type").get<std::string>();
    if (type == "request") {
      RecordRequest q;
      j.at("id").get_to(q.id);
      j.at("token_sha256").get_to(q.token_sha256);
      j.at("created").get_to(q.created);
      j.at("records").get_to(q.records);
      j.at("case_number").get_to(q.case_number);
      j.at("description").get_to(q.description);
      j.at("contact").get_to(q.contact);
      if (q.id.empty() || by_id_.count(q.id)) return Status::Corruption("requests: request '" + q.id + "' twice");
      by_token_[q.token_sha256] = q.id;
      order_.push_back(q.id);
      by_id_[q.id] = std::move(q);
    } else if (type == "decision") {
      auto it = by_id_.find(j.at("request").get<std::string>());
      if (it == by_id_.end()) return Status::Corruption("requests: a decision on a request that was never made");
      RecordDecision d{j.at("record").get<std::string>(), j.at("decision").get<std::string>(),
                       j.at("note").get<std::string>(), j.at("files").get<std::vector<std::string>>(),
                       j.at("by").get<std::string>(),   j.at("at").get<std::string>()};
      // A release of an older bevara names no digests: it releases nothing now.
      if (j.contains("digests")) d.digests = j.at("digests").get<std::map<std::string, std::string>>();
      it->second.decisions[d.record] = std::move(d);
    } else {
      return Status::Corruption("requests: an event '" + type + "' this bevara does not know");
    }
  } catch (const std::exception& e) {  // nlohmann's, for a record of another shape
    return Status::Corruption(std::string("requests: a record that does not read (") + e.what() + ")");
  }
  return Status::OK();
}

Status RecordRequests::AppendLocked(const nlohmann::json& event) {
  const std::string payload = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  BEVARA_RETURN_IF_ERROR(log_->Append(payload, /*sync=*/true).status());
  return Apply(payload);
}

Result<std::pair<RecordRequest, std::string>> RecordRequests::Create(const NewRequest& n, const std::string& now) {
  if (n.records.empty() && n.case_number.empty()) return Status::InvalidArgument("name record ids or a case number");
  if (n.records.size() > kMaxRecords) return Status::InvalidArgument("at most 100 records per request");
  for (const std::string& r : n.records) {
    if (!IsRecordId(r)) return Status::InvalidArgument("'" + r.substr(0, 40) + "' is not a record id");
  }
  if (n.case_number.size() > kMaxCaseNumber) return Status::InvalidArgument("case_number is too long");
  if (n.description.empty() || n.description.size() > kMaxDescription) {
    return Status::InvalidArgument("a description of 1 to 4000 bytes is needed");
  }
  if (n.contact.empty() || n.contact.size() > kMaxContact) {
    return Status::InvalidArgument("a contact (e-mail or postal address) of 1 to 500 bytes is needed");
  }
  // A run of ten decimal digits in a token could read as a personnummer to
  // the public answers' mask, which would then break the request's links:
  // such tokens are drawn again (about one in three; two draws on average).
  std::string token;
  do {
    token = "req_" + RandomHex(32);
  } while (HasDigitRun(token, 10));
  RecordRequest q;
  q.id = "req-" + RandomHex(8);
  q.token_sha256 = Sha256Hex(token);
  q.created = now;
  q.records = n.records;
  q.case_number = n.case_number;
  q.description = n.description;
  q.contact = n.contact;
  nlohmann::json event = {{"type", "request"},          {"id", q.id},
                          {"token_sha256", q.token_sha256}, {"created", q.created},
                          {"records", q.records},       {"case_number", q.case_number},
                          {"description", q.description}, {"contact", q.contact}};
  MutexLock lock(&mu_);
  BEVARA_RETURN_IF_ERROR(AppendLocked(event));
  return std::make_pair(by_id_[q.id], token);
}

Result<RecordRequest> RecordRequests::Decide(const std::string& request_id, RecordDecision d) {
  if (d.decision != "release" && d.decision != "partial" && d.decision != "deny") {
    return Status::InvalidArgument("decision must be release, partial or deny");
  }
  if (!IsRecordId(d.record)) return Status::InvalidArgument("record must be a record id");
  if (d.note.size() > kMaxNote) return Status::InvalidArgument("the note is longer than 4000 bytes");
  if (d.decision == "deny" && d.note.empty()) {
    return Status::InvalidArgument("a denial needs its legal ground (e.g. \"OSL 26 kap. 1 §\") in note");
  }
  if (d.decision == "partial" && (d.note.empty() || d.files.empty())) {
    return Status::InvalidArgument("a partial release needs the files released and a note of what is withheld");
  }
  if (d.decision == "deny") d.files.clear();
  MutexLock lock(&mu_);
  if (!by_id_.count(request_id)) return Status::NotFound("no request '" + request_id + "'");
  BEVARA_RETURN_IF_ERROR(AppendLocked(DecisionJson(request_id, d)));
  return by_id_[request_id];
}

std::optional<RecordRequest> RecordRequests::FindByToken(const std::string& token) {
  if (token.rfind("req_", 0) != 0 || token.size() != 68) return std::nullopt;
  const std::string digest = Sha256Hex(token);
  MutexLock lock(&mu_);
  auto it = by_token_.find(digest);
  // The map lookup compares the digest; the comparison below is constant-time
  // anyway, as the token store's is.
  if (it == by_token_.end()) return std::nullopt;
  const RecordRequest& q = by_id_[it->second];
  if (CRYPTO_memcmp(q.token_sha256.data(), digest.data(), digest.size()) != 0) return std::nullopt;
  return q;
}

std::optional<RecordRequest> RecordRequests::Find(const std::string& request_id) {
  MutexLock lock(&mu_);
  auto it = by_id_.find(request_id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

std::vector<RecordRequest> RecordRequests::List(bool open_only) {
  MutexLock lock(&mu_);
  std::vector<RecordRequest> out;
  for (const std::string& id : order_) {
    const RecordRequest& q = by_id_[id];
    if (!open_only || q.open()) out.push_back(q);
  }
  return out;
}

}  // namespace bevara::access
