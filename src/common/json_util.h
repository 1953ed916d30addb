// JSON in and out through nlohmann's type mapping (to_json / from_json),
// with nlohmann's exceptions kept inside: a value that does not map, or
// text that is not JSON, is a Status; text with invalid UTF-8 is written
// with U+FFFD in its place rather than thrown at.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "src/common/result.h"

namespace bevara {

// `value` as compact JSON text.
template <typename T>
std::string ToJsonText(const T& value) {
  return nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A parsed value mapped to T. InvalidArgument when it does not have T's shape.
template <typename T>
Result<T> JsonAs(const nlohmann::json& j) {
  try {
    return j.get<T>();
  } catch (const std::exception& e) {  // nlohmann's, or a from_json's own
    return Status::InvalidArgument(e.what());
  }
}

// `text` parsed as JSON and mapped to T. InvalidArgument (with the reason)
// when it is not JSON or does not have T's shape.
template <typename T>
Result<T> ParseJsonAs(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("not JSON");
  return JsonAs<T>(j);
}

// The string under `key` of a JSON object; "" when `j` is not an object,
// lacks the key, or holds something else there.
inline std::string JsonStringField(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace bevara
