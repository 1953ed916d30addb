#include "ingest/sip/case_description.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <set>

#include "ingest/mets/xsd_values.h"
#include "ingest/validate/vocabularies.h"
#include "src/common/path.h"

namespace bevara::ingest {
namespace {

using nlohmann::json;

// Reading one JSON object: every key must be read, none may be unknown.
class Fields {
 public:
  Fields(const json& object, std::string where) : object_(object), where_(std::move(where)) {}

  Status Text(const char* key, std::string* out, bool required = false) {
    seen_.insert(key);
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) {
      return required ? Error(Path(key), "is required") : Status::OK();
    }
    if (!it->is_string()) return Error(Path(key), "must be a string");
    *out = it->get<std::string>();
    // XML 1.0 has no place for the other C0 characters: a METS holding one
    // would not be well-formed.
    for (unsigned char c : *out) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return Error(Path(key), "holds a control character");
    }
    if (required && out->empty()) return Error(Path(key), "must not be empty");
    return Status::OK();
  }

  // An array of objects, each read by `read(item, path)`.
  template <typename Read>
  Status Each(const char* key, bool required, Read read) {
    seen_.insert(key);
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return required ? Error(Path(key), "is required") : Status::OK();
    if (!it->is_array()) return Error(Path(key), "must be an array");
    if (required && it->empty()) return Error(Path(key), "must not be empty");
    for (size_t i = 0; i < it->size(); ++i) {
      BEVARA_RETURN_IF_ERROR(read((*it)[i], Path(key) + "[" + std::to_string(i) + "]"));
    }
    return Status::OK();
  }

  const json* Object(const char* key) {
    seen_.insert(key);
    auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }

  // Call last: an unknown key is an error.
  Status Done() const {
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      if (!seen_.count(it.key())) return Error(Path(it.key()), "is not a known field");
    }
    return Status::OK();
  }

  std::string Path(const std::string& key) const { return where_.empty() ? key : where_ + "." + key; }

  static Status Error(const std::string& path, const std::string& what) {
    return Status::Rejected("SIP-DESCRIPTION", path + " " + what, path);
  }

 private:
  const json& object_;
  std::string where_;
  std::set<std::string, std::less<>> seen_;
};

Status MustBeObject(const json& j, const std::string& path) {
  return j.is_object() ? Status::OK() : Fields::Error(path, "must be an object");
}

// A calendar date YYYY-MM-DD (2023-02-29 is none).
bool IsDate(std::string_view s) { return s.size() == 10 && XsdDay(s).has_value(); }

Status Date(Fields& f, const char* key, std::string* out, bool required = false) {
  BEVARA_RETURN_IF_ERROR(f.Text(key, out, required));
  if (!out->empty() && !IsDate(*out)) return Fields::Error(f.Path(key), "must be a date YYYY-MM-DD");
  return Status::OK();
}

Status ReadOrganisation(const json* j, const std::string& path, Organisation* out) {
  if (j == nullptr) return Fields::Error(path, "is required");
  BEVARA_RETURN_IF_ERROR(MustBeObject(*j, path));
  Fields f(*j, path);
  BEVARA_RETURN_IF_ERROR(f.Text("name", &out->name, true));
  BEVARA_RETURN_IF_ERROR(f.Text("id", &out->id, true));
  return f.Done();
}

Status ReadParty(const json& j, const std::string& path, Party* p) {
  BEVARA_RETURN_IF_ERROR(MustBeObject(j, path));
  Fields f(j, path);
  BEVARA_RETURN_IF_ERROR(f.Text("type", &p->type, true));
  BEVARA_RETURN_IF_ERROR(f.Text("name", &p->name, true));
  BEVARA_RETURN_IF_ERROR(f.Text("organisation", &p->organisation));
  BEVARA_RETURN_IF_ERROR(f.Text("personnummer", &p->personnummer));
  BEVARA_RETURN_IF_ERROR(f.Text("organisation_number", &p->organisation_number));
  return f.Done();
}

Status ReadRestriction(const json& j, const std::string& path, CaseRestriction* r) {
  BEVARA_RETURN_IF_ERROR(MustBeObject(j, path));
  Fields f(j, path);
  BEVARA_RETURN_IF_ERROR(f.Text("type", &r->type));
  if (r->type.empty()) r->type = "confidential";
  static const std::set<std::string, std::less<>> kTypes = {"confidential", "gdpr", "integrity", "other"};
  if (!kTypes.count(r->type)) return Fields::Error(f.Path("type"), "must be confidential, gdpr, integrity or other");
  BEVARA_RETURN_IF_ERROR(f.Text("other_type", &r->other_type, r->type == "other"));
  BEVARA_RETURN_IF_ERROR(f.Text("ground", &r->ground, true));
  BEVARA_RETURN_IF_ERROR(f.Text("explanation", &r->explanation));
  BEVARA_RETURN_IF_ERROR(Date(f, "ends", &r->ends));
  return f.Done();
}

Status ReadFile(const json& j, const std::string& path, CaseFile* out) {
  if (j.is_string()) {
    out->path = j.get<std::string>();
  } else {
    BEVARA_RETURN_IF_ERROR(MustBeObject(j, path));
    Fields f(j, path);
    BEVARA_RETURN_IF_ERROR(f.Text("path", &out->path, true));
    BEVARA_RETURN_IF_ERROR(f.Text("mimetype", &out->mimetype));
    if (!out->mimetype.empty() && !IsMediaType(out->mimetype)) {
      return Fields::Error(f.Path("mimetype"), "must be an IANA media type (type/subtype)");
    }
    BEVARA_RETURN_IF_ERROR(f.Done());
  }
  // The names' finer rules (backslashes, control characters, NFC
  // collisions) are the package reader's, applied when the package is planned.
  if (!IsSafeRelativePath(out->path)) {
    return Fields::Error(path, "must be a relative path inside the files folder, '/'-separated, without '..'");
  }
  return Status::OK();
}

Status ReadRecord(const json& j, const std::string& path, CaseRecord* r) {
  BEVARA_RETURN_IF_ERROR(MustBeObject(j, path));
  Fields f(j, path);
  BEVARA_RETURN_IF_ERROR(f.Text("id", &r->id));
  BEVARA_RETURN_IF_ERROR(f.Text("number", &r->number));
  BEVARA_RETURN_IF_ERROR(f.Text("title", &r->title, true));
  BEVARA_RETURN_IF_ERROR(f.Text("type", &r->type));
  BEVARA_RETURN_IF_ERROR(f.Text("direction", &r->direction));
  if (!r->direction.empty() && r->direction != "incoming" && r->direction != "outgoing" && r->direction != "internal") {
    return Fields::Error(f.Path("direction"), "must be incoming, outgoing or internal");
  }
  BEVARA_RETURN_IF_ERROR(Date(f, "date", &r->date));
  BEVARA_RETURN_IF_ERROR(f.Each("parties", false, [&](const json& p, const std::string& at) {
    return ReadParty(p, at, &r->parties.emplace_back());
  }));
  BEVARA_RETURN_IF_ERROR(f.Each("restrictions", false, [&](const json& p, const std::string& at) {
    return ReadRestriction(p, at, &r->restrictions.emplace_back());
  }));
  BEVARA_RETURN_IF_ERROR(f.Each("files", true, [&](const json& p, const std::string& at) {
    return ReadFile(p, at, &r->files.emplace_back());
  }));
  return f.Done();
}

Status ReadPackage(const json* j, CaseDescription* d) {
  if (j == nullptr) return Fields::Error("package", "is required");
  BEVARA_RETURN_IF_ERROR(MustBeObject(*j, "package"));
  Fields f(*j, "package");
  BEVARA_RETURN_IF_ERROR(f.Text("id", &d->package_id));
  // The id names the package's folder and its METS OBJID: letters, digits,
  // '.', '_' and '-', not starting with '.'.
  for (char c : d->package_id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return Fields::Error("package.id", "may hold only letters, digits, '.', '_' and '-'");
    }
  }
  if (!d->package_id.empty() && (d->package_id[0] == '.' || d->package_id.size() > 100)) {
    return Fields::Error("package.id", "must not start with '.' and must be at most 100 characters");
  }
  BEVARA_RETURN_IF_ERROR(f.Text("label", &d->label));
  BEVARA_RETURN_IF_ERROR(f.Text("created", &d->created));
  BEVARA_RETURN_IF_ERROR(f.Text("content_category", &d->content_category));
  BEVARA_RETURN_IF_ERROR(f.Text("submission_agreement", &d->submission_agreement));
  BEVARA_RETURN_IF_ERROR(ReadOrganisation(f.Object("archival_creator"), "package.archival_creator", &d->archival_creator));
  BEVARA_RETURN_IF_ERROR(ReadOrganisation(f.Object("producer"), "package.producer", &d->producer));
  if (const json* s = f.Object("software")) {
    BEVARA_RETURN_IF_ERROR(MustBeObject(*s, "package.software"));
    Fields sf(*s, "package.software");
    BEVARA_RETURN_IF_ERROR(sf.Text("name", &d->software_name, true));
    BEVARA_RETURN_IF_ERROR(sf.Text("version", &d->software_version, true));
    BEVARA_RETURN_IF_ERROR(sf.Done());
  }
  BEVARA_RETURN_IF_ERROR(f.Each("documentation", false, [&](const json& p, const std::string& at) {
    return ReadFile(p, at, &d->documentation.emplace_back());
  }));
  return f.Done();
}

Status ReadCase(const json* j, CaseDescription* d) {
  if (j == nullptr) return Fields::Error("case", "is required");
  BEVARA_RETURN_IF_ERROR(MustBeObject(*j, "case"));
  Fields f(*j, "case");
  BEVARA_RETURN_IF_ERROR(f.Text("case_number", &d->case_number, true));
  BEVARA_RETURN_IF_ERROR(f.Text("title", &d->title, true));
  if (const json* c = f.Object("classification")) {
    BEVARA_RETURN_IF_ERROR(MustBeObject(*c, "case.classification"));
    Fields cf(*c, "case.classification");
    BEVARA_RETURN_IF_ERROR(cf.Text("code", &d->classification_code));
    BEVARA_RETURN_IF_ERROR(cf.Text("name", &d->classification, true));
    BEVARA_RETURN_IF_ERROR(cf.Done());
  }
  BEVARA_RETURN_IF_ERROR(f.Text("status", &d->status));
  if (d->status.empty()) d->status = "closed";
  BEVARA_RETURN_IF_ERROR(Date(f, "opened", &d->opened));
  BEVARA_RETURN_IF_ERROR(Date(f, "closed", &d->closed));
  BEVARA_RETURN_IF_ERROR(f.Each("agents", false, [&](const json& p, const std::string& at) {
    return ReadParty(p, at, &d->agents.emplace_back());
  }));
  BEVARA_RETURN_IF_ERROR(f.Each("restrictions", false, [&](const json& p, const std::string& at) {
    return ReadRestriction(p, at, &d->restrictions.emplace_back());
  }));
  BEVARA_RETURN_IF_ERROR(f.Each("records", true, [&](const json& p, const std::string& at) {
    return ReadRecord(p, at, &d->records.emplace_back());
  }));
  return f.Done();
}

}  // namespace

Result<CaseDescription> ParseCaseDescription(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Fields::Error("the description", "is not JSON");
  if (!j.is_object()) return Fields::Error("the description", "must be a JSON object");
  CaseDescription d;
  Fields f(j, "");
  BEVARA_RETURN_IF_ERROR(ReadPackage(f.Object("package"), &d));
  BEVARA_RETURN_IF_ERROR(ReadCase(f.Object("case"), &d));
  BEVARA_RETURN_IF_ERROR(f.Done());
  if (d.created.empty()) d.created = !d.closed.empty() ? d.closed : d.opened;
  if (d.created.empty()) return Fields::Error("package.created", "is required when the case has no closing date");
  if (d.created.size() == 10 && IsDate(d.created)) d.created += "T00:00:00Z";
  if (!IsXsdDateTime(d.created)) return Fields::Error("package.created", "must be a date or an xs:dateTime");
  if (d.label.empty()) d.label = d.title;
  return d;
}

}  // namespace bevara::ingest
