#include "src/server/config_file.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace bevara::server {
namespace {

std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Status Bad(const std::string& path, const std::string& why) {
  return Status::InvalidArgument("configuration " + path + ": " + why);
}

Result<ConfigSettings> ParseIni(const std::string& path, std::istream& in) {
  ConfigSettings out;
  std::string line, section;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = "line " + std::to_string(number);
    std::string t = Trim(line);
    if (t.empty() || t[0] == ';' || t[0] == '#') continue;
    if (t.front() == '[') {
      if (t.back() != ']' || Trim(t.substr(1, t.size() - 2)).empty()) return Bad(path, where + ": a section is [name]");
      section = Trim(t.substr(1, t.size() - 2));
      continue;
    }
    const size_t eq = t.find('=');
    // The line itself is not repeated: it may hold a secret.
    if (eq == std::string::npos) return Bad(path, where + ": not key = value (a section, a setting or a comment)");
    const std::string key = Trim(t.substr(0, eq));
    if (key.empty()) return Bad(path, where + ": a setting without a key");
    if (section.empty()) return Bad(path, where + ": '" + key + "' comes before any [section]");
    const std::string name = section + "." + key;
    if (out.count(name)) return Bad(path, where + ": [" + section + "] " + key + " is set twice");
    const std::string value = Trim(t.substr(eq + 1));
    // Neither is read the way a reader of the file would expect: both would
    // become part of the value (a data directory named "x ; main").
    if (value.find(" ;") != std::string::npos || value.find(" #") != std::string::npos) {
      return Bad(path, where + ": [" + section + "] " + key + ": put comments on a line of their own");
    }
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
      return Bad(path, where + ": [" + section + "] " + key + ": write the value without quotes");
    }
    out[name] = {value, where};
  }
  return out;
}

Status Flatten(const std::string& path, const nlohmann::json& j, const std::string& prefix, ConfigSettings* out) {
  for (const auto& [key, value] : j.items()) {
    const std::string name = prefix.empty() ? key : prefix + "." + key;
    if (value.is_object()) {
      BEVARA_RETURN_IF_ERROR(Flatten(path, value, name, out));
    } else if (value.is_array() || value.is_null()) {
      return Bad(path, name + " must be a single value");
    } else if (prefix.empty()) {
      return Bad(path, "'" + key + "' must be a section (an object of settings)");
    } else {
      (*out)[name] = {value.is_string() ? value.get<std::string>() : value.dump(), ""};
    }
  }
  return Status::OK();
}

}  // namespace

Result<ConfigSettings> ReadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Bad(path, "cannot be read");
  if (!EndsWith(path, ".json")) return ParseIni(path, in);
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad(path, "is not JSON");
  if (!j.is_object()) return Bad(path, "must be a JSON object of sections");
  ConfigSettings out;
  BEVARA_RETURN_IF_ERROR(Flatten(path, j, "", &out));
  return out;
}

}  // namespace bevara::server
