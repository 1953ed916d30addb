// CaseMetadata: what bevara reads from a package's FGS Ärendehantering
// (E-ARK ERMS) descriptive metadata — the case, its records (handlingar) and
// how each may be accessed under the Public Access to Information and
// Secrecy Act (OSL, 2009:400).
//
// The access state a record's metadata gives it (DeriveAccess) fails
// closed: every restriction on its path counts (each enclosing aggregation
// and the record itself), and the strictest wins:
//   secret      a secrecy restriction ("confidential", "secrecy",
//               "sekretess", in any letter case) whose end date, if any,
//               has not passed; an end date bevara cannot read, or beyond
//               year 9999, never passes
//   restricted  personal data, a protected identity, an agent of the record
//               with a personal identity number, or a restriction type
//               bevara does not know ("other" names its type in
//               otherRestrictionType, which is read the same way)
//   public      no restriction in force
// Secrecy with an end date lapses by itself. "public" here is "allmän och
// offentlig": it may be handed out on request. Nothing in metadata
// publishes a record online; only an archivist does (services/publication).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bevara::ingest {

struct SecrecyMarking {
  std::string regulation;   // as written: "OSL 26 kap. 1 §"
  int chapter = 0, section = 0;  // parsed from it; 0 when it names none
  std::string explanation;
  std::string ends;         // YYYY-MM-DD, the last day of secrecy; empty: no end given
};

// One <restriction> as written, and where it was found.
struct Restriction {
  std::string type;        // restrictionType
  std::string other_type;  // otherRestrictionType
  std::string regulation, explanation;
  std::string end;         // the latest end/expires/ended date, as written
  std::string on;          // "record", or "aggregation <systemIdentifier>"
};

struct RecordMetadata {
  std::string system_id;    // the record's systemIdentifier
  std::string object_id;    // its registration number (diarienummer:löpnummer)
  std::string title, record_type;
  std::string direction;    // incoming, outgoing, internal (inkommande, utgående, upprättad)
  std::string created;      // the first date of the record, as written
  std::vector<std::string> documents;  // hrefs of the files the record consists of
  std::optional<SecrecyMarking> secrecy;  // the record's first secrecy restriction, for display
  bool personal_data = false;             // a personal identity number names an agent of the record
  std::vector<Restriction> restrictions;  // the record's own and every enclosing aggregation's
};

struct CaseMetadata {
  std::string creator;            // arkivbildare
  std::string creator_id;         // its organisation number
  std::string case_number;        // diarienummer
  std::string title;              // ärendemening
  std::string classification_code, classification;
  std::string status;
  std::string opened, closed;     // as written
  std::vector<std::string> agents;  // "type: name (organisation)"
  std::vector<RecordMetadata> records;
};

enum class AccessState { kPublic, kSecret, kRestricted };
const char* AccessStateName(AccessState state);  // "public", "secret", "restricted"

// The order of strictness: kPublic < kRestricted < kSecret.
int Strictness(AccessState state);

struct RecordAccess {
  AccessState state = AccessState::kPublic;
  std::string ground;       // the legal ground of secrecy, "personal data", ...
  std::string public_from;  // secret with an end date: the first day it lapses (YYYY-MM-DD)
};

// Whichever of the two is stricter (`a` when equal).
RecordAccess Stricter(RecordAccess a, RecordAccess b);

// Of two secrecies, whether the one lapsing on `b_public_from` lasts longer
// than the one lapsing on `a_public_from` (an empty day: it never lapses).
inline bool LastsLonger(const std::string& b_public_from, const std::string& a_public_from) {
  return !a_public_from.empty() && (b_public_from.empty() || b_public_from > a_public_from);
}

// A date as written in ERMS (xs:date or xs:dateTime) as YYYY-MM-DD; "" when
// it is not one; "9999-12-31" for a year beyond 9999.
std::string ParseErmsDate(const std::string& text);

// The access state on `today` (YYYY-MM-DD).
RecordAccess DeriveAccess(const RecordMetadata& record, const std::string& today);

// "OSL 26 kap. 1 §", "26 kap. 1 § OSL", "26:1 OSL" -> chapter 26, section 1.
bool ParseOslReference(const std::string& text, int* chapter, int* section);

}  // namespace bevara::ingest
