// The fields a search hit shows on the search page, read from the summary
// the index stored for it (a JSON object) by a SAX parser: everything else
// in it, its file list above all, is passed over without being built
// (building the summary was a tenth of the page's time).
#pragma once

#include <string>

namespace bevara::web {

struct HitFields {
  std::string title, date, creator, case_number, record_type;
};

// The top level's text values under "title", "date", "creator",
// "case_number" and "record_type" (a value of another type, or one in a
// nested object, is not taken). False, and `out` empty, for anything but
// one well-formed JSON object.
bool ReadHitFields(const std::string& summary_json, HitFields* out);

}  // namespace bevara::web
