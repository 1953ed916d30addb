#include "storage/catalog/version_record.h"

#include <nlohmann/json.hpp>

namespace bevara::storage {
namespace {

using nlohmann::json;

// Reads a field, or returns false if it is missing or of another type.
template <typename T>
bool Get(const json& j, const char* key, T* out) {
  auto it = j.find(key);
  if (it == j.end()) return false;
  try {
    *out = it->template get<T>();
  } catch (const json::exception&) {
    return false;
  }
  return true;
}

Status Bad(const char* what) { return Status::Corruption(std::string("version record: bad or missing ") + what); }

}  // namespace

json ToJson(const FileRecord& f) {
  json j = {{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}, {"mime_detected", f.mime_detected}};
  if (!f.mime_declared.empty()) j["mime_declared"] = f.mime_declared;
  if (!f.fixity.empty()) j["fixity"] = f.fixity;
  if (!f.format.empty()) {
    json format = {{"puid", f.format.puid}, {"name", f.format.name}, {"method", f.format.method},
                   {"policy", f.format.policy}};
    if (!f.format.version.empty()) format["version"] = f.format.version;
    if (!f.format.candidates.empty()) format["candidates"] = f.format.candidates;
    if (!f.format.note.empty()) format["note"] = f.format.note;
    j["format"] = std::move(format);
  }
  return j;
}

json ToJson(const PremisEvent& e) {
  return {{"id", e.id},         {"type", e.type},     {"date_time", e.date_time},
          {"outcome", e.outcome}, {"detail", e.detail}, {"agent", e.agent}};
}

Status WriteJson(const VersionRecord& r, const std::function<Status(std::string_view)>& out) {
  json events = json::array();
  for (const PremisEvent& e : r.events) events.push_back(ToJson(e));
  json head = {{"package_id", r.package_id}, {"version", r.version},     {"created", r.created},
               {"message", r.message},       {"label", r.label},         {"profile", r.profile},
               {"content_type", r.content_type},
               {"producer", {{"id", r.producer_id}, {"name", r.producer_name}}},
               {"sip_created", r.sip_created}, {"sip_format", r.sip_format},
               {"inventory", r.inventory},   {"aip_mets", r.aip_mets},   {"file_count", r.file_count},
               {"total_bytes", r.total_bytes}, {"events", events}};
  if (!r.format_signatures.empty()) head["format_signatures"] = r.format_signatures;
  std::string text = head.dump();
  text.pop_back();  // the closing brace: the file list follows
  text += ",\"files\":[";
  for (size_t i = 0; i < r.files.size(); ++i) {
    if (i > 0) text.push_back(',');
    text += ToJson(r.files[i]).dump();
    if (text.size() >= (256 << 10)) {
      BEVARA_RETURN_IF_ERROR(out(text));
      text.clear();
    }
  }
  text += "]}";
  return out(text);
}

Result<FileRecord> FileRecordFromJson(const json& j) {
  FileRecord f;
  if (!j.is_object() || !Get(j, "path", &f.path) || !Get(j, "size", &f.size) || !Get(j, "sha256", &f.sha256)) {
    return Bad("file");
  }
  Get(j, "mime_declared", &f.mime_declared);
  Get(j, "mime_detected", &f.mime_detected);
  Get(j, "fixity", &f.fixity);
  if (auto it = j.find("format"); it != j.end() && it->is_object()) {
    const json& format = *it;
    if (!Get(format, "method", &f.format.method)) return Bad("file format");
    Get(format, "puid", &f.format.puid);
    Get(format, "name", &f.format.name);
    Get(format, "version", &f.format.version);
    Get(format, "candidates", &f.format.candidates);
    Get(format, "note", &f.format.note);
    Get(format, "policy", &f.format.policy);
  }
  return f;
}

Result<PremisEvent> PremisEventFromJson(const json& j) {
  PremisEvent e;
  if (!j.is_object() || !Get(j, "id", &e.id) || !Get(j, "type", &e.type) || !Get(j, "date_time", &e.date_time) ||
      !Get(j, "outcome", &e.outcome)) {
    return Bad("event");
  }
  Get(j, "detail", &e.detail);
  Get(j, "agent", &e.agent);
  return e;
}

Result<VersionRecord> VersionRecordFromJson(const json& j) {
  VersionRecord r;
  if (!j.is_object() || !Get(j, "package_id", &r.package_id) || !Get(j, "version", &r.version) ||
      !Get(j, "created", &r.created) || !Get(j, "inventory", &r.inventory) || !Get(j, "aip_mets", &r.aip_mets)) {
    return Bad("header");
  }
  const std::pair<const char*, std::string*> optional_fields[] = {
      {"message", &r.message},         {"label", &r.label},             {"profile", &r.profile},
      {"content_type", &r.content_type}, {"sip_created", &r.sip_created}, {"sip_format", &r.sip_format},
      {"format_signatures", &r.format_signatures}};
  for (const auto& [key, field] : optional_fields) Get(j, key, field);
  if (auto p = j.find("producer"); p != j.end() && p->is_object()) {
    Get(*p, "id", &r.producer_id);
    Get(*p, "name", &r.producer_name);
  }
  Get(j, "file_count", &r.file_count);
  Get(j, "total_bytes", &r.total_bytes);
  auto files = j.find("files");
  auto events = j.find("events");
  if (files == j.end() || !files->is_array() || events == j.end() || !events->is_array()) return Bad("lists");
  for (const json& f : *files) {
    auto file = FileRecordFromJson(f);
    if (!file.ok()) return file.status();
    r.files.push_back(std::move(*file));
  }
  for (const json& e : *events) {
    auto event = PremisEventFromJson(e);
    if (!event.ok()) return event.status();
    r.events.push_back(std::move(*event));
  }
  return r;
}

}  // namespace bevara::storage
